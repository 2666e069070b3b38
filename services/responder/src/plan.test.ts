import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { applyReplyEvent } from "@odzew/replies";
import { replyCommandSchema, replyIdempotencyKey, replyReceiptSchema, workflowEventSchema, type ReplyCommand, type ReplyReceipt } from "@odzew/schema";
import {
  DEFAULT_RETRY_POLICY,
  conflictEvent,
  failedReceipt,
  outcomeEvent,
  planCommand,
  replyOutcomeEventId,
  retryVerdict,
  sendingReceipt,
  sentReceipt,
  storeShowsOutcome,
} from "./plan.ts";

const MENTION = "0123456789abcdef0123456789abcdef";
const AT = new Date("2026-11-29T12:00:00.000Z");

const command = (overrides: Partial<ReplyCommand> = {}): ReplyCommand =>
  replyCommandSchema.parse({
    schemaVersion: 1,
    idempotencyKey: replyIdempotencyKey(MENTION, 2, overrides.operation ?? "post"),
    mentionId: MENTION,
    publishedAt: "2026-11-28T08:00:00.000Z",
    source: { id: "sklep-zuraw", type: "html" },
    nativeId: "op-17",
    operation: "post",
    version: 2,
    text: "Dziękujemy za opinię, Pani Anno!",
    team: "obsluga",
    requestedBy: "ania",
    requestedAt: "2026-11-29T11:59:00.000Z",
    ...overrides,
  });

const receipt = (state: ReplyReceipt["state"], attempt: number, error?: ReplyReceipt["error"]): ReplyReceipt =>
  replyReceiptSchema.parse({
    schemaVersion: 1,
    idempotencyKey: replyIdempotencyKey(MENTION, 2, "post"),
    mentionId: MENTION,
    state,
    attempt,
    at: AT.toISOString(),
    ...(error ? { error } : {}),
  });

const UNAVAILABLE = { code: "REPLY_UNAVAILABLE", message: "sklep.example failed (HTTP 503)", retryable: true, status: 503 };
const REJECTED = { code: "REPLY_REJECTED", message: "Odpowiedź jest za długa", retryable: false, status: 400 };

describe("planCommand", () => {
  it("sends a command seen for the first time, without asking the store first", () => {
    expect(planCommand(command(), undefined)).toEqual({ kind: "send", check: false });
  });

  it("asks the store first after a crash between the sending receipt and the outcome", () => {
    expect(planCommand(command(), receipt("sending", 0))).toEqual({ kind: "send", check: true });
    expect(planCommand(command({ attempt: 1 }), receipt("sending", 1))).toEqual({ kind: "send", check: true });
  });

  it("does not take another text sent under the same key for done: two agents raced on one version", () => {
    const first = command({ text: "Dziękujemy, Pani Anno!" });
    const racing = command({ text: "Przepraszamy za kłopot, Pani Anno." });
    const sent = sentReceipt(first, AT);
    expect(sent.textSha).toBeDefined();
    // The same text again: done, its outcome re-emitted. Another text: refused, not sent, never "done".
    expect(planCommand(first, sent)).toMatchObject({ kind: "done" });
    expect(planCommand(racing, sent)).toEqual({ kind: "conflict" });
    expect(planCommand(racing, failedReceipt(first, AT, REJECTED))).toEqual({ kind: "conflict" });
    // The event says so in words, with an id of its own (never the recorded outcome's).
    const event = workflowEventSchema.parse(conflictEvent(racing, AT));
    expect(event).toMatchObject({ type: "reply-failed", reply: { version: 2, error: { code: "REPLY_CONFLICT", retryable: false } } });
    expect(event.eventId).not.toBe(outcomeEvent(first, { ...sent, state: "sent" }).eventId);
    expect(event.eventId).not.toBe(replyOutcomeEventId(first.idempotencyKey, 0, "failed"));
    expect(conflictEvent(racing, AT)).toEqual(conflictEvent(racing, AT));
    // Folded after the sent one, it leaves the reply that went out in place.
    const folded = [outcomeEvent(first, { ...sent, state: "sent" }), event].reduce<ReturnType<typeof applyReplyEvent>>(
      (state, next) => applyReplyEvent(state, next, first.publishedAt),
      undefined,
    );
    expect(folded).toMatchObject({ status: "sent", text: "Dziękujemy, Pani Anno!" });
  });

  it("never calls the store again for an attempt already carried out: it re-emits that outcome", () => {
    const sent = receipt("sent", 0);
    expect(planCommand(command(), sent)).toEqual({ kind: "done", receipt: sent });
    const failed = receipt("failed", 1, REJECTED);
    expect(planCommand(command({ attempt: 1 }), failed)).toEqual({ kind: "done", receipt: failed });
    // A late copy of an earlier attempt changes nothing either.
    expect(planCommand(command({ attempt: 0 }), failed)).toEqual({ kind: "done", receipt: failed });
  });

  it("retries a failed attempt, asking the store first only when the failure was unclear", () => {
    expect(planCommand(command({ attempt: 1 }), receipt("failed", 0, REJECTED))).toEqual({ kind: "send", check: false });
    expect(planCommand(command({ attempt: 1 }), receipt("failed", 0, UNAVAILABLE))).toEqual({ kind: "send", check: true });
    // A retry of a version the store took already: checked, not posted twice.
    expect(planCommand(command({ attempt: 1 }), receipt("sent", 0))).toEqual({ kind: "send", check: true });
  });
});

describe("storeShowsOutcome", () => {
  it("takes the same text, however the store spaced it, as already posted; another text as not", () => {
    expect(storeShowsOutcome(command(), { text: "Dziękujemy za opinię,\n Pani Anno!  " })).toBe(true);
    expect(storeShowsOutcome(command(), { text: "Dziękujemy za opinię!" })).toBe(false);
    expect(storeShowsOutcome(command(), undefined)).toBe(false);
  });

  it("takes no reply at the store as a delete already done", () => {
    const remove = command({ operation: "delete", text: undefined });
    expect(storeShowsOutcome(remove, undefined)).toBe(true);
    expect(storeShowsOutcome(remove, { text: "Dziękujemy" })).toBe(false);
  });
});

describe("retryVerdict", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, unavailableTries: 3, rateLimitedTries: 3, backoffMs: 1_000, maxBackoffMs: 8_000, maxRetryAfterMs: 60_000 };

  it("fails a refused text at once, as the adapter says whether it is retryable", () => {
    expect(retryVerdict({ code: "REPLY_REJECTED", retryable: false }, 1, policy, 0.5)).toEqual({ retry: false, retryable: false });
    expect(retryVerdict({ code: "REPLY_AUTH", retryable: false }, 1, policy, 0.5)).toEqual({ retry: false, retryable: false });
    expect(retryVerdict({ code: "REPLY_NOT_FOUND", retryable: false }, 1, policy, 0.5)).toEqual({ retry: false, retryable: false });
  });

  it("waits what a 429 asks, without checking the store (a 429 took nothing), and gives up on a long wait", () => {
    expect(retryVerdict({ code: "REPLY_RATE_LIMITED", retryable: true, retryAfterMs: 30_000 }, 1, policy, 0.5)).toEqual({ retry: true, waitMs: 30_000, check: false });
    expect(retryVerdict({ code: "REPLY_RATE_LIMITED", retryable: true, retryAfterMs: 3_600_000 }, 1, policy, 0.5)).toEqual({ retry: false, retryable: true });
    expect(retryVerdict({ code: "REPLY_RATE_LIMITED", retryable: true, retryAfterMs: 1_000 }, 3, policy, 0.5)).toEqual({ retry: false, retryable: true });
  });

  it("backs off after a 5xx, checks the store before the next call, and ends retryable so an agent can retry", () => {
    const random = seededRandom(11);
    let previousCeiling = 0;
    for (let tries = 1; tries < policy.unavailableTries; tries++) {
      const verdict = retryVerdict({ code: "REPLY_UNAVAILABLE", retryable: true }, tries, policy, random());
      const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (tries - 1));
      expect(verdict).toMatchObject({ retry: true, check: true });
      if (verdict.retry) expect(verdict.waitMs).toBeGreaterThanOrEqual(ceiling / 2);
      if (verdict.retry) expect(verdict.waitMs).toBeLessThanOrEqual(ceiling);
      expect(ceiling).toBeGreaterThanOrEqual(previousCeiling);
      previousCeiling = ceiling;
    }
    expect(retryVerdict({ code: "REPLY_UNAVAILABLE", retryable: true }, policy.unavailableTries, policy, 0.5)).toEqual({ retry: false, retryable: true });
  });
});

describe("receipts and events", () => {
  it("records a sent reply as a reply-sent event of the requester and team, with its text and key", () => {
    const sent = { ...sentReceipt(command(), AT, "resp-1"), state: "sent" as const };
    const event = workflowEventSchema.parse(outcomeEvent(command(), sent));
    expect(event).toEqual({
      schemaVersion: 1,
      eventId: `reply-sent:${MENTION}:v2:post:a0`,
      mentionId: MENTION,
      publishedAt: "2026-11-28T08:00:00.000Z",
      team: "obsluga",
      actor: "ania",
      type: "reply-sent",
      reply: {
        version: 2,
        operation: "post",
        channel: "api",
        text: "Dziękujemy za opinię, Pani Anno!",
        idempotencyKey: `${MENTION}:v2:post`,
        attempt: 0,
        storeReplyId: "resp-1",
      },
      at: AT.toISOString(),
    });
  });

  it("records a failure with the store's words and keeps a rule's id on its events", () => {
    const byRule = command({ requestedBy: "rule:thanks-5-stars", rule: "thanks-5-stars", attempt: 1 });
    const failed = { ...failedReceipt(byRule, AT, REJECTED), state: "failed" as const };
    const event = workflowEventSchema.parse(outcomeEvent(byRule, failed));
    expect(event).toMatchObject({
      eventId: `reply-failed:${MENTION}:v2:post:a1`,
      type: "reply-failed",
      actor: "rule:thanks-5-stars",
      reply: { rule: "thanks-5-stars", attempt: 1, error: REJECTED },
    });
  });

  it("gives the same event for the same receipt (a re-emit is the same event) and different ones per attempt and outcome", () => {
    const random = seededRandom(5);
    const ids = new Set<string>();
    for (let attempt = 0; attempt < 20; attempt++) {
      const retry = command({ attempt });
      const at = new Date(AT.getTime() + Math.floor(random() * 1e9));
      const sent = { ...sentReceipt(retry, at), state: "sent" as const };
      expect(outcomeEvent(retry, sent)).toEqual(outcomeEvent(retry, { ...sent }));
      ids.add(outcomeEvent(retry, sent).eventId);
      ids.add(outcomeEvent(retry, { ...failedReceipt(retry, at, UNAVAILABLE), state: "failed" }).eventId);
    }
    expect(ids.size).toBe(40);
    expect(sendingReceipt(command(), AT)).toEqual(replyReceiptSchema.parse(sendingReceipt(command(), AT)));
  });

  it("keeps event ids within the schema's 100 characters for long keys", () => {
    const long = "k".repeat(300);
    const id = replyOutcomeEventId(long, 3, "sent");
    expect(id.length).toBeLessThanOrEqual(100);
    expect(replyOutcomeEventId(long, 3, "sent")).toBe(id);
    expect(replyOutcomeEventId(long, 4, "sent")).not.toBe(id);
  });
});
