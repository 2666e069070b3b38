import type { SentimentLabel } from "./types.ts";

/**
 * Where neutral begins, learned from labelled data rather than fixed: the scores below `negative`
 * are negative, those at or above `positive` positive, the rest neutral. The two ends are fitted
 * separately (review scores are not symmetric around zero: a neutral description of a hotel
 * carries more positive words than negative ones).
 */
export interface NeutralRange {
  /** A score at or below this (≤ 0) is negative. */
  negative: number;
  /** A score at or above this (≥ 0) is positive. */
  positive: number;
}

/** A score and its true label: stars 1–2 negative, 3 neutral, 4–5 positive; or PolEmo's classes. */
export interface ScoredExample {
  score: number;
  truth: SentimentLabel;
}

export function labelIn(range: NeutralRange, score: number): SentimentLabel {
  if (score > 0 && score >= range.positive) return "positive";
  if (score < 0 && score <= range.negative) return "negative";
  return "neutral";
}

export interface FitOptions {
  /** Grid step and the widest threshold tried. Default 0.01 and 0.6. */
  step?: number;
  max?: number;
  /**
   * "best": the thresholds with the most right (ties: the narrower). "one-standard-error": the
   * narrowest within one standard error of the best, so that a wider neutral zone must earn its
   * place by more than noise (for small or noisy data, such as a brand's own 3-star reviews).
   * Default "best".
   */
  rule?: "best" | "one-standard-error";
  /** One threshold for both sides (a band around zero, fitted on |score|), as a model file stores it. Default false. */
  symmetric?: boolean;
}

/**
 * The range that labels the examples best (three classes, every example counting once), each end
 * fitted on its side of zero over a grid of `step` from 0 to `max` (see `FitOptions.rule`).
 */
export function fitNeutralRange(examples: readonly ScoredExample[], options: FitOptions = {}): NeutralRange {
  const step = options.step ?? 0.01;
  const max = options.max ?? 0.6;
  const oneStandardError = options.rule === "one-standard-error";
  if (examples.length === 0) throw new Error("fitNeutralRange needs labelled examples");
  const steps = Math.round(max / step);
  // The two ends are independent: a negative answer depends only on `negative`, a positive one only on `positive`.
  // With `symmetric`, both sides are fitted together on |score|.
  const bestEnd = (sign: 1 | -1 | 0): number => {
    const side = sign === 0 ? examples.filter((example) => example.score !== 0) : examples.filter((example) => Math.sign(example.score) === sign);
    if (side.length === 0) return 0;
    const rights: number[] = [];
    for (let k = 0; k <= steps; k++) {
      const threshold = k * step;
      let right = 0;
      for (const { score, truth } of side) {
        const said: SentimentLabel = Math.abs(score) < threshold ? "neutral" : score > 0 ? "positive" : "negative";
        if (said === truth) right++;
      }
      rights.push(right);
    }
    const best = Math.max(...rights);
    const accuracy = best / side.length;
    const standardError = oneStandardError ? Math.sqrt((accuracy * (1 - accuracy)) / side.length) * side.length : 0;
    const chosen = rights.findIndex((right) => right >= best - standardError);
    return Math.round(Math.max(0, chosen) * step * 1000) / 1000;
  };
  // Zero stays a plain 0, not -0.
  const below = (threshold: number): number => (threshold === 0 ? 0 : -threshold);
  if (options.symmetric) {
    const band = bestEnd(0);
    return { negative: below(band), positive: band };
  }
  return { negative: below(bestEnd(-1)), positive: bestEnd(1) };
}
