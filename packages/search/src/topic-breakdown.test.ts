import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { breakdownItems, mergeSentimentBuckets, readTopicBreakdown, topicBreakdownRequest, type SentimentBucket } from "./topic-breakdown.ts";

/** A terms aggregation answer with sentiment sub-buckets, as the engine sends it. */
const terms = (buckets: SentimentBucket[], other = 0) => ({
  sum_other_doc_count: other,
  buckets: buckets.map((bucket) => ({
    key: bucket.key,
    doc_count: bucket.count,
    sentiment: { buckets: Object.entries(bucket.sentiment).map(([key, count]) => ({ key, doc_count: count })) },
  })),
});

describe("topicBreakdownRequest", () => {
  it("counts aspects (nested) and older mentions without aspects (per mention), with no extra filter by default", () => {
    const request = topicBreakdownRequest(undefined);
    expect(request.filter).toEqual([]);
    expect(request.aggs).toMatchObject({
      aspects: { nested: { path: "aspects" }, aggs: { top: { terms: { field: "aspects.topic" }, aggs: { sentiment: { terms: { field: "aspects.label" } } } } } },
      older: {
        filter: { bool: { must_not: [{ exists: { field: "aspects.topic" } }] } },
        aggs: { top: { terms: { field: "topics" }, aggs: { sentiment: { terms: { field: "sentiment.label" } } } } },
      },
    });
    // No nested query anywhere: the cluster refuses them with expensive queries off.
    expect(JSON.stringify(request)).not.toContain('"nested":{"path":"aspects","query"');
  });

  it("keeps the aspects of the labels asked for, and older mentions of them", () => {
    const request = topicBreakdownRequest(["negative"]);
    expect(request.filter).toEqual([
      {
        bool: {
          should: [
            { terms: { "aspects.label": ["negative"] } },
            { bool: { must_not: [{ exists: { field: "aspects.topic" } }], filter: [{ terms: { "sentiment.label": ["negative"] } }] } },
          ],
          minimum_should_match: 1,
        },
      },
    ]);
    expect(request.aggs).toMatchObject({ aspects: { aggs: { wanted: { filter: { terms: { "aspects.label": ["negative"] } }, aggs: { top: { terms: { field: "aspects.topic" } } } } } } });
    expect(topicBreakdownRequest([]).filter).toEqual([]);
  });
});

describe("readTopicBreakdown", () => {
  it("adds aspects and older mentions of the same topic, and orders by count then topic", () => {
    const items = readTopicBreakdown(
      {
        aspects: {
          doc_count: 5,
          top: terms([
            { key: "delivery", count: 3, sentiment: { negative: 3 } },
            { key: "product-quality", count: 2, sentiment: { positive: 2 } },
          ]),
        },
        older: { doc_count: 2, top: terms([{ key: "delivery", count: 1, sentiment: { positive: 1 } }, { key: "price", count: 2, sentiment: { neutral: 2 } }]) },
      },
      10,
    );
    expect(items).toEqual([
      { key: "delivery", count: 4, sentiment: { negative: 3, positive: 1 }, share: 0.5, net: -0.5 },
      { key: "price", count: 2, sentiment: { neutral: 2 }, share: 0.25, net: 0 },
      { key: "product-quality", count: 2, sentiment: { positive: 2 }, share: 0.25, net: 1 },
    ]);
  });

  it("reads the filtered aspects when labels were asked for, and counts the topics cut off in the shares", () => {
    const items = readTopicBreakdown(
      {
        aspects: { doc_count: 9, wanted: { doc_count: 4, top: terms([{ key: "delivery", count: 3, sentiment: { negative: 3 } }, { key: "price", count: 1, sentiment: { negative: 1 } }], 2) } },
        older: { doc_count: 0, top: terms([]) },
      },
      1,
    );
    expect(items).toEqual([{ key: "delivery", count: 3, sentiment: { negative: 3 }, share: 0.5, net: -1 }]);
  });

  it("answers nothing for an empty slice (no indices: no aggregations)", () => {
    expect(readTopicBreakdown(undefined, 10)).toEqual([]);
  });
});

describe("mergeSentimentBuckets and breakdownItems", () => {
  it("keeps every count: the merged totals are the sums of the parts, for random parts", () => {
    const random = seededRandom(7);
    const KEYS = ["delivery", "price", "payments", "staff", "store"];
    const LABELS = ["negative", "neutral", "positive"];
    const part = (): SentimentBucket[] =>
      KEYS.filter(() => random() < 0.6).map((key) => {
        const sentiment = Object.fromEntries(LABELS.filter(() => random() < 0.7).map((label) => [label, 1 + Math.floor(random() * 20)]));
        return { key, count: Object.values(sentiment).reduce((sum, count) => sum + count, 0), sentiment };
      });
    for (let round = 0; round < 200; round++) {
      const a = part();
      const b = part();
      const merged = mergeSentimentBuckets(a, b);
      const total = (list: SentimentBucket[]) => list.reduce((sum, bucket) => sum + bucket.count, 0);
      expect(total(merged)).toBe(total(a) + total(b));
      for (const bucket of merged) {
        expect(Object.values(bucket.sentiment).reduce((sum, count) => sum + count, 0)).toBe(bucket.count);
        const expected = [...a, ...b].filter((entry) => entry.key === bucket.key).reduce((sum, entry) => sum + entry.count, 0);
        expect(bucket.count).toBe(expected);
      }
      for (let index = 1; index < merged.length; index++) expect(merged[index - 1]!.count).toBeGreaterThanOrEqual(merged[index]!.count);
      const items = breakdownItems(merged, 0);
      if (items.length > 0) expect(items.reduce((sum, item) => sum + item.share, 0)).toBeCloseTo(1, 2);
      for (const item of items) expect(item.net).toBeGreaterThanOrEqual(-1);
    }
    // The inputs are not changed.
    const input = [{ key: "delivery", count: 1, sentiment: { negative: 1 } }];
    mergeSentimentBuckets(input, input);
    expect(input).toEqual([{ key: "delivery", count: 1, sentiment: { negative: 1 } }]);
  });
});
