import { createHash } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { OdzewError } from "@odzew/core";
import type { AllegroSourceConfig } from "@odzew/schema";
import { requiredSecret } from "./adapter.ts";
import type { HttpClient } from "./http-client.ts";

/**
 * Access tokens for Allegro's REST API by the OAuth refresh-token grant: a form POST of
 * `grant_type=refresh_token&refresh_token=…` to `https://allegro.pl/auth/oauth/token` with
 * `Authorization: Basic base64(client_id:client_secret)`. Allegro answers `access_token`
 * (valid 12 hours, `expires_in` 43199) and a NEW `refresh_token` (valid 3 months): refresh
 * tokens are single-use, the one just sent is dead from then on.
 *
 * Rotation: the environment holds the refresh token the seller authorised; Odzew cannot change
 * it. The newest token is kept in memory and, when the source sets `oauth.refreshTokenFile`, in
 * that file (written atomically, mode 600), which a restart and the other Odzew processes read.
 * A refresh tries, each at most once: the newest token this process holds, the file's (read
 * again: another process may have rotated it), the environment's (a person may just have put a
 * freshly authorised one there). When Allegro refuses them all (`invalid_grant`), the error says
 * what to do: authorise the application again and put the new refresh token in the variable.
 */
export interface AllegroTokenContext {
  http: HttpClient;
  secret(name: string): string | undefined;
  signal?: AbortSignal;
}

export interface AllegroAccessToken {
  token: string;
  /** Whether it came from the cache (a 401 from the API then means: refresh once and retry). */
  cached: boolean;
}

/** A token is not used in its last minute. */
const EXPIRY_MARGIN_MS = 60_000;
/** Allegro's access tokens live 12 hours; used when a token response leaves `expires_in` out. */
const DEFAULT_LIFETIME_S = 43_199;

interface CacheEntry {
  token: string;
  usableUntil: number;
  /** The newest refresh token Allegro gave (it rotates them). */
  refreshToken: string;
}

const cache = new Map<string, CacheEntry>();
const inFlight = new Map<string, Promise<CacheEntry>>();

interface AllegroSecrets {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** The three OAuth secrets of the source; a missing one is `CONFIG_INVALID` naming its variable. */
export function readAllegroSecrets(source: AllegroSourceConfig, context: Pick<AllegroTokenContext, "secret">): AllegroSecrets {
  const read = (name: string, what: string) => requiredSecret(context.secret, name, `${what} of the Allegro source ${source.id}`, { source: source.id });
  return {
    clientId: read(source.oauth.clientIdEnv, "the Allegro application's Client ID"),
    clientSecret: read(source.oauth.clientSecretEnv, "the Allegro application's Client Secret"),
    refreshToken: read(source.oauth.refreshTokenEnv, "the seller's OAuth refresh token"),
  };
}

/** An access token for the source's seller account, cached until shortly before it expires; concurrent callers share one refresh. */
export async function allegroAccessToken(source: AllegroSourceConfig, context: AllegroTokenContext): Promise<AllegroAccessToken> {
  const secrets = readAllegroSecrets(source, context);
  const key = cacheKey(source, secrets);
  const cached = cache.get(key);
  if (cached && cached.usableUntil > Date.now()) return { token: cached.token, cached: true };
  let pending = inFlight.get(key);
  if (!pending) {
    pending = refresh(source, secrets, cached?.refreshToken, context, (entry) => cache.set(key, entry)).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  const entry = await pending;
  cache.set(key, entry);
  return { token: entry.token, cached: false };
}

/** The refresh tokens to try, newest first, each once; the first that Allegro takes wins. */
async function refresh(
  source: AllegroSourceConfig,
  secrets: AllegroSecrets,
  remembered: string | undefined,
  context: AllegroTokenContext,
  keep: (entry: CacheEntry) => void,
): Promise<CacheEntry> {
  const file = source.oauth.refreshTokenFile;
  const stored = async () => (file ? readStoredRefreshToken(file) : undefined);
  // The file once more at the end: another process may have rotated the token meanwhile.
  const candidates: Array<() => Promise<string | undefined>> = [async () => remembered, stored, async () => secrets.refreshToken, stored];
  const tried = new Set<string>();
  let refused: unknown;
  for (const next of candidates) {
    const refreshToken = await next();
    if (!refreshToken || tried.has(refreshToken)) continue;
    tried.add(refreshToken);
    let entry: CacheEntry;
    try {
      entry = await exchange(source, { ...secrets, refreshToken }, context);
    } catch (error) {
      if (error instanceof OdzewError && error.context.oauthError === "invalid_grant") {
        refused = error;
        continue;
      }
      throw error;
    }
    if (file) {
      // Kept in memory first: a file that cannot be written loses nothing in this process.
      keep(entry);
      await storeRefreshToken(file, entry.refreshToken, source);
    }
    return entry;
  }
  throw refused ?? new OdzewError("CONFIG_INVALID", `no refresh token for the Allegro source ${source.id}`, { context: { source: source.id } });
}

/** The refresh token kept in the file, if there is one. */
async function readStoredRefreshToken(file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, "utf8")).trim();
    return text === "" ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new OdzewError("CONFIG_INVALID", `cannot read the Allegro refresh token file ${file}: ${(error as Error).message}`, { context: { file } });
  }
}

/** Replace the file's token atomically (a reader never sees half a token), readable by its owner only. */
async function storeRefreshToken(file: string, refreshToken: string, source: AllegroSourceConfig): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, `${refreshToken}\n`, { mode: 0o600 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new OdzewError(
      "CONFIG_INVALID",
      `cannot write Allegro's new refresh token to ${file} (oauth.refreshTokenFile of the source ${source.id}): ${(error as Error).message}. ` +
        `Allegro has already replaced the old token: this process keeps the new one in memory; make the file writable before it restarts`,
      { context: { file, source: source.id } },
    );
  }
}

/** Forget every token this process holds: what a restart does (for tests). */
export function forgetAllAllegroTokens(): void {
  cache.clear();
}

/** Forget the cached access token (after Allegro refused it); the rotated refresh token is kept. */
export function forgetAllegroAccessToken(source: AllegroSourceConfig, context: Pick<AllegroTokenContext, "secret">): void {
  const key = cacheKey(source, readAllegroSecrets(source, context));
  const entry = cache.get(key);
  if (entry) cache.set(key, { ...entry, usableUntil: 0 });
}

/** Secrets never become map keys as they are: only their hash does. */
function cacheKey(source: AllegroSourceConfig, secrets: AllegroSecrets): string {
  return createHash("sha256").update([source.tokenUrl, secrets.clientId, secrets.clientSecret, secrets.refreshToken].join("\u0000")).digest("hex");
}

async function exchange(source: AllegroSourceConfig, secrets: AllegroSecrets, context: AllegroTokenContext): Promise<CacheEntry> {
  const startedAt = Date.now();
  let text: string;
  try {
    const response = await context.http.request("POST", source.tokenUrl, {
      headers: {
        authorization: `Basic ${Buffer.from(`${secrets.clientId}:${secrets.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: secrets.refreshToken }).toString(),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    text = response.text;
  } catch (error) {
    throw tokenError(error, source, secrets);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const token = typeof record.access_token === "string" ? record.access_token : "";
  if (!token) {
    throw new OdzewError("SOURCE_PARSE", `Allegro's token endpoint ${source.tokenUrl} answered without an access_token`, {
      retryable: true,
      context: { url: source.tokenUrl, source: source.id },
    });
  }
  const lifetime = typeof record.expires_in === "number" && record.expires_in > 0 ? record.expires_in : DEFAULT_LIFETIME_S;
  const rotated = typeof record.refresh_token === "string" && record.refresh_token !== "" ? record.refresh_token : secrets.refreshToken;
  return {
    token,
    usableUntil: startedAt + lifetime * 1000 - Math.min(EXPIRY_MARGIN_MS, (lifetime * 1000) / 2),
    refreshToken: rotated,
  };
}

/** A refused refresh needs a person: say which secret and what to do, with Allegro's words, never a secret. */
function tokenError(error: unknown, source: AllegroSourceConfig, secrets: AllegroSecrets): unknown {
  if (!(error instanceof OdzewError) || typeof error.context.status !== "number") return error;
  const status = error.context.status;
  if (status !== 400 && status !== 401) return error;
  const said = oauthSaid(error.context.body, secrets);
  const detail = said ? ` (Allegro said: ${said})` : "";
  const { clientIdEnv, clientSecretEnv, refreshTokenEnv } = source.oauth;
  const message =
    status === 401 || said?.startsWith("invalid_client")
      ? `Allegro refused the application's credentials in ${clientIdEnv} / ${clientSecretEnv} (HTTP ${status})${detail}: ` +
        `copy the Client ID and Client Secret from apps.developer.allegro.pl again`
      : `Allegro refused the refresh token in ${refreshTokenEnv} (HTTP ${status})${detail}: it expired (refresh tokens last 3 months), ` +
        `was revoked, or was already used: Allegro's refresh tokens are single-use, and ` +
        (source.oauth.refreshTokenFile
          ? `the newest one Odzew kept in ${source.oauth.refreshTokenFile} was refused too. `
          : `without oauth.refreshTokenFile Odzew keeps the newest only while it runs (and two processes with the same token use each other's up). `) +
        `Authorise the application again for the seller's account (the device flow in Allegro's "Uwierzytelnianie i autoryzacja" guide) ` +
        `and put the new refresh token in ${refreshTokenEnv}`;
  const oauthError = said && /^[a-z_]+/.exec(said)?.[0];
  // Not the client's error as the cause: its body snippet may hold the start of the refused token.
  return new OdzewError("SOURCE_HTTP", message, {
    retryable: false,
    context: {
      url: source.tokenUrl,
      status,
      source: source.id,
      variable: status === 401 ? clientIdEnv : refreshTokenEnv,
      ...(oauthError ? { oauthError } : {}),
    },
  });
}

/**
 * `error: error_description` of an OAuth error body, without any secret in it. Read with
 * patterns, not as JSON: the body is a cut snippet, and Allegro's `invalid_grant` description
 * repeats the refused refresh token (`Invalid refresh token: eyJ…`), so every long token-like run
 * is blanked, whole or cut.
 */
function oauthSaid(body: unknown, secrets: AllegroSecrets): string | undefined {
  if (typeof body !== "string" || body === "") return undefined;
  const code = /"error"\s*:\s*"([^"]*)"/.exec(body)?.[1];
  const description = /"error_description"\s*:\s*"([^"]*)/.exec(body)?.[1];
  let said = code || description ? [code, description].filter(Boolean).join(": ") : body;
  for (const secret of [secrets.refreshToken, secrets.clientSecret]) if (secret.length >= 4) said = said.replaceAll(secret, "[secret]");
  return said.replace(/[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_-]*)*/g, "[token]").slice(0, 300);
}

/** The media type of Allegro's public REST API, for Accept and Content-Type. */
export const ALLEGRO_MEDIA_TYPE = "application/vnd.allegro.public.v1+json";

/**
 * One request to Allegro's REST API with the seller's access token. A 401 to a cached token
 * (revoked or expired early) refreshes the token once and tries again; any other failure is
 * the HTTP client's `OdzewError` (`context.status`, `context.body`) for the caller to word.
 */
export async function allegroRequest(
  source: AllegroSourceConfig,
  context: AllegroTokenContext,
  method: "GET" | "PUT" | "DELETE",
  url: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  const http = context.http.forSource(source);
  const tokenContext = { ...context, http };
  for (let attempt = 0; ; attempt++) {
    const { token, cached } = await allegroAccessToken(source, tokenContext);
    try {
      const page = await http.request(method, url, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: ALLEGRO_MEDIA_TYPE,
          ...(body !== undefined ? { "content-type": ALLEGRO_MEDIA_TYPE } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      });
      return { status: page.status, text: page.text };
    } catch (error) {
      if (attempt === 0 && cached && error instanceof OdzewError && error.context.status === 401) {
        forgetAllegroAccessToken(source, context);
        continue;
      }
      throw error;
    }
  }
}

/** The words of Allegro's error body `{"errors": [{"code", "message", "userMessage", "path"}]}`, or its start. */
export function allegroSaid(body: unknown): string | undefined {
  if (typeof body !== "string" || body === "") return undefined;
  try {
    const json: unknown = JSON.parse(body);
    const errors = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>).errors : undefined;
    if (Array.isArray(errors)) {
      const words = errors
        .map((error: unknown) => {
          if (typeof error !== "object" || error === null) return undefined;
          const record = error as Record<string, unknown>;
          const text = typeof record.userMessage === "string" && record.userMessage ? record.userMessage : record.message;
          const code = typeof record.code === "string" ? record.code : undefined;
          return typeof text === "string" && text ? (code ? `${text} (${code})` : text) : code;
        })
        .filter((word): word is string => typeof word === "string");
      if (words.length > 0) return words.join("; ").slice(0, 300);
    }
  } catch {
    // Not JSON (or cut off): the start as it is.
  }
  return body.slice(0, 300);
}
