import { OdzewError, describeError, type OdzewErrorCode } from "@odzew/core";
import { replyLengthProblem, type ReplyLengthUnit } from "@odzew/schema";

/** What the reply adapters share: the length rule before sending, secrets out of messages, unclear answers. */

/**
 * Refuse a text the store would refuse, before anything is sent: empty, or over the store's limit
 * (the one length rule, `replyLengthProblem`). `REPLY_REJECTED`, not retryable: edit the text.
 */
export function checkReplyText(text: string, limit: { maxLength: number; lengthUnit?: ReplyLengthUnit }, store: string, whenEmpty = "write the reply"): void {
  if (text.trim() === "") throw new OdzewError("REPLY_REJECTED", `${store}: the reply is empty; ${whenEmpty}`, { retryable: false });
  const problem = replyLengthProblem(text, limit, store);
  if (problem) throw new OdzewError("REPLY_REJECTED", problem, { retryable: false, context: { maxLength: limit.maxLength, unit: limit.lengthUnit ?? "characters" } });
}

/** An answer the responder cannot read: the store may or may not have acted, so it asks before posting again. */
export function unclearReply(store: string, method: string, what: string): OdzewError {
  return new OdzewError("REPLY_UNAVAILABLE", `${method} to ${store}: ${what}`, { retryable: true });
}

/** A store's JSON answer; an answer that is not JSON is unclear. */
export function parseStoreJson(store: string, method: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw unclearReply(store, method, `its answer is not JSON (${describeError(error)})`);
  }
}

/** A message with the given secrets (tokens, keys; a `Bearer `/`Basic ` prefix ignored) blanked out. */
export function scrubSecrets(text: string, secrets: readonly string[], mark = "[secret]"): string {
  let result = text;
  for (const value of secrets) {
    const bare = value.replace(/^(Bearer|Basic) /, "");
    if (bare.length >= 4) result = result.replaceAll(bare, mark);
  }
  return result;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What a store's HTTP status means for a reply, the same for every store: 401 credentials, 403 no
 * permission, 404 the review is gone, 429 slow down, 408 and 5xx unclear (the store may have
 * acted), any other refusal the text itself. Adapters add the store's own words.
 */
export function replyCodeOfStatus(status: number): { code: "REPLY_AUTH" | "REPLY_FORBIDDEN" | "REPLY_NOT_FOUND" | "REPLY_RATE_LIMITED" | "REPLY_UNAVAILABLE" | "REPLY_REJECTED"; retryable: boolean } {
  if (status === 401) return { code: "REPLY_AUTH", retryable: false };
  if (status === 403) return { code: "REPLY_FORBIDDEN", retryable: false };
  if (status === 404) return { code: "REPLY_NOT_FOUND", retryable: false };
  if (status === 429) return { code: "REPLY_RATE_LIMITED", retryable: true };
  if (status === 408 || status >= 500) return { code: "REPLY_UNAVAILABLE", retryable: true };
  return { code: "REPLY_REJECTED", retryable: false };
}

type StatusCode = ReturnType<typeof replyCodeOfStatus>["code"];

/**
 * A store's refusal as a reply error: the code from `replyCodeOfStatus`, a sentence per code (the
 * adapter's own where it gives one, with what the user can do), the store's words after it, and
 * for a 429 how long the store asked to wait (`context.retryAfterMs`, which the responder honours).
 */
export function storeRefusal(options: {
  store: string;
  status: number;
  /** What the store said, secrets already blanked. */
  said?: string | undefined;
  retryAfterMs?: number | undefined;
  context: Record<string, unknown>;
  cause?: unknown;
  /** The sentence for a code, without the store's words (added after it). */
  sentences?: Partial<Record<StatusCode, string>>;
}): OdzewError {
  const { store, status } = options;
  const { code, retryable } = replyCodeOfStatus(status);
  const wait = code === "REPLY_RATE_LIMITED" && options.retryAfterMs !== undefined ? options.retryAfterMs : undefined;
  const defaults: Record<StatusCode, string> = {
    REPLY_AUTH: `${store} refused the credentials (HTTP 401)`,
    REPLY_FORBIDDEN: `${store} does not let this account answer this review (HTTP 403)`,
    REPLY_NOT_FOUND: `${store} has no such review (HTTP 404)`,
    REPLY_RATE_LIMITED: `${store} is limiting requests (HTTP 429)${wait !== undefined ? `; it asks to wait ${Math.ceil(wait / 1000)} s` : ""}`,
    REPLY_UNAVAILABLE: `${store} failed (HTTP ${status})`,
    REPLY_REJECTED: `${store} refused the reply (HTTP ${status})`,
  };
  const sentence = options.sentences?.[code] ?? defaults[code];
  const errorCode: OdzewErrorCode = code;
  return new OdzewError(errorCode, `${sentence}${options.said ? `: ${options.said}` : ""}`, {
    retryable,
    ...(options.cause !== undefined ? { cause: options.cause } : {}),
    context: { ...options.context, status, ...(wait !== undefined ? { retryAfterMs: wait } : {}) },
  });
}
