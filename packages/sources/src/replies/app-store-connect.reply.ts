import { OdzewError } from "@odzew/core";
import type { AppStoreConnectSourceConfig } from "@odzew/schema";
import { appStoreConnectBase, appStoreConnectRequest, appleErrorText, type AppStoreConnectCall } from "../app-store-connect.source.ts";
import type { FetchedPage, HttpMethod } from "../http-client.ts";
import { checkReplyText } from "./common.ts";
import type { ReplyAdapter, ReplyContext, StoreReply } from "./adapter.ts";

/**
 * The longest response Odzew sends to App Store Connect. Apple's API reference gives
 * `responseBody` no maximum; App Store Connect's own reply form stops at 5,970 characters.
 */
export const APP_STORE_CONNECT_REPLY_MAX = 5_970;

/**
 * Developer responses through the App Store Connect API (`customerReviewResponses`). A review has
 * at most one response; `POST /v1/customerReviewResponses` creates it or, when there is one,
 * overwrites it (Apple: "If a response already exists, this endpoint updates the response by
 * overwriting it"), so a post sent twice still leaves one response with that text. `current` is
 * `GET /v1/customerReviews/{id}/response`; `remove` deletes the response by its own id
 * (`DELETE /v1/customerReviewResponses/{id}`), found through `current`. Apple publishes a response
 * after a while (state PENDING_PUBLISH, then PUBLISHED): `current` reports it in either state.
 */
export const appStoreConnectReplyAdapter: ReplyAdapter<AppStoreConnectSourceConfig> = {
  capability(source) {
    if (!source.replies) {
      return { canReply: false, reason: `replies are switched off for source "${source.id}" (replies: false): answer in App Store Connect and record the reply here` };
    }
    return { canReply: true, maxLength: APP_STORE_CONNECT_REPLY_MAX, canDelete: true };
  },

  async current(source, nativeId, context) {
    const base = appStoreConnectBase(source);
    const fields = "fields%5BcustomerReviewResponses%5D=responseBody%2ClastModifiedDate%2Cstate";
    const fetched = await call(source, context, "GET", `${base}/v1/customerReviews/${encodeURIComponent(nativeId)}/response?${fields}`, "read the response to", nativeId, {
      notFound: "none",
    });
    if (fetched === undefined) {
      // 404: no response, or no review. Which one decides whether the reply can still be posted.
      await call(source, context, "GET", `${base}/v1/customerReviews/${encodeURIComponent(nativeId)}?fields%5BcustomerReviews%5D=rating`, "read", nativeId);
      return undefined;
    }
    return readStoreReply(fetched.text, nativeId, "read");
  },

  async post(source, nativeId, text, context) {
    if (!source.replies) throw new OdzewError("REPLY_NOT_CONFIGURED", `replies are switched off for source "${source.id}" (replies: false)`);
    checkReplyText(text, { maxLength: APP_STORE_CONNECT_REPLY_MAX }, "App Store Connect", "App Store Connect needs the text of the response");
    const body = {
      data: {
        type: "customerReviewResponses",
        attributes: { responseBody: text },
        relationships: { review: { data: { type: "customerReviews", id: nativeId } } },
      },
    };
    const fetched = await call(source, context, "POST", `${appStoreConnectBase(source)}/v1/customerReviewResponses`, "respond to", nativeId, { body });
    return (fetched && readStoreReply(fetched.text, nativeId, "post")) ?? { text };
  },

  async remove(source, nativeId, context) {
    const reply = await appStoreConnectReplyAdapter.current(source, nativeId, context);
    if (!reply?.storeReplyId) return;
    // A 404 here: deleted in between (or by an earlier attempt whose answer was lost): done.
    await call(source, context, "DELETE", `${appStoreConnectBase(source)}/v1/customerReviewResponses/${encodeURIComponent(reply.storeReplyId)}`, "delete the response to", nativeId, {
      notFound: "none",
    });
  },
};

/**
 * One API call, its failure turned into the reply error codes. `notFound: "none"`: a 404 is an
 * answer (undefined), not an error.
 */
async function call(
  source: AppStoreConnectSourceConfig,
  context: ReplyContext,
  method: HttpMethod,
  url: string,
  action: string,
  nativeId: string,
  options: { body?: unknown; notFound?: "none" } = {},
): Promise<FetchedPage | undefined> {
  const http = context.http.forSource(source);
  const apiCall: AppStoreConnectCall = { http, secret: (name) => context.secret(name), ...(context.signal ? { signal: context.signal } : {}) };
  try {
    return await appStoreConnectRequest(source, apiCall, method, url, options.body);
  } catch (error) {
    if (options.notFound === "none" && error instanceof OdzewError && error.context.status === 404) return undefined;
    throw replyError(error, source, action, nativeId);
  }
}

/** What went wrong, as the responder must decide on it, in Apple's words. */
function replyError(error: unknown, source: AppStoreConnectSourceConfig, action: string, nativeId: string): OdzewError {
  const what = `App Store Connect: cannot ${action} review ${nativeId} of app ${source.appId}`;
  if (!(error instanceof OdzewError)) {
    return new OdzewError("REPLY_UNAVAILABLE", `${what}: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error });
  }
  if (error.code === "CONFIG_INVALID") return new OdzewError("REPLY_NOT_CONFIGURED", `${what}: ${error.message}`, { cause: error, context: error.context });
  if (error.code === "SOURCE_FORBIDDEN_ADDRESS") return new OdzewError("REPLY_NOT_CONFIGURED", `${what}: ${error.message}`, { cause: error });
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  const said = appleErrorText(error);
  const http = status === undefined ? error.message : `HTTP ${status}${said ? `, ${said}` : ""}`;
  const context = { status, ...(typeof error.context.retryAfterMs === "number" ? { retryAfterMs: error.context.retryAfterMs } : {}) };
  const make = (code: ConstructorParameters<typeof OdzewError>[0], advice: string, retryable: boolean) =>
    new OdzewError(code, `${what} (${http})${advice ? `; ${advice}` : ""}`, { retryable, cause: error, context });

  if (status === undefined) return make("REPLY_UNAVAILABLE", "App Store Connect could not be reached; the response may or may not have been stored", true);
  if (status === 401) {
    return make(
      "REPLY_AUTH",
      `the API key was refused even with a fresh token: check that ${source.apiKey.issuerIdEnv}, ${source.apiKey.keyIdEnv} and the .p8 file belong to one active key and that this machine's clock is right`,
      false,
    );
  }
  if (status === 403) return make("REPLY_FORBIDDEN", "the API key's role may not respond to reviews of this app (Users and Access → Integrations)", false);
  if (status === 404 || (status === 409 && /RELATIONSHIP/.test(said ?? ""))) return make("REPLY_NOT_FOUND", "the review is gone from App Store Connect", false);
  if (status === 429) return make("REPLY_RATE_LIMITED", "the API key's hourly request limit is used up", true);
  if (status >= 500 || status === 408) return make("REPLY_UNAVAILABLE", "the outcome is unclear: the response may have been stored", true);
  if (status === 400 || status === 409 || status === 422) return make("REPLY_REJECTED", "App Store Connect refused the response", false);
  return make("REPLY_UNAVAILABLE", "", error.retryable);
}

/** A customerReviewResponses document (`{data: {id, attributes: {responseBody, lastModifiedDate, state}}}`) as a StoreReply. */
function readStoreReply(text: string, nativeId: string, during: string): StoreReply | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (during === "post") return undefined;
    throw new OdzewError("REPLY_UNAVAILABLE", `App Store Connect answered the response of review ${nativeId} with something that is not JSON`, { retryable: true });
  }
  const data = isRecord(json) ? json.data : undefined;
  if (!isRecord(data)) return undefined;
  const attributes = isRecord(data.attributes) ? data.attributes : {};
  if (typeof attributes.responseBody !== "string") return undefined;
  const updatedAt = typeof attributes.lastModifiedDate === "string" && !Number.isNaN(Date.parse(attributes.lastModifiedDate)) ? new Date(attributes.lastModifiedDate).toISOString() : undefined;
  return {
    text: attributes.responseBody,
    ...(updatedAt ? { updatedAt } : {}),
    ...(typeof data.id === "string" && data.id !== "" ? { storeReplyId: data.id } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
