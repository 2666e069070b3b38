import { allegroReviews, polemoReviews, split } from "./eval-data.ts";
import { scorePolish } from "./sentiment.pl.ts";

export interface LexiconMeasurement {
  /** Allegro held-out (last 15 %), 1–2 stars negative vs 4–5 positive; a "neutral" answer counts as wrong. */
  allegroAccuracy: number;
  /** The same, deciding by the sign of the score (a score of 0 counts as wrong). */
  allegroSignAccuracy: number;
  /**
   * The same as allegroAccuracy over held-out reviews that contain a letter: about a quarter of
   * the held-out rows are whitespace only (mostly 5 stars), which no lexicon can score.
   */
  allegroAccuracyWithText: number;
  /** PolEmo 2.0-IN held-out (last 15 %), positive vs negative only; "neutral" counts as wrong. */
  polemoAccuracy: number;
  polemoSignAccuracy: number;
  /** How often the scorer answered "neutral" on the Allegro held-out reviews. */
  allegroNeutralRate: number;
  /** scorePolish calls per second on the Allegro texts, one core. */
  textsPerSecond: number;
}

interface Gold {
  text: string;
  positive: boolean;
}

function accuracy(rows: Gold[]): { label: number; sign: number; neutral: number } {
  let label = 0;
  let sign = 0;
  let neutral = 0;
  for (const row of rows) {
    const result = scorePolish(row.text);
    if (result.label === (row.positive ? "positive" : "negative")) label++;
    if (result.label === "neutral") neutral++;
    if (row.positive ? result.score > 0 : result.score < 0) sign++;
  }
  return { label: label / rows.length, sign: sign / rows.length, neutral: neutral / rows.length };
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** Accuracy of the Polish lexicon scorer on the held-out splits, and its throughput. */
export function measureLexicon(): LexiconMeasurement {
  const allegroRows = allegroReviews();
  const allegro = split(allegroRows)
    .test.filter((review) => review.rating !== 3)
    .map((review) => ({ text: review.text, positive: review.rating >= 4 }));
  const polemo = split(polemoReviews())
    .test.filter((review) => review.label === "positive" || review.label === "negative")
    .map((review) => ({ text: review.text, positive: review.label === "positive" }));

  const a = accuracy(allegro);
  const withText = accuracy(allegro.filter((row) => /\p{L}/u.test(row.text)));
  const p = accuracy(polemo);

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
    allegroAccuracy: round(a.label),
    allegroSignAccuracy: round(a.sign),
    allegroAccuracyWithText: round(withText.label),
    polemoAccuracy: round(p.label),
    polemoSignAccuracy: round(p.sign),
    allegroNeutralRate: round(a.neutral),
    textsPerSecond: Math.round((count / elapsed) * 1000),
  };
}

// eslint-disable-next-line no-console -- a script: `node --import tsx packages/nlp/src/sentiment.measure.ts`
if (import.meta.url === `file://${process.argv[1]}`) console.log(measureLexicon());
