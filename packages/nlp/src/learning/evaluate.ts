import type { SentimentLabel } from "../types.ts";
import type { RatedMention } from "./dataset.ts";

/** A model's figures on held-out mentions. */
export interface Evaluation {
  /** Held-out mentions with 1–2 or 4–5 stars: the ones counted. */
  measured: number;
  /** Of those, labelled as their stars say (1–2 negative, 4–5 positive; neutral is wrong). */
  correct: number;
  accuracy: number;
}

/** The label the stars stand for, where they are clear: 1–2 negative, 4–5 positive; 3 (mixed) none. */
export function starTruth(rating: number): Exclude<SentimentLabel, "neutral"> | undefined {
  if (rating >= 1 && rating < 3) return "negative";
  if (rating > 3 && rating <= 5) return "positive";
  return undefined;
}

/**
 * Label accuracy of `label` (the label a model gives a text, stars unseen) on held-out mentions:
 * what a user would see on an unrated mention. 3-star mentions are not counted.
 */
export function evaluateLabels(label: (text: string) => SentimentLabel, heldOut: readonly RatedMention[]): Evaluation {
  let measured = 0;
  let correct = 0;
  for (const mention of heldOut) {
    const truth = starTruth(mention.rating);
    if (truth === undefined) continue;
    measured++;
    if (label(mention.text) === truth) correct++;
  }
  return { measured, correct, accuracy: measured > 0 ? correct / measured : 0 };
}
