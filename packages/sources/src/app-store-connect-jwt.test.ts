import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OdzewError } from "@odzew/core";
import { appStoreConnectSourceSchema } from "@odzew/schema";
import {
  APP_STORE_CONNECT_TOKEN_LIFETIME_S,
  appStoreConnectToken,
  forgetAppStoreConnectToken,
  readAppStoreConnectPrivateKey,
  resolveApiKey,
  signAppStoreConnectJwt,
} from "./app-store-connect-jwt.ts";

const dir = mkdtempSync(join(tmpdir(), "odzew-asc-jwt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const keyFile = join(dir, "AuthKey_2X9R4HXF34.p8");
writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }).toString());

function parsePart(part: string): Record<string, unknown> {
  const json: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error(`not a JSON object: ${part}`);
  return Object.fromEntries(Object.entries(json));
}

function decode(token: string) {
  const [header = "", claims = "", signature = ""] = token.split(".");
  return {
    header: parsePart(header),
    claims: parsePart(claims),
    signed: `${header}.${claims}`,
    signature: Buffer.from(signature, "base64url"),
  };
}

describe("signAppStoreConnectJwt", () => {
  it("signs ES256 with the key id and Apple's claims; the public key verifies it", async () => {
    const key = { issuerId: "57246542-96fe-1a63-e053-0824d011072a", keyId: "2X9R4HXF34", privateKey: await readAppStoreConnectPrivateKey(keyFile) };
    const now = Date.parse("2026-11-29T10:00:00.000Z");
    const { token, expiresAt } = signAppStoreConnectJwt(key, now);
    const { header, claims, signed, signature } = decode(token);

    expect(header).toEqual({ alg: "ES256", kid: "2X9R4HXF34", typ: "JWT" });
    expect(claims).toEqual({ iss: key.issuerId, iat: now / 1000, exp: now / 1000 + 1200, aud: "appstoreconnect-v1" });
    expect(expiresAt).toBe(now + 1_200_000);
    // A JWT's ES256 signature is r‖s, 64 bytes, not DER.
    expect(signature).toHaveLength(64);
    expect(verify("sha256", Buffer.from(signed), { key: publicKey, dsaEncoding: "ieee-p1363" }, signature)).toBe(true);
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    expect(verify("sha256", Buffer.from(signed), { key: other, dsaEncoding: "ieee-p1363" }, signature)).toBe(false);
  });

  it("never signs a token that lives longer than Apple accepts (20 minutes)", async () => {
    const key = { issuerId: "issuer", keyId: "KEY", privateKey: await readAppStoreConnectPrivateKey(keyFile) };
    expect(() => signAppStoreConnectJwt(key, Date.now(), APP_STORE_CONNECT_TOKEN_LIFETIME_S + 1)).toThrow(/1 to 1200 seconds/);
  });
});

describe("readAppStoreConnectPrivateKey", () => {
  it("names the file that is missing, not a P-256 key, or not a key at all, never its content", async () => {
    await expect(readAppStoreConnectPrivateKey(join(dir, "missing.p8"))).rejects.toThrow(/cannot read the App Store Connect key file .*missing\.p8 \(ENOENT\)/);

    const rsa = join(dir, "rsa.p8");
    writeFileSync(rsa, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    await expect(readAppStoreConnectPrivateKey(rsa)).rejects.toThrow(/rsa\.p8 is rsa, not an EC P-256 key/);

    const p384 = join(dir, "p384.p8");
    writeFileSync(p384, generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    await expect(readAppStoreConnectPrivateKey(p384)).rejects.toThrow(/secp384r1.*not an EC P-256 key/);

    const garbage = join(dir, "garbage.p8");
    writeFileSync(garbage, "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3QtYS1rZXk=\n-----END PRIVATE KEY-----\n");
    const error = await readAppStoreConnectPrivateKey(garbage).catch((caught: unknown) => caught);
    if (!(error instanceof OdzewError)) throw new Error(`expected an OdzewError, got ${String(error)}`);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toMatch(/garbage\.p8 is not a PEM private key/);
    expect(error.message).not.toContain("c2VjcmV0");
  });
});

describe("resolveApiKey", () => {
  const apiKey = appStoreConnectSourceSchema.parse({ id: "app", type: "app-store-connect", appId: "1", schedule: "*/30 * * * *" }).apiKey;

  it("reads the issuer ID, key ID and the key file's path from the variables the config names", () => {
    const env: Record<string, string> = { APP_STORE_CONNECT_ISSUER_ID: "issuer", APP_STORE_CONNECT_KEY_ID: "KEY", APP_STORE_CONNECT_KEY_FILE: keyFile };
    expect(resolveApiKey(apiKey, (name) => env[name])).toEqual({ issuerId: "issuer", keyId: "KEY", keyFile });
    // A path in the config is used as is.
    expect(resolveApiKey({ ...apiKey, privateKeyFile: "/etc/odzew/AuthKey.p8" }, (name) => env[name]).keyFile).toBe("/etc/odzew/AuthKey.p8");
  });

  it("refuses the key itself in the configuration, without repeating it", () => {
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const parsed = appStoreConnectSourceSchema.safeParse({ id: "app", type: "app-store-connect", appId: "1", schedule: "*/30 * * * *", apiKey: { privateKeyFile: pem } });
    expect(parsed.success).toBe(false);
    const message = parsed.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") ?? "";
    expect(message).toContain("apiKey.privateKeyFile: the path of the AuthKey_….p8 file or the variable holding it, never the key itself");
    expect(message).not.toContain(pem.split("\n")[1] ?? "BEGIN");
  });

  it("names the variable that is not set", () => {
    expect(() => resolveApiKey(apiKey, (name) => (name === "APP_STORE_CONNECT_ISSUER_ID" ? "issuer" : undefined))).toThrow(
      /APP_STORE_CONNECT_KEY_ID \(the key ID of the App Store Connect API key\) is not set/,
    );
  });
});

describe("appStoreConnectToken", () => {
  it("reuses a token until two minutes before it expires, then signs a new one", async () => {
    const key = { issuerId: "cache-issuer", keyId: "CACHE", keyFile };
    let now = Date.parse("2026-11-29T10:00:00.000Z");
    const clock = () => now;
    const first = await appStoreConnectToken(key, clock);
    now += 17 * 60_000;
    expect((await appStoreConnectToken(key, clock)).token).toBe(first.token);
    now += 60_000 + 1;
    const second = await appStoreConnectToken(key, clock);
    expect(second.token).not.toBe(first.token);
    expect(decode(second.token).claims.iat).toBe(Math.floor(now / 1000));

    forgetAppStoreConnectToken(key);
    now += 1000;
    expect((await appStoreConnectToken(key, clock)).token).not.toBe(second.token);
  });
});
