import { describe, expect, it } from "vitest";
import type { TeamAlert, Timeline } from "../../types.ts";
import {
  alertMarks,
  alertWindow,
  durationMsOf,
  bucketEnd,
  bucketIndexOf,
  crisisParams,
  drillForAlert,
  drillForBucket,
  drillQuery,
  parseCrisisState,
  rangeWindow,
  sentimentSeries,
  shareSeries,
} from "./model.ts";

const hourly = (start: string, counts: { count: number; by?: Record<string, number> }[]): Timeline => {
  const at = Date.parse(start);
  return {
    interval: "hour",
    from: start,
    to: new Date(at + counts.length * 3_600_000).toISOString(),
    buckets: counts.map((bucket, index) => ({ at: new Date(at + index * 3_600_000).toISOString(), ...bucket })),
  };
};

const spike = (over: Partial<TeamAlert> = {}): TeamAlert => ({
  schemaVersion: 1,
  key: "spike:zuraw:demo-zuraw:negative",
  kind: "spike",
  status: "open",
  brand: "zuraw",
  source: "demo-zuraw",
  sentiment: "negative",
  message: "Negative spike: 4 negative mentions of zuraw on demo-zuraw in the last 60m",
  openedAt: "2026-11-29T12:40:00.000Z",
  updatedAt: "2026-11-29T12:40:00.000Z",
  count: 4,
  baseline: { mean: 0, sd: 0, threshold: 3, days: 2 },
  mentions: [],
  delivered: true,
  ...over,
});

describe("the address of the crisis room", () => {
  it("round-trips range, brand and a drill-down, and falls back on anything malformed", () => {
    const state = {
      range: "7d" as const,
      brand: "zuraw",
      drill: { from: "2026-11-29T12:00:00.000Z", to: "2026-11-29T12:59:59.999Z", sentiment: "negative" as const, source: "demo-zuraw", alert: "spike:zuraw:demo-zuraw:negative" },
    };
    const params = new URLSearchParams(Object.entries(crisisParams(state)).filter((entry): entry is [string, string] => entry[1] !== undefined));
    expect(parseCrisisState(params)).toEqual(state);

    const junk = parseCrisisState(new URLSearchParams("range=5y&brand=<b>&from=yesterday&sentiment=angry"));
    expect(junk).toEqual({ range: "24h", brand: undefined, drill: undefined });
    const noSentiment = parseCrisisState(new URLSearchParams("from=2026-11-29T12:00:00Z&sentiment=angry&to=later"));
    expect(noSentiment.drill).toEqual({ from: "2026-11-29T12:00:00Z", to: undefined, sentiment: undefined, source: undefined, alert: undefined });
  });
});

describe("rangeWindow", () => {
  const now = Date.parse("2026-11-29T12:34:56.000Z");
  it("asks for whole hours over a day or a week, whole days beyond, ending with the current bucket", () => {
    expect(rangeWindow("24h", now)).toEqual({ from: "2026-11-28T13:00:00.000Z", interval: "hour" });
    expect(rangeWindow("7d", now)).toEqual({ from: "2026-11-22T13:00:00.000Z", interval: "hour" });
    expect(rangeWindow("30d", now)).toEqual({ from: "2026-10-31T00:00:00.000Z", interval: "day" });
    expect(rangeWindow("90d", now)).toEqual({ from: "2026-09-01T00:00:00.000Z", interval: "day" });
  });
  it("is the same request all through the hour (the live view asks again every few seconds)", () => {
    expect(rangeWindow("24h", now + 20 * 60_000)).toEqual(rangeWindow("24h", now));
  });
});

describe("buckets and drill-downs", () => {
  const timeline = hourly("2026-11-29T10:00:00.000Z", [{ count: 1, by: { positive: 1 } }, { count: 0, by: {} }, { count: 5, by: { negative: 4 } }]);
  it("ends a bucket the millisecond before the next (the last one an interval after its start)", () => {
    expect(bucketEnd(timeline, 0)).toBe("2026-11-29T10:59:59.999Z");
    expect(bucketEnd(timeline, 2)).toBe("2026-11-29T12:59:59.999Z");
  });
  it("finds the bucket of a moment, -1 before the chart", () => {
    expect(bucketIndexOf(timeline, "2026-11-29T12:30:00Z")).toBe(2);
    expect(bucketIndexOf(timeline, "2026-11-29T11:00:00Z")).toBe(1);
    expect(bucketIndexOf(timeline, "2026-11-29T09:59:59Z")).toBe(-1);
  });
  it("drills into a bar, or one sentiment of it (the unscored part is the whole bar)", () => {
    expect(drillForBucket(timeline, 2, "negative")).toEqual({ from: "2026-11-29T12:00:00.000Z", to: "2026-11-29T12:59:59.999Z", sentiment: "negative" });
    expect(drillForBucket(timeline, 0, "none")?.sentiment).toBeUndefined();
    expect(drillForBucket(timeline, 9)).toBeUndefined();
  });
  it("asks the API with its own parameter names, the brand of the view included", () => {
    expect(drillQuery({ from: "a", to: "b", sentiment: "negative", source: "demo-zuraw" }, "zuraw")).toEqual({ from: "a", to: "b", sentiment: "negative", source: "demo-zuraw", brand: "zuraw", size: 100 });
  });
});

describe("series", () => {
  it("stacks by sentiment, the unscored mentions as the rest of each bar", () => {
    const timeline = hourly("2026-11-29T10:00:00.000Z", [{ count: 3, by: { negative: 1, positive: 1 } }, { count: 0 }, { count: 4, by: { negative: 4 } }]);
    expect(sentimentSeries(timeline)).toEqual({ negative: [1, 0, 4], neutral: [0, 0, 0], positive: [1, 0, 0], none: [1, 0, 0] });
  });
  it("turns a split by brand into shares per bucket, loudest brand first, no share where nobody spoke", () => {
    const timeline = hourly("2026-11-29T10:00:00.000Z", [{ count: 4, by: { zuraw: 3, sowa: 1 } }, { count: 0, by: {} }, { count: 2, by: { sowa: 2 } }]);
    expect(shareSeries(timeline)).toEqual({ brands: ["sowa", "zuraw"], shares: { zuraw: [0.75, null, 0], sowa: [0.25, null, 1] } });
  });
});

describe("alerts on the chart", () => {
  const timeline = hourly("2026-11-29T09:00:00.000Z", [{ count: 0 }, { count: 0 }, { count: 1 }, { count: 4, by: { negative: 4 } }]);
  const now = Date.parse("2026-11-29T12:45:00.000Z");

  it("gives a spike the window before it opened (or from its earliest mention) up to now or its resolution", () => {
    expect(alertWindow(spike())).toEqual({ from: "2026-11-29T11:40:00.000Z" });
    const early = spike({ mentions: [{ id: "m1", publishedAt: "2026-11-29T11:05:00.000Z" } as TeamAlert["mentions"][number]] });
    expect(alertWindow(early).from).toBe("2026-11-29T11:05:00.000Z");
    expect(alertWindow(spike({ status: "resolved", resolvedAt: "2026-11-29T13:40:00.000Z" }))).toEqual({ from: "2026-11-29T11:40:00.000Z", to: "2026-11-29T13:40:00.000Z" });
    // The window the alerter recorded (alerts.yaml spike.window) wins over the 60-minute default.
    expect(alertWindow(spike({ window: "2h" })).from).toBe("2026-11-29T10:40:00.000Z");
    expect(alertWindow(spike({ window: "90m" })).from).toBe("2026-11-29T11:10:00.000Z");
    expect(durationMsOf("1d")).toBe(86_400_000);
    expect(durationMsOf("soon")).toBeUndefined();
  });

  it("drills into a spike by its window, sentiment and source; a source-health alert has nothing to show", () => {
    expect(drillForAlert(spike())).toEqual({ from: "2026-11-29T11:40:00.000Z", sentiment: "negative", source: "demo-zuraw", alert: "spike:zuraw:demo-zuraw:negative" });
    expect(drillForAlert(spike({ kind: "source-health", key: "source-health:x" }))).toBeUndefined();
  });

  it("marks a spike over the buckets of its window with its pin where it opened, and leaves out what is off the chart", () => {
    const marks = alertMarks(
      [
        spike(),
        spike({ key: "old", status: "resolved", openedAt: "2026-11-20T10:00:00Z", resolvedAt: "2026-11-20T12:00:00Z" }),
        spike({ key: "other-brand", brand: "sowa" }),
        spike({ key: "health", kind: "source-health" }),
      ],
      timeline,
      { brand: "zuraw", now },
    );
    expect(marks).toEqual([{ key: "spike:zuraw:demo-zuraw:negative", kind: "spike", status: "open", start: 2, end: 3, at: 3, count: 4, threshold: 3 }]);
  });

  it("marks a high-reach mention at the hour it was published", () => {
    const reach = spike({
      key: "reach:m9",
      kind: "reach",
      count: undefined,
      baseline: undefined,
      openedAt: "2026-11-29T12:50:00Z",
      mentions: [{ id: "m9", publishedAt: "2026-11-29T10:15:00.000Z" } as TeamAlert["mentions"][number]],
    });
    expect(alertMarks([reach], timeline, { now })).toEqual([{ key: "reach:m9", kind: "reach", status: "open", start: 1, end: 1, at: 1, count: undefined, threshold: undefined }]);
  });
});
