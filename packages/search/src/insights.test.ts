import { describe, expect, it } from "vitest";
import { compareTopics, currentPeriod, overallFigures, previousPeriod, ratingDistributionRequest, readRatingDistribution, trendOf } from "./insights.ts";
import { breakdownItems } from "./topic-breakdown.ts";

describe("ratingDistributionRequest", () => {
  it("counts rated mentions per source id, or per source type, into five stars rounded to the nearest", () => {
    const request = ratingDistributionRequest("source");
    expect(request.filter).toEqual([{ exists: { field: "rating.value" } }]);
    expect(request.aggs).toMatchObject({ sources: { terms: { field: "source.id" }, aggs: { mean: { avg: { field: "rating.value" } } } } });
    expect(ratingDistributionRequest("sourceType").aggs).toMatchObject({ sources: { terms: { field: "source.type" } } });
    const ranges = (request.aggs as { sources: { aggs: { stars: { range: { ranges: unknown[] } } } } }).sources.aggs.stars.range.ranges;
    expect(ranges).toEqual([
      { key: "1", to: 1.5 },
      { key: "2", from: 1.5, to: 2.5 },
      { key: "3", from: 2.5, to: 3.5 },
      { key: "4", from: 3.5, to: 4.5 },
      { key: "5", from: 4.5 },
    ]);
  });
});

describe("readRatingDistribution", () => {
  it("reads each source's stars (every star present, 0 when none) and its mean", () => {
    const sources = readRatingDistribution({
      sources: {
        buckets: [
          { key: "opineo-sklep", doc_count: 3, mean: { value: 2.3333333 }, stars: { buckets: { "1": { doc_count: 2 }, "5": { doc_count: 1 } } } },
          { key: "app-store-pl", doc_count: 0, mean: { value: null }, stars: { buckets: {} } },
        ],
      },
    });
    expect(sources).toEqual([
      { source: "opineo-sklep", count: 3, mean: 2.33, stars: { "1": 2, "2": 0, "3": 0, "4": 0, "5": 1 } },
      { source: "app-store-pl", count: 0, mean: 0, stars: { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 } },
    ]);
    expect(readRatingDistribution(undefined)).toEqual([]);
  });
});

describe("currentPeriod", () => {
  it("is the period asked for, by default the last 30 days to the next full minute", () => {
    const now = new Date("2026-11-29T17:40:12.345Z");
    expect(currentPeriod({}, now)).toEqual({ from: "2026-10-30T17:41:00.000Z", to: "2026-11-29T17:41:00.000Z" });
    expect(currentPeriod({ to: "2026-11-01T00:00:00.000Z" }, now)).toEqual({ from: "2026-10-02T00:00:00.000Z", to: "2026-11-01T00:00:00.000Z" });
    expect(currentPeriod({ from: "2026-11-22", to: "2026-11-29" }, now)).toEqual({ from: "2026-11-22", to: "2026-11-29" });
  });
});

describe("previousPeriod", () => {
  it("is the span of the same length just before, and refuses a period that ends before it starts", () => {
    expect(previousPeriod({ from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" })).toEqual({ from: "2026-10-02T00:00:00.000Z", to: "2026-11-01T00:00:00.000Z" });
    expect(previousPeriod({ from: "2026-11-28", to: "2026-11-29" })).toEqual({ from: "2026-11-27T00:00:00.000Z", to: "2026-11-28T00:00:00.000Z" });
    expect(() => previousPeriod({ from: "2026-11-29", to: "2026-11-29" })).toThrow("from must be before to");
    expect(() => previousPeriod({ from: "wczoraj", to: "2026-11-29" })).toThrow("from and to must be dates");
  });
});

describe("trends", () => {
  const item = (key: string, positive: number, neutral: number, negative: number) => {
    const [built] = breakdownItems([{ key, count: positive + neutral + negative, sentiment: { positive, neutral, negative } }], 0);
    return built!;
  };

  it("says how much more or less, relative to before, and how net sentiment moved", () => {
    const trend = trendOf({ count: 15, sentiment: {}, net: -0.2 }, { count: 10, sentiment: {}, net: 0.3 });
    expect(trend.change).toEqual({ count: 5, ratio: 0.5, net: -0.5 });
    // Nothing before: no ratio (not an infinite rise).
    expect(trendOf({ count: 3, sentiment: {}, net: 1 }, { count: 0, sentiment: {}, net: 0 }).change).toEqual({ count: 3, net: 1 });
  });

  it("lists the current topics in their order, then those that went quiet, at zero now", () => {
    const rows = compareTopics([item("delivery", 1, 0, 3), item("price", 2, 0, 0)], [item("returns", 0, 0, 2), item("delivery", 2, 0, 0)]);
    expect(rows.map((row) => row.topic)).toEqual(["delivery", "price", "returns"]);
    expect(rows[0]!.change).toEqual({ count: 2, ratio: 1, net: -1.5 });
    expect(rows[1]!.previous).toEqual({ count: 0, sentiment: {}, net: 0 });
    expect(rows[2]!.current.count).toBe(0);
    expect(rows[2]!.change).toEqual({ count: -2, ratio: -1, net: 1 });
  });

  it("computes the whole slice's net sentiment the way topics get theirs, mentions without a label counting in the total", () => {
    expect(overallFigures(10, [{ key: "positive", count: 6 }, { key: "negative", count: 2 }])).toEqual({ count: 10, sentiment: { positive: 6, negative: 2 }, net: 0.4 });
    expect(overallFigures(0, [])).toEqual({ count: 0, sentiment: {}, net: 0 });
  });
});
