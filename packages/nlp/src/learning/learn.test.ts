import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { modelCardSchema } from "@odzew/schema";
import { allegroReviews, evalDataAvailable } from "../eval-data.ts";
import { loadSentimentModel } from "../sentiment-model/scoring.ts";
import { trainSentimentModel } from "../sentiment-model/training.ts";
import { REVIEWS } from "../sentiment-model/reviews.fixture.ts";
import { POLISH_MODEL } from "../sentiment.pl.ts";
import { sha256Hex } from "./card.ts";
import type { RatedMention } from "./dataset.ts";
import { learnSentimentModel } from "./learn.ts";
import { modelFileText, pruneToBytes } from "./prune.ts";

const START = Date.parse("2026-01-01T00:00:00Z");
const NOW = new Date("2026-11-29T12:00:00Z");

/** A seeded sample of the shared Allegro reviews (read in place) as rated mentions, one an hour. */
function allegroMentions(count: number, seed: number): RatedMention[] {
  const random = seededRandom(seed);
  return allegroReviews()
    .map((review) => ({ review, order: random() }))
    .sort((a, b) => a.order - b.order)
    .slice(0, count)
    .map(({ review }, n) => ({ id: `m${n}`, text: review.text, rating: review.rating, publishedAt: new Date(START + n * 3_600_000).toISOString() }));
}

describe("learning the brand's model", () => {
  it("says so when there are too few rated mentions for a first model", () => {
    const mentions = REVIEWS.map((review, n) => ({ id: `r${n}`, ...review, publishedAt: new Date(START + n * 60_000).toISOString() }));
    const outcome = learnSentimentModel({ mentions, inUse: undefined, version: 1, now: NOW });
    expect(outcome).toEqual({ kind: "too-few", mentions: REVIEWS.length, reason: `only ${REVIEWS.length} rated Polish mentions with text on the enriched topic; a first model needs at least 300` });
  });

  it.skipIf(!evalDataAvailable())("promotes a model that beats the lexicon on the newest 15 %, with a card that says what it learned from", () => {
    const mentions = allegroMentions(2_000, 5);
    const outcome = learnSentimentModel({ mentions, inUse: undefined, version: 4, now: NOW });
    if (outcome.kind !== "promoted") throw new Error(`expected a promotion, got ${JSON.stringify(outcome.kind === "too-few" ? outcome : outcome.decision)}`);
    const { card, model, fileText } = outcome;
    expect(modelCardSchema.parse(card)).toEqual(card);
    expect(card).toMatchObject({
      family: "sentiment-pl",
      version: 4,
      modelId: loadSentimentModel(model).name,
      createdAt: NOW.toISOString(),
      data: { mentions: 2_000, trainedOn: 1_700, heldOut: 300, from: mentions[0]?.publishedAt, to: mentions[1_999]?.publishedAt, heldOutFrom: mentions[1_700]?.publishedAt },
    });
    expect(card.data.heldOutMeasured).toBe(mentions.slice(1_700).filter((mention) => mention.rating !== 3).length);
    expect(card.heldOut.inUse).toMatchObject({ modelId: POLISH_MODEL });
    expect(card.heldOut.inUse).not.toHaveProperty("version");
    expect(card.heldOut.candidate.correct).toBeGreaterThan(card.heldOut.inUse.correct);
    expect(card.features).toEqual(expect.arrayContaining(["word unigrams", "word bigrams", "5-letter word prefixes", "words of the first and the last sentence", `lexicon score (${POLISH_MODEL})`]));
    expect(card.sha256).toBe(sha256Hex(fileText));
    expect(card.bytes).toBe(Buffer.byteLength(fileText));
    // The file records its figures against the model it replaces: the enricher will use it.
    expect(model.heldOutAccuracy).toBe(card.heldOut.candidate.accuracy);
    expect(model.baselineAccuracy).toBe(card.heldOut.inUse.accuracy);
    expect(model.createdAt).toBe(NOW.toISOString());

    // Against itself in use, the same data gives the same model: a tie, nothing promoted.
    const again = learnSentimentModel({ mentions, inUse: { file: model, version: 4 }, version: 5, now: NOW });
    expect(again).toMatchObject({ kind: "kept", decision: { promote: false, reason: expect.stringMatching(/only ties/) } });
    if (again.kind === "kept") expect(again.card.heldOut.inUse).toMatchObject({ modelId: card.modelId, version: 4 });

    // A model learned from a twentieth of the data is worse than the one in use: kept.
    const fewer = learnSentimentModel({ mentions: mentions.filter((_, n) => n % 20 === 0 || n >= 1_700), inUse: { file: model, version: 4 }, version: 5, now: NOW, options: { minMentions: 100, minPerClass: 5 } });
    expect(fewer).toMatchObject({ kind: "kept", decision: { promote: false, reason: expect.stringMatching(/worse than the one in use/) } });
  });
});

describe("fitting a model into one Kafka message", () => {
  it("keeps the largest weights, unchanged, as many as fit", () => {
    const { model } = trainSentimentModel(REVIEWS, { heldOut: 0, seed: 3 });
    const full = Buffer.byteLength(modelFileText(model));
    expect(pruneToBytes(model, full)).toEqual({ file: model, kept: model.weights.count, learned: model.weights.count });
    const budget = Math.floor(full * 0.6);
    const { file, kept, learned } = pruneToBytes(model, budget);
    expect(Buffer.byteLength(modelFileText(file))).toBeLessThanOrEqual(budget);
    expect(learned).toBe(model.weights.count);
    expect(kept).toBeLessThan(learned);
    expect(kept).toBeGreaterThan(learned * 0.3);
    expect(file.weights.scale).toBe(model.weights.scale);
    // Every kept weight is one of the largest of the full model.
    const magnitudes = (values: string) => {
      const bytes = Buffer.from(values, "base64");
      return Array.from({ length: bytes.length / 2 }, (_, n) => Math.abs(bytes.readInt16LE(n * 2))).sort((a, b) => b - a);
    };
    const all = magnitudes(model.weights.values);
    const survivors = magnitudes(file.weights.values);
    expect(Math.min(...survivors)).toBeGreaterThanOrEqual(all[kept - 1] ?? 0);
  });
});
