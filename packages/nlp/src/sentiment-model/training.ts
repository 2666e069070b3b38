import { seededRandom } from "@odzew/core";
import { fitNeutralRange, type ScoredExample } from "../neutral-range.ts";
import { scorePolish } from "../sentiment.pl.ts";
import type { SentimentLabel } from "../types.ts";
import { DEFAULT_FEATURES, FeatureHasher, type SentimentFeatures } from "./features.ts";
import { SENTIMENT_MODEL_KIND, encodeWeights, type SentimentModelFile } from "./file-format.ts";
import { labelOf, loadSentimentModel, type SentimentModel } from "./scoring.ts";

/** Training: rated reviews in, a model file and a report on held-out reviews out. */

export interface TrainOptions {
  /** The share of rows held out for evaluation, taken from the END of the rows. Default 0.15. */
  heldOut?: number;
  /** The rule-based scorer, measured on the same held-out reviews. */
  baseline?: (text: string) => SentimentLabel;
  /** Seeds the order of the examples; the same rows and seed give the same weights. Default 1. */
  seed?: number;
  /** Passes over the training part. Default 8. */
  epochs?: number;
  /** Adagrad learning rate. Default 0.2. */
  learningRate?: number;
  /** L2 regularisation per update. Default 1e-6. */
  l2?: number;
  /** Naive-Bayes scaling of the features (NBSVM) with this smoothing; 0 for none. Default 1. */
  nbSmoothing?: number;
  /** Feature hashing; defaults to word unigrams, bigrams, 5-letter prefixes, first- and last-sentence words and negated words in 2^20 buckets, with the lexicon. */
  features?: Partial<Omit<SentimentFeatures, "hash" | "normalise">>;
}

export interface TrainReport {
  /** Positive and negative reviews (with at least one word) the weights were learned from. */
  trainedOn: number;
  /** Positive and negative held-out reviews with at least one word: the ones measured. */
  heldOutSize: number;
  /** Positive vs negative by the sign of the score, on the held-out reviews. */
  heldOutAccuracy: number;
  /** The baseline's labels on the same reviews (its "neutral" counts as wrong). */
  baselineAccuracy?: number;
  /** The model's labels, neutral band applied, on the same reviews (neutral counts as wrong). */
  heldOutLabelAccuracy: number;
  neutralBand: number;
}

interface Settings {
  features: SentimentFeatures;
  seed: number;
  epochs: number;
  rate: number;
  l2: number;
  /** Scale each bucket by its naive-Bayes log-count ratio before the regression (NBSVM); 0 for none. */
  nbSmoothing: number;
}

/** 1–2 stars negative (0), 4–5 positive (1), anything else (3 stars) none. */
function polarity(rating: number): 0 | 1 | undefined {
  if (rating >= 1 && rating < 3) return 0;
  if (rating > 3 && rating <= 5) return 1;
  return undefined;
}

function isMixed(rating: number): boolean {
  return rating >= 2.5 && rating <= 3.5;
}

/**
 * Logistic regression on the positive and negative rows: Adagrad, L2 on the buckets an example
 * touches, the classes weighted to balance (the rarer class counts as much as the commoner), the
 * examples in an order shuffled from the seed. Returns the weights as a file with no scores yet.
 */
function fit(rows: { text: string; rating: number }[], settings: Settings): SentimentModelFile {
  const { features } = settings;
  const hasher = new FeatureHasher(features);
  // Each example as its distinct buckets and their values (occurrences / √all occurrences, or
  // 1 / √distinct buckets for presence features), the same sum `score` takes.
  const starts: number[] = [0];
  const parts: { indices: Int32Array; values: Float32Array }[] = [];
  const labels: number[] = [];
  // The lexicon's score of each example: one more input, not hashed, not normalised.
  const lexiconScores: number[] | undefined = features.lexicon !== null ? [] : undefined;
  let total = 0;
  for (const row of rows) {
    const label = polarity(row.rating);
    if (label === undefined) continue;
    const count = hasher.extract(row.text);
    if (count === 0) continue;
    const sorted = hasher.buffer.slice(0, count).sort();
    const indices = new Int32Array(count);
    const values = new Float32Array(count);
    let distinct = 0;
    for (const feature of sorted) {
      if (distinct > 0 && indices[distinct - 1] === feature) values[distinct - 1] = (values[distinct - 1] ?? 0) + 1;
      else {
        indices[distinct] = feature;
        values[distinct] = 1;
        distinct++;
      }
    }
    const norm = 1 / Math.sqrt(features.presence ? distinct : count);
    for (let at = 0; at < distinct; at++) values[at] = features.presence ? norm : (values[at] ?? 0) * norm;
    parts.push({ indices: indices.subarray(0, distinct), values: values.subarray(0, distinct) });
    labels.push(label);
    if (lexiconScores) lexiconScores.push(scorePolish(row.text).score);
    total += distinct;
    starts.push(total);
  }
  const positives = labels.filter((label) => label === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new Error(
      `training needs negative (1–2 star) and positive (4–5 star) reviews with text in the training part; it has ${negatives} negative and ${positives} positive`,
    );
  }
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  parts.forEach((part, example) => {
    indices.set(part.indices, starts[example]);
    values.set(part.values, starts[example]);
  });
  const classWeight = [labels.length / (2 * negatives), labels.length / (2 * positives)];

  const size = 2 ** features.bits;
  // Naive-Bayes log-count ratios: how much more often a bucket occurs in positive reviews than in
  // negative ones (presence, smoothed). The regression then learns on values scaled by them, and
  // the stored weights are the product, so scoring is unchanged: a plain sum.
  let ratios: Float64Array | undefined;
  if (settings.nbSmoothing > 0) {
    const alpha = settings.nbSmoothing;
    const inPositive = new Float64Array(size);
    const inNegative = new Float64Array(size);
    labels.forEach((label, example) => {
      const counts = label === 1 ? inPositive : inNegative;
      for (let at = starts[example] ?? 0; at < (starts[example + 1] ?? 0); at++) counts[indices[at] ?? 0] = (counts[indices[at] ?? 0] ?? 0) + 1;
    });
    let positiveTotal = 0;
    let negativeTotal = 0;
    for (let bucket = 0; bucket < size; bucket++) {
      positiveTotal += (inPositive[bucket] ?? 0) + alpha;
      negativeTotal += (inNegative[bucket] ?? 0) + alpha;
    }
    ratios = new Float64Array(size);
    for (let bucket = 0; bucket < size; bucket++) {
      ratios[bucket] = Math.log((((inPositive[bucket] ?? 0) + alpha) / positiveTotal) / (((inNegative[bucket] ?? 0) + alpha) / negativeTotal));
    }
    for (let at = 0; at < total; at++) values[at] = (values[at] ?? 0) * (ratios[indices[at] ?? 0] ?? 0);
  }

  const weights = new Float64Array(size);
  const squares = new Float64Array(size);
  let lexiconWeight = 0;
  let lexiconSquares = 0;
  let bias = 0;
  let biasSquares = 0;
  const { rate, l2 } = settings;
  const random = seededRandom(settings.seed);
  const order = Array.from({ length: labels.length }, (_, example) => example);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (let position = order.length - 1; position > 0; position--) {
      const other = Math.floor(random() * (position + 1));
      const swap = order[position] ?? 0;
      order[position] = order[other] ?? 0;
      order[other] = swap;
    }
    for (const example of order) {
      const from = starts[example] ?? 0;
      const to = starts[example + 1] ?? 0;
      const label = labels[example] ?? 0;
      const lexiconScore = lexiconScores?.[example] ?? 0;
      let margin = bias + lexiconWeight * lexiconScore;
      for (let at = from; at < to; at++) margin += (weights[indices[at] ?? 0] ?? 0) * (values[at] ?? 0);
      const gradient = (1 / (1 + Math.exp(-margin)) - label) * (classWeight[label] ?? 1);
      for (let at = from; at < to; at++) {
        const feature = indices[at] ?? 0;
        const weight = weights[feature] ?? 0;
        const step = gradient * (values[at] ?? 0) + l2 * weight;
        const square = (squares[feature] ?? 0) + step * step;
        squares[feature] = square;
        weights[feature] = weight - (rate * step) / Math.sqrt(square + 1e-8);
      }
      biasSquares += gradient * gradient;
      bias -= (rate * gradient) / Math.sqrt(biasSquares + 1e-8);
      if (lexiconScores) {
        const step = gradient * lexiconScore + l2 * lexiconWeight;
        lexiconSquares += step * step;
        lexiconWeight -= (rate * step) / Math.sqrt(lexiconSquares + 1e-8);
      }
    }
  }
  if (ratios) for (let bucket = 0; bucket < size; bucket++) weights[bucket] = (weights[bucket] ?? 0) * (ratios[bucket] ?? 0);
  return {
    kind: SENTIMENT_MODEL_KIND,
    version: 1,
    lang: "pl",
    features,
    weights: encodeWeights(weights),
    bias,
    ...(lexiconScores ? { lexiconWeight } : {}),
    neutralBand: DEFAULT_NEUTRAL_BAND,
    heldOutAccuracy: 0,
    trainedOn: labels.length,
    createdAt: new Date().toISOString(),
  };
}

const DEFAULT_NEUTRAL_BAND = 0.2;
const HAS_LETTER = /\p{L}/u;

/**
 * The neutral band from the 3-star reviews, fitted out of sample: a model trained on the first
 * 80 % of the training part scores the last 20 % (reviews with text), and `fitNeutralRange` (the
 * one rule for where neutral begins, ../neutral-range.ts) fits one band for both sides under the
 * one-standard-error rule: a wider band must label more of those reviews right (1–2 stars
 * negative, 3 neutral, 4–5 positive) by more than noise. On product reviews 3-star texts score
 * much like the others, so the band stays near zero and 1–2 or 4–5 star reviews are not called
 * neutral for want of a fixed band. Without enough 3-star reviews the band stays at 0.2.
 */
function fitNeutralBand(rows: { text: string; rating: number }[], settings: Settings): number {
  const cut = Math.floor(rows.length * 0.8);
  const check = rows.slice(cut).filter((row) => HAS_LETTER.test(row.text));
  if (check.filter((row) => isMixed(row.rating)).length < 20) return DEFAULT_NEUTRAL_BAND;
  let scorer: SentimentModel;
  try {
    scorer = loadSentimentModel(fit(rows.slice(0, cut), settings));
  } catch {
    return DEFAULT_NEUTRAL_BAND;
  }
  const scored = check.flatMap((row): ScoredExample[] => {
    const truth: SentimentLabel | undefined = isMixed(row.rating)
      ? "neutral"
      : polarity(row.rating) === 1
        ? "positive"
        : polarity(row.rating) === 0
          ? "negative"
          : undefined;
    return truth === undefined ? [] : [{ truth, score: scorer.score(row.text).score }];
  });
  return fitNeutralRange(scored, { symmetric: true, rule: "one-standard-error", step: 0.02, max: 0.9 }).positive;
}

/**
 * Learns a model from rated reviews. The LAST `heldOut` share of the rows is held out and only
 * measured. Reviews without a single word (stars alone) are neither learned from nor measured.
 */
export function trainSentimentModel(
  rows: { text: string; rating: number }[],
  options: TrainOptions = {},
): { model: SentimentModelFile; report: TrainReport } {
  const heldOut = options.heldOut ?? 0.15;
  if (!(heldOut >= 0 && heldOut < 1)) throw new Error(`heldOut must be in [0, 1), got ${heldOut}`);
  const settings: Settings = {
    features: { ...DEFAULT_FEATURES, ...options.features, hash: "fnv1a-fmix32", normalise: "fold" },
    seed: options.seed ?? 1,
    epochs: options.epochs ?? 8,
    rate: options.learningRate ?? 0.2,
    l2: options.l2 ?? 1e-6,
    nbSmoothing: options.nbSmoothing ?? 1,
  };
  const cut = Math.floor(rows.length * (1 - heldOut));
  const trainRows = rows.slice(0, cut);
  const testRows = rows.slice(cut);

  const draft = fit(trainRows, settings);
  const neutralBand = fitNeutralBand(trainRows, settings);
  const scorer = loadSentimentModel(draft);
  const hasher = new FeatureHasher(settings.features);

  // Measured with the weights as stored, on the held-out negative and positive reviews.
  let heldOutSize = 0;
  let correct = 0;
  let labelCorrect = 0;
  let baselineCorrect = 0;
  for (const row of testRows) {
    const label = polarity(row.rating);
    if (label === undefined || hasher.extract(row.text) === 0) continue;
    heldOutSize++;
    const { score } = scorer.score(row.text);
    const truth: SentimentLabel = label === 1 ? "positive" : "negative";
    if ((score > 0 ? 1 : 0) === label) correct++;
    if (labelOf(score, neutralBand) === truth) labelCorrect++;
    if (options.baseline && options.baseline(row.text) === truth) baselineCorrect++;
  }
  const heldOutAccuracy = heldOutSize > 0 ? correct / heldOutSize : 0;
  const baselineAccuracy = options.baseline && heldOutSize > 0 ? baselineCorrect / heldOutSize : undefined;
  const model: SentimentModelFile = {
    ...draft,
    neutralBand,
    heldOutAccuracy,
    ...(baselineAccuracy === undefined ? {} : { baselineAccuracy }),
  };
  const report: TrainReport = {
    trainedOn: draft.trainedOn,
    heldOutSize,
    heldOutAccuracy,
    ...(baselineAccuracy === undefined ? {} : { baselineAccuracy }),
    heldOutLabelAccuracy: heldOutSize > 0 ? labelCorrect / heldOutSize : 0,
    neutralBand,
  };
  return { model, report };
}
