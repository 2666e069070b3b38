import { describe, expect, it } from "vitest";
import { OdzewError } from "@odzew/core";
import { sampleRawMention } from "@odzew/testing";
import type { PollResult } from "@odzew/sources";
import { afterFailure, afterSuccess, emptyCursor } from "./health.ts";

const t0 = new Date("2026-11-25T10:00:00.000Z");
const t1 = new Date("2026-11-25T10:05:00.000Z");

const poll = (ids: string[], overrides: Partial<PollResult> = {}): PollResult => ({
  mentions: ids.map((nativeId) => sampleRawMention({ nativeId })),
  requests: 1,
  pages: 1,
  parsed: ids.length,
  problems: [],
  stoppedBy: "last-page",
  ...overrides,
});

const httpError = (status: number) =>
  new OdzewError("SOURCE_HTTP", `GET https://example.pl/opinie: HTTP ${status}`, { retryable: status === 429, context: { status } });

describe("source cursor and health", () => {
  it("remembers new ids in front of the old ones and marks the backfill done", () => {
    const first = afterSuccess(emptyCursor("shop", t0), poll(["3", "2", "1"]), t0, t0);
    const second = afterSuccess(first, poll(["5", "4"], { parsed: 3 }), t1, t1);
    expect(second.seen).toEqual(["5", "4", "3", "2", "1"]);
    expect(second.backfilled).toBe(true);
    expect(second.health).toMatchObject({ lastNew: 2, lastParsed: 3, maxParsed: 3, requests: 2, consecutiveFailures: 0 });
    expect(second.health.alert).toBeUndefined();
  });

  it("treats zero items from a page that used to have them as a layout change, not as calm", () => {
    const healthy = afterSuccess(emptyCursor("shop", t0), poll(["2", "1"]), t0, t0);
    const quietButFine = afterSuccess(healthy, poll([], { parsed: 2, stoppedBy: "seen" }), t1, t1);
    expect(quietButFine.health.alert).toBeUndefined();
    const broken = afterSuccess(healthy, poll([], { parsed: 0 }), t1, t1);
    expect(broken.health.alert).toMatchObject({ code: "LAYOUT_CHANGED", since: t1.toISOString() });
    const stillBroken = afterSuccess(broken, poll([], { parsed: 0 }), new Date("2026-11-25T11:00:00Z"), new Date("2026-11-25T11:00:00Z"));
    expect(stillBroken.health.alert?.since).toBe(t1.toISOString());
    const repaired = afterSuccess(stillBroken, poll(["3"], { parsed: 3 }), t1, t1);
    expect(repaired.health.alert).toBeUndefined();
  });

  it("raises a layout alert when every item on the page is unreadable", () => {
    const result = poll([], { parsed: 4, problems: Array.from({ length: 4 }, () => ({ page: "p", reason: "item x has no text" })) });
    expect(afterSuccess(emptyCursor("shop", t0), result, t0, t0).health.alert?.code).toBe("LAYOUT_CHANGED");
  });

  it("calls a source that keeps answering 403 or 429 blocked, and one that keeps failing failing", () => {
    const once = afterFailure(emptyCursor("shop", t0), httpError(403), t0, t0);
    expect(once.health).toMatchObject({ consecutiveFailures: 1, httpErrors: 1 });
    expect(once.health.alert).toBeUndefined();
    const twice = afterFailure(once, httpError(429), t1, t1);
    expect(twice.health.alert).toMatchObject({ code: "BLOCKED" });
    expect(twice.health.alert?.message).toContain("HTTP 429");

    let timeouts = emptyCursor("shop", t0);
    for (let attempt = 0; attempt < 3; attempt++) timeouts = afterFailure(timeouts, new OdzewError("SOURCE_HTTP", "timeout of 15000ms exceeded", { retryable: true }), t1, t1);
    expect(timeouts.health.alert).toMatchObject({ code: "FAILING" });
    expect(timeouts.seen).toEqual([]);
    expect(afterSuccess(timeouts, poll(["1"]), t1, t1).health.alert).toBeUndefined();
  });
});
