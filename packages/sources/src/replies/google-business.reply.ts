import { OdzewError } from "@odzew/core";
import type { GoogleBusinessSourceConfig } from "@odzew/schema";
import { businessReviewsUrl, locationName } from "../google-business.source.ts";
import {
  forgetGoogleAccessToken,
  googleAccessToken,
  googleTimestamp,
  isRecord,
  readGoogleJson,
  type GoogleOAuthConfig,
} from "../google-oauth.ts";
import type { HttpMethod } from "../http-client.ts";
import { checkReplyText } from "./common.ts";
import type { ReplyAdapter, ReplyContext, StoreReply } from "./adapter.ts";
import { googleReplyCall, type GoogleReplyErrorWords } from "./google-reply.ts";

const API = "Google Business Profile";
/** ReviewReply.comment: "The maximum length is 4096 bytes" (UTF-8: a Polish letter takes two). */
export const BUSINESS_REPLY_MAX_BYTES = 4096;

/**
 * Replies to your own location's Google reviews through the Business Profile API (v4), as the
 * user of the source's OAuth refresh token (scope business.manage; an owner or manager of the
 * location, which must be verified):
 *
 * - `post`: `accounts.locations.reviews.updateReply`, PUT `…/reviews/{reviewId}/reply` with
 *   `{"comment": "…"}` → the ReviewReply `{comment, updateTime}`. It creates or replaces the
 *   reply, so sending the same text twice leaves one reply.
 * - `current`: `accounts.locations.reviews.get` → its `reviewReply`.
 * - `remove`: `deleteReply`, DELETE `…/reviews/{reviewId}/reply` → `{}`.
 *
 * The review's id is the mention's native id (the API's `reviewId`, as the source collects it).
 */
export const googleBusinessReplyAdapter: ReplyAdapter<GoogleBusinessSourceConfig> = {
  capability() {
    // The source cannot be configured without its OAuth secrets' variable names; whether they are set is seen when sending.
    return { canReply: true, maxLength: BUSINESS_REPLY_MAX_BYTES, canDelete: true, lengthUnit: "bytes" };
  },

  async current(source, nativeId, context) {
    const url = reviewUrl(source, nativeId);
    const words = wordsFor(source, nativeId, "reading the reply to");
    const review = readJson(await call(source, context, words, "GET", url), url, words);
    return readReply(review.reviewReply);
  },

  async post(source, nativeId, text, context) {
    const words = wordsFor(source, nativeId, "posting the reply to");
    checkReplyText(text, { maxLength: BUSINESS_REPLY_MAX_BYTES, lengthUnit: "bytes" }, "Google Business Profile", "delete the reply instead");
    const url = `${reviewUrl(source, nativeId)}/reply`;
    const answer = readJson(await call(source, context, words, "PUT", url, JSON.stringify({ comment: text })), url, words);
    // The ReviewReply as Google stored it; Google accepted the text even if the answer leaves it out.
    return readReply(answer) ?? { text };
  },

  async remove(source, nativeId, context) {
    const words = wordsFor(source, nativeId, "deleting the reply to");
    try {
      await call(source, context, words, "DELETE", `${reviewUrl(source, nativeId)}/reply`);
    } catch (error) {
      // No reply to delete, or no review at all: the review itself says which.
      if (!(error instanceof OdzewError) || error.code !== "REPLY_NOT_FOUND") throw error;
      const left = await googleBusinessReplyAdapter.current(source, nativeId, context);
      if (left) throw error;
    }
  },
};

function reviewUrl(source: GoogleBusinessSourceConfig, nativeId: string): string {
  return `${businessReviewsUrl(source)}/${encodeURIComponent(nativeId)}`;
}

function oauthOf(source: GoogleBusinessSourceConfig): GoogleOAuthConfig {
  return { tokenUrl: source.tokenUrl, ...source.oauth };
}

function wordsFor(source: GoogleBusinessSourceConfig, nativeId: string, doing: string): GoogleReplyErrorWords {
  const location = locationName(source);
  return {
    api: API,
    doing: `${doing} review ${nativeId} of ${location}`,
    authHint:
      `Check the OAuth client in ${source.oauth.clientIdEnv} / ${source.oauth.clientSecretEnv} and the refresh token in ` +
      `${source.oauth.refreshTokenEnv} (it must have the business.manage scope)`,
    forbiddenHint:
      `The Google user of the refresh token in ${source.oauth.refreshTokenEnv} must be an owner or manager of ${location}, ` +
      "the location must be verified, and the project must have the My Business APIs enabled",
    notFoundHint: `No review ${nativeId} at ${location}: check accountId and locationId of the source ${source.id}, or the review was deleted`,
  };
}

async function call(
  source: GoogleBusinessSourceConfig,
  context: ReplyContext,
  words: GoogleReplyErrorWords,
  method: HttpMethod,
  url: string,
  body?: string,
): Promise<string> {
  const oauth = oauthOf(source);
  const http = context.http.forSource(source);
  const page = await googleReplyCall(
    words,
    async () => {
      const access = await googleAccessToken(oauth, { http, secret: context.secret, ...(context.signal ? { signal: context.signal } : {}) });
      return { token: access.token, cached: access.cached };
    },
    () => forgetGoogleAccessToken(oauth, context),
    (token) =>
      http.request(method, url, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json; charset=utf-8" } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      }),
  );
  return page.text;
}

/** A ReviewReply `{comment, updateTime}`; none when the review has no reply. */
function readReply(value: unknown): StoreReply | undefined {
  if (!isRecord(value) || typeof value.comment !== "string" || value.comment === "") return undefined;
  const updatedAt = googleTimestamp(value.updateTime);
  return { text: value.comment, ...(updatedAt ? { updatedAt } : {}) };
}

function readJson(text: string, url: string, words: GoogleReplyErrorWords): Record<string, unknown> {
  // DELETE answers an empty object; some proxies answer it with no body at all.
  if (text.trim() === "") return {};
  try {
    return readGoogleJson(text, url, `The ${API} API`);
  } catch (error) {
    // Google answered 2xx with something unreadable: what it did is unclear.
    throw new OdzewError(
      "REPLY_UNAVAILABLE",
      `${API}: ${words.doing}: ${error instanceof Error ? error.message : String(error)}; the review's current reply is checked before it is sent again`,
      { retryable: true, cause: error },
    );
  }
}
