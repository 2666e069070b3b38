/**
 * `pnpm bench api [N]`: p50/p95 latency of team reads through the HTTP API on N indexed mentions
 * (default 1,000,000) on the local engine. The mentions are generated and bulk-indexed once
 * under the prefix `bench-api` and reused by later runs with the same N (`--fresh` rebuilds).
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createLogger } from "@odzew/core";
import { mentionId, teamSchema, type EnrichedMention } from "@odzew/schema";
import { MentionStore, TeamSearch, connectEngine, toDocument } from "@odzew/search";
import { stackEnv } from "@odzew/testing";
import { buildApi } from "../services/api/src/app.ts";
import { PHRASES as BASE_PHRASES } from "./bench-data.ts";
import { TeamKeys } from "../services/api/src/auth.ts";

const PHRASES = [
  ...BASE_PHRASES,
  "Aplikacja zawiesza się przy logowaniu, po aktualizacji jeszcze gorzej.",
  "Produkt zgodny z opisem, jakość bardzo dobra jak na tę cenę.",
];
const TOPICS = ["delivery", "price", "customer-service", "product-quality", "app", "payments", "returns", "waiting-time", "staff", "store"];
const BRANDS = ["zuraw", "konkurent", "obca"];
const SENTIMENTS = ["negative", "neutral", "positive"] as const;
const DAY = 86_400_000;

function generate(index: number, now: number): EnrichedMention {
  const sourceId = `source-${index % 12}`;
  const nativeId = `b-${index}`;
  const sentiment = SENTIMENTS[(index * 7) % 3]!;
  const rating = sentiment === "negative" ? 1 + (index % 2) : sentiment === "positive" ? 4 + (index % 2) : 3;
  const publishedAt = new Date(now - (index % 365) * DAY - ((index * 13) % 86_400) * 1000).toISOString();
  return {
    schemaVersion: 1,
    id: mentionId(sourceId, nativeId),
    source: { id: sourceId, type: index % 3 === 0 ? "app-store" : "opineo" },
    nativeId,
    url: `https://opinie.example.pl/${index}`,
    author: { name: `Klient ${index % 50_000}` },
    title: `Opinia ${index}`,
    text: `${PHRASES[index % PHRASES.length]} ${PHRASES[(index * 7 + 3) % PHRASES.length]} ${PHRASES[(index * 3 + 1) % PHRASES.length]}`,
    rating: { value: rating, original: rating, scaleMin: 1, scaleMax: 5 },
    lang: index % 10 === 4 ? "en" : "pl",
    langConfidence: 0.9,
    publishedAt,
    collectedAt: publishedAt,
    brandHints: [],
    sentiment: { label: sentiment, score: sentiment === "negative" ? -0.5 : sentiment === "positive" ? 0.6 : 0, model: "lexicon" },
    brands: [{ id: BRANDS[index % 7 === 0 ? 1 : index % 11 === 0 ? 2 : 0]!, via: "text" }],
    topics: [TOPICS[index % TOPICS.length]!, ...(index % 3 === 0 ? [TOPICS[(index + 4) % TOPICS.length]!] : [])],
    authorPseudonym: `a_${(index % 50_000).toString(16).padStart(16, "0")}`,
    personalData: [],
    priority: { score: (index * 37) % 100, level: sentiment === "negative" ? "high" : "low", reasons: [] },
    enrichedAt: publishedAt,
    enrichment: { version: "bench" },
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function benchApi(count: number, fresh: boolean) {
  const logger = createLogger({ service: "bench", level: "warn", pretty: false });
  const engine = await connectEngine({ ...stackEnv().search, requestTimeoutMs: 120_000 });
  const keys = { pr: randomBytes(24).toString("base64url"), cx: randomBytes(24).toString("base64url") };
  const teams = [
    teamSchema.parse({ id: "pr", name: "PR", keys: [{ env: "PR" }], slice: { brands: ["zuraw", "konkurent"] }, view: "full", actions: ["export"] }),
    teamSchema.parse({ id: "cx", name: "CX", keys: [{ env: "CX" }], slice: { brands: ["zuraw"], languages: ["pl"] }, view: "pseudonymous", actions: ["sample"] }),
  ];
  const store = new MentionStore(engine, "bench-api", logger);
  try {
    const existing = await store.count();
    if (fresh || existing !== count) {
      console.log(`indexing ${count.toLocaleString("en")} mentions under bench-api-* (once; later runs reuse them)…`);
      await store.drop();
      await store.setup({ teams });
      const now = Date.now();
      const started = performance.now();
      const batch = 5_000;
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const start = next;
          next += batch;
          const lines: unknown[] = [];
          for (let index = start; index < Math.min(start + batch, count); index++) {
            const mention = generate(index, now);
            lines.push({ index: { _index: store.names.indexFor(mention.publishedAt), _id: mention.id } }, toDocument(mention));
          }
          const response = await engine.bulk<{ errors: boolean; items: { index: { error?: unknown } }[] }>(lines);
          if (response.errors) throw new Error(`bulk failed: ${JSON.stringify(response.items.find((item) => item.index.error))}`);
          if ((start / batch) % 20 === 0) process.stderr.write(`\r  ${start.toLocaleString("en")}`);
        }
      };
      await Promise.all([worker(), worker()]);
      await store.refresh();
      const seconds = (performance.now() - started) / 1000;
      console.log(`\r  indexed in ${seconds.toFixed(0)} s (${Math.round(count / seconds).toLocaleString("en")} documents/s)`);
      await engine.request("POST", `/${store.names.pattern}/_forcemerge`, undefined, { max_num_segments: 1 }).catch(() => undefined);
    } else {
      await store.setup({ teams });
    }
    const total = await store.count();

    const resolved = TeamKeys.resolve(teams, { PR: keys.pr, CX: keys.cx }, "bench");
    const app = await buildApi({ search: new TeamSearch(engine, store.names), keys: () => resolved, logger });
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const words = ["dostawa", "obsługa", "reklamacja zwrot", "paczka", "kurier", "płatność", "aplikacja", "jakość", "cena", "\"szybki zwrot\""];
    const measure = async (name: string, team: "pr" | "cx", url: (index: number) => string, rounds = 300) => {
      for (let index = 0; index < 20; index++) await fetch(`${base}/api/v1${url(index)}`, { headers: { authorization: `Bearer ${keys[team]}` } });
      const latencies: number[] = [];
      for (let index = 0; index < rounds; index++) {
        const begin = performance.now();
        const response = await fetch(`${base}/api/v1${url(index)}`, { headers: { authorization: `Bearer ${keys[team]}` } });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${url(index)}: HTTP ${response.status}`);
        latencies.push(performance.now() - begin);
      }
      latencies.sort((a, b) => a - b);
      console.log(`  ${name.padEnd(44)} p50 ${percentile(latencies, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(latencies, 95).toFixed(1).padStart(6)} ms`);
    };
    const yearAgo = new Date(Date.now() - 365 * DAY).toISOString().slice(0, 10);
    console.log(`API benchmark: ${total.toLocaleString("en")} mentions indexed, one engine node (1 GB heap), through HTTP (target p95 < 100 ms)`);
    await measure("team search (text + filters, 20 newest)", "pr", (index) => `/mentions?q=${encodeURIComponent(words[index % words.length]!)}${index % 2 ? "&sentiment=negative" : ""}&size=20&sort=newest`);
    // Relevance order (the default with q); the line after it has the same searches newest first,
    // as the team search above: what the view costs apart from what the order costs.
    await measure("team search, pseudonymous view (CX)", "cx", (index) => `/mentions?q=${encodeURIComponent(words[index % words.length]!)}&size=20`);
    await measure("  … the same, newest first", "cx", (index) => `/mentions?q=${encodeURIComponent(words[index % words.length]!)}&size=20&sort=newest`);
    await measure("team search, filters only (topic, rating)", "pr", () => `/mentions?topic=delivery&rating_max=2&size=20`);
    await measure("counts over time (365 days by day, × sentiment)", "pr", (index) => `/stats/timeline?interval=day&split=sentiment&from=${yearAgo}${index % 2 ? "&brand=zuraw" : ""}`);
    // Every request a different range: the months at its ends are counted again; months wholly
    // inside it come from the engine's request cache (their shard requests do not change).
    await measure("  … a new range each request", "pr", (index) => `/stats/timeline?interval=day&split=sentiment&from=${yearAgo}&to=${new Date(Date.now() - index * 61_000).toISOString()}`);
    await measure("counts over time (30 days by hour)", "pr", () => `/stats/timeline?interval=hour&from=${new Date(Date.now() - 30 * DAY).toISOString()}`);
    await measure("top topics", "cx", () => `/stats/topics?size=10`);
    await measure("share of voice", "pr", () => `/stats/share-of-voice`);
    await measure("stratified sample (n=50, topic × sentiment)", "cx", (index) => `/sample?n=50&strata=topic,sentiment&seed=s${index % 5}`, 50);
    await app.close();
  } finally {
    await engine.close();
  }
}
