import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { OdzewError } from "@odzew/core";
import type { AppStoreConnectSourceConfig } from "@odzew/schema";
import { requiredSecret } from "./adapter.ts";

/**
 * Tokens for the App Store Connect API: a JWT signed with ES256 by the team API key's private key
 * (the AuthKey_<keyId>.p8 file, PKCS#8 PEM of an EC P-256 key), header `{alg: ES256, kid, typ: JWT}`,
 * claims `{iss: issuerId, iat, exp, aud: "appstoreconnect-v1"}`. Apple refuses tokens whose
 * lifetime (exp − iat) is over 20 minutes for these endpoints, and advises reusing a token until
 * it expires. See developer.apple.com/documentation/appstoreconnectapi/generating-tokens-for-api-requests.
 */

export const APP_STORE_CONNECT_AUDIENCE = "appstoreconnect-v1";
/** Apple's most for a token of these endpoints: 20 minutes. */
export const APP_STORE_CONNECT_TOKEN_LIFETIME_S = 20 * 60;
/** A cached token is replaced this long before it expires (a request in flight, a skewed clock). */
const EXPIRY_MARGIN_MS = 2 * 60_000;

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** A team API key, ready to sign with. */
export interface AppStoreConnectKey {
  issuerId: string;
  keyId: string;
  privateKey: KeyObject;
}

export interface AppStoreConnectToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Sign a token (pure apart from the signature's randomness): `now` in epoch milliseconds.
 * ES256 signatures in a JWT are the raw 64-byte r‖s (RFC 7518 §3.4), not DER: `ieee-p1363`.
 */
export function signAppStoreConnectJwt(key: AppStoreConnectKey, now: number, lifetimeS = APP_STORE_CONNECT_TOKEN_LIFETIME_S): AppStoreConnectToken {
  if (!Number.isInteger(lifetimeS) || lifetimeS < 1 || lifetimeS > APP_STORE_CONNECT_TOKEN_LIFETIME_S) {
    throw new OdzewError("CONFIG_INVALID", `an App Store Connect token lives 1 to ${APP_STORE_CONNECT_TOKEN_LIFETIME_S} seconds, not ${lifetimeS}`);
  }
  const iat = Math.floor(now / 1000);
  const exp = iat + lifetimeS;
  const header = base64url(JSON.stringify({ alg: "ES256", kid: key.keyId, typ: "JWT" }));
  const claims = base64url(JSON.stringify({ iss: key.issuerId, iat, exp, aud: APP_STORE_CONNECT_AUDIENCE }));
  const signingInput = `${header}.${claims}`;
  const signature = sign("sha256", Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  return { token: `${signingInput}.${signature.toString("base64url")}`, expiresAt: exp * 1000 };
}

/** Read a .p8 key file and check it is an EC P-256 private key. Errors name the file, never its content. */
export async function readAppStoreConnectPrivateKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new OdzewError("CONFIG_INVALID", `cannot read the App Store Connect key file ${path} (${reason}); download the key's .p8 file from Users and Access → Integrations`, {
      context: { file: path },
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new OdzewError("CONFIG_INVALID", `the App Store Connect key file ${path} is not a PEM private key; use the AuthKey_<key id>.p8 file exactly as Apple gave it`, {
      context: { file: path },
    });
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== "ec" || (curve !== "prime256v1" && curve !== "P-256")) {
    throw new OdzewError(
      "CONFIG_INVALID",
      `the key in ${path} is ${key.asymmetricKeyType ?? "unknown"}${curve ? ` (${curve})` : ""}, not an EC P-256 key; App Store Connect keys (.p8) are EC P-256`,
      { context: { file: path } },
    );
  }
  return key;
}

/** What an App Store Connect source's `apiKey` names, looked up in the environment. */
export interface ResolvedApiKey {
  issuerId: string;
  keyId: string;
  keyFile: string;
}

/**
 * The issuer ID, key ID and key file path a source's `apiKey` points at. A missing variable is a
 * `CONFIG_INVALID` error that names it.
 */
export function resolveApiKey(apiKey: AppStoreConnectSourceConfig["apiKey"], secret: (name: string) => string | undefined): ResolvedApiKey {
  const required = (name: string, what: string) => requiredSecret(secret, name, `${what} of the App Store Connect API key`);
  const issuerId = required(apiKey.issuerIdEnv, "the issuer ID");
  const keyId = required(apiKey.keyIdEnv, "the key ID");
  const keyFile = ENV_NAME.test(apiKey.privateKeyFile) ? required(apiKey.privateKeyFile, "the path of the .p8 file") : apiKey.privateKeyFile;
  return { issuerId, keyId, keyFile };
}

const cache = new Map<string, AppStoreConnectToken>();

function cacheKey(key: ResolvedApiKey): string {
  return `${key.issuerId}\u0000${key.keyId}\u0000${key.keyFile}`;
}

/**
 * A token for the key, from the cache while it has more than a couple of minutes left, else
 * freshly signed (the key file read again, so a replaced key is picked up). `clock` is for tests.
 */
export async function appStoreConnectToken(key: ResolvedApiKey, clock: () => number = Date.now): Promise<AppStoreConnectToken> {
  const now = clock();
  const cached = cache.get(cacheKey(key));
  if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > now) return cached;
  const privateKey = await readAppStoreConnectPrivateKey(key.keyFile);
  const token = signAppStoreConnectJwt({ issuerId: key.issuerId, keyId: key.keyId, privateKey }, now);
  cache.set(cacheKey(key), token);
  return token;
}

/** Forget the cached token of a key (after the API refused it). */
export function forgetAppStoreConnectToken(key: ResolvedApiKey): void {
  cache.delete(cacheKey(key));
}

function base64url(value: string): string {
  return Buffer.from(value).toString("base64url");
}
