import { createHash } from "node:crypto";
import { OdzewError, describeError } from "@odzew/core";
import type { TrustpilotSourceConfig } from "@odzew/schema";
import type { HttpMethod } from "../http-client.ts";
import type { ReplyAdapter, ReplyContext, StoreReply } from "./adapter.ts";
import { checkReplyText, isRecord, parseStoreJson, scrubSecrets, storeRefusal, unclearReply } from "./common.ts";

/**
 * Longest reply Odzew sends to Trustpilot. The API reference states no maximum for `message`;
 * Trustpilot refuses what it will not take with a 400 whose words the agent then sees.
 */
export const TRUSTPILOT_REPLY_MAX = 2_000;

type BusinessApi = NonNullable<TrustpilotSourceConfig["businessApi"]>;

/**
 * Replies through Trustpilot's business API, for a source with `businessApi`:
 * - token: the client-credentials grant, `POST /v1/oauth/oauth-business-users-for-applications/accesstoken`
 *   with `Authorization: Basic base64(API key:API secret)` and `grant_type=client_credentials`
 *   (cached until shortly before `expires_in`; such tokens cannot be refreshed, a new one is
 *   asked for; a 401 from the API asks for a new one once);
 * - `current`: the public review, `GET /v1/reviews/{reviewId}` with the `apikey` header: its `companyReply`;
 * - `post`: `POST /v1/private/reviews/{reviewId}/reply` with `{"message", "authorBusinessUserId"}`
 *   (creates the reply or replaces the one there, so sending the same text again changes nothing);
 * - `remove`: `DELETE /v1/private/reviews/{reviewId}/reply`.
 * The review id is the mention's native id: the id the trustpilot source reads from the page
 * (`/reviews/<id>`) is the one the API uses.
 */
export const trustpilotReplyAdapter: ReplyAdapter<TrustpilotSourceConfig> = {
  capability(source) {
    if (!source.businessApi) {
      return {
        canReply: false,
        reason:
          "Trustpilot replies need its business API (a paid plan with API access): create an application in Trustpilot Business → " +
          "Integrations → Developers → APIs and add businessApi: { businessUnitId, apiKeyEnv, apiSecretEnv } to the source. " +
          "Until then: answer in Trustpilot Business and record the reply here",
      };
    }
    return { canReply: true, maxLength: TRUSTPILOT_REPLY_MAX, canDelete: true };
  },

  async current(source, nativeId, context) {
    const api = configured(source);
    const key = secret(source, context, api.apiKeyEnv, "the API key");
    const text = await call(source, context, "GET", reviewUrl(api, nativeId, ""), { apikey: key });
    const review = parseStoreJson("Trustpilot", "GET", text);
    if (!isRecord(review)) throw unclearReply("Trustpilot", "GET", "the review is not a JSON object");
    const unit = isRecord(review.businessUnit) && typeof review.businessUnit.id === "string" ? review.businessUnit.id : undefined;
    if (unit && unit !== api.businessUnitId) {
      throw new OdzewError("REPLY_FORBIDDEN", `Trustpilot review ${nativeId} belongs to another business unit (${unit}), not ${api.businessUnitId}`, {
        context: { source: source.id, nativeId },
      });
    }
    return replyOf(review.companyReply);
  },

  async post(source, nativeId, text, context) {
    const api = configured(source);
    checkReplyText(text, { maxLength: TRUSTPILOT_REPLY_MAX }, "Trustpilot");
    const body = JSON.stringify({ message: text, ...(api.authorBusinessUserId ? { authorBusinessUserId: api.authorBusinessUserId } : {}) });
    const answer = await authorised(source, context, "POST", reviewUrl(api, nativeId, "/private"), body);
    // 201, with the reply or without a body: either way Trustpilot stored this text.
    let shown: StoreReply | undefined;
    if (answer.trim() !== "") {
      const json = parseStoreJson("Trustpilot", "POST", answer);
      shown = isRecord(json) ? replyOf(json.reply ?? json.companyReply) : undefined;
    }
    return shown ?? { text };
  },

  async remove(source, nativeId, context) {
    const api = configured(source);
    try {
      await authorised(source, context, "DELETE", reviewUrl(api, nativeId, "/private"));
    } catch (error) {
      // Nothing to delete: what was asked for is the case.
      if (error instanceof OdzewError && error.code === "REPLY_NOT_FOUND") return;
      throw error;
    }
  },
};

function configured(source: TrustpilotSourceConfig): BusinessApi {
  if (!source.businessApi) {
    throw new OdzewError("REPLY_NOT_CONFIGURED", `the Trustpilot source ${source.id} has no businessApi: add businessApi: { businessUnitId, apiKeyEnv, apiSecretEnv } to it in sources.yaml`, {
      context: { source: source.id },
    });
  }
  return source.businessApi;
}

/** `/v1/reviews/{id}` (public) or `/v1/private/reviews/{id}/reply`. */
function reviewUrl(api: BusinessApi, nativeId: string, scope: "" | "/private"): string {
  const path = `/v1${scope}/reviews/${encodeURIComponent(nativeId)}${scope ? "/reply" : ""}`;
  return new URL(path, api.baseUrl).toString();
}

function secret(source: TrustpilotSourceConfig, context: ReplyContext, name: string, what: string): string {
  const value = context.secret(name)?.trim();
  if (!value) {
    throw new OdzewError("REPLY_NOT_CONFIGURED", `the environment variable ${name} (${what} of Trustpilot's business API) is not set: the responder cannot answer the source ${source.id}`, {
      context: { source: source.id, variable: name },
    });
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Access token (client credentials)
// ---------------------------------------------------------------------------------------------

const EXPIRY_MARGIN_MS = 60_000;
/** Used when a token response leaves `expires_in` out (Trustpilot's documented answers carry it): an hour, to be safe. */
const DEFAULT_LIFETIME_S = 3600;
const tokens = new Map<string, { token: string; usableUntil: number }>();
const inFlight = new Map<string, Promise<{ token: string; usableUntil: number }>>();

async function accessToken(source: TrustpilotSourceConfig, context: ReplyContext, fresh: boolean): Promise<{ token: string; cached: boolean }> {
  const api = configured(source);
  const key = secret(source, context, api.apiKeyEnv, "the API key");
  const apiSecret = secret(source, context, api.apiSecretEnv, "the API secret");
  const cacheKey = createHash("sha256").update([api.tokenUrl, key, apiSecret].join("\u0000")).digest("hex");
  const cached = tokens.get(cacheKey);
  if (!fresh && cached && cached.usableUntil > Date.now()) return { token: cached.token, cached: true };
  let pending = inFlight.get(cacheKey);
  if (!pending) {
    pending = requestToken(source, api, key, apiSecret, context).finally(() => inFlight.delete(cacheKey));
    inFlight.set(cacheKey, pending);
  }
  const entry = await pending;
  tokens.set(cacheKey, entry);
  return { token: entry.token, cached: false };
}

async function requestToken(source: TrustpilotSourceConfig, api: BusinessApi, key: string, apiSecret: string, context: ReplyContext) {
  const startedAt = Date.now();
  let text: string;
  try {
    const page = await context.http.forSource(source).request("POST", api.tokenUrl, {
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:${apiSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: "grant_type=client_credentials",
      ...(context.signal ? { signal: context.signal } : {}),
    });
    text = page.text;
  } catch (error) {
    const status = error instanceof OdzewError && typeof error.context.status === "number" ? error.context.status : undefined;
    if (status === 400 || status === 401 || status === 403) {
      const said = trustpilotSaid(error instanceof OdzewError ? error.context.body : undefined, [key, apiSecret]);
      throw new OdzewError(
        "REPLY_AUTH",
        `Trustpilot refused the API key and secret in ${api.apiKeyEnv} / ${api.apiSecretEnv} (HTTP ${status})${said ? `: ${said}` : ""}; ` +
          `copy them again from Trustpilot Business → Integrations → Developers → APIs (the application must have API access)`,
        { cause: error, context: { source: source.id, status, variable: api.apiKeyEnv } },
      );
    }
    throw httpError(source, "POST", error, [key, apiSecret]);
  }
  const json = parseStoreJson("Trustpilot", "POST", text);
  const token = isRecord(json) && typeof json.access_token === "string" ? json.access_token : "";
  if (!token) throw unclearReply("Trustpilot", "POST", "Trustpilot's token endpoint answered without an access_token");
  // Trustpilot writes expires_in as a string of seconds ("359999").
  const raw = isRecord(json) ? Number(json.expires_in) : Number.NaN;
  const lifetime = Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_LIFETIME_S;
  return { token, usableUntil: startedAt + lifetime * 1000 - Math.min(EXPIRY_MARGIN_MS, (lifetime * 1000) / 2) };
}

/** A request with the business token; a 401 to a cached token gets a new token once. */
async function authorised(source: TrustpilotSourceConfig, context: ReplyContext, method: HttpMethod, url: string, body?: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const { token, cached } = await accessToken(source, context, attempt > 0);
    try {
      return await call(source, context, method, url, { authorization: `Bearer ${token}` }, body, [token]);
    } catch (error) {
      if (attempt === 0 && cached && error instanceof OdzewError && error.code === "REPLY_AUTH") continue;
      throw error;
    }
  }
}

async function call(
  source: TrustpilotSourceConfig,
  context: ReplyContext,
  method: HttpMethod,
  url: string,
  headers: Record<string, string>,
  body?: string,
  secrets: string[] = [],
): Promise<string> {
  const api = configured(source);
  const hidden = [...secrets, ...Object.values(headers)];
  try {
    const page = await context.http.forSource(source).request(method, url, {
      headers: { accept: "application/json", ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return page.text;
  } catch (error) {
    const wrapped = httpError(source, method, error, hidden);
    if (wrapped.code === "REPLY_AUTH" && "apikey" in headers) {
      throw new OdzewError("REPLY_AUTH", `${wrapped.message}; check the API key in ${api.apiKeyEnv}`, { cause: wrapped, context: wrapped.context });
    }
    throw wrapped;
  }
}

/** What the HTTP client's failure means for a reply, with Trustpilot's own words and never a secret. */
function httpError(source: TrustpilotSourceConfig, method: string, error: unknown, secrets: string[]): OdzewError {
  const base = { source: source.id };
  if (!(error instanceof OdzewError)) {
    return new OdzewError("REPLY_UNAVAILABLE", `${method} to Trustpilot: ${scrubSecrets(describeError(error), secrets)}`, { retryable: true, context: base });
  }
  if (error.code === "SOURCE_FORBIDDEN_ADDRESS") return new OdzewError("REPLY_NOT_CONFIGURED", error.message, { context: base });
  if (error.code.startsWith("REPLY_")) return error;
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  if (status === undefined) {
    return new OdzewError("REPLY_UNAVAILABLE", `${method} to Trustpilot: no answer (${scrubSecrets(error.message, secrets)})`, { retryable: true, cause: error, context: base });
  }
  return storeRefusal({
    store: "Trustpilot",
    status,
    said: trustpilotSaid(error.context.body, secrets),
    retryAfterMs: typeof error.context.retryAfterMs === "number" ? error.context.retryAfterMs : undefined,
    context: base,
    sentences: {
      REPLY_FORBIDDEN: "Trustpilot does not let this application answer this review (HTTP 403); the business user needs admin rights and the plan API access",
    },
  });
}

/** Trustpilot's `{"message", "details"}` (the token endpoint's `{"ErrorCode", "Error"}`), or the start of the body. */
function trustpilotSaid(body: unknown, secrets: string[]): string | undefined {
  if (typeof body !== "string" || body === "") return undefined;
  let said = body;
  try {
    const json: unknown = JSON.parse(body);
    if (isRecord(json)) {
      const parts = [json.message, json.details, json.error, json.error_description, json.ErrorCode, json.Error].filter((part): part is string => typeof part === "string" && part !== "");
      if (parts.length > 0) said = parts.join(": ");
    }
  } catch {
    // Not JSON (or cut off): as it is.
  }
  return scrubSecrets(said, secrets).slice(0, 300);
}

function replyOf(reply: unknown): StoreReply | undefined {
  if (reply === undefined || reply === null) return undefined;
  if (!isRecord(reply)) throw unclearReply("Trustpilot", "GET", "the review's companyReply is not an object");
  const text = typeof reply.text === "string" ? reply.text : typeof reply.message === "string" ? reply.message : undefined;
  if (text === undefined) throw unclearReply("Trustpilot", "GET", 'the review\'s companyReply has no "text"');
  const updatedAt = typeof reply.updatedAt === "string" ? reply.updatedAt : typeof reply.createdAt === "string" ? reply.createdAt : undefined;
  return { text, ...(updatedAt ? { updatedAt } : {}) };
}

