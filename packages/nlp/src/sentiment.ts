import { OdzewError } from "@odzew/core";
import { labelIn, type NeutralRange } from "./neutral-range.ts";
import { ENGLISH_MODEL, ENGLISH_NEUTRAL_RANGE, scoreEnglish } from "./sentiment.en.ts";
import { NEUTRAL_RANGE, POLISH_MODEL, readPolish, scorePolish, type PolishReading } from "./sentiment.pl.ts";
import type { Sentiment, SentimentBasis, SentimentLabel } from "./types.ts";

/**
 * What decides a mention's sentiment label, in one place (pure):
 * 1. The text's score: the Polish lexicon or a learned Polish model, AFINN for English, none for
 *    other languages; complaint events found in the text ("konto zostało zawieszone", "czekam od
 *    2 tygodni") count as negative evidence (see complaints.ts).
 * 2. The text's label: where neutral begins is learned from data (see `LEXICON_RANGE`).
 * 3. With stars: the stars decide (1–2 negative, 4–5 positive, 3 neutral unless the text is
 *    clearly one way), unless the text clearly contradicts them: then the text wins and
 *    `ratingMismatch` says so. `basis` says which evidence decided.
 */

/** Where the Polish lexicon's neutral begins: learned from data (see `NEUTRAL_RANGE` in sentiment.pl.ts). */
export const LEXICON_RANGE: NeutralRange = NEUTRAL_RANGE;
/** AFINN's band (see `ENGLISH_NEUTRAL_RANGE` in sentiment.en.ts). */
export const ENGLISH_RANGE: NeutralRange = ENGLISH_NEUTRAL_RANGE;

/**
 * How far a text must go against its stars (|score|) before it wins over them. Star-labelled data
 * cannot learn this (there the stars are always right): it is the product's choice of "clearly".
 * At 0.7 a 5-star review needs more than a "nie polecam" to be labelled negative; on the Allegro
 * held-out reviews the text then wins on about 2.5 % of the rated ones.
 */
export const CONTRADICTION = 0.7;
/** On 3 stars, how far the text must go for a positive or negative label. */
const MIXED_STARS_TEXT = 0.35;

/** A text scorer: the Polish lexicon or a learned model. */
export interface PolishScorer {
  score(text: string): Sentiment;
  /** Where its neutral begins. */
  range: NeutralRange;
  /** Reads a text once for its score and its parts' (the lexicon does; see `PolishReading`). */
  read?: ((text: string) => PolishReading) | undefined;
}

export const LEXICON_SCORER: PolishScorer = { score: scorePolish, range: LEXICON_RANGE, read: readPolish };

/**
 * The sentiment of a text alone, in a language Odzew has a model for (pl, en); other languages get
 * none. The scorers count complaint events (complaints.ts) as evidence.
 */
export function textSentiment(text: string, lang: string, polish: PolishScorer = LEXICON_SCORER): Sentiment {
  if (lang !== "pl" && lang !== "en") return (!HAS_LETTER.test(text) && symbolSentiment(text)) || { label: "neutral", score: 0, model: `none-${lang}`, basis: "text" };
  const { score, model } = lang === "pl" ? polish.score(text) : scoreEnglish(text);
  const range = lang === "pl" ? polish.range : ENGLISH_RANGE;
  return { label: labelIn(range, score), score, model, basis: "text" };
}

/**
 * The sentiment of a text and of parts of it (clauses), read once where the scorer can:
 * `whole` is `textSentiment(text, lang, polish)`, `part(start, end)` is
 * `textSentiment(text.slice(start, end), lang, polish)`, the same figures either way.
 */
export class TextReading {
  readonly whole: Sentiment;
  private readonly polishReading: PolishReading | undefined;

  constructor(
    readonly text: string,
    private readonly lang: string,
    private readonly polish: PolishScorer = LEXICON_SCORER,
  ) {
    this.polishReading = lang === "pl" && polish.read ? polish.read(text) : undefined;
    this.whole = this.polishReading ? this.labelled(this.polishReading.sentiment) : textSentiment(text, lang, polish);
  }

  part(start: number, end: number): Sentiment {
    if (this.polishReading) return this.labelled(this.polishReading.part(start, end));
    return textSentiment(this.text.slice(start, end), this.lang, this.polish);
  }

  /** The label under the scorer's range, as `textSentiment` gives it. */
  private labelled({ score, model }: Sentiment): Sentiment {
    return { label: labelIn(this.polish.range, score), score, model, basis: "text" };
  }
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

const HAS_LETTER = /\p{L}/u;
/** "5/5", "9/10", "4,5 / 5": a score written out, alone. */
const WRITTEN_SCORE = /^\s*(\d{1,2}(?:[.,]\d)?)\s*\/\s*(5|10)\s*[!.]*\s*$/u;

/** The model id of a text of symbols alone: emoji, emoticons or a written score, in any language. */
export const SYMBOLS_MODEL = "symbols-1";

/**
 * A text without a single letter has no language, but "👍", "😡😡" or "5/5" still say something:
 * emoji and emoticons weigh as in the Polish lexicon (they are the same in every language), a
 * score written out as the share of its scale (7/10 and above positive, 4/10 and below negative).
 * Undefined when the symbols say nothing.
 */
function symbolSentiment(text: string): Sentiment | undefined {
  const written = WRITTEN_SCORE.exec(text);
  if (written) {
    const share = Number((written[1] ?? "").replace(",", ".")) / Number(written[2]);
    if (!(share >= 0 && share <= 1)) return undefined;
    const score = round(share * 2 - 1);
    return { label: share >= 0.7 ? "positive" : share <= 0.4 ? "negative" : "neutral", score, model: SYMBOLS_MODEL, basis: "text" };
  }
  const { score } = scorePolish(text);
  if (score === 0) return undefined;
  return { label: labelIn(NEUTRAL_RANGE, score), score, model: SYMBOLS_MODEL, basis: "text" };
}

export interface SentimentDecision {
  sentiment: Sentiment;
  /** The text clearly contradicts the stars, and won. */
  ratingMismatch: boolean;
}

function starLabel(rating: number): SentimentLabel {
  return rating >= 4 ? "positive" : rating <= 2 ? "negative" : "neutral";
}

/** The stars as a score: 1 → −1, 3 → 0, 5 → 1. */
function starScore(rating: number): number {
  return Math.round(((rating - 3) / 2) * 100) / 100;
}


/**
 * The label a mention gets from its text and (when it has one) its rating; see the module comment.
 * `lang` is the detected language ("und" when unknown).
 */
export function decideSentiment(
  input: { text: string; lang: string; rating?: number | undefined },
  polish: PolishScorer = LEXICON_SCORER,
  /** The text's reading when the caller has one (`new TextReading(text, lang, polish)`): the text is not scored again. */
  reading?: TextReading | undefined,
): SentimentDecision {
  const { text, rating } = input;
  if (rating !== undefined && !(rating >= 1 && rating <= 5)) {
    throw new OdzewError("MESSAGE_INVALID", `a rating is 1–5 stars, got ${rating}`, { context: { rating } });
  }
  // A review of stars alone (Google Maps has many): the stars are the only evidence there is.
  if (rating !== undefined && !HAS_LETTER.test(text)) {
    return { sentiment: { label: starLabel(rating), score: starScore(rating), model: "stars", basis: "rating" }, ratingMismatch: false };
  }
  const fromText = reading ? reading.whole : textSentiment(text, input.lang, polish);
  if (rating === undefined) return { sentiment: fromText, ratingMismatch: false };
  const stars = starLabel(rating);
  const textSays = fromText.label;
  const opposite = (stars === "positive" && textSays === "negative") || (stars === "negative" && textSays === "positive");
  // The text wins only where it clearly contradicts the stars.
  if (opposite && Math.abs(fromText.score) >= CONTRADICTION) {
    return { sentiment: fromText, ratingMismatch: true };
  }
  const noText = fromText.score === 0 || fromText.model.startsWith("none-");
  const basis: SentimentBasis = noText ? "rating" : "text+rating";
  if (stars === "neutral") {
    // Three stars: mixed; the text decides only when it is clearly one way.
    const label: SentimentLabel = Math.abs(fromText.score) >= MIXED_STARS_TEXT ? textSays : "neutral";
    return { sentiment: { label, score: round(fromText.score / 2), model: fromText.model, basis }, ratingMismatch: false };
  }
  // Stars and text together; the score keeps the label's sign.
  const together = (starScore(rating) + (noText ? starScore(rating) : fromText.score)) / 2;
  const score = stars === "positive" ? Math.max(0.05, together) : Math.min(-0.05, together);
  return { sentiment: { label: stars, score: round(score), model: fromText.model, basis }, ratingMismatch: false };
}

export { POLISH_MODEL, ENGLISH_MODEL };
