import { OdzewError } from "@odzew/core";
import type { GooglePlaySourceConfig } from "@odzew/schema";
import { readGoogleJson, isRecord } from "../google-oauth.ts";
import { ANDROID_PUBLISHER_SCOPE, developerApiReviewsUrl, timestamp } from "../google-play.source.ts";
import { forgetServiceAccountToken, resolveKeyFile, serviceAccountToken } from "../google-service-account.ts";
import { checkReplyText } from "./common.ts";
import type { ReplyAdapter, ReplyContext, StoreReply } from "./adapter.ts";
import { googleReplyCall, type GoogleReplyErrorWords } from "./google-reply.ts";

const API = "Google Play";
/** "Replies of more than approximately 350 characters will be rejected" (reviews.reply). */
export const PLAY_REPLY_MAX_LENGTH = 350;

export const PLAY_PUBLIC_MODE_REASON =
  "public mode reads the public page; set mode: developer-api with a service account that has 'Reply to reviews' permission in Play Console";

/**
 * Replies to your own app's Google Play reviews through the Play Developer API, as the source's
 * service account (scope androidpublisher; the account needs the "Reply to reviews" permission
 * in Play Console):
 *
 * - `post`: `reviews.reply`, POST `…/applications/{packageName}/reviews/{reviewId}:reply` with
 *   `{"replyText": "…"}` → `{"result": {"replyText", "lastEdited": {seconds, nanos}}}`. It sets
 *   the reply, creating or replacing it, so sending the same text twice leaves one reply.
 * - `current`: `reviews.get` → the `developerComment` among the review's `comments`.
 * - `remove`: the API has no way to delete a reply: refused, not retryable.
 *
 * Only `mode: developer-api` sources can reply. The review's id is the mention's native id (the
 * API's `reviewId`, as the source collects it).
 */
export const googlePlayReplyAdapter: ReplyAdapter<GooglePlaySourceConfig> = {
  capability(source) {
    if (source.mode !== "developer-api") return { canReply: false, reason: PLAY_PUBLIC_MODE_REASON };
    if (!source.serviceAccountKeyFile) {
      return {
        canReply: false,
        reason: "mode developer-api needs serviceAccountKeyFile (the service account's JSON key, or the variable holding its path)",
      };
    }
    return { canReply: true, maxLength: PLAY_REPLY_MAX_LENGTH, canDelete: false };
  },

  async current(source, nativeId, context) {
    const url = reviewUrl(source, nativeId);
    const words = wordsFor(source, nativeId, "reading the reply to");
    const text = await call(source, context, words, (token) =>
      context.http.forSource(source).request("GET", url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        ...(context.signal ? { signal: context.signal } : {}),
      }),
    );
    const review = readJson(text, url, words);
    const comments = Array.isArray(review.comments) ? review.comments.filter(isRecord) : [];
    const developer = comments.map((comment) => comment.developerComment).find(isRecord);
    if (!developer || typeof developer.text !== "string" || developer.text === "") return undefined;
    const updatedAt = timestamp(developer.lastModified);
    return { text: developer.text, ...(updatedAt ? { updatedAt } : {}) };
  },

  async post(source, nativeId, text, context) {
    const words = wordsFor(source, nativeId, "posting the reply to");
    checkReplyText(text, { maxLength: PLAY_REPLY_MAX_LENGTH }, "Google Play", "Google Play has no way to delete a reply");
    const url = `${reviewUrl(source, nativeId)}:reply`;
    const body = JSON.stringify({ replyText: text });
    const answer = await call(source, context, words, (token) =>
      context.http.forSource(source).request("POST", url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json", "content-type": "application/json; charset=utf-8" },
        body,
        ...(context.signal ? { signal: context.signal } : {}),
      }),
    );
    const result = readJson(answer, url, words).result;
    // "The reply text that was applied" (HTML tags stripped); Google accepted it even if it leaves the result out.
    const applied = isRecord(result) && typeof result.replyText === "string" ? result.replyText : text;
    const updatedAt = isRecord(result) ? timestamp(result.lastEdited) : undefined;
    return { text: applied, ...(updatedAt ? { updatedAt } : {}) } satisfies StoreReply;
  },

  remove(source, nativeId) {
    return Promise.reject(
      new OdzewError(
        "REPLY_FORBIDDEN",
        `${API} cannot delete a reply through its API (review ${nativeId} of ${source.appId}): send a new text to replace it, or manage it in Play Console`,
        { retryable: false, context: { source: source.id } },
      ),
    );
  },
};

function reviewUrl(source: GooglePlaySourceConfig, nativeId: string): string {
  return `${developerApiReviewsUrl(source)}/${encodeURIComponent(nativeId)}`;
}

function wordsFor(source: GooglePlaySourceConfig, nativeId: string, doing: string): GoogleReplyErrorWords {
  return {
    api: API,
    doing: `${doing} review ${nativeId} of ${source.appId}`,
    authHint:
      `Check the service account key in serviceAccountKeyFile of the source ${source.id} (a deleted key or service account is refused) ` +
      "and that the Google Play Android Developer API is enabled in its Cloud project",
    forbiddenHint:
      `The service account needs access to ${source.appId} with the "Reply to reviews" permission (Play Console → Users and permissions); ` +
      "Google also refuses replies to some reviews",
    notFoundHint: `No review ${nativeId} of ${source.appId}: check the appId of the source ${source.id}, or the review was deleted`,
  };
}

async function call(
  source: GooglePlaySourceConfig,
  context: ReplyContext,
  words: GoogleReplyErrorWords,
  request: (token: string) => Promise<{ text: string }>,
): Promise<string> {
  if (source.mode !== "developer-api" || !source.serviceAccountKeyFile) {
    throw new OdzewError("REPLY_NOT_CONFIGURED", `${API}: cannot reply to the source ${source.id}: ${PLAY_PUBLIC_MODE_REASON}`, {
      context: { source: source.id },
    });
  }
  const keyFileSetting = source.serviceAccountKeyFile;
  let keyFile = "";
  const page = await googleReplyCall(
    words,
    async () => {
      keyFile = resolveKeyFile(keyFileSetting, (name) => context.secret(name));
      const token = await serviceAccountToken({
        keyFile,
        tokenUrl: source.tokenUrl,
        scope: ANDROID_PUBLISHER_SCOPE,
        http: context.http.forSource(source),
        ...(context.signal ? { signal: context.signal } : {}),
      });
      return { token: token.token, cached: token.requests === 0 };
    },
    () => forgetServiceAccountToken(keyFile, source.tokenUrl, ANDROID_PUBLISHER_SCOPE),
    request,
  );
  return page.text;
}

function readJson(text: string, url: string, words: GoogleReplyErrorWords): Record<string, unknown> {
  try {
    return readGoogleJson(text, url, `The ${API} Developer API`);
  } catch (error) {
    // Google answered 2xx with something unreadable: what it did is unclear.
    throw new OdzewError("REPLY_UNAVAILABLE", `${API}: ${words.doing}: ${error instanceof Error ? error.message : String(error)}; the review's current reply is checked before it is sent again`, {
      retryable: true,
      cause: error,
    });
  }
}
