import { createHash } from "node:crypto";
import { labelIn } from "../neutral-range.ts";
import { scorePolish } from "../sentiment.pl.ts";
import type { Sentiment, SentimentLabel } from "../types.ts";
import { FeatureHasher } from "./features.ts";
import { decodeWeights, parseSentimentModelFile, type SentimentModelFile } from "./file-format.ts";

/** Scoring: a validated model file becomes a scorer, one weighted sum per text. */

export interface SentimentModel {
  score(text: string): Sentiment;
  heldOutAccuracy: number;
  baselineAccuracy: number | undefined;
  /** "learned-pl-" and a short hash of the weights. */
  name: string;
}

/** The label of a score under a model's neutral band (the rule lives in ../neutral-range.ts). */
export function labelOf(score: number, band: number): SentimentLabel {
  return labelIn({ negative: -band, positive: band }, score);
}

/** Builds a scorer from a model file; validates it first (see `parseSentimentModelFile`). */
export function loadSentimentModel(file: SentimentModelFile): SentimentModel {
  const checked = parseSentimentModelFile(file);
  const weights = decodeWeights(checked.weights, checked.features.bits);
  const digest = createHash("sha256")
    .update(JSON.stringify([checked.features, checked.weights.scale, checked.bias]))
    .update(checked.weights.indices)
    .update(checked.weights.values)
    .digest("hex");
  const name = `learned-pl-${digest.slice(0, 10)}`;
  const hasher = new FeatureHasher(checked.features);
  const bias = checked.bias;
  const lexiconWeight = checked.features.lexicon !== null ? (checked.lexiconWeight ?? 0) : 0;
  const band = checked.neutralBand;
  // Presence features: a stamp per bucket marks the ones this text has already counted.
  const stamps = checked.features.presence ? new Uint32Array(weights.length) : undefined;
  let generation = 0;
  return {
    score(text: string): Sentiment {
      const count = hasher.extract(text);
      if (count === 0) return { label: "neutral", score: 0, model: name };
      const buffer = hasher.buffer;
      let sum = 0;
      let distinct = count;
      if (stamps) {
        generation = (generation + 1) >>> 0;
        if (generation === 0) {
          stamps.fill(0);
          generation = 1;
        }
        distinct = 0;
        for (let index = 0; index < count; index++) {
          const feature = buffer[index] ?? 0;
          if (stamps[feature] === generation) continue;
          stamps[feature] = generation;
          distinct++;
          sum += weights[feature] ?? 0;
        }
      } else for (let index = 0; index < count; index++) sum += weights[buffer[index] ?? 0] ?? 0;
      // score = 2·p − 1 with p = σ(margin): the same thing as tanh(margin / 2).
      const lexicon = lexiconWeight !== 0 ? lexiconWeight * scorePolish(text).score : 0;
      const score = Math.tanh((bias + sum / Math.sqrt(distinct) + lexicon) / 2);
      return { label: labelOf(score, band), score, model: name };
    },
    heldOutAccuracy: checked.heldOutAccuracy,
    baselineAccuracy: checked.baselineAccuracy,
    name,
  };
}
