import { createHash } from "node:crypto";
import { OdzewError } from "@odzew/core";
import { requiredSecret, type PollContext } from "./adapter.ts";

/** Where the OAuth client and the refresh token of a Google user come from. */
export interface GoogleOAuthConfig {
  /** The token endpoint, normally https://oauth2.googleapis.com/token. */
  tokenUrl: string;
  clientIdEnv: string;
  clientSecretEnv: string;
  refreshTokenEnv: string;
}

export interface GoogleAccessToken {
  token: string;
  /** Whether it came from the cache (an API that refuses it may have revoked it early). */
  cached: boolean;
}

/** A token is not used in its last minute. */
const EXPIRY_MARGIN_MS = 60_000;
/** Google's access tokens live an hour; used when a token response leaves `expires_in` out. */
const DEFAULT_LIFETIME_S = 3600;

interface CacheEntry {
  token: string;
  /** When to stop using it: shortly before it expires. */
  usableUntil: number;
}

const cache = new Map<string, CacheEntry>();
const inFlight = new Map<string, Promise<CacheEntry>>();

/** Read the three OAuth secrets; a missing one is a configuration error naming its variable. */
export function readOAuthSecrets(config: GoogleOAuthConfig, context: Pick<PollContext, "secret">) {
  const read = (name: string, what: string) => requiredSecret(context.secret, name, what);
  return {
    clientId: read(config.clientIdEnv, "the OAuth client id"),
    clientSecret: read(config.clientSecretEnv, "the OAuth client secret"),
    refreshToken: read(config.refreshTokenEnv, "the OAuth refresh token"),
  };
}

/**
 * An access token by the OAuth refresh-token flow (RFC 6749 §6): a form POST of client_id,
 * client_secret, refresh_token and grant_type=refresh_token to the token endpoint. The token
 * is cached per client and refresh token until shortly before it expires, and concurrent
 * polls share one exchange.
 */
export async function googleAccessToken(
  config: GoogleOAuthConfig,
  context: Pick<PollContext, "http" | "secret" | "signal">,
): Promise<GoogleAccessToken> {
  const secrets = readOAuthSecrets(config, context);
  const key = cacheKey(config, secrets);
  const cached = cache.get(key);
  if (cached && cached.usableUntil > Date.now()) return { token: cached.token, cached: true };

  let pending = inFlight.get(key);
  if (!pending) {
    pending = exchange(config, secrets, context).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  const entry = await pending;
  cache.set(key, entry);
  return { token: entry.token, cached: false };
}

/** Forget the cached token of these secrets, e.g. after the API refused it. */
export function forgetGoogleAccessToken(config: GoogleOAuthConfig, context: Pick<PollContext, "secret">): void {
  cache.delete(cacheKey(config, readOAuthSecrets(config, context)));
}

type OAuthSecrets = ReturnType<typeof readOAuthSecrets>;

/** Secrets never become map keys as they are: only their hash does. */
function cacheKey(config: GoogleOAuthConfig, secrets: OAuthSecrets): string {
  return createHash("sha256")
    .update([config.tokenUrl, secrets.clientId, secrets.clientSecret, secrets.refreshToken].join("\u0000"))
    .digest("hex");
}

async function exchange(
  config: GoogleOAuthConfig,
  secrets: OAuthSecrets,
  context: Pick<PollContext, "http" | "signal">,
): Promise<CacheEntry> {
  const body = new URLSearchParams({
    client_id: secrets.clientId,
    client_secret: secrets.clientSecret,
    refresh_token: secrets.refreshToken,
    grant_type: "refresh_token",
  }).toString();
  const startedAt = Date.now();
  let text: string;
  try {
    const response = await context.http.request("POST", config.tokenUrl, {
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    text = response.text;
  } catch (error) {
    throw tokenError(error, config);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const token = isRecord(parsed) && typeof parsed.access_token === "string" ? parsed.access_token : "";
  if (!token) {
    throw new OdzewError("SOURCE_PARSE", `the OAuth token endpoint ${config.tokenUrl} answered without an access_token`, {
      context: { url: config.tokenUrl },
    });
  }
  const lifetime =
    isRecord(parsed) && typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_LIFETIME_S;
  // Not used in its last minute (or last half, if it lives less than two): a request must not outlive it.
  return { token, usableUntil: startedAt + lifetime * 1000 - Math.min(EXPIRY_MARGIN_MS, (lifetime * 1000) / 2) };
}

/** A refused refresh (400 invalid_grant, 401 invalid_client) needs a person: say which secret to look at. */
function tokenError(error: unknown, config: GoogleOAuthConfig): unknown {
  if (!(error instanceof OdzewError) || error.retryable || typeof error.context.status !== "number") return error;
  const status = error.context.status;
  const detail = typeof error.context.body === "string" && error.context.body ? `: ${error.context.body}` : "";
  const hint =
    status === 400
      ? `the refresh token in ${config.refreshTokenEnv} is expired or revoked, or does not belong to the client in ${config.clientIdEnv}`
      : `the OAuth client in ${config.clientIdEnv} / ${config.clientSecretEnv} was refused`;
  return new OdzewError("SOURCE_HTTP", `OAuth token refresh at ${config.tokenUrl} failed (HTTP ${status}): ${hint}${detail}`, {
    retryable: false,
    cause: error,
    context: { url: config.tokenUrl, status },
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Shared by the Google adapters
// ---------------------------------------------------------------------------------------------

/** A JSON object from a Google API, or a SOURCE_PARSE error that says what came instead. */
export function readGoogleJson(text: string, url: string, api: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OdzewError("SOURCE_PARSE", `${api} answered ${url} with something that is not JSON: ${JSON.stringify(text.slice(0, 120))}`, {
      cause: error,
      context: { url },
    });
  }
  if (!isRecord(parsed)) {
    throw new OdzewError("SOURCE_PARSE", `${api} answered ${url} with JSON that is not an object`, { context: { url } });
  }
  return parsed;
}

/** An RFC 3339 timestamp as Google writes it (up to nanoseconds) → ISO 8601 in milliseconds; anything else → undefined. */
export function googleTimestamp(value: unknown): string | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

export type GoogleRefusal = 400 | 401 | 403 | 404;

/**
 * A Google API that refused us (400 — also an invalid API key —, 401, 403, 404) needs a person,
 * not a retry: a clear message with what to check and the start of Google's own explanation.
 * Other errors pass unchanged.
 */
export function googleApiError(error: unknown, api: string, hint: (status: GoogleRefusal) => string): unknown {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP") return error;
  const status = error.context.status;
  if (status !== 400 && status !== 401 && status !== 403 && status !== 404) return error;
  const detail = typeof error.context.body === "string" && error.context.body ? ` Google said: ${error.context.body}` : "";
  const what = status === 404 ? "does not know" : status === 400 ? "rejected" : "refused access to";
  return new OdzewError("SOURCE_HTTP", `${api} ${what} ${String(error.context.url)} (HTTP ${status}): ${hint(status)}.${detail}`, {
    retryable: false,
    cause: error,
    context: { ...error.context },
  });
}
