import { describe, expect, it } from "vitest";
import { collectorGap } from "./scenarios/collector-gap.ts";
import { resultText } from "./scenarios/table.ts";

describe("fault suite: more new reviews between two polls than one poll reads", () => {
  it("collects every new review over the following polls", async () => {
    const result = await collectorGap({ newReviews: 71, maxPages: 2 });
    console.log(resultText(result));
    expect(result.findings).toEqual([]);
    expect(result.figures).toMatchObject({ lost: 0, collected: 71 });
  }, 240_000);
});
