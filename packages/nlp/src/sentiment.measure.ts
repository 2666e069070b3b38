/**
 * Sentiment figures on the held-out parts (last 15 %) of the shared reviews in ../shared/eval; the
 * benchmark (`pnpm bench nlp`) prints them. Every accuracy counts the LABEL a user sees: a
 * "neutral" on a 1–2 or 4–5 star review is wrong. "With text" counts the reviews with at least
 * one letter; "all" counts the blank ones too (a blank review without stars has no label to get right).
 *
 *   node --import tsx packages/nlp/src/sentiment.measure.ts
 */
import { allegroReviews, polemoReviews, split, type LabelledText, type RatedReview } from "./eval-data.ts";
import { fitNeutralRange, type NeutralRange, type ScoredExample } from "./neutral-range.ts";
import { loadSentimentModel, trainSentimentModel } from "./sentiment-model/index.ts";
import { LEXICON_SCORER, decideSentiment, textSentiment, type PolishScorer } from "./sentiment.ts";
import { scorePolish } from "./sentiment.pl.ts";
import type { SentimentLabel } from "./types.ts";

export interface LabelFigures {
  /** Allegro held-out, 1–2 stars negative and 4–5 positive, reviews with a letter. */
  allegroWithText: number;
  /** The same counting the blank-text reviews (wrong without stars: no text, no label). */
  allegroAll: number;
  /** PolEmo 2.0-IN held-out, positive vs negative. */
  polemo: number;
  /** Three classes: Allegro held-out with 3 stars neutral (reviews with a letter). */
  allegroThreeClass: number;
  /** Three classes: PolEmo held-out with neutral and ambiguous as neutral. */
  polemoThreeClass: number;
  /** How often a 1–2 or 4–5 star Allegro review (with text) was called neutral. */
  allegroNeutralRate: number;
}

export interface StarFigures {
  /** Allegro held-out rated 1–2 or 4–5, the rating passed in: every review (blank ones included). */
  ratedAll: number;
  /** The same over the reviews with a letter. */
  ratedWithText: number;
  /** Three classes over every held-out review, 3 stars neutral. */
  threeClass: number;
  /** Share of the rated reviews flagged ratingMismatch (the text won over the stars). */
  mismatchRate: number;
}

export interface SentimentMeasurement {
  lexicon: LabelFigures;
  /** The lexicon with the stars passed in. */
  lexiconWithStars: StarFigures;
  /** Where neutral begins for the lexicon, fitted anew on the training parts (compare LEXICON_RANGE). */
  lexiconRangeRefit: NeutralRange;
  /** A model learned from the first 85 % of the Allegro reviews, its neutral band from their 3-star reviews. */
  learned: LabelFigures & { signAccuracy: number; neutralBand: number };
  learnedWithStars: StarFigures;
  /** scorePolish calls per second on the Allegro texts, one core. */
  lexiconTextsPerSecond: number;
}

const HAS_LETTER = /\p{L}/u;
const round = (value: number): number => Math.round(value * 10_000) / 10_000;
const starTruth = (rating: number): SentimentLabel => (rating <= 2 ? "negative" : rating >= 4 ? "positive" : "neutral");
const polemoTruth = (label: LabelledText["label"]): SentimentLabel => (label === "positive" ? "positive" : label === "negative" ? "negative" : "neutral");
const share = (part: number, whole: number): number => (whole === 0 ? 0 : round(part / whole));

function labelFigures(scorer: PolishScorer, allegro: RatedReview[], polemo: LabelledText[]): LabelFigures {
  const label = (text: string) => textSentiment(text, "pl", scorer).label;
  let polar = 0;
  let polarWithText = 0;
  let right = 0;
  let neutral = 0;
  let threeRight = 0;
  let threeCount = 0;
  for (const review of allegro) {
    const truth = starTruth(review.rating);
    const hasText = HAS_LETTER.test(review.text);
    const said = hasText ? label(review.text) : undefined;
    if (hasText) {
      threeCount++;
      if (said === truth) threeRight++;
    }
    if (truth === "neutral") continue;
    polar++;
    if (!hasText) continue;
    polarWithText++;
    if (said === truth) right++;
    if (said === "neutral") neutral++;
  }
  let polemoPolar = 0;
  let polemoRight = 0;
  let polemoThreeRight = 0;
  for (const review of polemo) {
    const truth = polemoTruth(review.label);
    const said = label(review.text);
    if (said === truth) polemoThreeRight++;
    if (truth === "neutral") continue;
    polemoPolar++;
    if (said === truth) polemoRight++;
  }
  return {
    allegroWithText: share(right, polarWithText),
    allegroAll: share(right, polar),
    polemo: share(polemoRight, polemoPolar),
    allegroThreeClass: share(threeRight, threeCount),
    polemoThreeClass: share(polemoThreeRight, polemo.length),
    allegroNeutralRate: share(neutral, polarWithText),
  };
}

function starFigures(scorer: PolishScorer, allegro: RatedReview[]): StarFigures {
  let rated = 0;
  let ratedRight = 0;
  let withText = 0;
  let withTextRight = 0;
  let threeRight = 0;
  let mismatches = 0;
  for (const review of allegro) {
    const truth = starTruth(review.rating);
    const decision = decideSentiment({ text: review.text, lang: "pl", rating: review.rating }, scorer);
    const right = decision.sentiment.label === truth;
    if (right) threeRight++;
    if (truth === "neutral") continue;
    rated++;
    if (right) ratedRight++;
    if (decision.ratingMismatch) mismatches++;
    if (HAS_LETTER.test(review.text)) {
      withText++;
      if (right) withTextRight++;
    }
  }
  return {
    ratedAll: share(ratedRight, rated),
    ratedWithText: share(withTextRight, withText),
    threeClass: share(threeRight, allegro.length),
    mismatchRate: share(mismatches, rated),
  };
}

export function measureSentiment(): SentimentMeasurement {
  const allegroRows = allegroReviews();
  const polemoRows = polemoReviews();
  const allegro = split(allegroRows);
  const polemo = split(polemoRows);

  const lexicon = labelFigures(LEXICON_SCORER, allegro.test, polemo.test);
  const lexiconWithStars = starFigures(LEXICON_SCORER, allegro.test);
  const training: ScoredExample[] = [
    ...allegro.train.filter((review) => HAS_LETTER.test(review.text)).map((review) => ({ score: textSentiment(review.text, "pl").score, truth: starTruth(review.rating) })),
    ...polemo.train.map((review) => ({ score: textSentiment(review.text, "pl").score, truth: polemoTruth(review.label) })),
  ];
  const lexiconRangeRefit = fitNeutralRange(training);

  const { model } = trainSentimentModel(allegroRows, { heldOut: 0.15 });
  const learnedModel = loadSentimentModel(model);
  const learnedScorer: PolishScorer = { score: (text) => learnedModel.score(text), range: { negative: -model.neutralBand, positive: model.neutralBand } };
  const polar = allegro.test.filter((review) => review.rating !== 3 && HAS_LETTER.test(review.text));
  const signRight = polar.filter((review) => learnedModel.score(review.text).score > 0 === review.rating > 3).length;
  const learned = { ...labelFigures(learnedScorer, allegro.test, polemo.test), signAccuracy: share(signRight, polar.length), neutralBand: model.neutralBand };
  const learnedWithStars = starFigures(learnedScorer, allegro.test);

  const texts = allegroRows.map((review) => review.text);
  for (const text of texts.slice(0, 1000)) scorePolish(text); // warm-up
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < 2000) {
    for (const text of texts) scorePolish(text);
    count += texts.length;
    elapsed = performance.now() - started;
  }
  return {
    lexicon,
    lexiconWithStars,
    lexiconRangeRefit,
    learned,
    learnedWithStars,
    lexiconTextsPerSecond: Math.round((count / elapsed) * 1000),
  };
}

// eslint-disable-next-line no-console -- a script: `node --import tsx packages/nlp/src/sentiment.measure.ts`
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(measureSentiment(), null, 2));
