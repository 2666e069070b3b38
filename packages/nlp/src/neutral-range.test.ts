import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { fitNeutralRange, labelIn, type ScoredExample } from "./neutral-range.ts";

describe("where neutral begins", () => {
  it("labels by the two ends, and a score of 0 is always neutral", () => {
    const range = { negative: -0.1, positive: 0.3 };
    expect(labelIn(range, 0.3)).toBe("positive");
    expect(labelIn(range, 0.29)).toBe("neutral");
    expect(labelIn(range, -0.1)).toBe("negative");
    expect(labelIn(range, -0.05)).toBe("neutral");
    expect(labelIn({ negative: 0, positive: 0 }, 0)).toBe("neutral");
    expect(labelIn({ negative: 0, positive: 0 }, 0.001)).toBe("positive");
  });

  it("learns an asymmetric range from labelled scores", () => {
    // Neutral texts score in [-0.1, 0.4), negative ones below, positive ones above.
    const random = seededRandom(42);
    const examples: ScoredExample[] = [];
    for (let index = 0; index < 3000; index++) {
      const kind = index % 3;
      if (kind === 0) examples.push({ score: -0.1 - random() * 0.9, truth: "negative" });
      else if (kind === 1) examples.push({ score: -0.1 + random() * 0.5, truth: "neutral" });
      else examples.push({ score: 0.4 + random() * 0.6, truth: "positive" });
    }
    const range = fitNeutralRange(examples);
    expect(range.negative).toBeCloseTo(-0.1, 1);
    expect(range.positive).toBeCloseTo(0.4, 1);
    for (const example of examples) expect(labelIn(range, example.score)).toBe(example.truth);
  });

  it("keeps neutral at zero where the data cannot tell neutral apart", () => {
    // Neutral reviews score like the others: no band earns its place.
    const random = seededRandom(7);
    const examples: ScoredExample[] = Array.from({ length: 2000 }, (_, index) => {
      const score = random() * 2 - 1;
      const truth = index % 8 === 0 ? "neutral" : score > 0 ? "positive" : "negative";
      return { score, truth };
    });
    expect(fitNeutralRange(examples)).toEqual({ negative: 0, positive: 0 });
    expect(fitNeutralRange(examples, { symmetric: true })).toEqual({ negative: 0, positive: 0 });
  });

  it("under the one-standard-error rule, widens only for more than noise", () => {
    // A band worth a handful of reviews among a thousand noisy ones: the best fit takes it, the rule does not.
    const examples: ScoredExample[] = [];
    for (let index = 0; index < 1000; index++) examples.push({ score: 0.05 + (index / 1000) * 0.9, truth: index % 4 === 0 ? "negative" : "positive" });
    for (let index = 0; index < 3; index++) examples.push({ score: 0.01, truth: "neutral" });
    expect(fitNeutralRange(examples).positive).toBeGreaterThan(0);
    expect(fitNeutralRange(examples, { rule: "one-standard-error" }).positive).toBe(0);
  });

  it("fits one band around zero when asked to be symmetric", () => {
    const examples: ScoredExample[] = [];
    for (let index = 0; index < 300; index++) {
      const spread = (index % 100) / 100;
      examples.push({ score: 0.3 + spread * 0.7, truth: "positive" }, { score: -0.3 - spread * 0.7, truth: "negative" }, { score: (spread - 0.5) * 0.5, truth: "neutral" });
    }
    const range = fitNeutralRange(examples, { symmetric: true });
    expect(range.positive).toBeCloseTo(0.26, 1);
    expect(range.negative).toBe(-range.positive);
  });

  it("refuses to fit on nothing", () => {
    expect(() => fitNeutralRange([])).toThrow(/needs labelled examples/);
  });
});
