import { createRequire } from "node:module";
// Deep imports on purpose: natural's main entry loads dotenv (tips on stdout, reads any .env) and
// its storage back-ends. The sentiment module and the Porter stemmer need none of that.
import { SentimentAnalyzer } from "natural/lib/natural/sentiment/index.js";
import type { Stemmer } from "natural/lib/natural/stemmers/index.js";
import { complaintEvidence, findComplaints } from "./complaints.ts";
import { labelIn, type NeutralRange } from "./neutral-range.ts";
import type { Sentiment } from "./types.ts";

const require = createRequire(import.meta.url);
const PorterStemmer = require("natural/lib/natural/stemmers/porter_stemmer.js") as Stemmer;

export const ENGLISH_MODEL = "afinn-en-1";

/** Where neutral begins: a fixed band, as there are no labelled English reviews to learn it from. */
export const ENGLISH_NEUTRAL_RANGE: NeutralRange = { negative: -0.1, positive: 0.1 };
const ALPHA = 15;
const NEGATION_SCOPE = 3;
const NEGATED_NEGATIVE = 0.8;
const AFTER_CONTRAST = 1.5;
const BEFORE_CONTRAST = 0.5;

/** AFINN-165 with Porter stems; one word at a time, so the weights stay AFINN's −5..5. */
const analyzer = new SentimentAnalyzer("English", PorterStemmer, "afinn");

const NEGATORS = new Set([
  "not", "no", "never", "neither", "nor", "without", "cannot", "cant", "can't", "dont", "don't", "doesnt", "doesn't",
  "didnt", "didn't", "isnt", "isn't", "wasnt", "wasn't", "arent", "aren't", "werent", "weren't", "wont", "won't",
  "wouldnt", "wouldn't", "shouldnt", "shouldn't", "couldnt", "couldn't", "havent", "haven't", "hasnt", "hasn't", "nothing",
]);
const CONTRASTS = new Set(["but", "however", "although", "though", "yet"]);
/** Words AFINN leaves neutral that a negation turns into a verdict ("don't buy", "would not recommend"). */
const NEGATABLE_VERBS = new Map([
  ["buy", 2],
  ["order", 1],
  ["recommend", 2],
  ["work", 2],
  ["works", 2],
  ["worked", 2],
  ["working", 2],
  ["waste", -2],
]);
const PHRASES: [string[], number][] = [
  [["never", "again"], -3],
  [["waste", "of", "money"], -3],
  [["waste", "of", "time"], -3],
  [["stay", "away"], -3],
  [["stopped", "working"], -3],
  [["broke", "after"], -2],
  [["as", "described"], 1.5],
  [["five", "stars"], 2.5],
  [["5", "stars"], 2.5],
  [["one", "star"], -2.5],
  [["1", "star"], -2.5],
  [["no", "problem"], 1.5],
  [["no", "problems"], 1.5],
  [["no", "issues"], 1.5],
  [["no", "complaints"], 2],
  [["exceeded", "my", "expectations"], 2.5],
  [["exceeded", "expectations"], 2.5],
  [["above", "and", "beyond"], 2.5],
  [["never", "arrived"], -2.5],
  [["do", "not", "buy"], -3],
];
const PHRASE_STARTS = new Map<string, [string[], number][]>();
for (const phrase of PHRASES) {
  const [parts] = phrase;
  const first = parts[0] ?? "";
  PHRASE_STARTS.set(first, [...(PHRASE_STARTS.get(first) ?? []), phrase]);
}

const TOKEN = /\p{L}+(?:['’]\p{L}+)?|\p{N}+|[.!?;,:()]/gu;
const CLAUSE = /^[.!?;,:()]$/;

const cache = new Map<string, number>();
function weightOf(word: string): number {
  let weight = cache.get(word);
  if (weight === undefined) {
    weight = analyzer.getSentiment([word]);
    if (cache.size > 100_000) cache.clear();
    cache.set(word, weight);
  }
  return weight;
}

/** AFINN's weight of one lower-case English word (stemmed); 0 for words AFINN does not know. */
export function englishWordWeight(word: string): number {
  return weightOf(word);
}

/** Sentiment of an English text: AFINN words (stemmed), negation scope, contrast, a few idioms. */
export function scoreEnglish(text: string): Sentiment {
  const tokens = (text.toLowerCase().replaceAll("’", "'").match(TOKEN) ?? []) as string[];
  let total = 0;
  let clause = 0;
  let negLeft = 0;
  let afterContrast = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    if (CLAUSE.test(token)) {
      negLeft = 0;
      if (token !== ",") {
        total += clause;
        clause = 0;
        afterContrast = false;
      }
      continue;
    }
    const phrase = PHRASE_STARTS.get(token)?.find(([parts]) => parts.every((part, k) => tokens[i + k] === part));
    if (phrase) {
      clause += phrase[1] * (afterContrast ? AFTER_CONTRAST : 1);
      negLeft = 0;
      i += phrase[0].length - 1;
      continue;
    }
    if (NEGATORS.has(token)) {
      negLeft = NEGATION_SCOPE;
      continue;
    }
    if (CONTRASTS.has(token)) {
      clause *= BEFORE_CONTRAST;
      afterContrast = true;
      negLeft = 0;
      continue;
    }
    let weight = weightOf(token);
    if (weight === 0 && negLeft > 0) weight = NEGATABLE_VERBS.get(token) ?? 0;
    if (weight === 0) {
      if (negLeft > 0) negLeft--;
      continue;
    }
    if (negLeft > 0) {
      weight = weight > 0 ? -weight : -weight * NEGATED_NEGATIVE;
      negLeft = 0;
    }
    clause += weight * (afterContrast ? AFTER_CONTRAST : 1);
  }
  total += clause;
  // Complaint events ("crashes after update", "still waiting") are negative evidence too.
  total += complaintEvidence(findComplaints(text));
  const score = total / Math.sqrt(total * total + ALPHA);
  const label = labelIn(ENGLISH_NEUTRAL_RANGE, score);
  return { label, score: Math.round(score * 1000) / 1000, model: ENGLISH_MODEL };
}
