/**
 * Benchmarks that print their figures (`pnpm bench <name>`); targets live here, not in tests.
 *
 *   pnpm bench nlp            sentiment labels (lexicon, learned, with stars; three classes too) on
 *                             held-out Allegro and PolEmo, short-text language, brand precision/recall,
 *                             whole-enrichment throughput on one core
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
 *   pnpm bench kafka-clients [N]
 *                             kafkajs (through @odzew/kafka) against @platformatic/kafka on N enriched
 *                             mentions (default 20,000): produce and consume the workers' way, two runs
 *                             each, msgs/s and CPU per 1,000 (see scripts/bench-kafka-clients.ts)
 *   pnpm bench dashboard [--team service|pr|cx] [--runs N]
 *                             the workspace's first paint in Chromium on a running demo (ODZEW_API_URL,
 *                             default http://127.0.0.1:8080; starts nothing): first-contentful-paint and
 *                             time to the first page's data, cold and warm, median of N (default 5)
 */
import { performance } from "node:perf_hooks";

async function benchNlp() {
  const { measureSentiment } = await import("../packages/nlp/src/sentiment.measure.ts");
  const { measureLanguage } = await import("../packages/nlp/src/language.measure.ts");
  const { measureLearned } = await import("../packages/nlp/src/sentiment-model.measure.ts");
  const { measureBrands } = await import("../packages/nlp/src/brands.measure.ts");
  const { allegroReviews, createEnrichment, evalDataAvailable, LEXICON_RANGE } = await import("@odzew/nlp");
  const { brandsFileSchema } = await import("@odzew/schema");
  const { readFileSync } = await import("node:fs");
  if (!evalDataAvailable()) throw new Error("../shared/eval is not there; the NLP benchmark needs it");

  const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
  const sentiment = measureSentiment();
  const language = measureLanguage();
  const learned = measureLearned();
  const brands = await measureBrands();

  // The whole enrichment, one core: language → sentiment → brands → topics → personal data → priority.
  const testSet = JSON.parse(readFileSync(new URL("../packages/nlp/src/fixtures/brands.testset.json", import.meta.url), "utf8")) as {
    brands: unknown;
  };
  const enrichment = createEnrichment({ brands: brandsFileSchema.parse({ brands: testSet.brands }).brands, authorKey: "bench-key-0123456789" });
  const texts = allegroReviews().map((review) => review.text).filter((text) => text.trim().length > 0);
  // First pass: every word is new to the per-word caches; second pass: a long-running enricher.
  // Wall clock and the process's own CPU time (the machine may be shared: CPU time is what one core gives).
  const pass = () => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const text of texts) enrichment.enrich({ text, rating: 4, author: { name: "Jan" } });
    const used = process.cpuUsage(cpu);
    return { wall: texts.length / ((performance.now() - started) / 1000), cpu: texts.length / ((used.user + used.system) / 1e6) };
  };
  const cold = pass();
  // Warm passes vary with what else the machine runs: the median of five, and their range.
  const warm = Array.from({ length: 5 }, pass);
  const wall = warm.map((run) => run.wall).sort((a, b) => a - b);
  const cpu = warm.map((run) => run.cpu).sort((a, b) => a - b);
  const averageLength = Math.round(texts.reduce((sum, text) => sum + text.length, 0) / texts.length);
  const count = (value: number) => Math.round(value).toLocaleString("en");
  const { lexicon, lexiconWithStars: stars, learnedWithStars } = sentiment;

  console.log("NLP benchmark (held-out: last 15 % of each file in ../shared/eval). Every accuracy counts the LABEL:");
  console.log("a neutral on a 1–2 or 4–5 star review is wrong. \"with text\": reviews with a letter; \"all\": blank ones too.");
  console.log(
    `  sentiment, lexicon (no training):  Allegro ${percent(lexicon.allegroWithText)} with text (${percent(lexicon.allegroAll)} all), ` +
      `PolEmo ${percent(lexicon.polemo)} (targets ≥ 86 %); neutral said on ${percent(lexicon.allegroNeutralRate)} of the rated reviews`,
  );
  console.log(
    `    three classes: Allegro ${percent(lexicon.allegroThreeClass)} (3 stars neutral), PolEmo ${percent(lexicon.polemoThreeClass)} ` +
      `(neutral + ambiguous); neutral range in use ${LEXICON_RANGE.negative}…${LEXICON_RANGE.positive}, fitted anew ` +
      `${sentiment.lexiconRangeRefit.negative}…${sentiment.lexiconRangeRefit.positive}`,
  );
  console.log(
    `  sentiment, learned (first 85 % of Allegro): Allegro ${percent(sentiment.learned.allegroWithText)} with text ` +
      `(${percent(sentiment.learned.allegroAll)} all; sign of the score ${percent(sentiment.learned.signAccuracy)}; target ≥ 93 %), ` +
      `PolEmo ${percent(sentiment.learned.polemo)}; neutral band ±${sentiment.learned.neutralBand}; three classes Allegro ` +
      `${percent(sentiment.learned.allegroThreeClass)}`,
  );
  console.log(
    `    trained in ${learned.trainSeconds.toFixed(1)} s, model ${(learned.modelBytes / 1e6).toFixed(1)} MB, scores ${count(learned.textsPerSecond)} texts/s`,
  );
  console.log(
    `  with stars (rating passed in):     lexicon ${percent(stars.ratedAll)} of the rated reviews (${percent(stars.ratedWithText)} with text), ` +
      `learned ${percent(learnedWithStars.ratedAll)} (${percent(learnedWithStars.ratedWithText)} with text) (target ≥ 97 %); ` +
      `text won over the stars on ${percent(stars.mismatchRate)}; three classes ${percent(stars.threeClass)}`,
  );
  console.log(
    `  language, short texts (≤ 5 words): Polish ${percent(language.shortPolish.withPolishPrior)} with a Polish prior, ` +
      `${percent(language.shortPolish.withoutPrior)} without (${language.shortPolish.count} reviews; target ≥ 98 %); ` +
      `English ${percent(language.shortEnglish.withPolishPrior)} with a Polish prior, ${percent(language.shortEnglish.withoutPrior)} without ` +
      `(${language.shortEnglish.count} texts); other languages ${percent(language.shortOther.withPolishPrior)} / ${percent(language.shortOther.withoutPrior)} ` +
      `(${language.shortOther.count}); all shared reviews ${percent(language.allPolish.withoutPrior)} Polish without a prior`,
  );
  console.log(`  brands (own test set): precision ${percent(brands.precision)}, recall ${percent(brands.recall)}`);
  console.log(
    `  whole enrichment:    ${count(cpu[2] ?? NaN)} mentions/s per core of CPU time (${count(cpu[0] ?? NaN)}–${count(cpu[4] ?? NaN)} over five warm passes), ` +
      `${count(wall[2] ?? NaN)}/s by the wall clock (${count(wall[0] ?? NaN)}–${count(wall[4] ?? NaN)}); first pass ${count(cold.cpu)}/s CPU, ` +
      `${count(cold.wall)}/s wall (${texts.length} reviews, ${averageLength} chars on average; target ≥ 10,000)`,
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
  case "kafka-clients": {
    const { benchKafkaClients } = await import("./bench-kafka-clients.ts");
    await benchKafkaClients(Number(countArg ?? 20_000));
    break;
  }
  case "dashboard": {
    const { benchDashboard, dashboardOptions } = await import("./bench-dashboard.ts");
    const { OdzewError } = await import("@odzew/core");
    try {
      await benchDashboard(dashboardOptions(process.argv.slice(3), process.env, new URL("..", import.meta.url).pathname));
    } catch (error) {
      // What the user must set up (no API, no key, no Chromium): the words, not a stack.
      if (!(error instanceof OdzewError)) throw error;
      console.error(`pnpm bench dashboard: ${error.message}`);
      process.exitCode = 2;
    }
    break;
  }
  default:
    console.error("usage: pnpm bench pipeline [N] | pnpm bench nlp | pnpm bench api [N] [--fresh] | pnpm bench faults [--quick] [SCENARIO…] | pnpm bench kafka-clients [N] | pnpm bench dashboard [--team T] [--runs N]");
    process.exitCode = 2;
}
