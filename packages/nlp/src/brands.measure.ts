/**
 * How well brand tagging does on the hand-built test set (`fixtures/brands.testset.json`): micro
 * precision and recall over (sentence, brand) pairs, and throughput on review-length texts (the
 * KLEJ Allegro reviews when `../shared/eval` is there, else test sentences joined four at a time).
 *
 *   pnpm exec tsx packages/nlp/src/brands.measure.ts
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { BrandConfig } from "@odzew/schema";
import { createBrandTagger } from "./brands.ts";
import { allegroReviews, evalDataAvailable } from "./eval-data.ts";

export interface BrandTestSentence {
  text: string;
  brands: string[];
  note?: string;
}

export interface BrandTestSet {
  brands: BrandConfig[];
  sentences: BrandTestSentence[];
}

export interface BrandMeasurement {
  precision: number;
  recall: number;
  textsPerSecond: number;
  /** Sentences where the tagger and the expectation differ. */
  errors: { text: string; expected: string[]; found: string[] }[];
}

export function loadBrandTestSet(): BrandTestSet {
  return JSON.parse(readFileSync(new URL("./fixtures/brands.testset.json", import.meta.url), "utf8")) as BrandTestSet;
}

function throughputTexts(testSet: BrandTestSet): string[] {
  if (evalDataAvailable()) return allegroReviews().slice(0, 5000).map((review) => review.text);
  const texts: string[] = [];
  const sentences = testSet.sentences.map((sentence) => sentence.text);
  for (let index = 0; index < sentences.length; index++) {
    texts.push([0, 1, 2, 3].map((step) => sentences[(index + step * 37) % sentences.length]).join(" "));
  }
  return texts;
}

export function measureBrands(options: { seconds?: number } = {}): BrandMeasurement {
  const testSet = loadBrandTestSet();
  const tagger = createBrandTagger(testSet.brands);
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const errors: BrandMeasurement["errors"] = [];
  for (const sentence of testSet.sentences) {
    const found = tagger.tag(sentence.text).map((match) => match.id);
    const expected = new Set(sentence.brands);
    const hits = found.filter((id) => expected.has(id)).length;
    truePositives += hits;
    falsePositives += found.length - hits;
    falseNegatives += expected.size - hits;
    if (hits !== found.length || hits !== expected.size) errors.push({ text: sentence.text, expected: [...expected], found });
  }

  const texts = throughputTexts(testSet);
  const budget = (options.seconds ?? 1) * 1000;
  for (const text of texts.slice(0, 500)) tagger.tag(text); // warm up
  let tagged = 0;
  const started = performance.now();
  while (performance.now() - started < budget) {
    for (const text of texts) tagger.tag(text);
    tagged += texts.length;
  }
  const elapsed = (performance.now() - started) / 1000;

  const round = (value: number): number => Math.round(value * 1000) / 1000;
  return {
    precision: round(truePositives / Math.max(1, truePositives + falsePositives)),
    recall: round(truePositives / Math.max(1, truePositives + falseNegatives)),
    textsPerSecond: Math.round(tagged / elapsed),
    errors,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { errors, ...figures } = measureBrands({ seconds: 2 });
  // eslint-disable-next-line no-console
  console.log(JSON.stringify({ ...figures, errors }, null, 2));
}
