import { describe, expect, it } from "vitest";
import { COLLECT_JOB_SCHEMA_VERSION, type CollectJob, type SourceCursor } from "@odzew/schema";
import { emptyCursor, jobVerdict } from "./health.ts";

const t0 = new Date("2026-11-25T10:00:00.000Z");
const job = (reason: CollectJob["reason"], requestedAt: string): CollectJob => ({
  schemaVersion: COLLECT_JOB_SCHEMA_VERSION,
  jobId: "job-1",
  sourceId: "shop",
  reason,
  requestedAt,
});
const waiting: SourceCursor = {
  ...emptyCursor("shop", t0),
  health: { ...emptyCursor("shop", t0).health, lastPollAt: t0.toISOString(), retryNotBefore: "2026-11-25T10:10:00.000Z" },
};

describe("which collect jobs poll their source", () => {
  it("skips scheduled and retry jobs while the source asked us to wait, and polls from the time it gave", () => {
    expect(jobVerdict(waiting, job("schedule", "2026-11-25T10:05:00.000Z"), new Date("2026-11-25T10:05:00.100Z"))).toEqual({
      run: false,
      reason: "the source asked us to wait until 2026-11-25T10:10:00.000Z; job skipped",
    });
    expect(jobVerdict(waiting, job("retry", "2026-11-25T10:05:00.000Z"), new Date("2026-11-25T10:05:00.000Z")).run).toBe(false);
    // The scheduler's retry job at that time runs, even if its clock is a little ahead of ours.
    expect(jobVerdict(waiting, job("retry", "2026-11-25T10:09:59.000Z"), new Date("2026-11-25T10:09:59.000Z")).run).toBe(true);
    expect(jobVerdict(waiting, job("schedule", "2026-11-25T10:11:00.000Z"), new Date("2026-11-25T10:11:00.000Z")).run).toBe(true);
  });

  it("lets an operator's manual or backfill job through, and skips a scheduled job a newer poll made stale", () => {
    expect(jobVerdict(waiting, job("manual", "2026-11-25T10:05:00.000Z"), new Date("2026-11-25T10:05:00.000Z")).run).toBe(true);
    expect(jobVerdict(waiting, job("backfill", "2026-11-25T10:05:00.000Z"), new Date("2026-11-25T10:05:00.000Z")).run).toBe(true);
    expect(jobVerdict(waiting, job("schedule", "2026-11-25T09:59:00.000Z"), new Date("2026-11-25T10:12:00.000Z"))).toEqual({
      run: false,
      reason: "a newer poll already ran; job skipped",
    });
  });
});
