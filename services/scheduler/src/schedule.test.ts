import { describe, expect, it } from "vitest";
import { CURSOR_SCHEMA_VERSION, type SourceCursor } from "@odzew/schema";
import { dueRetries } from "./schedule.ts";

const cursor = (sourceId: string, retryNotBefore?: string): SourceCursor => ({
  schemaVersion: CURSOR_SCHEMA_VERSION,
  sourceId,
  seen: [],
  backfilled: true,
  health: { maxParsed: 5, requests: 3, httpErrors: 1, consecutiveFailures: 1, ...(retryNotBefore ? { retryNotBefore } : {}) },
  updatedAt: "2026-11-25T10:00:00.000Z",
});

describe("retry jobs for sources that asked us to wait", () => {
  const cursors = new Map([
    ["waiting", cursor("waiting", "2026-11-25T10:10:00.000Z")],
    ["over", cursor("over", "2026-11-25T10:02:00.000Z")],
    ["calm", cursor("calm")],
  ]);
  const ids = ["waiting", "over", "calm", "never-polled"];

  it("sends one job when the wait is over, not before, and not twice for the same wait", () => {
    const now = new Date("2026-11-25T10:05:00.000Z");
    expect(dueRetries(ids, (id) => cursors.get(id), new Map(), now)).toEqual([{ sourceId: "over", notBefore: "2026-11-25T10:02:00.000Z" }]);
    expect(dueRetries(ids, (id) => cursors.get(id), new Map([["over", "2026-11-25T10:02:00.000Z"]]), now)).toEqual([]);
    const later = new Date("2026-11-25T10:10:00.000Z");
    expect(dueRetries(ids, (id) => cursors.get(id), new Map([["over", "2026-11-25T10:02:00.000Z"]]), later)).toEqual([
      { sourceId: "waiting", notBefore: "2026-11-25T10:10:00.000Z" },
    ]);
  });

  it("serves a new wait of the same source again", () => {
    const again = new Map([["over", cursor("over", "2026-11-25T10:04:00.000Z")]]);
    expect(dueRetries(["over"], (id) => again.get(id), new Map([["over", "2026-11-25T10:02:00.000Z"]]), new Date("2026-11-25T10:05:00.000Z"))).toEqual([
      { sourceId: "over", notBefore: "2026-11-25T10:04:00.000Z" },
    ]);
  });
});
