/**
 * Language figures for short texts; the benchmark (`pnpm bench nlp`) prints them. Polish: every
 * review of at most five words (with a letter) among the shared Allegro and PolEmo reviews in
 * ../shared/eval (all Polish). English and other languages: the short texts in
 * fixtures/short-texts.ts. Each with a Polish prior (a Polish source or market) and without any.
 *
 *   node --import tsx packages/nlp/src/language.measure.ts
 */
import { allegroReviews, polemoReviews } from "./eval-data.ts";
import { SHORT_ENGLISH, SHORT_OTHER } from "./fixtures/short-texts.ts";
import { detectLanguage, type LanguagePrior } from "./language.ts";

export interface LanguageMeasurement {
  shortPolish: { count: number; withPolishPrior: number; withoutPrior: number };
  /** English short texts: with a Polish prior (must not turn Polish), an English prior, none. */
  shortEnglish: { count: number; withPolishPrior: number; withEnglishPrior: number; withoutPrior: number };
  /** Other languages' short texts (German, Czech, Ukrainian…): with a Polish prior and without. */
  shortOther: { count: number; withPolishPrior: number; withoutPrior: number };
  /** Every shared review with a letter, any length, no prior: detected as Polish. */
  allPolish: { count: number; withoutPrior: number };
  /** detectLanguage calls per second over the Allegro reviews, one core. */
  textsPerSecond: number;
}

const POLISH_PRIOR: LanguagePrior = { langs: ["pl"], country: "pl" };
const ENGLISH_PRIOR: LanguagePrior = { langs: ["en"], country: "gb" };
const HAS_LETTER = /\p{L}/u;
const SHORT = 5;
const round = (value: number): number => Math.round(value * 10_000) / 10_000;

function rate(texts: readonly string[], lang: string, prior: LanguagePrior | undefined): number {
  if (texts.length === 0) return 0;
  return round(texts.filter((text) => detectLanguage(text, prior).lang === lang).length / texts.length);
}

export function measureLanguage(): LanguageMeasurement {
  const polish = [...allegroReviews(), ...polemoReviews()].map((review) => review.text).filter((text) => HAS_LETTER.test(text));
  const shortPolish = polish.filter((text) => text.trim().split(/\s+/).length <= SHORT);
  const other = SHORT_OTHER.filter(([lang, text]) => detectLanguage(text, POLISH_PRIOR).lang === lang).length;
  const otherWithout = SHORT_OTHER.filter(([lang, text]) => detectLanguage(text).lang === lang).length;

  const texts = allegroReviews().map((review) => review.text);
  for (const text of texts.slice(0, 1000)) detectLanguage(text);
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < 1000) {
    for (const text of texts) detectLanguage(text, POLISH_PRIOR);
    count += texts.length;
    elapsed = performance.now() - started;
  }
  return {
    shortPolish: { count: shortPolish.length, withPolishPrior: rate(shortPolish, "pl", POLISH_PRIOR), withoutPrior: rate(shortPolish, "pl", undefined) },
    shortEnglish: {
      count: SHORT_ENGLISH.length,
      withPolishPrior: rate(SHORT_ENGLISH, "en", POLISH_PRIOR),
      withEnglishPrior: rate(SHORT_ENGLISH, "en", ENGLISH_PRIOR),
      withoutPrior: rate(SHORT_ENGLISH, "en", undefined),
    },
    shortOther: { count: SHORT_OTHER.length, withPolishPrior: round(other / SHORT_OTHER.length), withoutPrior: round(otherWithout / SHORT_OTHER.length) },
    allPolish: { count: polish.length, withoutPrior: rate(polish, "pl", undefined) },
    textsPerSecond: Math.round((count / elapsed) * 1000),
  };
}

// eslint-disable-next-line no-console -- a script: `node --import tsx packages/nlp/src/language.measure.ts`
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(measureLanguage(), null, 2));
