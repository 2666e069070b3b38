/**
 * Benchmarks that print their figures (`pnpm bench <name>`); targets live here, not in tests.
 *
 *   pnpm bench nlp            sentiment accuracy (lexicon, learned) on held-out Allegro and PolEmo,
 *                             brand precision/recall, whole-enrichment throughput on one core
 *   pnpm bench api [N]        p50/p95 of team reads through the HTTP API on N indexed mentions
 *                             (default 1,000,000; generated once, reused; --fresh rebuilds)
 *   pnpm bench pipeline [N]   raw → enricher → indexer → searchable, N mentions (default 20000),
 *                             with the services as real processes on the local stack; then the
 *                             latency of team searches through the engine.
 */
import { performance } from "node:perf_hooks";
import { detectLanguage } from "@odzew/nlp";
import { publish } from "@odzew/kafka";
import { TeamSearch } from "@odzew/search";
import { PHRASES } from "./bench-data.ts";
import { teamSchema, type RawMention, type TeamConfig } from "@odzew/schema";
import {
  createTestPipeline,
  createTestStore,
  runService,
  sampleRawMention,
  stackEnv,
  waitFor,
} from "@odzew/testing";



function mentions(count: number): RawMention[] {
  return Array.from({ length: count }, (_, index) =>
    sampleRawMention({
      sourceId: "bench",
      nativeId: `b-${index}`,
      title: `Opinia ${index}`,
      text: `${PHRASES[index % PHRASES.length]} ${PHRASES[(index * 7 + 3) % PHRASES.length]}`,
      publishedAt: new Date(Date.UTC(2026, index % 12, 1 + (index % 28), index % 24)).toISOString(),
    }),
  );
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function benchPipeline(count: number) {
  const sample = mentions(count);

  // Language detection alone, in this process: the CPU cost per mention of the skeleton's enrichment.
  const started = performance.now();
  for (const mention of sample) detectLanguage(`${mention.title}\n${mention.text}`);
  const detectSeconds = (performance.now() - started) / 1000;

  const pipeline = await createTestPipeline("bench");
  const teams: TeamConfig[] = [teamSchema.parse({ id: "bench", name: "Bench", keys: [{ env: "UNUSED" }], slice: { brands: ["zuraw"] } })];
  const { store, engine, cleanup } = await createTestStore(pipeline.prefix, teams);
  const search = new TeamSearch(engine, store.names);
  const env = {
    KAFKA_BROKERS: stackEnv().brokers.join(","),
    SEARCH_URL: stackEnv().search.url,
    ODZEW_TOPIC_PREFIX: pipeline.prefix,
    ODZEW_INDEX_PREFIX: pipeline.prefix,
    ENRICHER_GROUP_ID: `${pipeline.prefix}-enricher`,
    ODZEW_BRANDS_FILE: "config/demo/brands.yaml",
    ODZEW_AUTHOR_KEY: "bench-author-key-0123456789",
    INDEXER_GROUP_ID: `${pipeline.prefix}-indexer`,
  };
  const services = [runService("enricher", env), runService("indexer", env)];
  try {
    for (let start = 0; start < count; start += 1000) {
      await publish(
        pipeline.producer,
        pipeline.topics.mentionsRaw,
        sample.slice(start, start + 1000).map((mention) => ({ key: mention.id, value: mention })),
      );
    }
    // Services start now; the clock runs from the moment both are consuming.
    await waitFor("the first mention indexed", async () => (await store.refresh(), (await store.count()) > 0), {
      timeoutMs: 120_000,
      intervalMs: 50,
    });
    const clock = performance.now();
    const admin = pipeline.kafka.admin();
    await admin.connect();
    let enrichedSeconds = NaN;
    const watchEnricher = (async () => {
      for (;;) {
        const offsets = await admin.fetchTopicOffsets(pipeline.topics.mentionsEnriched);
        if (offsets.reduce((sum, partition) => sum + Number(partition.high), 0) >= count) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      enrichedSeconds = (performance.now() - clock) / 1000;
    })();
    await waitFor(`${count} mentions indexed`, async () => (await store.refresh(), (await store.count()) >= count), {
      timeoutMs: 600_000,
      intervalMs: 200,
    });
    const pipelineSeconds = (performance.now() - clock) / 1000;
    await watchEnricher;
    await admin.disconnect();
    const indexed = await store.count();

    const latencies: number[] = [];
    const queries = ["dostawa", "obsługa", "reklamacja zwrot", "paczka", "kurier", "płatność", ""];
    for (let index = 0; index < 300; index++) {
      const begin = performance.now();
      await search.search(teams[0]!, { q: queries[index % queries.length] || undefined }, { size: 20 });
      latencies.push(performance.now() - begin);
    }
    latencies.sort((a, b) => a - b);

    console.log(`pipeline benchmark, ${count} mentions (2 cores, local Kafka + OpenSearch)`);
    console.log(`  language detection:       ${Math.round(count / detectSeconds).toLocaleString("en")} mentions/s on one core`);
    console.log(`  raw → indexed, end to end: ${Math.round(count / pipelineSeconds).toLocaleString("en")} mentions/s (${pipelineSeconds.toFixed(1)} s after the first was searchable)`);
    console.log(`  enricher finished after:  ${enrichedSeconds.toFixed(1)} s (the indexer follows it)`);
    console.log(`  documents in the index:   ${indexed} (expected ${count})`);
    console.log(`  team search, ${latencies.length} queries: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await cleanup();
    await pipeline.cleanup();
  }
}

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
  case "pipeline":
    await benchPipeline(Number(countArg ?? 20_000));
    break;
  case "nlp":
    await benchNlp();
    break;
  case "api": {
    const { benchApi } = await import("./bench-api.ts");
    await benchApi(Number(countArg && !countArg.startsWith("--") ? countArg : 1_000_000), process.argv.includes("--fresh"));
    break;
  }
  default:
    console.error("usage: pnpm bench pipeline [N] | pnpm bench nlp | pnpm bench api [N] [--fresh]");
    process.exitCode = 2;
}
