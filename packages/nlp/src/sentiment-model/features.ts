import { POLISH_MODEL } from "../sentiment.pl.ts";
import { fold } from "../tokenize.ts";

/**
 * The model's features: the tokenizer's words, folded, hashed straight from the text into
 * 2^bits buckets (word unigrams, bigrams, prefixes, negated words, optional character n-grams and
 * skip-bigrams). Pure and allocation-free for ordinary text; the scorer and the trainer share it.
 */
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
  /**
   * Words of the first and of the last sentence (split at `.`, `!`, `?` and line breaks) also count
   * as features of their own, negated words apart: a review's verdict is usually its opening or
   * closing sentence ("Słaba antena.", "Nie polecam."). Absent in older model files: false.
   */
  edges?: boolean;
  /** Always "fold": lower-case, Polish letters and other diacritics folded to ASCII. */
  normalise: "fold";
}

export const DEFAULT_FEATURES: SentimentFeatures = {
  hash: "fnv1a-fmix32",
  bits: 20,
  seed: 0x2f6b_a1c3,
  unigrams: true,
  bigrams: true,
  skipBigrams: false,
  prefix: 5,
  charNgrams: null,
  presence: false,
  lexicon: POLISH_MODEL,
  negation: 3,
  edges: true,
  normalise: "fold",
};

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
/** Words of a last sentence that count as edge features; a longer one counts by its first ones. */
const MAX_SENTENCE_WORDS = 256;
/** Marks a negated word's edge feature apart from the plain word's. */
const NEGATED_EDGE = 0x5bd1_e995;

/** Punctuation that ends a negation's scope. */
const CLAUSE_MARK = new Uint8Array(128);
for (const mark of ".,;:!?()\n") CLAUSE_MARK[mark.charCodeAt(0)] = 1;
/** Punctuation that ends a sentence, for the edge features. */
const SENTENCE_MARK = new Uint8Array(128);
for (const mark of ".!?\n") SENTENCE_MARK[mark.charCodeAt(0)] = 1;
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
export class FeatureHasher {
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
  /** Edge features: the sentence the scan is in (1 is the first), whether a sentence mark came since the last word, and the current sentence's words (the last sentence's, once the text ends). */
  private sentence = 1;
  private sentenceEnd = false;
  private readonly current = new Int32Array(MAX_SENTENCE_WORDS);
  private currentLength = 0;
  private wordsSeen = 0;
  private readonly seedFirst: number;
  private readonly seedLast: number;

  constructor(private readonly features: SentimentFeatures) {
    this.mask = 2 ** features.bits - 1;
    this.seedUnigram = fmix(features.seed ^ 0x1);
    this.seedBigram = fmix(features.seed ^ 0x2);
    this.seedChar = fmix(features.seed ^ 0x3);
    this.seedSkip = fmix(features.seed ^ 0x4);
    this.seedPrefix = fmix(features.seed ^ 0x5);
    this.seedNegated = fmix(features.seed ^ 0x6);
    this.seedFirst = fmix(features.seed ^ 0x7);
    this.seedLast = fmix(features.seed ^ 0x8);
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

  /** The folded tokens with whether each is in a negation's scope and their sentence, 1 for the first (default features). */
  static marked(text: string): [token: string, negated: boolean, sentence: number][] {
    const tokens: [string, boolean, number][] = [];
    const hasher = new FeatureHasher(DEFAULT_FEATURES);
    hasher.negatedLeft = 0;
    hasher.boundary = false;
    hasher.sentence = 1;
    hasher.sentenceEnd = false;
    hasher.wordsSeen = 0;
    hasher.scan(text, (word, length, negated, sentence) => tokens.push([String.fromCharCode(...word.subarray(0, length)), negated, sentence]));
    return tokens;
  }

  extract(text: string): number {
    this.length = 0;
    this.hasPrevious = false;
    this.hasBeforePrevious = false;
    this.negatedLeft = 0;
    this.boundary = false;
    this.sentence = 1;
    this.sentenceEnd = false;
    this.currentLength = 0;
    this.wordsSeen = 0;
    this.scan(text, undefined);
    // The last sentence is known only at the end; a text of one sentence has only a first one.
    if (this.features.edges && this.sentence > 1) for (let at = 0; at < this.currentLength; at++) this.push(fmix((this.current[at] ?? 0) ^ this.seedLast));
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

  private scan(text: string, onToken: ((word: Uint16Array, length: number, negated: boolean, sentence: number) => void) | undefined): void {
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
        if (code < 128 && SENTENCE_MARK[code] === 1) this.sentenceEnd = true;
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
      if (this.sentenceEnd) {
        if (this.wordsSeen > 0) this.sentence++;
        this.currentLength = 0;
        this.sentenceEnd = false;
      }
      this.wordsSeen++;
      if (onToken) onToken(this.word.subarray(1), Math.min(this.wordLength, MAX_WORD), negated, this.sentence);
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
    if (features.edges) {
      const key = negated ? word ^ NEGATED_EDGE : word;
      if (this.sentence === 1) this.push(fmix(key ^ this.seedFirst));
      if (this.currentLength < MAX_SENTENCE_WORDS) this.current[this.currentLength++] = key;
    }
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

/**
 * The folded tokens that get an edge feature with the default features, of the first sentence and
 * of the last (none for a text of one sentence); for tests.
 */
export function modelEdgeTokens(text: string): { first: string[]; last: string[] } {
  const marked = FeatureHasher.marked(text);
  const sentences = marked.at(-1)?.[2] ?? 1;
  return {
    first: marked.filter(([, , sentence]) => sentence === 1).map(([token]) => token),
    last: sentences > 1 ? marked.filter(([, , sentence]) => sentence === sentences).map(([token]) => token).slice(0, MAX_SENTENCE_WORDS) : [],
  };
}

/** The folded tokens that get a negated feature with the default features; for tests. */
export function modelNegatedTokens(text: string): string[] {
  return FeatureHasher.marked(text).flatMap(([token, negated]) => (negated ? [token] : []));
}
