import { OdzewError, describeError } from "@odzew/core";
import type { AllegroSourceConfig } from "@odzew/schema";
import { allegroRequest, allegroSaid } from "../allegro-oauth.ts";
import type { ReplyAdapter, ReplyContext, StoreReply } from "./adapter.ts";
import { checkReplyText, isRecord, parseStoreJson, storeRefusal, unclearReply } from "./common.ts";

/**
 * Longest answer Odzew sends to an Allegro rating. Allegro's API reference states no maximum
 * for the answer (`UserRatingAnswerRequest.message`): 500 is Odzew's own, conservative cap (an
 * answer is a short public note under a rating); whatever Allegro refuses comes back as a 422
 * whose words the agent sees.
 */
export const ALLEGRO_ANSWER_MAX = 500;

/**
 * The seller's answer to a rating through Allegro's REST API:
 * - `current`: `GET /sale/user-ratings/{ratingId}` → the rating with `answer: {message, createdAt}` or without one;
 * - `post`: `PUT /sale/user-ratings/{ratingId}/answer` with `{"message": "…"}` → 200 `{message, createdAt}`;
 *   a refusal (4xx) of a text Allegro already shows word for word counts as done (a PUT repeated
 *   after an unclear failure must not turn into a failure);
 * - `remove`: the API has no way to delete an answer (the reference lists only the PUT), so a
 *   deletion is refused with words that say so; `canDelete` is false.
 * Both with `Accept`/`Content-Type: application/vnd.allegro.public.v1+json` and the seller's
 * OAuth token (refreshed once on a 401). Errors are Allegro's `{"errors": [{code, message, userMessage}]}`.
 */
export const allegroReplyAdapter: ReplyAdapter<AllegroSourceConfig> = {
  capability() {
    return { canReply: true, maxLength: ALLEGRO_ANSWER_MAX, canDelete: false };
  },

  async current(source, nativeId, context) {
    const text = await call(source, nativeId, context, "GET", ratingUrl(source, nativeId));
    const rating = parseStoreJson("Allegro", "GET", text);
    if (!isRecord(rating)) throw unclearReply("Allegro", "GET", "its answer is not a rating object");
    return answerOf(rating.answer);
  },

  async post(source, nativeId, text, context) {
    checkReplyText(text, { maxLength: ALLEGRO_ANSWER_MAX }, "Allegro");
    let body: string;
    try {
      body = await call(source, nativeId, context, "PUT", `${ratingUrl(source, nativeId)}/answer`, JSON.stringify({ message: text }));
    } catch (error) {
      // Refused as already answered? If what Allegro shows is this very text, the answer is there.
      if (error instanceof OdzewError && error.code === "REPLY_REJECTED") {
        const shown = await allegroReplyAdapter.current(source, nativeId, context).catch(() => undefined);
        if (shown && shown.text.trim() === text.trim()) return shown;
      }
      throw error;
    }
    const answer = answerOf(parseStoreJson("Allegro", "PUT", body));
    if (!answer) throw unclearReply("Allegro", "PUT", "Allegro answered the PUT without the answer's message");
    return answer;
  },

  async remove(source) {
    throw new OdzewError(
      "REPLY_FORBIDDEN",
      `Allegro's API cannot delete an answer to a rating (it only adds one): change it with a new answer, or ask Allegro's support in the seller panel (source ${source.id})`,
      { context: { source: source.id } },
    );
  },
};

function ratingUrl(source: AllegroSourceConfig, nativeId: string): string {
  return new URL(`/sale/user-ratings/${encodeURIComponent(nativeId)}`, source.baseUrl).toString();
}

function answerOf(answer: unknown): StoreReply | undefined {
  if (answer === undefined || answer === null) return undefined;
  if (!isRecord(answer) || typeof answer.message !== "string") throw unclearReply("Allegro", "GET", 'the rating\'s answer is not {"message": "…", "createdAt": "…"}');
  return { text: answer.message, ...(typeof answer.createdAt === "string" ? { updatedAt: answer.createdAt } : {}) };
}

async function call(source: AllegroSourceConfig, nativeId: string, context: ReplyContext, method: "GET" | "PUT", url: string, body?: string): Promise<string> {
  try {
    return (await allegroRequest(source, context, method, url, body)).text;
  } catch (error) {
    throw replyError(source, nativeId, method, error);
  }
}

/** What a failure means for the answer, in Allegro's words. */
function replyError(source: AllegroSourceConfig, nativeId: string, method: string, error: unknown): OdzewError {
  const base = { source: source.id, nativeId };
  if (!(error instanceof OdzewError)) {
    return new OdzewError("REPLY_UNAVAILABLE", `${method} to Allegro: ${describeError(error)}`, { retryable: true, context: base });
  }
  if (error.code === "CONFIG_INVALID") {
    // A missing variable (readAllegroSecrets names it).
    return new OdzewError("REPLY_NOT_CONFIGURED", `${error.message}: the responder cannot answer Allegro ratings`, { cause: error, context: { ...base, ...error.context } });
  }
  if (error.code === "SOURCE_FORBIDDEN_ADDRESS") return new OdzewError("REPLY_NOT_CONFIGURED", error.message, { context: base });
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  const tokenRefused = typeof error.context.url === "string" && error.context.url === source.tokenUrl;
  if (tokenRefused && !error.retryable) {
    // The refresh token or the application was refused: the message says what to do.
    return new OdzewError("REPLY_AUTH", error.message, { cause: error, context: { ...base, ...(status !== undefined ? { status } : {}) } });
  }
  if (status === undefined) {
    return new OdzewError("REPLY_UNAVAILABLE", `${method} to Allegro: no answer (${error.message})`, { retryable: true, cause: error, context: base });
  }
  return storeRefusal({
    store: "Allegro",
    status,
    said: allegroSaid(error.context.body),
    retryAfterMs: typeof error.context.retryAfterMs === "number" ? error.context.retryAfterMs : undefined,
    context: base,
    cause: error,
    sentences: {
      REPLY_AUTH: `Allegro refused the seller's token even after a fresh one (HTTP 401); authorise the application again and update ${source.oauth.refreshTokenEnv}`,
      REPLY_FORBIDDEN: `Allegro does not let this account answer rating ${nativeId} (HTTP 403)`,
      REPLY_NOT_FOUND: `Allegro has no rating ${nativeId} for this seller (HTTP 404)`,
      REPLY_REJECTED: `Allegro refused the answer (HTTP ${status})`,
    },
  });
}

