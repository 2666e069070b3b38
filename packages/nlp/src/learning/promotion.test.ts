import { describe, expect, it } from "vitest";
import { evaluateLabels } from "./evaluate.ts";
import { decidePromotion } from "./promotion.ts";

const figures = (correct: number, measured = 100) => ({ measured, correct, accuracy: correct / measured });

describe("the promotion decision", () => {
  it("promotes a model that labels more held-out mentions right", () => {
    expect(decidePromotion(figures(91), figures(88), 30)).toEqual({ promote: true, reason: "the new model beats the one in use: 91.0 % vs 88.0 % in use, on 100 held-out mentions" });
  });

  it("keeps the model in use on a tie and against a worse model", () => {
    expect(decidePromotion(figures(88), figures(88), 30)).toMatchObject({ promote: false, reason: expect.stringMatching(/only ties/) });
    expect(decidePromotion(figures(80), figures(88), 30)).toMatchObject({ promote: false, reason: expect.stringMatching(/worse than the one in use: 80.0 % vs 88.0 %/) });
  });

  it("keeps the model in use when too few held-out mentions could tell them apart, however the figures look", () => {
    expect(decidePromotion(figures(20, 20), figures(10, 20), 30)).toMatchObject({ promote: false, reason: expect.stringMatching(/only 20 held-out mentions .* fewer than the 30/) });
  });

  it("refuses figures measured on different mentions", () => {
    expect(() => decidePromotion(figures(50, 100), figures(50, 90), 30)).toThrow(/same held-out mentions/);
  });
});

describe("held-out label accuracy", () => {
  it("counts a neutral on 1–2 or 4–5 stars as wrong and leaves 3 stars out", () => {
    const heldOut = [
      { id: "a", text: "good", rating: 5, publishedAt: "2026-01-01T00:00:00Z" },
      { id: "b", text: "meh", rating: 4, publishedAt: "2026-01-01T00:00:00Z" },
      { id: "c", text: "bad", rating: 1, publishedAt: "2026-01-01T00:00:00Z" },
      { id: "d", text: "mixed", rating: 3, publishedAt: "2026-01-01T00:00:00Z" },
    ];
    const label = (text: string) => (text === "good" ? "positive" : text === "bad" ? "negative" : "neutral");
    expect(evaluateLabels(label, heldOut)).toEqual({ measured: 3, correct: 2, accuracy: 2 / 3 });
  });
});
