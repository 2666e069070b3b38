import type { CollectJob, SourceAlert, SourceConfig, SourceCursor } from "@odzew/schema";
import type { PollContext, PollResult } from "./adapter.ts";
import { afterFailure, afterSuccess, resumeAfter } from "./cursor.ts";

/**
 * A source's poll as one transition, the same for the collector and `odzew backfill`: the poll's
 * outcome and the cursor before it → the cursor after it (seen ids, resume point, health), what
 * became of the source's health alert, and how a catch-up in progress ended. Which job polls at
 * all, and in which mode, is decided here too. Pure: no Kafka, no HTTP, no clock.
 */

type PollMode = PollContext["mode"];

/** Clocks of the scheduler and the collectors may differ this much: a retry job a little early still runs. */
export const RETRY_CLOCK_SKEW_MS = 2_000;

/**
 * Whether a collect job polls its source now. A scheduled job is skipped when a newer poll
 * already ran; scheduled and retry jobs are skipped while the source asked us to wait
 * (`health.retryNotBefore`): the scheduler sends a retry job for that time. Manual and backfill
 * jobs are an operator's explicit request and always run.
 */
export function jobVerdict(cursor: SourceCursor, job: CollectJob, now: Date): { run: true } | { run: false; reason: string } {
  if (job.reason === "schedule" && cursor.health.lastPollAt && cursor.health.lastPollAt > job.requestedAt) {
    return { run: false, reason: "a newer poll already ran; job skipped" };
  }
  const notBefore = cursor.health.retryNotBefore;
  if ((job.reason === "schedule" || job.reason === "retry" || job.reason === "confirm") && notBefore && now.getTime() + RETRY_CLOCK_SKEW_MS < Date.parse(notBefore)) {
    return { run: false, reason: `the source asked us to wait until ${notBefore}; job skipped` };
  }
  return { run: true };
}

/**
 * How a job reads its source: from the top down to its history on the first poll, on a backfill
 * job and on a confirm job (which stops early, see `PollContext.lookFor`), else up to the cursor.
 */
export function pollModeOf(cursor: SourceCursor, reason: CollectJob["reason"]): PollMode {
  return cursor.backfilled && reason !== "backfill" && reason !== "confirm" ? "incremental" : "backfill";
}

/** What a poll came to: its result, or the error it failed with (an aborted poll is no outcome). */
export type PollOutcome = { ok: true; result: PollResult } | { ok: false; error: unknown };

/**
 * What became of the source's health alert with this poll: `raised` (none before, or one with
 * another code), `ongoing` (the same code as before, its `since` kept), `cleared` (gone), or
 * `none` (none before, none now).
 */
export type HealthAlertChange =
  | { kind: "raised"; alert: SourceAlert; previous?: SourceAlert }
  | { kind: "ongoing"; alert: SourceAlert }
  | { kind: "cleared"; previous: SourceAlert }
  | { kind: "none" };

export interface PollTransition {
  /** The cursor to write, with the source's health. */
  cursor: SourceCursor;
  /** The health alert: the one to raise, still on, or cleared. */
  alert: HealthAlertChange;
  /** A catch-up in progress reached the reviews from before its gap this poll. */
  caughtUp: boolean;
  /** A catch-up read as many pages as it may without closing its gap: reviews in it may be missing. */
  gaveUp: boolean;
  /** HTTP errors this poll added to the health's count (0 or 1). */
  httpErrors: number;
}

export function alertChange(previous: SourceAlert | undefined, next: SourceAlert | undefined): HealthAlertChange {
  if (next) {
    if (previous?.code === next.code) return { kind: "ongoing", alert: next };
    return previous ? { kind: "raised", alert: next, previous } : { kind: "raised", alert: next };
  }
  return previous ? { kind: "cleared", previous } : { kind: "none" };
}

/**
 * The one transition after a poll: `afterSuccess` or `afterFailure` on the cursor (a layout that
 * changed, a source that blocks or keeps failing, Retry-After), and what it means for the health
 * alert and a catch-up in progress.
 */
export function pollTransition(
  cursor: SourceCursor,
  outcome: PollOutcome,
  poll: { startedAt: Date; now: Date; mode: PollMode; limits: SourceConfig["limits"] },
): PollTransition {
  if (!outcome.ok) {
    const next = afterFailure(cursor, outcome.error, poll.startedAt, poll.now);
    return {
      cursor: next,
      alert: alertChange(cursor.health.alert, next.health.alert),
      caughtUp: false,
      gaveUp: false,
      httpErrors: next.health.httpErrors - cursor.health.httpErrors,
    };
  }
  const next = afterSuccess(cursor, outcome.result, poll);
  const { caughtUp, gaveUp } = resumeAfter(cursor, outcome.result, poll.limits, poll.mode, poll.now);
  return { cursor: next, alert: alertChange(cursor.health.alert, next.health.alert), caughtUp, gaveUp, httpErrors: 0 };
}
