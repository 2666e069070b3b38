import type { CollectJob, SourceCursor } from "@odzew/schema";

/** The cursor rules live in @odzew/sources, shared with `odzew backfill`: one owner per rule. */
export { SEEN_LIMIT, FAILURES_BEFORE_ALERT, BLOCKS_BEFORE_ALERT, emptyCursor, afterFailure, afterSuccess, pollInputs, resumeAfter } from "@odzew/sources";

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
  if ((job.reason === "schedule" || job.reason === "retry") && notBefore && now.getTime() + RETRY_CLOCK_SKEW_MS < Date.parse(notBefore)) {
    return { run: false, reason: `the source asked us to wait until ${notBefore}; job skipped` };
  }
  return { run: true };
}
