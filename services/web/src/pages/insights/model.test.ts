import { describe, expect, it } from "vitest";
import type { TopicsResponse } from "../../types.ts";
import { cellAt, directionOf, inCell, heatmapMatrix, periodOf, readState, stateParams, strataParam } from "./model.ts";

describe("the insights view in the address", () => {
  it("reads a saved view back as it was written", () => {
    const state = { range: "7d", topic: "delivery", sentiment: "negative", n: 50, strata: "sentiment", seed: "raport-1" } as const;
    const params = new URLSearchParams(Object.entries(stateParams(state)).map(([name, value]) => [name, String(value)]));
    expect(readState(params)).toEqual(state);
  });

  it("falls back to the defaults for values a hand-edited link got wrong", () => {
    const state = readState(new URLSearchParams("range=1y&topic=<script>&sentiment=angry&n=5000&strata=source&seed=a b"));
    expect(state).toEqual({ range: "30d", n: 20, strata: "topic,sentiment" });
    expect(readState(new URLSearchParams("strata=none")).strata).toBe("none");
    expect(strataParam("none")).toBeUndefined();
    expect(strataParam("topic,sentiment")).toBe("topic,sentiment");
  });

  it("makes a range the last N days up to the end of today (UTC), the same all day", () => {
    const morning = periodOf("30d", new Date("2026-11-29T00:00:01Z"));
    expect(morning).toEqual({ from: "2026-10-31T00:00:00.000Z", to: "2026-11-30T00:00:00.000Z" });
    expect(periodOf("30d", new Date("2026-11-29T23:59:59Z"))).toEqual(morning);
    expect(periodOf("7d", new Date("2026-11-29T12:00:00Z"))).toEqual({ from: "2026-11-23T00:00:00.000Z", to: "2026-11-30T00:00:00.000Z" });
  });
});

describe("heatmapMatrix", () => {
  const topics: TopicsResponse["topics"] = [
    { topic: "delivery", count: 9, share: 0.6, sentiment: { negative: 6, positive: 3 }, net: -0.33 },
    { topic: "price", count: 2, share: 0.4, sentiment: { neutral: 2 }, net: 0 },
  ];

  it("lays every topic × sentiment out as a cell, a missing label at 0, the largest topic on top", () => {
    const matrix = heatmapMatrix(topics);
    expect(matrix.topics).toEqual(["price", "delivery"]);
    expect(matrix.cells).toEqual([
      [0, 0, 0],
      [1, 0, 2],
      [2, 0, 0],
      [0, 1, 6],
      [1, 1, 0],
      [2, 1, 3],
    ]);
    expect(matrix.max).toBe(6);
    expect(heatmapMatrix([]).max).toBe(1);
  });

  it("turns a click on a cell back into its topic and sentiment", () => {
    const matrix = heatmapMatrix(topics);
    expect(cellAt(matrix, [0, 1, 6])).toEqual({ topic: "delivery", sentiment: "negative" });
    expect(cellAt(matrix, [2, 0, 0])).toEqual({ topic: "price", sentiment: "positive" });
    expect(cellAt(matrix, [3, 0, 1])).toBeUndefined();
    expect(cellAt(matrix, "delivery")).toBeUndefined();
  });
});

describe("directionOf", () => {
  it("says up, down or the same, a change within the tolerance being the same", () => {
    expect(directionOf(3)).toBe("up");
    expect(directionOf(-1)).toBe("down");
    expect(directionOf(0)).toBe("same");
    expect(directionOf(0.04, 0.05)).toBe("same");
    expect(directionOf(-0.2, 0.05)).toBe("down");
  });
});

describe("inCell", () => {
  it("places a mention by the sentiment of the clause naming the topic, an older one by its own", () => {
    const mixed = {
      topics: ["delivery", "product-quality"],
      sentiment: { label: "negative" },
      aspects: [
        { topic: "delivery", label: "negative" },
        { topic: "product-quality", label: "positive" },
      ],
    };
    expect(inCell(mixed, "delivery", "negative")).toBe(true);
    expect(inCell(mixed, "product-quality", "positive")).toBe(true);
    expect(inCell(mixed, "product-quality", "negative")).toBe(false);
    const older = { topics: ["delivery"], sentiment: { label: "positive" } };
    expect(inCell(older, "delivery", "positive")).toBe(true);
    expect(inCell(older, "delivery", "negative")).toBe(false);
    expect(inCell({ ...older, aspects: [] }, "price", "positive")).toBe(false);
  });
});
