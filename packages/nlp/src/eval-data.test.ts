import { describe, expect, it } from "vitest";
import { allegroReviews, evalDataAvailable, polemoReviews, split } from "./eval-data.ts";

describe.runIf(evalDataAvailable())("evaluation data in ../shared/eval", () => {
  it("reads every Allegro review with its stars, quoted texts included", () => {
    const reviews = allegroReviews();
    expect(reviews).toHaveLength(9_577);
    expect(reviews.every((review) => review.rating >= 1 && review.rating <= 5 && review.text.length > 0)).toBe(true);
    const { train, test } = split(reviews);
    expect(train.length + test.length).toBe(9_577);
  });

  it("reads PolEmo with its labels", () => {
    const reviews = polemoReviews();
    expect(reviews).toHaveLength(5_783);
    expect(reviews.filter((review) => review.label === "negative")).toHaveLength(2_194);
  });
});
