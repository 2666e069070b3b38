import { describe, expect, it } from "vitest";
import { deadlineOf, oldestOverdue } from "./countdown.ts";

const HOUR = 3_600_000;
const published = "2026-11-20T08:00:00.000Z";
const at = (hours: number) => Date.parse(published) + hours * HOUR;

describe("the answer deadline", () => {
  it("is the publication plus the team's SLA, counted down", () => {
    const deadline = deadlineOf(published, 24, at(2));
    expect(deadline?.due.toISOString()).toBe("2026-11-21T08:00:00.000Z");
    expect(deadline?.remainingMs).toBe(22 * HOUR);
    expect(deadline?.level).toBe("ok");
  });

  it("is near in the last quarter of the SLA and overdue after it", () => {
    expect(deadlineOf(published, 24, at(18))?.level).toBe("soon");
    expect(deadlineOf(published, 24, at(24))?.level).toBe("soon");
    const late = deadlineOf(published, 24, at(30));
    expect(late?.level).toBe("overdue");
    expect(late?.remainingMs).toBe(-6 * HOUR);
    expect(deadlineOf(published, 0.5, at(1))?.level).toBe("overdue");
  });

  it("has no deadline without a date or an SLA", () => {
    expect(deadlineOf("not a date", 24, at(0))).toBeUndefined();
    expect(deadlineOf(published, 0, at(0))).toBeUndefined();
  });

  it("marks a source whose oldest waiting review is past the SLA", () => {
    expect(oldestOverdue(25.5, 24)).toBe(true);
    expect(oldestOverdue(24, 24)).toBe(false);
  });
});
