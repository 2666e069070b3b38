import { CONCESSIVES, CONTRASTS, EMOTICONS, MODIFIERS, NEGATORS, PHRASES, WORDS } from "./lexicon.pl.ts";
import { complaintEvidence, findComplaints, scanComplaints } from "./complaints.ts";
import { labelIn, type NeutralRange } from "./neutral-range.ts";
import { fold, wordOfKey } from "./tokenize.ts";
import type { Sentiment } from "./types.ts";

/**
 * Rule-based Polish sentiment over the hand-written lexicon in `lexicon.pl.ts`: words and stems
 * matched on diacritic-folded tokens (so "porazka" = "porażka"), multi-word idioms, negation with
 * a short scope, intensifiers and diminishers, contrast ("ale": the clause after weighs more),
 * emoji and emoticons, and complaint events worded without sentiment words (complaints.ts). The
 * sum is squashed to -1..1; where neutral begins is learned from data (`NEUTRAL_RANGE`).
 */
export const POLISH_MODEL = "lexicon-pl-2";

/**
 * Where neutral begins, learned from data: `fitNeutralRange` on the scores of the training parts
 * (first 85 %) of the shared Allegro reviews (3 stars neutral) and PolEmo 2.0 (neutral and
 * ambiguous), every review counting once. A score at or below `negative` is negative, at or above
 * `positive` positive. Neutral reaches further above zero than below: a neutral text carries more
 * positive words than negative ones. `pnpm bench nlp` prints the range fitted anew; refit it here
 * when the lexicon changes.
 */
export const NEUTRAL_RANGE: NeutralRange = { negative: -0.07, positive: 0.25 };
/** Squashing: score = s / sqrt(s² + ALPHA), so one plain "dobry" (1.5) gives about 0.36. */
const ALPHA = 15;
/** How much a clause after a contrast word weighs, and what is left of the one before it. */
const AFTER_CONTRAST = 1.5;
const BEFORE_CONTRAST = 0.5;
/** What a concessive clause ("choć drogi") weighs. */
const CONCESSIVE = 0.5;
/** A negated negative word is a weaker positive ("nie jest źle"); a negated positive is a full negative. */
const NEGATED_NEGATIVE = 0.8;
/** How many words a modifier reaches ("bardzo mi się podoba"). */
const MODIFIER_SCOPE = 2;
/** The last sentence of a review is usually the verdict. */
const LAST_SENTENCE = 1.3;
const MIN_PREFIX = 3;

const ADJ_ENDINGS = ["y", "a", "e", "ego", "ej", "emu", "ym", "ymi", "ych", "i", "ą"];
const NOUN_ENDINGS = ["", "a", "u", "y", "e", "ę", "i", "ie", "em", "om", "ami", "ach", "ów", "owi", "o", "ą"];

/** One word of a pattern: a set of exact (folded) forms, or a stem that words start with. */
interface Matcher {
  forms: ReadonlySet<string> | undefined;
  prefix: string | undefined;
}

function compileMatcher(pattern: string): Matcher {
  if (pattern.endsWith("*")) {
    const prefix = fold(pattern.slice(0, -1));
    if (prefix.length < MIN_PREFIX) throw new Error(`lexicon: stem "${pattern}" is shorter than ${MIN_PREFIX} letters`);
    return { forms: undefined, prefix };
  }
  return { forms: new Set(expand(pattern)), prefix: undefined };
}

/** The exact forms a pattern without `*` stands for. */
function expand(pattern: string): string[] {
  const plus = pattern.lastIndexOf("+");
  if (plus <= 0) return [fold(pattern)];
  const stem = pattern.slice(0, plus);
  const kind = pattern.slice(plus + 1);
  const endings = kind === "A" ? ADJ_ENDINGS : kind === "N" ? NOUN_ENDINGS : undefined;
  if (!endings) throw new Error(`lexicon: unknown ending class in "${pattern}"`);
  return endings.map((ending) => fold(stem + ending));
}

function matches(matcher: Matcher, word: string): boolean {
  return matcher.prefix !== undefined ? word.startsWith(matcher.prefix) : matcher.forms?.has(word) === true;
}

interface Phrase {
  /** The words after the first. */
  rest: Matcher[];
  weight: number;
  /** False when the phrase carries its own negation ("nie polecam"): a negation before it does not turn it. */
  negatable: boolean;
}

const Kind = { Plain: 0, Negator: 1, Modifier: 2, Contrast: 3, Concessive: 4 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** Everything the scorer needs to know about one folded word, computed once per distinct word. */
interface WordInfo {
  /** The folded word ("" for punctuation and words outside the lexicon). */
  word: string;
  kind: Kind;
  /** Lexicon weight (for negators and modifiers: the weight when nothing follows). */
  weight: number;
  /** Negation scope in words, or modifier multiplier. */
  arg: number;
  /** Phrases starting with this word, longest first. */
  phrases: readonly Phrase[] | undefined;
}

// ---- compiled once at module load

const exactWeights = new Map<string, number>();
const prefixWeights = new Map<string, number>();
let maxPrefix = 0;
for (const [pattern, weight] of WORDS) {
  const matcher = compileMatcher(pattern);
  if (matcher.prefix !== undefined) {
    prefixWeights.set(matcher.prefix, weight);
    maxPrefix = Math.max(maxPrefix, matcher.prefix.length);
  } else for (const form of matcher.forms ?? []) exactWeights.set(form, weight);
}
for (const [token, weight] of EMOTICONS) exactWeights.set(token, weight);

const negators = new Map(NEGATORS.map(([word, scope, weight]) => [fold(word), { scope, weight }]));
const modifiers = new Map(MODIFIERS.map(([word, multiplier, weight]) => [fold(word), { multiplier, weight }]));
const contrasts = new Set(CONTRASTS.map(fold));
const concessives = new Set(CONCESSIVES.map(fold));

const phrases = PHRASES.map(([text, weight]) => {
  const parts = text.split(" ").map(compileMatcher);
  const first = parts[0];
  if (!first || parts.length < 2) throw new Error(`lexicon: phrase "${text}" needs two words`);
  const firstWord = fold(text.split(" ")[0] ?? "");
  return { first, phrase: { rest: parts.slice(1), weight, negatable: !negators.has(firstWord) } };
}).sort((a, b) => b.phrase.rest.length - a.phrase.rest.length);

function lexiconWeight(word: string): number {
  const exact = exactWeights.get(word);
  if (exact !== undefined) return exact;
  for (let length = Math.min(word.length, maxPrefix); length >= MIN_PREFIX; length--) {
    const weight = prefixWeights.get(word.slice(0, length));
    if (weight !== undefined) return weight;
  }
  return 0;
}

/** The lexicon's weight of one word (any case, diacritics optional); 0 for words it does not know. */
export function polishWordWeight(word: string): number {
  return lexiconWeight(fold(word));
}

function describe(word: string): WordInfo {
  return { word, ...describeKind(word) };
}

function describeKind(word: string): Omit<WordInfo, "word"> {
  const starting = phrases.filter((entry) => matches(entry.first, word)).map((entry) => entry.phrase);
  const phrasesHere = starting.length > 0 ? starting : undefined;
  const modifier = modifiers.get(word);
  if (modifier) return { kind: Kind.Modifier, weight: modifier.weight, arg: modifier.multiplier, phrases: phrasesHere };
  const negator = negators.get(word);
  if (negator) return { kind: Kind.Negator, weight: negator.weight, arg: negator.scope, phrases: phrasesHere };
  const weight = lexiconWeight(word);
  if (contrasts.has(word)) return { kind: Kind.Contrast, weight, arg: 0, phrases: phrasesHere };
  if (concessives.has(word)) return { kind: Kind.Concessive, weight, arg: 0, phrases: phrasesHere };
  return { kind: Kind.Plain, weight, arg: 0, phrases: phrasesHere };
}

const CACHE_LIMIT = 200_000;
/** Word infos by the word as written (case and diacritics kept), so each distinct form is folded and described once. */
const cache = new Map<string, WordInfo>();

function info(raw: string): WordInfo {
  let found = cache.get(raw);
  if (found === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    found = describe(fold(raw));
    cache.set(raw, found);
  }
  return found;
}

// ---- the scanner: one pass over the characters, no regular expressions, a string only for words
// whose first letters begin some lexicon entry.

/** Folded letter of each char below 0x250: 1–26 for a–z (after folding, "Ż" → z), OTHER for other letters, 0 otherwise. */
const OTHER = 27;
const DIGIT = 28;
const TABLE_SIZE = 0x250;
const LETTER = new Uint8Array(TABLE_SIZE);
const IS_LETTER = /^\p{L}$/u;
for (let code = 0; code < TABLE_SIZE; code++) {
  const char = String.fromCharCode(code);
  const folded = fold(char);
  if (folded.length === 1 && folded >= "a" && folded <= "z") LETTER[code] = folded.charCodeAt(0) - 96;
  else if (IS_LETTER.test(char)) LETTER[code] = OTHER;
  else if (code >= 48 && code <= 57) LETTER[code] = DIGIT;
}

function letterOf(code: number): number {
  if (code < TABLE_SIZE) return LETTER[code] ?? 0;
  if (code >= 0xd800 && code <= 0xdfff) return 0;
  return IS_LETTER.test(String.fromCharCode(code)) ? OTHER : 0;
}

/** Which first four folded letters (0 = the word ended) can start a lexicon word: 27⁴ flags. */
const FLAGS = new Uint8Array(27 ** 4);
const keyOf = (word: string, length: number): number => {
  let key = 0;
  for (let k = 0; k < 4; k++) {
    const code = k < length ? word.charCodeAt(k) - 96 : 0;
    key = key * 27 + (code >= 1 && code <= 26 ? code : 0);
  }
  return key;
};
function flag(word: string, isPrefix: boolean): void {
  if (!/^[a-z]+$/.test(word)) return;
  if (!isPrefix || word.length >= 4) {
    FLAGS[keyOf(word, word.length)] = 1;
    return;
  }
  // A stem shorter than four letters: every fourth letter (or none) may follow.
  const base = keyOf(word, word.length);
  const step = 27 ** (3 - word.length);
  for (let k = 0; k < 27 * step; k += step) FLAGS[base + k] = 1;
}
function flagPattern(pattern: string): void {
  const matcher = compileMatcher(pattern);
  if (matcher.prefix !== undefined) flag(matcher.prefix, true);
  else for (const form of matcher.forms ?? []) flag(form, false);
}
for (const [pattern] of WORDS) flagPattern(pattern);
for (const [phrase] of PHRASES) for (const part of phrase.split(" ")) flagPattern(part);
for (const word of [...negators.keys(), ...modifiers.keys(), ...contrasts, ...concessives]) flag(word, false);

const plain = (weight: number): WordInfo => ({ word: "", kind: Kind.Plain, weight, arg: 0, phrases: undefined });
/** Words that start no lexicon entry, and punctuation. */
const NEUTRAL = plain(0);
const SENTENCE_END = plain(0);
const EXCLAMATION = plain(0);
const CLAUSE_END = plain(0);

/** Emoji by their UTF-16 text; emoticons in both cases (":D", ":d"). */
const emoji = new Map<string, WordInfo>();
const emoticons: [string, WordInfo][] = [];
for (const [token, weight] of EMOTICONS) {
  const entry = plain(weight);
  if (/^[:;=<]/.test(token)) {
    emoticons.push([token, entry]);
    if (token.toUpperCase() !== token) emoticons.push([token.toUpperCase(), entry]);
  } else emoji.set(token, entry);
}
emoticons.sort((a, b) => b[0].length - a[0].length);

/** Words of up to four letters a–z are identified by their key alone: no string, no hashing. */
const SHORT: (WordInfo | undefined)[] = new Array<WordInfo | undefined>(27 ** 4);

function shortInfo(key: number): WordInfo {
  const word = wordOfKey(key);
  const found = describe(word);
  SHORT[key] = found;
  return found;
}

/** The tokens of a text: what each one is and where it stands (`starts[k]`, `ends[k]`: offsets in the text). */
interface TokenList {
  infos: WordInfo[];
  starts: number[];
  ends: number[];
}

const newTokenList = (): TokenList => ({ infos: [], starts: [], ends: [] });
/** The tokens of the text `scorePolish` reads (reused: scoring is synchronous and never re-entered). */
const shared = newTokenList();

function emoticonAt(text: string, at: number): [string, WordInfo] | undefined {
  for (const candidate of emoticons) {
    const [face] = candidate;
    if (!text.startsWith(face, at)) continue;
    const after = text.charCodeAt(at + face.length);
    if (after === after && letterOf(after) !== 0) continue; // ":dobry", "(8:30)"
    if (face.endsWith("/") && after === 47) continue; // "http://"
    return candidate;
  }
  return undefined;
}

/** Fills `into` with the words (described), emoji, emoticons and punctuation of a text, and their offsets. */
function scan(text: string, into: TokenList): void {
  const { infos, starts, ends } = into;
  infos.length = 0;
  starts.length = 0;
  ends.length = 0;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    const letter = letterOf(code);
    const start = i;
    let found: WordInfo | undefined;
    if (letter !== 0) {
      let key = 0;
      let flaggable = letter !== OTHER && letter !== DIGIT;
      let n = 0;
      for (; i < length; i++) {
        const current = letterOf(text.charCodeAt(i));
        if (current === 0) break;
        if (n < 4) {
          if (current === OTHER || current === DIGIT) flaggable = false;
          else key = key * 27 + current;
        }
        n++;
      }
      for (let k = n; k < 4; k++) key *= 27;
      if (!flaggable || FLAGS[key] !== 1) found = NEUTRAL;
      else if (n <= 4) found = SHORT[key] ?? shortInfo(key);
      else found = info(text.slice(start, i));
    } else {
      i++;
      switch (code) {
        case 46: // .
        case 63: // ?
        case 8230: // …
        case 10: // new line
          found = SENTENCE_END;
          break;
        case 33: // !
          found = EXCLAMATION;
          break;
        case 58: // :
        case 59: // ;
        case 61: // =
        case 60: {
          // <
          const face = emoticonAt(text, start);
          if (face) {
            found = face[1];
            i = start + face[0].length;
          } else if (code === 58 || code === 59) found = CLAUSE_END;
          break;
        }
        case 44: // ,
        case 40: // (
        case 41: // )
        case 8211: // –
          found = CLAUSE_END;
          break;
        default:
          if (code >= 0x2000) {
            const wide = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
            found = emoji.get(text.slice(start, start + wide));
            i = start + wide;
          }
      }
      if (found === undefined) continue;
    }
    infos.push(found);
    starts.push(start);
    ends.push(i);
  }
}

// ---- scoring state (module-level: scoring is synchronous and never re-entered)

let total = 0;
let sentence = 0;
let lastSentence = 0;
let sentenceWords = 0;
let exclamations = 0;
let clauseWeight = 1;
let afterContrast = false;
let negLeft = 0;
let negWeight = 0;
let modLeft = 0;
let modMultiplier = 1;
let modWeight = 0;

function weightNow(): number {
  return (afterContrast ? AFTER_CONTRAST : 1) * clauseWeight;
}
function endNegation(): void {
  if (negLeft > 0 && negWeight !== 0) sentence += negWeight * weightNow();
  negLeft = 0;
  negWeight = 0;
}
function endModifier(): void {
  if (modLeft > 0 && modWeight !== 0) sentence += modWeight * weightNow();
  modLeft = 0;
  modMultiplier = 1;
  modWeight = 0;
}
function add(weight: number, negatable: boolean): void {
  let value = weight;
  if (modLeft > 0) {
    value *= modMultiplier;
    modLeft = 0;
    modMultiplier = 1;
    modWeight = 0;
  }
  if (negLeft > 0 && negatable) {
    value = value > 0 ? -value : -value * NEGATED_NEGATIVE;
    negLeft = 0;
    negWeight = 0;
  }
  sentence += value * weightNow();
}
function endSentence(): void {
  endNegation();
  endModifier();
  if (sentence !== 0) {
    if (exclamations > 0) sentence *= 1 + 0.1 * Math.min(exclamations, 3);
    total += sentence;
    lastSentence = sentence;
  }
  sentence = 0;
  sentenceWords = 0;
  exclamations = 0;
  clauseWeight = 1;
  afterContrast = false;
}

/** The phrase starting at token `i` (of the tokens before `to`), longest first. */
function phraseAt(tokens: readonly WordInfo[], i: number, to: number, word: WordInfo): Phrase | undefined {
  if (word.phrases === undefined) return undefined;
  for (const phrase of word.phrases) {
    const { rest } = phrase;
    if (i + rest.length >= to) continue;
    let ok = true;
    for (let k = 0; ok && k < rest.length; k++) {
      const next = tokens[i + 1 + k];
      ok = next !== undefined && next.word !== "" && matches(rest[k] as Matcher, next.word);
    }
    if (ok) return phrase;
  }
  return undefined;
}

/** The raw sum of evidence in a text (before squashing). */
export function polishEvidence(text: string): number {
  scan(text, shared);
  return evidenceOf(shared.infos, 0, shared.infos.length);
}

/**
 * The raw sum of evidence in the tokens [from, to) of a scanned text: the same as
 * `polishEvidence` of the text those tokens were read from, read alone.
 */
function evidenceOf(tokens: readonly WordInfo[], from: number, to: number): number {
  total = 0;
  sentence = 0;
  lastSentence = 0;
  sentenceWords = 0;
  exclamations = 0;
  clauseWeight = 1;
  afterContrast = false;
  negLeft = 0;
  negWeight = 0;
  modLeft = 0;
  modMultiplier = 1;
  modWeight = 0;

  for (let i = from; i < to; i++) {
    const word = tokens[i] as WordInfo;
    if (word === SENTENCE_END || word === EXCLAMATION) {
      if (word === EXCLAMATION) exclamations++;
      // "!!!" and "..." are one end.
      const next = i + 1 < to ? tokens[i + 1] : undefined;
      if (next === SENTENCE_END || next === EXCLAMATION) continue;
      endSentence();
      continue;
    }
    if (word === CLAUSE_END) {
      endNegation();
      endModifier();
      clauseWeight = 1;
      continue;
    }
    sentenceWords++;

    const phrase = phraseAt(tokens, i, to, word);
    if (phrase !== undefined) {
      if (phrase.weight !== 0) add(phrase.weight, phrase.negatable);
      else if (!phrase.negatable) endNegation();
      i += phrase.rest.length;
      continue;
    }

    switch (word.kind) {
      case Kind.Negator:
        endNegation();
        negLeft = word.arg;
        negWeight = word.weight;
        continue;
      case Kind.Modifier:
        if (modLeft > 0) {
          modMultiplier *= word.arg;
          modLeft = MODIFIER_SCOPE;
        } else {
          modLeft = MODIFIER_SCOPE;
          modMultiplier = word.arg;
          modWeight = word.weight;
        }
        continue;
      case Kind.Contrast:
        endNegation();
        endModifier();
        if (sentenceWords > 1) sentence *= BEFORE_CONTRAST;
        else if (lastSentence !== 0) {
          // A sentence opening with "Jednak …" turns against the one before.
          total -= lastSentence * (1 - BEFORE_CONTRAST);
          lastSentence *= BEFORE_CONTRAST;
        }
        afterContrast = true;
        if (word.weight !== 0) add(word.weight, false);
        continue;
      case Kind.Concessive:
        endNegation();
        clauseWeight = CONCESSIVE;
        continue;
      case Kind.Plain:
        break;
    }

    if (word.weight !== 0) {
      add(word.weight, true);
      continue;
    }
    if (negLeft > 0 && --negLeft === 0 && negWeight !== 0) {
      negLeft = 1;
      endNegation();
    }
    if (modLeft > 0 && --modLeft === 0 && modWeight !== 0) {
      modLeft = 1;
      endModifier();
    }
  }
  endSentence();
  // The closing sentence with any sentiment is usually the verdict ("Polecam!", "Nie polecam.").
  return total + lastSentence * (LAST_SENTENCE - 1);
}

/** Sentiment of a Polish text (diacritics optional). */
export function scorePolish(text: string): Sentiment {
  // Complaint events ("konto zostało zawieszone", "czekam od 2 tygodni") are negative evidence too.
  return sentimentOf(polishEvidence(text) + complaintEvidence(findComplaints(text)));
}

function sentimentOf(evidence: number): Sentiment {
  const score = evidence / Math.sqrt(evidence * evidence + ALPHA);
  const label = labelIn(NEUTRAL_RANGE, score);
  return { label, score: Math.round(score * 1000) / 1000, model: POLISH_MODEL };
}

/**
 * Whether a part of a text may start or end at a character next to it: not a letter or digit
 * (a word would go on), an apostrophe (a complaint word such as "won't" would) or a slash (":/"
 * is no emoticon before "/", as in "http://").
 */
function isEdge(code: number): boolean {
  return letterOf(code) === 0 && code !== 39 && code !== 0x2019 && code !== 47;
}

/**
 * A Polish text read once (its tokens and complaint cues), for its own sentiment and that of its
 * parts, the clauses of aspect sentiment (aspects.ts): `part(start, end)` is exactly
 * `scorePolish(text.slice(start, end))`. Where the part's edges fall between tokens (as clause
 * cuts do: at punctuation and spaces), its score is summed from the tokens already read, and its
 * complaint events are looked for only when it holds a word that can start one; anywhere else the
 * part is read alone.
 */
export class PolishReading {
  readonly sentiment: Sentiment;
  private readonly tokens = newTokenList();
  private readonly cues: readonly number[];

  constructor(readonly text: string) {
    scan(text, this.tokens);
    const complaints = scanComplaints(text);
    this.cues = complaints.cues;
    this.sentiment = sentimentOf(evidenceOf(this.tokens.infos, 0, this.tokens.infos.length) + complaintEvidence(complaints.kinds));
  }

  part(start: number, end: number): Sentiment {
    const { text } = this;
    if (start === 0 && end === text.length) return this.sentiment;
    const fits =
      start >= 0 && end <= text.length && start <= end && (start === 0 || isEdge(text.charCodeAt(start - 1))) && (end === text.length || isEdge(text.charCodeAt(end)));
    if (!fits) return scorePolish(text.slice(start, end));
    const { infos, starts, ends } = this.tokens;
    // The tokens from the first that starts at or after `start` to the last that starts before `end`.
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((starts[middle] ?? 0) < start) low = middle + 1;
      else high = middle;
    }
    const from = low;
    let to = from;
    while (to < starts.length && (starts[to] ?? 0) < end) to++;
    // A token across an edge (an emoticon ";)" whose ";" was cut off) reads differently alone.
    if ((from > 0 && (ends[from - 1] ?? 0) > start) || (to > from && (ends[to - 1] ?? 0) > end)) return scorePolish(text.slice(start, end));
    let cue = false;
    for (const at of this.cues) if (at >= start && at < end) cue = true;
    const complaints = cue ? complaintEvidence(findComplaints(text.slice(start, end))) : 0;
    return sentimentOf(evidenceOf(infos, from, to) + complaints);
  }
}

/** Reads a Polish text once: its sentiment (`scorePolish`) and its parts' (see `PolishReading`). */
export function readPolish(text: string): PolishReading {
  return new PolishReading(text);
}
