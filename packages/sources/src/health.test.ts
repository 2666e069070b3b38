import { describe, expect, it } from "vitest";
import { OdzewError, seededRandom } from "@odzew/core";
import { sampleRawMention } from "@odzew/testing";
import { COLLECT_JOB_SCHEMA_VERSION, type CollectJob, type SourceConfig, type SourceCursor } from "@odzew/schema";
import type { PollResult } from "./adapter.ts";
import { emptyCursor } from "./cursor.ts";
import { alertChange, jobVerdict, pollModeOf, pollTransition, type PollOutcome } from "./health.ts";

const t0 = new Date("2026-11-25T10:00:00.000Z");
const minutes = (count: number) => new Date(t0.getTime() + count * 60_000);
const limits: SourceConfig["limits"] = { maxPages: 10, backfillPages: 20, maxItemsPerPoll: 1000 };
const incremental = (now: Date) => ({ startedAt: now, now, mode: "incremental" as const, limits });

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

const ok = (ids: string[], overrides: Partial<PollResult> = {}): PollOutcome => ({
  ok: true,
  result: { mentions: ids.map((nativeId) => sampleRawMention({ nativeId })), requests: 1, pages: 1, parsed: ids.length, problems: [], stoppedBy: "last-page", ...overrides },
});
const failed = (status: number | undefined, retryAfterMs?: number): PollOutcome => ({
  ok: false,
  error: new OdzewError("SOURCE_HTTP", `GET https://example.pl/opinie: ${status === undefined ? "timeout" : `HTTP ${status}`}`, {
    retryable: true,
    context: { ...(status === undefined ? {} : { status }), ...(retryAfterMs ? { retryAfterMs } : {}) },
  }),
});

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

  it("reads a history on the first poll and on a backfill job, up to the cursor otherwise", () => {
    const fresh = emptyCursor("shop", t0);
    const polled = { ...fresh, backfilled: true };
    expect(pollModeOf(fresh, "schedule")).toBe("backfill");
    expect(pollModeOf(polled, "schedule")).toBe("incremental");
    expect(pollModeOf(polled, "retry")).toBe("incremental");
    expect(pollModeOf(polled, "backfill")).toBe("backfill");
  });
});

describe("a poll's transition: cursor, health and the alert to raise", () => {
  it("raises a layout alert once when a page that loaded fine has no items any more, keeps it, and clears it", () => {
    const healthy = pollTransition(emptyCursor("shop", t0), ok(["2", "1"]), incremental(t0));
    expect(healthy.alert).toEqual({ kind: "none" });
    const broken = pollTransition(healthy.cursor, ok([], { parsed: 0 }), incremental(minutes(5)));
    expect(broken.alert).toMatchObject({ kind: "raised", alert: { code: "LAYOUT_CHANGED", since: minutes(5).toISOString() } });
    expect(broken.cursor.health.alert).toEqual(broken.alert.kind === "raised" ? broken.alert.alert : undefined);
    const still = pollTransition(broken.cursor, ok([], { parsed: 0 }), incremental(minutes(10)));
    expect(still.alert).toMatchObject({ kind: "ongoing", alert: { code: "LAYOUT_CHANGED", since: minutes(5).toISOString() } });
    const repaired = pollTransition(still.cursor, ok(["3"], { parsed: 3 }), incremental(minutes(15)));
    expect(repaired.alert).toMatchObject({ kind: "cleared", previous: { code: "LAYOUT_CHANGED" } });
    expect(repaired.cursor.health.alert).toBeUndefined();
  });

  it("raises the same layout alert on a backfill as on a scheduled poll", () => {
    const healthy = pollTransition(emptyCursor("shop", t0), ok(["2", "1"]), { ...incremental(t0), mode: "backfill" });
    const broken = pollTransition(healthy.cursor, ok([], { parsed: 0 }), { ...incremental(minutes(5)), mode: "backfill" });
    expect(broken.alert).toMatchObject({ kind: "raised", alert: { code: "LAYOUT_CHANGED" } });
  });

  it("counts failures, raises BLOCKED after two refusals, and turns a Retry-After into a time not to poll before", () => {
    const first = pollTransition(emptyCursor("shop", t0), failed(429, 600_000), incremental(t0));
    expect(first.alert).toEqual({ kind: "none" });
    expect(first.httpErrors).toBe(1);
    expect(first.cursor.health).toMatchObject({ consecutiveFailures: 1, retryNotBefore: "2026-11-25T10:10:00.000Z" });
    expect(jobVerdict(first.cursor, job("schedule", minutes(5).toISOString()), minutes(5)).run).toBe(false);
    const second = pollTransition(first.cursor, failed(429), incremental(minutes(10)));
    expect(second.alert).toMatchObject({ kind: "raised", alert: { code: "BLOCKED" } });
    expect(second.cursor.health.retryNotBefore).toBeUndefined();
    // A different trouble is a new alert, not the old one going on.
    const timeout = pollTransition(second.cursor, failed(undefined), incremental(minutes(15)));
    expect(timeout.alert).toMatchObject({ kind: "raised", alert: { code: "FAILING" }, previous: { code: "BLOCKED" } });
    expect(timeout.httpErrors).toBe(1);
  });

  it("says when a catch-up ends, and keeps its progress in the health meanwhile", () => {
    const cut = ok(["9", "8"], { stoppedBy: "page-limit", lanes: [{ lane: "1", head: { stoppedBy: "page-limit", next: "11" } }] });
    const start = pollTransition({ ...emptyCursor("shop", t0), backfilled: true, seen: ["1"] }, cut, incremental(t0));
    expect(start.cursor.health.catchingUp).toMatchObject({ since: t0.toISOString(), pages: 0 });
    expect([start.caughtUp, start.gaveUp]).toEqual([false, false]);
    // A failed poll meanwhile keeps the catch-up where it was.
    const failure = pollTransition(start.cursor, failed(503), incremental(minutes(1)));
    expect(failure.cursor.resume).toEqual(start.cursor.resume);
    const done = pollTransition(
      failure.cursor,
      ok(["7"], { stoppedBy: "seen", lanes: [{ lane: "1", head: { stoppedBy: "seen" }, catchUp: { stoppedBy: "reached", fromHead: false, pages: 1, found: 1 } }] }),
      incremental(minutes(2)),
    );
    expect([done.caughtUp, done.gaveUp]).toEqual([true, false]);
    expect(done.cursor.resume).toBeUndefined();
    expect(done.cursor.health.catchingUp).toBeUndefined();
  });

  it("for any run of successes, empty pages and failures: the alert change matches the health, `since` holds while an alert lasts, nothing seen is forgotten", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      let cursor = emptyCursor("shop", t0);
      let serial = 0;
      for (let step = 1; step <= 40; step++) {
        const now = minutes(step);
        const draw = random();
        const outcome =
          draw < 0.4
            ? ok(Array.from({ length: Math.floor(random() * 4) }, () => `r${++serial}`), { parsed: 3 })
            : draw < 0.55
              ? ok([], { parsed: 0 })
              : draw < 0.75
                ? failed(random() < 0.5 ? 403 : 429)
                : failed(random() < 0.5 ? 503 : undefined);
        const before = cursor;
        const { cursor: next, alert, httpErrors } = pollTransition(before, outcome, incremental(now));
        const context = `seed ${seed}, step ${step}`;
        expect(alert, context).toEqual(alertChange(before.health.alert, next.health.alert));
        if (alert.kind === "ongoing") expect(alert.alert.since, context).toBe(before.health.alert?.since);
        if (alert.kind === "raised") expect(alert.alert.since, context).toBe(now.toISOString());
        expect(next.health.httpErrors - before.health.httpErrors, context).toBe(httpErrors);
        expect(next.health.consecutiveFailures, context).toBe(outcome.ok ? 0 : before.health.consecutiveFailures + 1);
        const kept = new Set(next.seen);
        expect(before.seen.filter((id) => !kept.has(id)), context).toEqual([]);
        cursor = next;
      }
    }
  });
});
