import { createHash } from "node:crypto";
import { z } from "zod";
import { seededRandom } from "@odzew/core";
import { POLISH_MODEL, scorePolish } from "./sentiment.pl.ts";
import { fold } from "./tokenize.ts";
import type { Sentiment, SentimentLabel } from "./types.ts";

/**
 * A Polish sentiment model learned from star ratings: logistic regression on hashed features of
 * the folded words (lower-case, diacritics folded to ASCII, exactly as `words()` + `fold()` give
 * them): word unigrams, word bigrams, 6-letter word prefixes (a crude stem for inflection) and
 * negated words (the three words after "nie", "bez", "brak"… up to a punctuation mark), plus the
 * hand-written lexicon's score as one more input. The hashed features are scaled by their
 * naive-Bayes log-count ratios before the regression (NBSVM, Wang & Manning 2012); the stored
 * weights are the products, so scoring stays one sum. Trained with Adagrad and L2, classes
 * balanced, from a fixed seed: the same rows give the same weights.
 *
 * The defaults were chosen by 5-fold cross-validation on the first 85 % of the Allegro reviews in
 * ../shared/eval (never on the last 15 %, which the benchmark holds out): from 89.3 % to 90.5 %
 * there, each part adding a little (the lexicon +0.7, naive-Bayes scaling +0.2, negation +0.2,
 * eight passes instead of four +0.2). Character n-grams, skip-bigrams and weight averaging did
 * not help there and are off (character n-grams and skip-bigrams remain available).
 *
 * 1–2 stars are negative, 4–5 positive. 3-star reviews take no part in the weights nor in the
 * accuracy; they set the neutral band (see `fitNeutralBand`).
 */

export const SENTIMENT_MODEL_KIND = "odzew-sentiment-linear";

/** How the features are hashed; stored in the file, so a model always scores the way it was trained. */
export interface SentimentFeatures {
  hash: "fnv1a-fmix32";
  /** The weights live in 2^bits buckets. */
  bits: number;
  seed: number;
  unigrams: boolean;
  bigrams: boolean;
  /** Pairs of words with one word between them ("nie jest dobry" → nie·dobry). */
  skipBigrams: boolean;
  /** The first this-many letters of longer words, a crude stem for Polish inflection; 0 for none. */
  prefix: number;
  /** Character n-grams of each word padded with boundary marks, n from min to max; null for none. */
  charNgrams: { min: number; max: number } | null;
  /** Each feature counts once per text (presence), rather than once per occurrence. */
  presence: boolean;
  /**
   * The rule-based Polish scorer's score (`scorePolish`) as one more input with its own weight,
   * named by the lexicon's model id; null for none. A model only scores with the lexicon it was
   * trained with.
   */
  lexicon: string | null;
  /**
   * Negation scope: after a negator ("nie", "bez", "brak", "ani", "nigdy"…), this many following
   * words (up to a punctuation mark) also count as negated words, features of their own
   * ("nie jest zbyt dobry" → ¬jest, ¬zbyt, ¬dobry); 0 for none.
   */
  negation: number;
  /** Always "fold": lower-case, Polish letters and other diacritics folded to ASCII. */
  normalise: "fold";
}

const DEFAULT_FEATURES: SentimentFeatures = {
  hash: "fnv1a-fmix32",
  bits: 20,
  seed: 0x2f6b_a1c3,
  unigrams: true,
  bigrams: true,
  skipBigrams: false,
  prefix: 6,
  charNgrams: null,
  presence: false,
  lexicon: POLISH_MODEL,
  negation: 3,
  normalise: "fold",
};

// ---------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const weightsSchema = z.object({
  /** Only the non-zero buckets: their indices as delta-encoded unsigned LEB128 varints. */
  encoding: z.literal("sparse-varint-int16", { error: 'weights.encoding must be "sparse-varint-int16"' }),
  count: z.int().nonnegative(),
  /** A weight is its int16 value times this. */
  scale: z.number().positive(),
  indices: z.string().regex(BASE64, "weights.indices is not base64"),
  /** Little-endian int16, one per index. */
  values: z.string().regex(BASE64, "weights.values is not base64"),
});

export const sentimentModelFileSchema = z
  .object({
    kind: z.literal(SENTIMENT_MODEL_KIND, { error: `kind must be "${SENTIMENT_MODEL_KIND}"` }),
    version: z.literal(1, { error: "version must be 1 (the only format this build reads)" }),
    lang: z.literal("pl", { error: 'lang must be "pl"' }),
    features: z.object({
      hash: z.literal("fnv1a-fmix32"),
      bits: z.int().min(10).max(24),
      seed: z.int().min(0).max(0xffff_ffff),
      unigrams: z.boolean(),
      bigrams: z.boolean(),
      skipBigrams: z.boolean(),
      prefix: z.int().min(0).max(16),
      charNgrams: z
        .object({ min: z.int().min(1).max(8), max: z.int().min(1).max(8) })
        .refine((range) => range.min <= range.max, "charNgrams.min must not exceed charNgrams.max")
        .nullable(),
      presence: z.boolean(),
      lexicon: z.string().nullable().default(null),
      negation: z.int().min(0).max(8).default(0),
      normalise: z.literal("fold"),
    }),
    weights: weightsSchema,
    bias: z.number(),
    /** The weight of the lexicon's score, when `features.lexicon` names one. */
    lexiconWeight: z.number().optional(),
    /** |score| below this is neutral. */
    neutralBand: z.number().min(0).max(1),
    heldOutAccuracy: z.number().min(0).max(1),
    baselineAccuracy: z.number().min(0).max(1).optional(),
    trainedOn: z.int().nonnegative(),
    createdAt: z.iso.datetime(),
  })
  .superRefine((file, ctx) => {
    const lexicon = file.features.lexicon;
    if (lexicon !== null && lexicon !== POLISH_MODEL) {
      ctx.addIssue({ code: "custom", path: ["features", "lexicon"], message: `trained with the lexicon "${lexicon}", this build has "${POLISH_MODEL}": train the model again` });
    }
    if (lexicon !== null && file.lexiconWeight === undefined) {
      ctx.addIssue({ code: "custom", path: ["lexiconWeight"], message: "features.lexicon is set, so lexiconWeight is needed" });
    }
    try {
      decodeWeights(file.weights, file.features.bits);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["weights"], message: (error as Error).message });
    }
  });

export type SentimentModelFile = z.infer<typeof sentimentModelFileSchema>;

/** Reads a model file (already JSON-parsed); a broken or foreign one throws naming what is wrong. */
export function parseSentimentModelFile(data: unknown): SentimentModelFile {
  const result = sentimentModelFileSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
  throw new Error(`not a usable Odzew sentiment model: ${problems.join("; ")}`);
}

function encodeWeights(dense: Float64Array): SentimentModelFile["weights"] {
  let max = 0;
  for (const weight of dense) max = Math.max(max, Math.abs(weight));
  const scale = max > 0 ? max / 32767 : 1;
  const indices: number[] = [];
  const values: number[] = [];
  for (let index = 0; index < dense.length; index++) {
    const value = Math.round((dense[index] ?? 0) / scale);
    if (value !== 0) {
      indices.push(index);
      values.push(value);
    }
  }
  const varints = Buffer.alloc(indices.length * 5);
  let length = 0;
  let previous = -1;
  for (const index of indices) {
    let delta = index - previous - 1;
    previous = index;
    while (delta >= 0x80) {
      varints[length++] = (delta & 0x7f) | 0x80;
      delta >>>= 7;
    }
    varints[length++] = delta;
  }
  const int16 = Buffer.alloc(values.length * 2);
  values.forEach((value, position) => int16.writeInt16LE(value, position * 2));
  return {
    encoding: "sparse-varint-int16",
    count: indices.length,
    scale,
    indices: varints.subarray(0, length).toString("base64"),
    values: int16.toString("base64"),
  };
}

function decodeWeights(weights: SentimentModelFile["weights"], bits: number): Float32Array {
  const dense = new Float32Array(2 ** bits);
  const varints = Buffer.from(weights.indices, "base64");
  const int16 = Buffer.from(weights.values, "base64");
  if (int16.length !== weights.count * 2) {
    throw new Error(`weights.values holds ${Math.floor(int16.length / 2)} weights, weights.count says ${weights.count}`);
  }
  let offset = 0;
  let index = -1;
  for (let position = 0; position < weights.count; position++) {
    let delta = 0;
    let shift = 0;
    for (;;) {
      const byte = varints[offset++];
      if (byte === undefined) throw new Error(`weights.indices ends after ${position} of ${weights.count} indices`);
      delta += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
      if (shift > 28) throw new Error("weights.indices holds a malformed varint");
    }
    index += delta + 1;
    if (index >= dense.length) throw new Error(`weights.indices points at bucket ${index}, beyond the 2^${bits} buckets`);
    dense[index] = int16.readInt16LE(position * 2) * weights.scale;
  }
  if (offset !== varints.length) throw new Error(`weights.indices holds more than weights.count (${weights.count}) indices`);
  return dense;
}

// ---------------------------------------------------------------------------------------------
// Features: the tokenizer's words, folded, hashed straight from the text
// ---------------------------------------------------------------------------------------------

// Character classes, filled in lazily: 255 unknown, 0 other, 1 letter, 2 number, 3 pictograph.
const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
const PICTOGRAPH = 3;
const UNKNOWN = 255;
const CLASS = new Uint8Array(0x10000).fill(UNKNOWN);
/** The folded form of a BMP letter or digit when it is one code unit; MULTI when it is not. */
const FOLDED = new Uint16Array(0x10000);
const MULTI = 0xffff;
const FOLDED_MULTI = new Map<number, string>();
const ASTRAL = new Map<number, { cls: number; folded: string }>();

const IS_LETTER = /^\p{L}$/u;
const IS_NUMBER = /^\p{N}$/u;
const IS_PICTOGRAPH = /^\p{Extended_Pictographic}$/u;

function classify(char: string): number {
  if (IS_LETTER.test(char)) return LETTER;
  if (IS_NUMBER.test(char)) return NUMBER;
  if (IS_PICTOGRAPH.test(char)) return PICTOGRAPH;
  return OTHER;
}

function classOf(code: number): number {
  const known = CLASS[code] ?? OTHER;
  if (known !== UNKNOWN) return known;
  const char = String.fromCharCode(code);
  const cls = code >= 0xd800 && code <= 0xdfff ? OTHER : classify(char);
  if (cls === LETTER || cls === NUMBER) {
    const folded = fold(char.toLocaleLowerCase("pl"));
    if (folded.length === 1) FOLDED[code] = folded.charCodeAt(0);
    else {
      FOLDED[code] = MULTI;
      FOLDED_MULTI.set(code, folded);
    }
  } else FOLDED[code] = code;
  CLASS[code] = cls;
  return cls;
}

function astral(codePoint: number): { cls: number; folded: string } {
  let known = ASTRAL.get(codePoint);
  if (!known) {
    const char = String.fromCodePoint(codePoint);
    const cls = classify(char);
    known = { cls, folded: cls === LETTER || cls === NUMBER ? fold(char.toLocaleLowerCase("pl")) : char };
    // Bounded: a text of a million distinct rare characters must not grow it for good.
    if (ASTRAL.size < 4096) ASTRAL.set(codePoint, known);
  }
  return known;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MAX_WORD = 48;

/** Punctuation that ends a negation's scope. */
const CLAUSE_MARK = new Uint8Array(128);
for (const mark of ".,;:!?()\n") CLAUSE_MARK[mark.charCodeAt(0)] = 1;
/** Words that negate what follows (folded), by their FNV hash; the letters are checked too. */
const NEGATOR_WORDS = ["nie", "ani", "bez", "brak", "brakuje", "nigdy", "zaden", "zadna", "zadne", "zadnego", "zadnej", "zadnych", "zadnym", "nic", "niczego", "nikt", "nikomu"];
const fnv = (word: string): number => {
  let hash = FNV_OFFSET;
  for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), FNV_PRIME);
  return hash >>> 0;
};
const NEGATORS = new Map(NEGATOR_WORDS.map((word) => [fnv(word), word]));

function fmix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes the features of a text into a reusable buffer: no strings are built for ordinary text.
 * The tokens are those of `words()` folded with `fold()` (letter runs with one inner apostrophe,
 * number runs, single pictographs).
 */
class FeatureHasher {
  buffer = new Int32Array(4096);
  length = 0;
  private readonly word = new Uint16Array(MAX_WORD + 2);
  private wordLength = 0;
  private hash = 0;
  private previous = 0;
  private hasPrevious = false;
  private beforePrevious = 0;
  private hasBeforePrevious = false;
  private readonly mask: number;
  private readonly seedUnigram: number;
  private readonly seedBigram: number;
  private readonly seedChar: number;
  private readonly seedSkip: number;
  private readonly seedPrefix: number;
  private readonly seedNegated: number;
  /** Words still inside a negation's scope; a punctuation mark since the last word ends it. */
  private negatedLeft = 0;
  private boundary = false;

  constructor(private readonly features: SentimentFeatures) {
    this.mask = 2 ** features.bits - 1;
    this.seedUnigram = fmix(features.seed ^ 0x1);
    this.seedBigram = fmix(features.seed ^ 0x2);
    this.seedChar = fmix(features.seed ^ 0x3);
    this.seedSkip = fmix(features.seed ^ 0x4);
    this.seedPrefix = fmix(features.seed ^ 0x5);
    this.seedNegated = fmix(features.seed ^ 0x6);
  }

  /** Whether the current word, whose hash is a negator's, is that negator (not a collision). */
  private isNegator(): boolean {
    const negator = NEGATORS.get(this.hash >>> 0) ?? "";
    if (negator.length !== this.wordLength) return false;
    for (let index = 0; index < negator.length; index++) if (this.word[1 + index] !== negator.charCodeAt(index)) return false;
    return true;
  }

  /** The folded tokens, for checking the hasher reads text as `words()` + `fold()` do. */
  static tokens(text: string): string[] {
    return FeatureHasher.marked(text).map(([token]) => token);
  }

  /** The folded tokens with whether each is in a negation's scope (default features). */
  static marked(text: string): [token: string, negated: boolean][] {
    const tokens: [string, boolean][] = [];
    const hasher = new FeatureHasher(DEFAULT_FEATURES);
    hasher.negatedLeft = 0;
    hasher.boundary = false;
    hasher.scan(text, (word, length, negated) => tokens.push([String.fromCharCode(...word.subarray(0, length)), negated]));
    return tokens;
  }

  extract(text: string): number {
    this.length = 0;
    this.hasPrevious = false;
    this.hasBeforePrevious = false;
    this.negatedLeft = 0;
    this.boundary = false;
    this.scan(text, undefined);
    return this.length;
  }

  private push(feature: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Int32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = feature & this.mask;
  }

  private add(code: number): void {
    this.hash = Math.imul(this.hash ^ code, FNV_PRIME);
    if (this.wordLength < MAX_WORD) this.word[1 + this.wordLength] = code;
    this.wordLength++;
  }

  private addString(folded: string): void {
    for (let index = 0; index < folded.length; index++) this.add(folded.charCodeAt(index));
  }

  private scan(text: string, onToken: ((word: Uint16Array, length: number, negated: boolean) => void) | undefined): void {
    const length = text.length;
    let index = 0;
    while (index < length) {
      let code = text.charCodeAt(index);
      let cls: number;
      let width = 1;
      if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
        const low = text.charCodeAt(index + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      cls = width === 2 ? astral(code).cls : classOf(code);
      if (cls === OTHER) {
        if (code < 128 && CLAUSE_MARK[code] === 1) this.boundary = true;
        index += width;
        continue;
      }
      this.hash = FNV_OFFSET;
      this.wordLength = 0;
      if (cls === PICTOGRAPH) {
        this.addString(text.slice(index, index + width));
        index += width;
      } else {
        const run = cls;
        let apostrophe = false;
        for (;;) {
          if (width === 2) this.addString(astral(code).folded);
          else {
            const folded = FOLDED[code] ?? MULTI;
            if (folded === MULTI) this.addString(FOLDED_MULTI.get(code) ?? "");
            else this.add(folded);
          }
          index += width;
          if (index >= length) break;
          code = text.charCodeAt(index);
          width = 1;
          if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
            const low = text.charCodeAt(index + 1);
            if (low >= 0xdc00 && low <= 0xdfff) {
              code = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
              width = 2;
            }
          }
          cls = width === 2 ? astral(code).cls : classOf(code);
          if (cls === run) continue;
          // One apostrophe may join two letter runs ("o'clock"), as in the tokenizer.
          if (run === LETTER && !apostrophe && width === 1 && (code === 0x27 || code === 0x2019) && index + 1 < length) {
            const next = text.charCodeAt(index + 1);
            const nextIsLetter = next >= 0xd800 && next <= 0xdbff && index + 2 < length
              ? astral((next - 0xd800) * 0x400 + (text.charCodeAt(index + 2) - 0xdc00) + 0x10000).cls === LETTER
              : classOf(next) === LETTER;
            if (nextIsLetter) {
              apostrophe = true;
              this.add(code);
              index += 1;
              code = next;
              width = 1;
              if (next >= 0xd800 && next <= 0xdbff) {
                code = (next - 0xd800) * 0x400 + (text.charCodeAt(index + 1) - 0xdc00) + 0x10000;
                width = 2;
              }
              continue;
            }
          }
          break;
        }
      }
      const negated = this.features.negation > 0 && this.inNegation();
      if (onToken) onToken(this.word.subarray(1), Math.min(this.wordLength, MAX_WORD), negated);
      else this.emit(negated);
    }
  }

  /** Whether the current word lies in a negation's scope (a negator itself does not). */
  private inNegation(): boolean {
    if (this.boundary) this.negatedLeft = 0;
    this.boundary = false;
    if (NEGATORS.has(this.hash >>> 0) && this.isNegator()) {
      this.negatedLeft = this.features.negation;
      return false;
    }
    if (this.negatedLeft === 0) return false;
    this.negatedLeft--;
    return true;
  }

  private emit(negated: boolean): void {
    const word = this.hash >>> 0;
    const features = this.features;
    if (negated) this.push(fmix(word ^ this.seedNegated));
    if (features.unigrams) this.push(fmix(word ^ this.seedUnigram));
    if (features.bigrams && this.hasPrevious) this.push(fmix(Math.imul(this.previous, 0x9e3779b1) ^ word ^ this.seedBigram));
    if (features.skipBigrams && this.hasBeforePrevious) this.push(fmix(Math.imul(this.beforePrevious, 0x7feb352d) ^ word ^ this.seedSkip));
    if (features.prefix > 0 && this.wordLength > features.prefix) {
      let hash = FNV_OFFSET;
      for (let offset = 1; offset <= features.prefix; offset++) hash = Math.imul(hash ^ (this.word[offset] ?? 0), FNV_PRIME);
      this.push(fmix(hash ^ this.seedPrefix));
    }
    this.beforePrevious = this.previous;
    this.hasBeforePrevious = this.hasPrevious;
    this.previous = word;
    this.hasPrevious = true;
    const grams = features.charNgrams;
    if (grams && this.wordLength > 1) {
      const chars = this.word;
      const padded = Math.min(this.wordLength, MAX_WORD) + 2;
      chars[0] = 0x02;
      chars[padded - 1] = 0x03;
      for (let n = grams.min; n <= grams.max; n++) {
        if (n >= padded) break;
        for (let start = 0; start + n <= padded; start++) {
          let hash = FNV_OFFSET ^ n;
          for (let offset = 0; offset < n; offset++) hash = Math.imul(hash ^ (chars[start + offset] ?? 0), FNV_PRIME);
          this.push(fmix(hash ^ this.seedChar));
        }
      }
    }
  }
}

/** The folded tokens the model reads (the same as `words(text).map(fold)`); for tests. */
export function modelTokens(text: string): string[] {
  return FeatureHasher.tokens(text);
}

/** The folded tokens that get a negated feature with the default features; for tests. */
export function modelNegatedTokens(text: string): string[] {
  return FeatureHasher.marked(text).flatMap(([token, negated]) => (negated ? [token] : []));
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

export interface SentimentModel {
  score(text: string): Sentiment;
  heldOutAccuracy: number;
  baselineAccuracy: number | undefined;
  /** "learned-pl-" and a short hash of the weights. */
  name: string;
}

function labelOf(score: number, band: number): SentimentLabel {
  if (Math.abs(score) < band || score === 0) return "neutral";
  return score > 0 ? "positive" : "negative";
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

// ---------------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------------

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
  /** Feature hashing; defaults to word unigrams, bigrams, 6-letter prefixes and negated words in 2^20 buckets, with the lexicon. */
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
const MIN_NEUTRAL_BAND = 0.1;

/**
 * The neutral band from the 3-star reviews, fitted out of sample: a model trained on the first
 * 80 % of the training part scores the last 20 %, and the band is the |score| below which calling
 * reviews neutral gets the most of them right (1–2 stars negative, 3 neutral, 4–5 positive).
 * The band is at least 0.1 (probability 0.45–0.55): a text with next to no evidence is neutral.
 * Without enough 3-star reviews the band stays at 0.2.
 */
function fitNeutralBand(rows: { text: string; rating: number }[], settings: Settings): number {
  const cut = Math.floor(rows.length * 0.8);
  const check = rows.slice(cut);
  if (check.filter((row) => isMixed(row.rating)).length < 20) return DEFAULT_NEUTRAL_BAND;
  let scorer: SentimentModel;
  try {
    scorer = loadSentimentModel(fit(rows.slice(0, cut), settings));
  } catch {
    return DEFAULT_NEUTRAL_BAND;
  }
  const scored = check.flatMap((row) => {
    const truth = isMixed(row.rating) ? 0 : polarity(row.rating) === 1 ? 1 : polarity(row.rating) === 0 ? -1 : undefined;
    return truth === undefined ? [] : [{ truth, score: scorer.score(row.text).score }];
  });
  let best = DEFAULT_NEUTRAL_BAND;
  let bestCorrect = -1;
  for (let band = 0; band <= 0.9001; band += 0.02) {
    let correct = 0;
    for (const { truth, score } of scored) {
      const label = Math.abs(score) < band || score === 0 ? 0 : Math.sign(score);
      if (label === truth) correct++;
    }
    if (correct > bestCorrect) {
      bestCorrect = correct;
      best = Math.round(band * 100) / 100;
    }
  }
  return Math.max(MIN_NEUTRAL_BAND, best);
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
