import { describe, expect, it } from "vitest";
import type { SourceStatus } from "../../types.ts";
import { NEVER_POLLED_GRACE_MS, bySeverity, readFirstSeen, sourceProblems, storeFirstSeen, trackNeverPolled } from "./health.ts";

const AT = "2026-11-29T10:00:00.000Z";
const NOW = Date.parse(AT);
const health = { maxParsed: 5, requests: 3, httpErrors: 0, consecutiveFailures: 0, lastPollAt: AT, lastSuccessAt: AT, lastNew: 2 };
const ok = (id: string): SourceStatus => ({ id, type: "opineo", status: "ok", health, backfilled: true, updatedAt: AT });
const never = (id: string): SourceStatus => ({ id, type: "ceneo", status: "never-polled", health: null, backfilled: false, updatedAt: null });
const blocked = (id: string): SourceStatus => ({
  id,
  status: "alert",
  health: { ...health, consecutiveFailures: 2, alert: { code: "BLOCKED", since: AT, message: "the source refuses the collector" } },
  backfilled: true,
  updatedAt: AT,
});

describe("which sources the team must be told about", () => {
  it("names a source in alert with its code and since when, and not a healthy one", () => {
    expect(sourceProblems([ok("ceneo"), blocked("opineo")], new Map(), NOW)).toEqual([{ id: "opineo", kind: "alert", code: "BLOCKED", since: AT }]);
  });

  it("calls a never-polled source silent only once it has stayed so past the grace", () => {
    const justSeen = trackNeverPolled([never("nowe")], new Map(), NOW);
    expect(sourceProblems([never("nowe")], justSeen, NOW)).toEqual([]);
    expect(sourceProblems([never("nowe")], justSeen, NOW + NEVER_POLLED_GRACE_MS - 1)).toEqual([]);
    const later = NOW + NEVER_POLLED_GRACE_MS;
    const stillNever = trackNeverPolled([never("nowe")], justSeen, later);
    expect(stillNever, "the first time seen is kept").toBe(justSeen);
    expect(sourceProblems([never("nowe")], stillNever, later)).toEqual([{ id: "nowe", kind: "silent", since: AT }]);
  });

  it("forgets a source once it has been polled, and starts its clock again if it is listed as never polled anew", () => {
    const seen = trackNeverPolled([never("nowe")], new Map(), NOW);
    const polled = trackNeverPolled([ok("nowe")], seen, NOW + 1_000);
    expect([...polled]).toEqual([]);
    expect(sourceProblems([ok("nowe")], polled, NOW + NEVER_POLLED_GRACE_MS * 2)).toEqual([]);
  });

  it("lists alerts first, then never polled, then healthy sources", () => {
    expect(bySeverity([ok("a"), never("b"), blocked("c"), ok("0")]).map((source) => source.id)).toEqual(["c", "b", "0", "a"]);
  });

  it("keeps the first-seen times across a reload and ignores a damaged stored value", () => {
    const seen = new Map([["nowe", NOW]]);
    expect(readFirstSeen(storeFirstSeen(seen))).toEqual(seen);
    expect(readFirstSeen("{not json")).toEqual(new Map());
    expect(readFirstSeen('{"a":"yesterday","b":5}')).toEqual(new Map([["b", 5]]));
    expect(readFirstSeen(null)).toEqual(new Map());
  });
});
