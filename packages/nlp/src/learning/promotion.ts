import type { Evaluation } from "./evaluate.ts";

/** Whether a new model replaces the one in use, and why, in a sentence for the output. */
export type PromotionDecision = { promote: true; reason: string } | { promote: false; reason: string };

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

/**
 * The promotion rule: a new model is promoted only when it labels strictly more of the same
 * held-out mentions right than the model in use (a tie keeps the one in use: a swap must buy
 * something), and only when the held-out part is large enough to tell (`minMeasured`).
 */
export function decidePromotion(candidate: Evaluation, inUse: Evaluation, minMeasured: number): PromotionDecision {
  if (candidate.measured !== inUse.measured) {
    throw new RangeError(`both models must be measured on the same held-out mentions (${candidate.measured} vs ${inUse.measured})`);
  }
  if (candidate.measured < minMeasured) {
    return {
      promote: false,
      reason: `only ${candidate.measured} held-out mentions with 1–2 or 4–5 stars, fewer than the ${minMeasured} needed to tell two models apart`,
    };
  }
  const figures = `${percent(candidate.accuracy)} vs ${percent(inUse.accuracy)} in use, on ${candidate.measured} held-out mentions`;
  if (candidate.correct > inUse.correct) return { promote: true, reason: `the new model beats the one in use: ${figures}` };
  if (candidate.correct === inUse.correct) return { promote: false, reason: `the new model only ties with the one in use: ${figures}` };
  return { promote: false, reason: `the new model is worse than the one in use: ${figures}` };
}
