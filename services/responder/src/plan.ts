import { createHash } from "node:crypto";
import {
  REPLY_RECEIPT_SCHEMA_VERSION,
  WORKFLOW_SCHEMA_VERSION,
  type ReplyCommand,
  type ReplyError,
  type ReplyEventPayload,
  type ReplyReceipt,
  type WorkflowEvent,
  replyTextSha,
} from "@odzew/schema";
import { sameReplyText } from "@odzew/replies";

/**
 * The responder's decisions, pure: what to do with an outbox command given the receipt of its
 * idempotency key, whether what the store shows already is the command's outcome, whether a
 * failure is worth another try, and the receipts and events that record what happened.
 */

/** What to do with one command. */
export type ReplyStep =
  /** This attempt (or a later one) was carried out already: re-emit its event, touch nothing at the store. */
  | { kind: "done"; receipt: ReplyReceipt & { state: "sent" | "failed" } }
  /** Call the store; `check`: ask its current reply first, the outcome of an earlier call being unclear. */
  | { kind: "send"; check: boolean }
  /**
   * Another text was carried out under this key already: two agents sent different texts as the
   * same version at the same moment. This one is not sent; a `reply-failed` event says why.
   */
  | { kind: "conflict" };

/** Codes whose outcome at the store is unknown: the store may have taken the reply before failing. */
const UNCLEAR_CODES = new Set(["REPLY_UNAVAILABLE"]);

export function planCommand(command: ReplyCommand, receipt: ReplyReceipt | undefined): ReplyStep {
  if (!receipt) return { kind: "send", check: false };
  if (receipt.state === "sending") {
    // A responder died between calling the store and recording the outcome.
    return { kind: "send", check: true };
  }
  if (command.operation === "post" && command.text !== undefined && receipt.textSha !== undefined && receipt.textSha !== replyTextSha(command.text)) {
    return { kind: "conflict" };
  }
  if (receipt.attempt >= command.attempt) return { kind: "done", receipt: { ...receipt, state: receipt.state } };
  // A retry of an earlier attempt: after a sent one (a retry raced the success) or an unclear
  // failure the store may show the reply already.
  if (receipt.state === "sent") return { kind: "send", check: true };
  return { kind: "send", check: receipt.error !== undefined && UNCLEAR_CODES.has(receipt.error.code) };
}

/** The store's current reply as `current` returned it. */
export interface ShownReply {
  text: string;
  storeReplyId?: string | undefined;
}

/**
 * Whether the store already shows the command's outcome, so that it is recorded without calling
 * the store again: the same text for a post, no reply for a delete.
 */
export function storeShowsOutcome(command: ReplyCommand, shown: ShownReply | undefined): boolean {
  if (command.operation === "delete") return shown === undefined;
  return shown !== undefined && command.text !== undefined && sameReplyText(shown.text, command.text);
}

/** How the responder retries a failing store. */
export interface RetryPolicy {
  /** Calls to a store that fails with REPLY_UNAVAILABLE (5xx, network), the first included. */
  unavailableTries: number;
  /** Calls to a store that answers 429, the first included. */
  rateLimitedTries: number;
  /** First backoff after REPLY_UNAVAILABLE; it doubles, with jitter, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A Retry-After longer than this is not waited for: the reply fails, retryable, for an agent to retry. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  unavailableTries: 4,
  rateLimitedTries: 5,
  backoffMs: 2_000,
  maxBackoffMs: 60_000,
  maxRetryAfterMs: 5 * 60_000,
};

/** A store's failure as the responder sees it. */
export interface StoreFailure {
  code: string;
  retryable: boolean;
  retryAfterMs?: number | undefined;
}

export type RetryVerdict =
  /** Try again after `waitMs`; `check`: ask the store's current reply first. */
  | { retry: true; waitMs: number; check: boolean }
  /** Give up: record the failure (`retryable`: whether an agent's retry may succeed). */
  | { retry: false; retryable: boolean };

/**
 * After the `tries`-th failed call (1 for the first): REPLY_RATE_LIMITED waits the store's
 * Retry-After (or the backoff), REPLY_UNAVAILABLE backs off and checks the store's current reply
 * before the next call; anything else fails at once. `random` in [0, 1) gives the jitter.
 */
export function retryVerdict(failure: StoreFailure, tries: number, policy: RetryPolicy, random: number): RetryVerdict {
  const backoff = () => {
    const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, tries - 1));
    return Math.round(ceiling / 2 + random * (ceiling / 2));
  };
  if (failure.code === "REPLY_RATE_LIMITED") {
    if (tries >= policy.rateLimitedTries) return { retry: false, retryable: true };
    const wait = failure.retryAfterMs ?? backoff();
    if (wait > policy.maxRetryAfterMs) return { retry: false, retryable: true };
    return { retry: true, waitMs: wait, check: false };
  }
  if (UNCLEAR_CODES.has(failure.code)) {
    if (tries >= policy.unavailableTries) return { retry: false, retryable: true };
    return { retry: true, waitMs: backoff(), check: true };
  }
  return { retry: false, retryable: failure.retryable };
}

// ---------------------------------------------------------------------------------------------
// Receipts and events
// ---------------------------------------------------------------------------------------------

export function sendingReceipt(command: ReplyCommand, at: Date): ReplyReceipt {
  return { ...receiptBase(command, at), state: "sending" };
}

export function sentReceipt(command: ReplyCommand, at: Date, storeReplyId?: string): ReplyReceipt {
  return { ...receiptBase(command, at), state: "sent", ...(storeReplyId !== undefined ? { storeReplyId } : {}) };
}

export function failedReceipt(command: ReplyCommand, at: Date, error: ReplyError): ReplyReceipt {
  return { ...receiptBase(command, at), state: "failed", error: { ...error, message: error.message.slice(0, 2_000) } };
}

function receiptBase(command: ReplyCommand, at: Date) {
  return {
    schemaVersion: REPLY_RECEIPT_SCHEMA_VERSION,
    idempotencyKey: command.idempotencyKey,
    mentionId: command.mentionId,
    attempt: command.attempt,
    at: at.toISOString(),
    ...(command.operation === "post" && command.text !== undefined ? { textSha: replyTextSha(command.text) } : {}),
  } as const;
}

/**
 * The `reply-failed` event of a command whose key was carried out with another text (see
 * `ReplyStep` conflict). Its id is its own (key, attempt and this text), so it never takes the
 * place of the outcome that was recorded; the fold keeps the reply that was sent.
 */
export function conflictEvent(command: ReplyCommand, at: Date): WorkflowEvent {
  const sha = replyTextSha(command.text ?? "");
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    eventId: replyOutcomeEventId(`${command.idempotencyKey}:${sha}`, command.attempt, "failed"),
    mentionId: command.mentionId,
    publishedAt: command.publishedAt,
    team: command.team,
    actor: command.requestedBy,
    type: "reply-failed",
    reply: {
      version: command.version,
      operation: command.operation,
      channel: "api",
      idempotencyKey: command.idempotencyKey,
      attempt: command.attempt,
      ...(command.text !== undefined ? { text: command.text } : {}),
      error: {
        code: "REPLY_CONFLICT",
        message: `another text was sent as reply version ${command.version} at the same moment, so this one was not sent; read the reply that went out and, if yours is still needed, send it as a new reply`,
        retryable: false,
      },
    },
    at: at.toISOString(),
  };
}

/**
 * The event id of an outcome: the same for the same key, attempt and outcome, so an event
 * written again (a redelivered command, a crash before the offset was committed) is the same
 * event and the fold ignores it.
 */
export function replyOutcomeEventId(idempotencyKey: string, attempt: number, outcome: "sent" | "failed"): string {
  const readable = `reply-${outcome}:${idempotencyKey}:a${attempt}`;
  if (readable.length <= 100) return readable;
  return `reply-${outcome}:${createHash("sha256").update(`${idempotencyKey}\n${attempt}`).digest("hex").slice(0, 40)}`;
}

/**
 * The `reply-sent` or `reply-failed` event of a receipt: a function of the command and the
 * receipt alone, so re-emitting it after a redelivery gives the same event, byte for byte.
 */
export function outcomeEvent(command: ReplyCommand, receipt: ReplyReceipt & { state: "sent" | "failed" }): WorkflowEvent {
  const reply: ReplyEventPayload = {
    version: command.version,
    operation: command.operation,
    channel: "api",
    idempotencyKey: command.idempotencyKey,
    attempt: receipt.attempt,
    ...(command.operation === "post" && command.text !== undefined ? { text: command.text } : {}),
    ...(command.rule !== undefined ? { rule: command.rule } : {}),
    ...(receipt.storeReplyId !== undefined ? { storeReplyId: receipt.storeReplyId } : {}),
    ...(receipt.state === "failed" && receipt.error ? { error: receipt.error } : {}),
  };
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    eventId: replyOutcomeEventId(command.idempotencyKey, receipt.attempt, receipt.state),
    mentionId: command.mentionId,
    publishedAt: command.publishedAt,
    team: command.team,
    actor: command.requestedBy,
    type: receipt.state === "sent" ? "reply-sent" : "reply-failed",
    reply,
    at: receipt.at,
  };
}
