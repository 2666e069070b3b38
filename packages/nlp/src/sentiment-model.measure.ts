/**
 * Measures the learned sentiment model on the evaluation data in `../shared/eval`; the benchmark
 * calls `measureLearned()`. The model lives in memory only: nothing trained here is written.
 *
 *   node --import tsx -e 'const m = await import("./packages/nlp/src/sentiment-model.measure.ts"); console.log(await m.measureLearned())'
 */
import { allegroReviews, polemoReviews, split } from "./eval-data.ts";
import { loadSentimentModel, trainSentimentModel } from "./sentiment-model/index.ts";

export interface LearnedMeasurement {
  /** Positive vs negative on the last 15 % of the Allegro reviews (the model trains on the first 85 %). */
  heldOutAccuracy: number;
  heldOutSize: number;
  /** The model's labels with its neutral band (neutral counts as wrong) on the same reviews. */
  heldOutLabelAccuracy: number;
  neutralBand: number;
  /** Positive vs negative on PolEmo 2.0 (doctors and hotels), a domain the model never saw. */
  polemoAccuracy: number;
  polemoSize: number;
  trainSeconds: number;
  /** Scoring speed on one core, over review-length texts (the held-out Allegro reviews, ~500 chars). */
  textsPerSecond: number;
  /** The model file as JSON, in bytes. */
  modelBytes: number;
  nonZeroWeights: number;
}

export function measureLearned(): LearnedMeasurement {
  const reviews = allegroReviews();
  const started = performance.now();
  const { model, report } = trainSentimentModel(reviews, { heldOut: 0.15 });
  const trainSeconds = (performance.now() - started) / 1000;
  const scorer = loadSentimentModel(model);

  const polemo = polemoReviews().filter((review) => review.label === "positive" || review.label === "negative");
  let polemoCorrect = 0;
  for (const review of polemo) if (scorer.score(review.text).score > 0 === (review.label === "positive")) polemoCorrect++;

  const texts = split(reviews).test.map((review) => review.text).filter((text) => /\p{L}/u.test(text));
  for (const text of texts) scorer.score(text);
  let scored = 0;
  let checksum = 0;
  const clock = performance.now();
  while (performance.now() - clock < 2000) {
    for (const text of texts) checksum += scorer.score(text).score;
    scored += texts.length;
  }
  const textsPerSecond = Number.isFinite(checksum) ? scored / ((performance.now() - clock) / 1000) : 0;

  return {
    heldOutAccuracy: report.heldOutAccuracy,
    heldOutSize: report.heldOutSize,
    heldOutLabelAccuracy: report.heldOutLabelAccuracy,
    neutralBand: report.neutralBand,
    polemoAccuracy: polemoCorrect / polemo.length,
    polemoSize: polemo.length,
    trainSeconds,
    textsPerSecond: Math.round(textsPerSecond),
    modelBytes: Buffer.byteLength(JSON.stringify(model)),
    nonZeroWeights: model.weights.count,
  };
}
