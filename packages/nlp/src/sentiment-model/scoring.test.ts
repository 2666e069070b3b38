import { describe, expect, it } from "vitest";
import { parseSentimentModelFile } from "./file-format.ts";
import { REVIEWS, options } from "./reviews.fixture.ts";
import { loadSentimentModel } from "./scoring.ts";
import { trainSentimentModel } from "./training.ts";

describe("sentiment model scoring", () => {
  it("learns the obvious from a few rated reviews", () => {
    const { model, report } = trainSentimentModel(REVIEWS, { ...options, heldOut: 0 });
    const scorer = loadSentimentModel(model);
    const negative = scorer.score("Fatalny produkt, zepsuł się po dwóch dniach. Nie polecam, strata pieniędzy.");
    const positive = scorer.score("Świetny produkt, działa bardzo dobrze. Polecam!");
    expect(negative.label).toBe("negative");
    expect(negative.score).toBeLessThan(0);
    expect(positive.label).toBe("positive");
    expect(positive.score).toBeGreaterThan(0);
    expect(negative.model).toMatch(/^learned-pl-[0-9a-f]{10}$/);
    // Typed without diacritics, the same words count.
    expect(scorer.score("Fatalny produkt, zepsul sie, nie polecam, strata pieniedzy.").label).toBe("negative");
    expect(scorer.score("").label).toBe("neutral");
    expect(report.trainedOn).toBe(REVIEWS.filter((review) => review.rating !== 3).length);
  });

  it("scores the same after JSON and back", () => {
    const { model } = trainSentimentModel(REVIEWS, options);
    const reloaded = loadSentimentModel(parseSentimentModelFile(JSON.parse(JSON.stringify(model))));
    const original = loadSentimentModel(model);
    for (const { text } of REVIEWS) expect(reloaded.score(text)).toEqual(original.score(text));
    expect(reloaded.heldOutAccuracy).toBe(model.heldOutAccuracy);
  });

  it("still reads a model written before the lexicon and negation features", () => {
    const { model } = trainSentimentModel(REVIEWS, { ...options, features: { bits: 16, lexicon: null, negation: 0 } });
    const file = JSON.parse(JSON.stringify(model)) as { features: Record<string, unknown> };
    delete file.features.lexicon;
    delete file.features.negation;
    const old = loadSentimentModel(parseSentimentModelFile(file));
    const current = loadSentimentModel(model);
    for (const { text } of REVIEWS) expect(old.score(text)).toEqual(current.score(text));
  });
});
