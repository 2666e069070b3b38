import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { decodeWeights, encodeWeights, parseSentimentModelFile, type SentimentModelFile } from "./file-format.ts";
import { REVIEWS, options } from "./reviews.fixture.ts";
import { loadSentimentModel } from "./scoring.ts";
import { trainSentimentModel } from "./training.ts";

describe("sentiment model file", () => {
  it("refuses a foreign or broken file, naming what is wrong", () => {
    const { model } = trainSentimentModel(REVIEWS, options);
    const broken = (change: (file: Record<string, unknown>) => void): unknown => {
      const file = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
      change(file);
      return file;
    };
    expect(() => parseSentimentModelFile(broken((file) => (file.kind = "something-else")))).toThrow(/kind must be "odzew-sentiment-linear"/);
    expect(() => loadSentimentModel(broken((file) => (file.kind = "x")) as SentimentModelFile)).toThrow(/kind/);
    expect(() =>
      parseSentimentModelFile(broken((file) => ((file.weights as Record<string, unknown>).values = "AAAAAA=="))),
    ).toThrow(/weights: weights.values holds 2 weights, weights.count says \d+/);
    expect(() =>
      parseSentimentModelFile(broken((file) => ((file.weights as Record<string, unknown>).indices = "not base64!"))),
    ).toThrow(/weights.indices is not base64/);
    expect(() =>
      parseSentimentModelFile(broken((file) => ((file.weights as Record<string, unknown>).indices = Buffer.from([0xff, 0xff, 0xff]).toString("base64")))),
    ).toThrow(/weights/);
    expect(() => parseSentimentModelFile(broken((file) => delete file.bias))).toThrow(/bias/);
    expect(() => parseSentimentModelFile("{}")).toThrow(/not a usable Odzew sentiment model/);
  });

  it("refuses a model trained with another lexicon", () => {
    const { model } = trainSentimentModel(REVIEWS, options);
    const other = { ...model, features: { ...model.features, lexicon: "lexicon-pl-0" } };
    expect(() => parseSentimentModelFile(other)).toThrow(/features.lexicon: trained with the lexicon "lexicon-pl-0".*train the model again/);
    const noWeight: Record<string, unknown> = { ...model };
    delete noWeight.lexiconWeight;
    expect(() => parseSentimentModelFile(noWeight)).toThrow(/lexiconWeight/);
  });
  it("stores weights compactly and reads them back to within half a quantisation step", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      const bits = 10 + Math.floor(random() * 4);
      const dense = new Float64Array(2 ** bits);
      const filled = random();
      for (let bucket = 0; bucket < dense.length; bucket++) if (random() < filled * 0.3) dense[bucket] = (random() - 0.5) * 10 ** (random() * 4 - 2);
      const stored = encodeWeights(dense);
      const read = decodeWeights(stored, bits);
      expect(stored.count).toBeLessThanOrEqual(dense.length);
      const off: number[] = [];
      for (let bucket = 0; bucket < dense.length; bucket++) {
        const error = Math.abs((read[bucket] ?? 0) - (dense[bucket] ?? 0));
        if (error > stored.scale / 2 + 1e-6 * Math.abs(dense[bucket] ?? 0)) off.push(bucket);
      }
      expect(off, `seed ${seed}: buckets read back wrong`).toEqual([]);
      // Fewer buckets than the indices point at: refused, naming the bucket.
      if (stored.count > 0 && bits > 10) expect(() => decodeWeights(stored, 10)).toThrow(/beyond the 2\^10 buckets/);
    }
  });
});
