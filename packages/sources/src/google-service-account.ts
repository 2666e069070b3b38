import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { OdzewError } from "@odzew/core";
import type { HttpClient } from "./http-client.ts";

/** A service account's JSON key as the Google Cloud console downloads it (the fields used here). */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: KeyObject;
  privateKeyId?: string;
}

export interface AccessTokenRequest {
  /** Path of the JSON key file. */
  keyFile: string;
  /** The OAuth token endpoint; also the JWT's audience. */
  tokenUrl: string;
  scope: string;
  http: HttpClient;
  signal?: AbortSignal;
}

export interface AccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Requests it took: 0 from the cache, 1 after a token exchange. */
  requests: number;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const JWT_LIFETIME_S = 3600;
/** A cached token is renewed this long before Google says it expires. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

const cache = new Map<string, { token: string; expiresAt: number }>();

/**
 * The key file a config names: a path, or the name of an environment variable (`PLAY_KEY_FILE`)
 * that holds the path.
 */
export function resolveKeyFile(value: string, secret: (name: string) => string | undefined): string {
  if (!ENV_NAME.test(value)) return value;
  const path = secret(value);
  if (!path) {
    throw new OdzewError("CONFIG_INVALID", `serviceAccountKeyFile names the environment variable ${value}, which is not set`);
  }
  return path;
}

/** Read and check a service account key file. */
export async function readServiceAccountKey(path: string): Promise<ServiceAccountKey> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new OdzewError("CONFIG_INVALID", `cannot read the service account key file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OdzewError("CONFIG_INVALID", `the service account key file ${path} is not JSON`);
  }
  const record = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const { client_email: clientEmail, private_key: pem, private_key_id: privateKeyId } = record;
  if (typeof clientEmail !== "string" || typeof pem !== "string") {
    throw new OdzewError(
      "CONFIG_INVALID",
      `the service account key file ${path} has no client_email or private_key; download a JSON key of the service account`,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new OdzewError("CONFIG_INVALID", `the private_key in ${path} is not a valid PEM key`, { cause: error });
  }
  return { clientEmail, privateKey, ...(typeof privateKeyId === "string" ? { privateKeyId } : {}) };
}

/** A signed RS256 JWT asserting the service account, for the JWT-bearer grant. */
export function signServiceAccountJwt(key: ServiceAccountKey, scope: string, audience: string, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: "RS256", typ: "JWT", ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const claims = { iss: key.clientEmail, scope, aud: audience, iat, exp: iat + JWT_LIFETIME_S };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign("RSA-SHA256", Buffer.from(unsigned), key.privateKey);
  return `${unsigned}.${base64url(signature)}`;
}

/**
 * An OAuth access token for the service account: from the cache while it is valid, else from
 * a JWT-bearer exchange at the token endpoint. The cache lives as long as the process, keyed
 * by key file and token endpoint.
 */
export async function serviceAccountToken(request: AccessTokenRequest): Promise<AccessToken> {
  const cacheKey = `${request.keyFile}\u0000${request.tokenUrl}\u0000${request.scope}`;
  const cached = cache.get(cacheKey);
  if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return { ...cached, requests: 0 };

  const key = await readServiceAccountKey(request.keyFile);
  const assertion = signServiceAccountJwt(key, request.scope, request.tokenUrl);
  const body = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString();
  const response = await request.http.request("POST", request.tokenUrl, {
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    json = undefined;
  }
  const record = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const token = record.access_token;
  if (typeof token !== "string" || token === "") {
    throw new OdzewError("SOURCE_PARSE", `the token endpoint ${request.tokenUrl} answered without an access_token`, {
      context: { url: request.tokenUrl },
    });
  }
  const expiresIn = typeof record.expires_in === "number" ? record.expires_in : Number(record.expires_in ?? 3600);
  const expiresAt = Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000;
  cache.set(cacheKey, { token, expiresAt });
  return { token, expiresAt, requests: 1 };
}

/** Forget a cached token (after the API refused it). */
export function forgetServiceAccountToken(keyFile: string, tokenUrl: string, scope: string): void {
  cache.delete(`${keyFile}\u0000${tokenUrl}\u0000${scope}`);
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}
