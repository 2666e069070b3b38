/**
 * Benchmarks that print their figures (`pnpm bench <name>`); targets live here, not in tests.
 *
 *   pnpm bench nlp            sentiment accuracy (lexicon, learned) on held-out Allegro and PolEmo,
 *                             brand precision/recall, whole-enrichment throughput on one core
 *   pnpm bench api [N]        p50/p95 of team reads through the HTTP API on N indexed mentions
 *                             (default 1,000,000; generated once, reused; --fresh rebuilds)
 *   pnpm bench pipeline [N]   raw → enricher → indexer → searchable, N mentions (default 20000),
 *                             with the services as real processes on the local stack, against a
 *                             plain bulk load of the same documents in the same run (the ratio);
 *                             freshness at 200/s and 500/s, workers' memory, team search latency.
 *   pnpm bench faults [--quick] [SCENARIO…]
 *                             the fault suite (worker and broker kills, engine faults, poison,
 *                             collector gap, hostile API, erasure): a Markdown table of figures;
 *                             --quick runs the CI-sized loads (see scripts/bench-faults.ts)
 */
import { performance } from "node:perf_hooks";

async function benchNlp() {
  const { measureLexicon } = await import("../packages/nlp/src/sentiment.measure.ts");
  const { measureLearned } = await import("../packages/nlp/src/sentiment-model.measure.ts");
  const { measureBrands } = await import("../packages/nlp/src/brands.measure.ts");
  const { allegroReviews, createEnrichment, evalDataAvailable } = await import("@odzew/nlp");
  const { brandsFileSchema } = await import("@odzew/schema");
  const { readFileSync } = await import("node:fs");
  if (!evalDataAvailable()) throw new Error("../shared/eval is not there; the NLP benchmark needs it");

  const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
  const lexicon = await measureLexicon();
  const learned = await measureLearned();
  const brands = await measureBrands();

  // The whole enrichment, one core: language → sentiment → brands → topics → personal data → priority.
  const testSet = JSON.parse(readFileSync(new URL("../packages/nlp/src/fixtures/brands.testset.json", import.meta.url), "utf8")) as {
    brands: unknown;
  };
  const enrichment = createEnrichment({ brands: brandsFileSchema.parse({ brands: testSet.brands }).brands, authorKey: "bench-key-0123456789" });
  const texts = allegroReviews().map((review) => review.text).filter((text) => text.trim().length > 0);
  // First pass: every word is new to the per-word caches; second pass: a long-running enricher.
  const pass = () => {
    const started = performance.now();
    for (const text of texts) enrichment.enrich({ text, rating: 4, author: { name: "Jan" } });
    return texts.length / ((performance.now() - started) / 1000);
  };
  const cold = pass();
  // Warm passes vary with what else the machine runs: the median of five, and their range.
  const warm = Array.from({ length: 5 }, pass).sort((a, b) => a - b);
  const perSecond = warm[2] ?? NaN;
  const averageLength = Math.round(texts.reduce((sum, text) => sum + text.length, 0) / texts.length);

  console.log("NLP benchmark (held-out: last 15 % of each file in ../shared/eval; 1–2 vs 4–5 stars)");
  console.log(
    `  sentiment, lexicon:  Allegro ${percent(lexicon.allegroAccuracyWithText)} of the reviews with text ` +
      `(${percent(lexicon.allegroAccuracy)} counting the blank ones as wrong), PolEmo ${percent(lexicon.polemoAccuracy)} (target ≥ 82 %)`,
  );
  console.log(
    `  sentiment, learned:  Allegro ${percent(learned.heldOutAccuracy)} of the reviews with text, PolEmo ${percent(learned.polemoAccuracy)} ` +
      `(target ≥ 92 %; trained in ${learned.trainSeconds.toFixed(1)} s, model ${(learned.modelBytes / 1e6).toFixed(1)} MB, ` +
      `scores ${Math.round(learned.textsPerSecond).toLocaleString("en")} texts/s)`,
  );
  console.log(`  brands (own test set): precision ${percent(brands.precision)}, recall ${percent(brands.recall)}`);
  console.log(
    `  whole enrichment:    ${Math.round(perSecond).toLocaleString("en")} mentions/s on one core with warm caches ` +
      `(${Math.round(warm[0] ?? NaN).toLocaleString("en")}–${Math.round(warm[4] ?? NaN).toLocaleString("en")} over five passes), ` +
      `${Math.round(cold).toLocaleString("en")}/s on the first pass (${texts.length} reviews, ${averageLength} chars on average; target ≥ 10,000)`,
  );
}

const [name = "", countArg] = process.argv.slice(2);
switch (name) {
  case "pipeline": {
    const { benchPipeline } = await import("./bench-pipeline.ts");
    await benchPipeline(Number(countArg ?? 20_000));
    break;
  }
  case "nlp":
    await benchNlp();
    break;
  case "api": {
    const { benchApi } = await import("./bench-api.ts");
    await benchApi(Number(countArg && !countArg.startsWith("--") ? countArg : 1_000_000), process.argv.includes("--fresh"));
    break;
  }
  case "faults": {
    const { benchFaults } = await import("./bench-faults.ts");
    await benchFaults(process.argv.slice(3));
    break;
  }
  default:
    console.error("usage: pnpm bench pipeline [N] | pnpm bench nlp | pnpm bench api [N] [--fresh] | pnpm bench faults [--quick] [SCENARIO…]");
    process.exitCode = 2;
}
