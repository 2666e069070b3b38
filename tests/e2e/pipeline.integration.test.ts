import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, deleteTopics, publish, createProducer } from "@odzew/kafka";
import { deadLetterSchema, topicNames, topicSpecs, type EnrichedMention } from "@odzew/schema";
import {
  committedPast,
  createTestStore,
  demoSiteSourceYaml,
  freePort,
  readTopic,
  runTs,
  stackEnv,
  testLogger,
  uniquePrefix,
  waitFor,
  type RunningProcess,
} from "@odzew/testing";

/** Processes whose environment carries this test's prefix: the CLI and every service it ran. */
async function processesOf(prefix: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`).catch(() => undefined);
    if (environ?.includes(`ODZEW_TOPIC_PREFIX=${prefix}\0`)) found.push(Number(entry));
  }
  return found;
}

/** The reviews the demo site starts with. */
const SEED_REVIEWS = 8;

/**
 * The whole walking skeleton as a user runs it: `odzew setup`, then `odzew run` with the demo
 * review site, every service a real process on the real broker and engine. The running pipeline
 * is this file's fixture, started once and ready (the seed reviews searchable) before any test;
 * each test then stands alone: it waits on its own conditions and depends on no other test, so
 * they pass alone and in any order.
 */
describe("pipeline end to end", () => {
  const prefix = uniquePrefix("e2e");
  const keys = { service: randomBytes(24).toString("base64url"), pr: randomBytes(24).toString("base64url") };
  let run: RunningProcess;
  let apiBase: string;
  let siteBase: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const [apiPort, sitePort] = [await freePort(), await freePort()];
    apiBase = `http://127.0.0.1:${apiPort}`;
    siteBase = `http://127.0.0.1:${sitePort}`;
    const dir = await mkdtemp(join(tmpdir(), "odzew-e2e-"));
    await writeFile(
      join(dir, "sources.yaml"),
      demoSiteSourceYaml({ id: "e2e-shop", url: `${siteBase}/opinie`, schedule: "*/2 * * * * *" }),
    );
    await writeFile(
      join(dir, "teams.yaml"),
      [
        "teams:",
        "  - id: service",
        "    name: Obsługa klienta",
        "    keys: [{ env: E2E_SERVICE_KEY }]",
        "    slice: { brands: [zuraw] }",
        "    view: full",
        "    actions: [workflow]",
        "  - id: pr",
        "    name: PR",
        "    keys: [{ env: E2E_PR_KEY }]",
        "    slice: { brands: [some-other-brand] }",
        "    view: full",
      ].join("\n"),
    );
    env = {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      SEARCH_URL: stackEnv().search.url,
      ODZEW_TOPIC_PREFIX: prefix,
      ODZEW_INDEX_PREFIX: prefix,
      ODZEW_SOURCES_FILE: join(dir, "sources.yaml"),
      ODZEW_TEAMS_FILE: join(dir, "teams.yaml"),
      API_PORT: String(apiPort),
      DEMO_SITE_PORT: String(sitePort),
      DEMO_SITE_NEW_REVIEW_EVERY_S: "0",
      COLLECTOR_MIN_INTERVAL_MS: "0",
      COLLECTOR_GROUP_ID: `${prefix}-collector`,
      ENRICHER_GROUP_ID: `${prefix}-enricher`,
      INDEXER_GROUP_ID: `${prefix}-indexer`,
      E2E_SERVICE_KEY: keys.service,
      E2E_PR_KEY: keys.pr,
      ODZEW_RUN_PIDFILE: join(dir, "run.pid"),
      // Free health ports: a demo started by hand may hold the fixed ones.
      ODZEW_HEALTH_PORT_BASE: "0",
      ODZEW_BRANDS_FILE: "config/demo/brands.yaml",
      ODZEW_AUTHOR_KEY: "e2e-author-key-0123456789",
    };
    const setup = runTs("services/cli/src/index.ts", ["setup"], env);
    expect(await setup.exited, setup.stderr()).toBe(0);
    expect(setup.stdout()).toContain("kafka: created");

    run = runTs("services/cli/src/index.ts", ["run", "demo-site", "indexer", "enricher", "collector", "scheduler", "api"], env);
    await waitFor("the API to be ready", async () => (await fetch(`${apiBase}/readyz`)).ok, { timeoutMs: 90_000 });
    await waitFor(`the ${SEED_REVIEWS} seed reviews searchable`, async () => (await search("size=100")).body.total >= SEED_REVIEWS, { timeoutMs: 90_000 });
  }, 240_000);

  afterAll(async () => {
    const code = await run?.stop();
    expect(code, "odzew run exits cleanly on SIGTERM").toBe(0);
    expect(await processesOf(prefix), "no service of this run is left behind").toEqual([]);
    const logger = testLogger("e2e");
    const kafka = createKafka({ brokers: stackEnv().brokers, clientId: "e2e-cleanup" }, logger);
    await deleteTopics(kafka, topicSpecs(prefix).map((spec) => spec.name));
    const { cleanup } = await createTestStore(prefix);
    await cleanup();
  }, 60_000);

  const search = async (query: string, key = keys.service) => {
    const response = await fetch(`${apiBase}/api/v1/mentions?${query}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as { total: number; items: EnrichedMention[] } };
  };

  it("makes a review published on the source searchable through the API, exactly once", async () => {
    const published = await fetch(`${siteBase}/api/reviews`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        author: "Bożena Świątek",
        title: "Kurier zgubił przesyłkę",
        text: "Przesyłka z książkami zaginęła, a infolinia odsyła mnie do kuriera. Żałosne podejście do klienta.",
        rating: 1,
      }),
    });
    expect(published.status).toBe(201);
    const review = (await published.json()) as { id: string };

    const found = await waitFor("the new review in the API", async () => {
      const { body } = await search("q=przesy%C5%82ka%20zagin%C4%99%C5%82a");
      return body.items.find((item) => item.nativeId === review.id);
    }, { timeoutMs: 60_000 });
    expect(found).toMatchObject({
      title: "Kurier zgubił przesyłkę",
      author: { name: "Bożena Świątek" },
      rating: { value: 1 },
      lang: "pl",
      brands: [{ id: "zuraw", via: "source" }],
      source: { id: "e2e-shop", type: "html" },
      sentiment: { label: "negative" },
      topics: expect.arrayContaining(["delivery"]),
      priority: { level: expect.stringMatching(/high|urgent/) },
    });
    expect(found.authorPseudonym).toMatch(/^a_[0-9a-f]{16}$/);

    // Collect everything again, on demand: a backfill delivers every review of the source once
    // more. Mention ids are deterministic, so the index still holds each review once.
    const seedCount = SEED_REVIEWS + 1; // the seed reviews and the new one
    const again = runTs("services/cli/src/index.ts", ["backfill", "e2e-shop"], env);
    expect(await again.exited, again.stderr()).toBe(0);
    expect(again.stdout()).toContain(`${seedCount} mentions delivered (0 not seen before)`);
    const kafka = createKafka({ brokers: stackEnv().brokers, clientId: "e2e" }, testLogger("e2e"));
    const topics = topicNames(prefix);
    // The mentions of the shop only: another test may put a poison message on the raw topic.
    const ofShop = (messages: Awaited<ReturnType<typeof readTopic>>) =>
      messages.filter((message) => (message.value as { source?: { id?: string } } | null)?.source?.id === "e2e-shop");
    await waitFor("the second delivery on the raw topic", async () => ofShop(await readTopic(kafka, topics.mentionsRaw)).length >= 2 * seedCount, {
      timeoutMs: 30_000,
    });
    // Both deliveries enriched, and the indexer past every one of them: whatever it did with the second is done.
    const enriched = await waitFor("both deliveries enriched", async () => {
      const messages = ofShop(await readTopic(kafka, topics.mentionsEnriched));
      return messages.length >= 2 * seedCount ? messages : undefined;
    }, { timeoutMs: 60_000 });
    await waitFor("the indexer past both deliveries", () => committedPast(kafka, `${prefix}-indexer`, topics.mentionsEnriched, enriched), { timeoutMs: 60_000 });
    const all = await search("size=100");
    expect(all.body.total).toBe(seedCount);
    expect(all.body.items.filter((item) => item.nativeId === review.id)).toHaveLength(1);
    expect(new Set(all.body.items.map((item) => item.id)).size).toBe(seedCount);
  });

  it("finds Polish inflected forms through the API", async () => {
    // A seed review (searchable since the fixture was ready) says "na dostawę czekałem"; the query is the dictionary form.
    const { body } = await search("q=dostawa");
    expect(body.items.some((item) => item.text.includes("dostawę"))).toBe(true);
  });

  it("keeps each team in its slice", async () => {
    const { status, body } = await search("size=100", keys.pr);
    expect(status).toBe(200);
    expect(body.total).toBe(0);
  });

  it("reports each source's health: when it last succeeded and what it read", async () => {
    type Sources = { sources: { id: string; status: string; health: { lastSuccessAt?: string; lastParsed?: number } }[] };
    // The collector's health record follows its polls; wait for the first one it wrote.
    const shop = await waitFor("the shop's health after a poll", async () => {
      const response = await fetch(`${apiBase}/api/v1/sources`, { headers: { authorization: `Bearer ${keys.service}` } });
      expect(response.status).toBe(200);
      const { sources } = (await response.json()) as Sources;
      const found = sources.find((source) => source.id === "e2e-shop");
      return found?.health.lastSuccessAt !== undefined ? found : undefined;
    }, { timeoutMs: 30_000 });
    expect(shop?.status).toBe("ok");
    expect(shop?.health.lastSuccessAt).toBeDefined();
    expect(shop?.health.lastParsed).toBeGreaterThan(0);
  });

  it("answers 401 to a wrong or missing key", async () => {
    expect((await search("q=dostawa", "not-a-real-key")).status).toBe(401);
    const missing = await fetch(`${apiBase}/api/v1/mentions`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("answers 400 with the reason to a bad parameter", async () => {
    const { status, body } = await search("size=100000");
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain("size");
  });

  it("sends a message it cannot read to the dead-letter topic with the reason", async () => {
    const logger = testLogger("e2e");
    const kafka = createKafka({ brokers: stackEnv().brokers, clientId: "e2e-poison" }, logger);
    const producer = createProducer(kafka);
    await producer.connect();
    await publish(producer, topicNames(prefix).mentionsRaw, [{ key: "poison", value: { schemaVersion: 1, text: "no id, no source" } }]);
    await producer.disconnect();
    const letter = await waitFor("the poison message in the DLQ", async () => {
      const letters = (await readTopic(kafka, topicNames(prefix).mentionsDlq)).map((message) => deadLetterSchema.parse(message.value));
      return letters.find((entry) => entry.original.key === "poison");
    }, { timeoutMs: 30_000 });
    expect(letter.stage).toBe("enrich");
    expect(letter.reason.code).toBe("MESSAGE_INVALID");
    expect(letter.reason.message).toContain("schema validation failed");
    expect(letter.original.value).toContain("no id, no source");
    // …and the pipeline keeps going: the API still answers with everything indexed.
    expect((await search("size=1")).body.total).toBeGreaterThan(0);
  });

  it("runs the service workflow through the topic and the indexer: claim, answer, out of the queue", async () => {
    const headers = { authorization: `Bearer ${keys.service}`, "content-type": "application/json" };
    const queue = async () => (await (await fetch(`${apiBase}/api/v1/queue?size=100`, { headers })).json()) as { total: number; items: { id: string; workflow?: { status: string } }[] };
    const before = await queue();
    const target = before.items[0];
    expect(target).toBeDefined();
    const act = (action: string) => fetch(`${apiBase}/api/v1/mentions/${target!.id}/actions`, { method: "POST", headers, body: JSON.stringify({ action, actor: "ola@zuraw.pl" }) });
    expect((await act("claim")).status).toBe(202);
    await waitFor("the claim applied by the indexer", async () => (await queue()).items.find((item) => item.id === target!.id)?.workflow?.status === "claimed", { timeoutMs: 30_000 });
    expect((await act("answer")).status).toBe(202);
    await waitFor("the answered mention out of the queue", async () => !(await queue()).items.some((item) => item.id === target!.id), { timeoutMs: 30_000 });
    expect((await queue()).total).toBe(before.total - 1);
  });

  it("serves a mention by id to the team whose slice holds it, and 404 to any other team", async () => {
    const { body } = await search("size=1");
    const id = body.items[0]?.id;
    expect(id).toMatch(/^[a-f0-9]{32}$/);
    const own = await fetch(`${apiBase}/api/v1/mentions/${id}`, { headers: { authorization: `Bearer ${keys.service}` } });
    expect(own.status).toBe(200);
    expect(((await own.json()) as EnrichedMention).id).toBe(id);
    const other = await fetch(`${apiBase}/api/v1/mentions/${id}`, { headers: { authorization: `Bearer ${keys.pr}` } });
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain(id as string);
  });
});
