import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { POLISH_MODEL } from "../sentiment.pl.ts";
import { REVIEWS, options } from "./reviews.fixture.ts";
import { loadSentimentModel } from "./scoring.ts";
import { trainSentimentModel } from "./training.ts";

describe("sentiment model training", () => {
  it("learns where neutral begins from the 3-star reviews: wide where they read as neither, near zero where they read like the rest", () => {
    const good = ["świetny", "polecam", "dobry", "super", "szybko", "solidny"];
    const bad = ["fatalny", "odradzam", "słaby", "zepsuty", "wolno", "tandeta"];
    const reviews = (threeStar: (pick: (words: string[]) => string, index: number) => string[]) => {
      const random = seededRandom(11);
      const pick = (words: string[]) => words[Math.floor(random() * words.length)] ?? "";
      return Array.from({ length: 900 }, (_, index) => {
        const rating = [1, 2, 3, 4, 5][index % 5] ?? 3;
        const words = rating > 3 ? [pick(good), pick(good)] : rating < 3 ? [pick(bad), pick(bad)] : threeStar(pick, index);
        return { text: `Produkt ${words.join(" i ")}.`, rating };
      });
    };
    // 3-star reviews that say both things: a band around zero tells them apart.
    const mixed = trainSentimentModel(reviews((pick) => [pick(good), pick(bad)]), { ...options, heldOut: 0.15 });
    expect(mixed.model.neutralBand).toBeGreaterThan(0.1);
    // 3-star reviews worded like the 1–2 and 4–5 star ones: no band earns its place, so none
    // swallows weakly worded polar reviews (before, the band was at least 0.1 whatever the data).
    const alike = trainSentimentModel(
      reviews((pick, index) => (index % 2 === 0 ? [pick(good), pick(good)] : [pick(bad), pick(bad)])),
      { ...options, heldOut: 0.15 },
    );
    expect(alike.model.neutralBand).toBeLessThan(0.1);
    expect(alike.report.heldOutLabelAccuracy).toBe(alike.report.heldOutAccuracy);
  });

  it("holds out the LAST part of the rows and reports the baseline on the same reviews", () => {
    const { report } = trainSentimentModel(REVIEWS, { ...options, baseline: () => "positive" });
    const cut = Math.floor(REVIEWS.length * 0.8);
    const heldOut = REVIEWS.slice(cut).filter((review) => review.rating !== 3);
    const trainPart = REVIEWS.slice(0, cut).filter((review) => review.rating !== 3);
    expect(report.heldOutSize).toBe(heldOut.length);
    expect(report.trainedOn).toBe(trainPart.length);
    expect(report.baselineAccuracy).toBe(heldOut.filter((review) => review.rating > 3).length / heldOut.length);
    expect(report.heldOutAccuracy).toBeGreaterThanOrEqual(0);
    expect(report.heldOutAccuracy).toBeLessThanOrEqual(1);
  });

  it("trains the same weights twice with the same seed", () => {
    const first = trainSentimentModel(REVIEWS, options).model;
    const second = trainSentimentModel(REVIEWS, options).model;
    expect(second.weights).toEqual(first.weights);
    expect(second.bias).toBe(first.bias);
    expect(second.neutralBand).toBe(first.neutralBand);
  });

  it("learns a positive weight for the lexicon's score and scores with it", () => {
    const { model } = trainSentimentModel(REVIEWS, { ...options, heldOut: 0 });
    expect(model.features.lexicon).toBe(POLISH_MODEL);
    expect(model.lexiconWeight).toBeGreaterThan(0);
    // A review of words the training rows never had: only the lexicon knows them.
    const scorer = loadSentimentModel(model);
    expect(scorer.score("Bezużyteczny szmelc, skandal.").score).toBeLessThan(scorer.score("Znakomity, rewelacyjny zakup.").score);
  });

  it("learns without naive-Bayes scaling too", () => {
    const plain = trainSentimentModel(REVIEWS, { ...options, heldOut: 0, nbSmoothing: 0 }).model;
    const scaled = trainSentimentModel(REVIEWS, { ...options, heldOut: 0 }).model;
    expect(plain.weights).not.toEqual(scaled.weights);
    const scorer = loadSentimentModel(plain);
    expect(scorer.score("Fatalny produkt, zepsuł się po dwóch dniach. Nie polecam.").label).toBe("negative");
    expect(scorer.score("Świetny produkt, działa bardzo dobrze. Polecam!").label).toBe("positive");
  });
});
