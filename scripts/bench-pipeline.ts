/**
 * `pnpm bench pipeline [N]`: raw → enricher → indexer → searchable with the services as real
 * processes on the local stack, against the engine's own speed measured in the same run.
 *
 * 1. Baseline: the same N documents, enriched in this process beforehand, bulk-loaded into a
 *    fresh index with Odzew's template by a plain loader (`index` actions, 500 a request, one
 *    request at a time): what the engine does on this machine without Odzew's pipeline.
 * 2. Pipeline: N raw mentions on the raw topic, then enricher and indexer; the clock runs from
 *    the first searchable mention to the last. The ratio pipeline/baseline is the figure to watch.
 * 3. Freshness: a steady stream at 200/s, then 500/s, each mention's time from being published
 *    on the raw topic to being searchable (p50, p99), and each worker's resident memory then.
 * 4. Team search latency through the engine on the loaded index.
 */
import { performance } from "node:perf_hooks";
import { publish, totalCommitted, totalHigh } from "@odzew/kafka";
import { createEnrichment } from "@odzew/nlp";
import { loadBrandsFile } from "../packages/config/src/index.ts";
import { TeamSearch, toDocument } from "@odzew/search";
import { teamSchema, type EnrichedMention, type RawMention, type TeamConfig } from "@odzew/schema";
import {
  createTestPipeline,
  createTestStore,
  freePort,
  metricValue,
  runService,
  sampleRawMention,
  stackEnv,
  waitFor,
  type RunningProcess,
} from "@odzew/testing";
import { nodeOptionsOf } from "../services/cli/src/run.ts";
import { PHRASES } from "./bench-data.ts";
import { cpuMeter, perThousand, stackPid } from "./cpu-time.ts";

const BRANDS_FILE = "config/demo/brands.yaml";
const AUTHOR_KEY = "bench-author-key-0123456789";
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const rate = (value: number) => Math.round(value).toLocaleString("en");

function mentions(count: number, tag: string, publishedAt?: () => string): RawMention[] {
  return Array.from({ length: count }, (_, index) =>
    sampleRawMention({
      sourceId: "bench",
      nativeId: `${tag}-${index}`,
      title: `Opinia ${index}`,
      author: { name: `Autor ${index % 997}` },
      text: `${PHRASES[index % PHRASES.length]} ${PHRASES[(index * 7 + 3) % PHRASES.length]}`,
      publishedAt: publishedAt?.() ?? new Date(Date.UTC(2026, index % 12, 1 + (index % 28), index % 24)).toISOString(),
      collectedAt: new Date().toISOString(),
    }),
  );
}

/** The plain bulk load the pipeline is measured against: same documents, same template. */
async function baseline(documents: EnrichedMention[]): Promise<{ rate: number; cpu: Record<string, number> }> {
  const { store, engine, cleanup } = await createTestStore(`bench-base-${Date.now().toString(36)}`, []);
  try {
    const meter = cpuMeter({ engine: stackPid("search") });
    const started = performance.now();
    for (let start = 0; start < documents.length; start += 500) {
      const lines = documents
        .slice(start, start + 500)
        .flatMap((mention) => [{ index: { _index: store.names.indexFor(mention.publishedAt), _id: mention.id } }, toDocument(mention)]);
      const response = await engine.bulk<{ errors: boolean }>(lines);
      if (response.errors) throw new Error("the baseline bulk load had errors");
    }
    await waitFor(`${documents.length} baseline documents searchable`, async () => (await store.refresh(), (await store.count()) >= documents.length), {
      timeoutMs: 600_000,
      intervalMs: 50,
    });
    return { rate: documents.length / ((performance.now() - started) / 1000), cpu: meter.stop() };
  } finally {
    await cleanup();
  }
}

export async function benchPipeline(count: number): Promise<void> {
  const { brands } = await loadBrandsFile(BRANDS_FILE);
  const enrichment = createEnrichment({ brands, authorKey: AUTHOR_KEY });
  const load = mentions(count, "b");
  const documents = load.map((raw) => ({
    ...raw,
    ...enrichment.enrich({ text: raw.text, title: raw.title, rating: raw.rating?.value, author: raw.author, publishedAt: raw.publishedAt, brandHints: raw.brandHints }),
    enrichedAt: new Date().toISOString(),
    enrichment: { version: "bench" },
  })) as EnrichedMention[];
  // The engine's speed swings with whatever else the machine does: measured before and after the
  // pipeline, and the pipeline compared with their mean.
  const { rate: baselineBefore, cpu: baselineCpu } = await baseline(documents);

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
    ODZEW_BRANDS_FILE: BRANDS_FILE,
    ODZEW_AUTHOR_KEY: AUTHOR_KEY,
    INDEXER_GROUP_ID: `${pipeline.prefix}-indexer`,
    ...(process.env.INDEXER_CHUNK_SIZE ? { INDEXER_CHUNK_SIZE: process.env.INDEXER_CHUNK_SIZE } : {}),
  };
  const ports = { enricher: await freePort(), indexer: await freePort() };
  const services: Partial<Record<"enricher" | "indexer", RunningProcess>> = {};
  const memory = async () => {
    const figures: Record<string, { rss: number; heap: number }> = {};
    for (const [name, port] of Object.entries(ports)) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      figures[name] = {
        rss: (metricValue(text, "odzew_process_resident_memory_bytes") ?? NaN) / 1048576,
        heap: (metricValue(text, "odzew_nodejs_heap_size_used_bytes") ?? NaN) / 1048576,
      };
    }
    return figures;
  };
  try {
    for (let start = 0; start < count; start += 1000) {
      await publish(pipeline.producer, pipeline.topics.mentionsRaw, load.slice(start, start + 1000).map((mention) => ({ key: mention.id, value: mention })));
    }
    // The services start once the load is on the raw topic (with the heap bounds `odzew run`
    // gives them); the clock runs from the moment both are ready (joined their groups).
    for (const name of ["enricher", "indexer"] as const) {
      services[name] = runService(name, { ...env, HEALTH_PORT: String(ports[name]), NODE_OPTIONS: nodeOptionsOf(name, process.env.NODE_OPTIONS) });
    }
    await waitFor("the enricher and the indexer ready", async () => {
      const answers = await Promise.all(Object.values(ports).map((port) => fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)));
      return answers.every(Boolean);
    }, { timeoutMs: 120_000, intervalMs: 20 });
    const meter = cpuMeter({
      engine: stackPid("search"),
      broker: stackPid("kafka"),
      enricher: services.enricher?.child.pid,
      indexer: services.indexer?.child.pid,
    });
    const clock = performance.now();
    const admin = pipeline.kafka.admin();
    await admin.connect();
    let enrichedSeconds = NaN;
    const watchEnricher = (async () => {
      for (;;) {
        if (totalHigh(await admin.topicOffsets(pipeline.topics.mentionsEnriched)) >= count) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      enrichedSeconds = (performance.now() - clock) / 1000;
    })();
    // Done when the indexer has committed every mention (its offsets move only once the engine
    // acknowledged them), then made searchable with one refresh, as the baseline is: polling the
    // engine with refreshes meanwhile would slow the engine down.
    const indexerGroup = `${pipeline.prefix}-indexer`;
    await waitFor(`${count} mentions committed by the indexer`, async () => {
      return totalCommitted(await admin.committedOffsets(indexerGroup, pipeline.topics.mentionsEnriched)) >= count;
    }, { timeoutMs: 600_000, intervalMs: 50 });
    await store.refresh();
    const pipelineSeconds = (performance.now() - clock) / 1000;
    const pipelineCpu = meter.stop();
    const pipelineRate = count / pipelineSeconds;
    await watchEnricher;
    await admin.disconnect();
    const indexed = await store.count();

    const freshness: { rate: number; p50: number; p99: number; seen: number; sent: number; rss: Record<string, number>; heap: Record<string, number> }[] = [];
    for (const perSecond of [200, 500]) freshness.push({ rate: perSecond, ...(await steadyStream(perSecond, 20, pipeline, store, memory)) });

    const { rate: baselineAfter } = await baseline(documents);
    const baselineRate = (baselineBefore + baselineAfter) / 2;

    const latencies: number[] = [];
    const queries = ["dostawa", "obsługa", "reklamacja zwrot", "paczka", "kurier", "płatność", ""];
    for (let index = 0; index < 300; index++) {
      const begin = performance.now();
      await search.search(teams[0]!, { q: queries[index % queries.length] || undefined }, { size: 20 });
      latencies.push(performance.now() - begin);
    }
    latencies.sort((a, b) => a - b);

    console.log(`pipeline benchmark, ${count} mentions (2 cores, local Kafka + OpenSearch, enricher and indexer as processes)`);
    console.log(
      `  plain bulk load (baseline): ${rate(baselineRate)} docs/s (${rate(baselineBefore)} before, ${rate(baselineAfter)} after; same documents and template, 500 a request, one at a time)`,
    );
    console.log(`  raw → searchable:           ${rate(pipelineRate)} mentions/s (${pipelineSeconds.toFixed(1)} s from both services ready to the last searchable)`);
    console.log(`  enricher finished after:    ${enrichedSeconds.toFixed(1)} s (the indexer follows it)`);
    console.log(`  ratio to the baseline:      ${(pipelineRate / baselineRate).toFixed(2)}× (target ≥ 0.8×)`);
    // CPU per 1,000 mentions does not swing with the machine's load as rates do: what each part costs.
    console.log(`  CPU per 1,000, baseline:    ${perThousand(baselineCpu, count)}`);
    console.log(`  CPU per 1,000, pipeline:    ${perThousand(pipelineCpu, count)} (bench: this process, polling offsets)`);
    console.log(`  documents in the index:     ${indexed} (expected ${count})`);
    for (const run of freshness) {
      console.log(
        `  freshness at ${run.rate}/s for 20 s: published → searchable p50 ${(run.p50 / 1000).toFixed(2)} s, p99 ${(run.p99 / 1000).toFixed(2)} s ` +
          `(${run.seen}/${run.sent} seen); highest RSS enricher ${run.rss.enricher?.toFixed(0)} MB, indexer ${run.rss.indexer?.toFixed(0)} MB ` +
          `(heap used ${run.heap.enricher?.toFixed(0)} / ${run.heap.indexer?.toFixed(0)} MB; target RSS < 256 MB)`,
      );
    }
    console.log(`  team search, ${latencies.length} queries: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);
  } finally {
    await Promise.all(Object.values(services).map((service) => service?.stop()));
    await cleanup();
    await pipeline.cleanup();
  }
}

/**
 * Publish `perSecond` mentions a second for `seconds`, in ticks of 100 ms, and watch each one
 * become searchable: every 100 ms one ids query for the mentions still pending.
 */
async function steadyStream(
  perSecond: number,
  seconds: number,
  pipeline: Awaited<ReturnType<typeof createTestPipeline>>,
  store: Awaited<ReturnType<typeof createTestStore>>["store"],
  memory: () => Promise<Record<string, { rss: number; heap: number }>>,
) {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let producing = true;
  let lastSend: number | undefined;
  const watcher = (async () => {
    while (producing || sentAt.size > 0) {
      const pending = [...sentAt.keys()].slice(0, 2_000);
      if (pending.length > 0) {
        const response = await store.engine.request<{ hits: { hits: { _id: string }[] } }>(
          "POST",
          `/${store.names.all}/_search`,
          { size: pending.length, _source: false, query: { ids: { values: pending } } },
        );
        const now = performance.now();
        for (const hit of response.hits.hits) {
          const sent = sentAt.get(hit._id);
          if (sent === undefined) continue;
          latencies.push(now - sent);
          sentAt.delete(hit._id);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!producing && latencies.length > 0 && performance.now() - (lastSend ?? 0) > 60_000) break;
    }
  })();
  const perTick = perSecond / 10;
  let sent = 0;
  const started = performance.now();
  const samples: Record<string, { rss: number; heap: number }>[] = [];
  for (let tick = 0; tick < seconds * 10; tick++) {
    const batch = mentions(perTick, `s${perSecond}-${tick}`, () => new Date().toISOString());
    const at = performance.now();
    await publish(pipeline.producer, pipeline.topics.mentionsRaw, batch.map((mention) => ({ key: mention.id, value: mention })));
    for (const mention of batch) sentAt.set(mention.id, at);
    sent += batch.length;
    lastSend = performance.now();
    if (tick % 20 === 19) samples.push(await memory());
    const next = started + (tick + 1) * 100;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  producing = false;
  await watcher;
  latencies.sort((a, b) => a - b);
  // Steady state: the highest of the samples taken every 2 s while the stream ran.
  const rss: Record<string, number> = {};
  const heap: Record<string, number> = {};
  for (const sample of samples) {
    for (const [name, figures] of Object.entries(sample)) {
      rss[name] = Math.max(rss[name] ?? 0, figures.rss);
      heap[name] = Math.max(heap[name] ?? 0, figures.heap);
    }
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), seen: latencies.length, sent, rss, heap };
}
