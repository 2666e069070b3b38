import { describe, expect, it as base } from "vitest";
import { createKafka, createProducer, deleteTopics, ensureTopics, publish, scanTopic, type Kafka, type Producer } from "@odzew/kafka";
import { ALERT_SCHEMA_VERSION, enrichedMentionSchema, topicNames, topicSpecs, type Alert, type EnrichedMention, type RawMention, type TopicNames } from "@odzew/schema";
import {
  createTestStore,
  freePort,
  metricValue,
  runService,
  runTs,
  sampleRawMention,
  stackEnv,
  testLogger,
  uniquePrefix,
  waitFor,
  type RunningProcess,
} from "@odzew/testing";
import { compacted, parseEraseRequest } from "./erase-rules.ts";
import { lumpedTogether, runErase } from "./erase.ts";

const AUTHOR_KEY = "erase-test-author-key-0123456789";
const ERASED = "Bożena Świątek";

/**
 * What a reader of a topic can still get once Kafka has compacted it: the latest value of each
 * key, tombstoned keys skipped. Read with a committed-only consumer up to the topic's end.
 */
async function readable(kafka: Kafka, topic: string): Promise<Map<string, string>> {
  const records: { key: string | null; value: string | null }[] = [];
  await scanTopic({
    kafka,
    topic,
    logger: testLogger("erase"),
    handle: (batch) => void records.push(...batch.map((record) => ({ key: record.key, value: record.value?.toString("utf8") ?? null }))),
  });
  return compacted(records);
}

/**
 * `odzew erase` against the real broker and engine, with the real enricher running as a
 * process: every copy of the author's reviews goes (indexed or not, dead-lettered, in an alert),
 * nobody else's; one collected again later is dropped; placeholders are refused; a mention can
 * be erased alone.
 */
const logger = testLogger("erase");
const kafka = createKafka({ brokers: stackEnv().brokers, clientId: "test-erase" }, logger);

const raw = (nativeId: string, name: string, text: string, extra: Partial<RawMention> = {}) =>
  sampleRawMention({ nativeId, author: { name }, text, title: `Tytuł ${nativeId}`, ...extra });
const indexed = raw("indexed", ERASED, "Świątek pisze: kurier zgubił paczkę, reklamacja nr 1.");
const neverIndexed = raw("never-indexed", ERASED, "Świątek pisze: druga opinia, nigdy nie zaindeksowana.");
// A rating out of scale fails the schema: the enricher dead-letters it, the name inside.
const deadLettered = { ...raw("dead-lettered", ERASED, "Świątek pisze: trzecia opinia, odrzucona."), rating: { value: 9, original: 9, scaleMin: 1, scaleMax: 5 } };
const other = raw("other", "Jan Nowak", "Jan pisze: wszystko w porządku.");
const otherToo = raw("other-too", "Jan Nowak", "Jan pisze: druga opinia, zostaje.");
const anonymous = raw("anonymous", "Anonim", "Anonimowa opinia, zostaje.");
const erasedTexts = [indexed.text, neverIndexed.text, deadLettered.text];

/**
 * One test's world: its own prefix (topics, index, enricher group), a producer, and the real
 * enricher as a process once the test asks for it (`start`).
 */
interface World {
  prefix: string;
  topics: TopicNames;
  producer: Producer;
  store: Awaited<ReturnType<typeof createTestStore>>;
  env: NodeJS.ProcessEnv;
  healthPort: number;
  /** Create the topics as the current version specifies them and start the enricher; resolves once it is ready. */
  start(): Promise<RunningProcess>;
}

const it = base.extend<{ world: World }>({
  // eslint-disable-next-line no-empty-pattern
  world: async ({}, use) => {
    const prefix = uniquePrefix("erase");
    const producer = createProducer(kafka);
    await producer.connect();
    const store = await createTestStore(prefix);
    const healthPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      SEARCH_URL: stackEnv().search.url,
      ODZEW_TOPIC_PREFIX: prefix,
      ODZEW_INDEX_PREFIX: prefix,
      ODZEW_AUTHOR_KEY: AUTHOR_KEY,
      ENRICHER_GROUP_ID: `${prefix}-enricher`,
      ODZEW_BRANDS_FILE: "config/demo/brands.yaml",
      HEALTH_PORT: String(healthPort),
    };
    let enricher: RunningProcess | undefined;
    try {
      await use({
        prefix,
        topics: topicNames(prefix),
        producer,
        store,
        env,
        healthPort,
        async start() {
          await ensureTopics(kafka, topicSpecs(prefix, 1));
          const started = runService("enricher", env);
          enricher = started;
          await waitFor(`the enricher ready (${started.stderr().slice(-500)})`, async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status === 200, { timeoutMs: 90_000 });
          return started;
        },
      });
    } finally {
      await enricher?.stop();
      await producer.disconnect();
      await store.cleanup();
      await deleteTopics(kafka, topicSpecs(prefix).map((spec) => spec.name)).catch(() => undefined);
    }
  },
});

const enrichedOf = async (world: World, ids: string[]) =>
  waitFor(`${ids.length} enriched mentions`, async () => {
    const live = await readable(kafka, world.topics.mentionsEnriched);
    const found = ids.map((id) => live.get(id)).filter((value): value is string => value !== undefined);
    return found.length === ids.length ? found.map((value) => enrichedMentionSchema.parse(JSON.parse(value))) : undefined;
  });

/**
 * Copies of the author's reviews and others' everywhere Odzew keeps them: enriched (and some
 * indexed: one of the author's never made it), one dead-lettered, two named in an alert.
 */
async function seedCopies(world: World): Promise<Alert> {
  const { producer, topics, store } = world;
  const all = [indexed, neverIndexed, deadLettered, other, otherToo, anonymous];
  await publish(producer, topics.mentionsRaw, all.map((value) => ({ key: value.id, value })));
  const enriched = await enrichedOf(world, [indexed.id, neverIndexed.id, other.id, otherToo.id, anonymous.id]);
  await waitFor("the dead letter", async () => (await readable(kafka, topics.mentionsDlq)).has(deadLettered.id));
  const byId = new Map(enriched.map((mention) => [mention.id, mention]));
  const toIndex = [indexed, other, otherToo, anonymous].map((mention) => byId.get(mention.id)!);
  expect((await store.store.upsert(toIndex)).indexed).toHaveLength(4);
  await store.store.refresh();
  const alert: Alert = {
    schemaVersion: ALERT_SCHEMA_VERSION,
    key: "spike:zuraw:test-source:negative",
    kind: "spike",
    status: "open",
    brand: "zuraw",
    source: "test-source",
    message: "Spike",
    openedAt: "2026-11-25T10:00:00.000Z",
    updatedAt: "2026-11-25T10:00:00.000Z",
    mentions: [indexed, other].map((mention) => ({ id: mention.id, source: "test-source", text: mention.text, publishedAt: mention.publishedAt })),
    delivered: true,
  };
  await publish(producer, topics.alerts, [{ key: alert.key, value: alert }]);
  return alert;
}

/**
 * `odzew erase` against the real broker and engine, with the real enricher running as a
 * process: every copy of the author's reviews goes (indexed or not, dead-lettered, in an alert),
 * nobody else's; one collected again later is dropped; placeholders are refused; a mention can
 * be erased alone. Each test has its own topics, index and enricher.
 */
describe("erasing an author from every copy Odzew holds", () => {
  it("erases the author from the index, every topic and the alerts; nobody else; and drops a review collected again", async ({ world }) => {
    const { producer, topics, store, env, healthPort } = world;
    await world.start();
    const alert = await seedCopies(world);

    // Without a terminal and without --yes: refused, with what it would erase.
    const refused = runTs("services/cli/src/index.ts", ["erase", "--author", ERASED], env);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toContain("matches 3 mentions (index 1, raw topic 3, enriched topic 2, dead letters 1, alerts 1)");
    expect(refused.stderr()).toContain("--yes");

    const run = runTs("services/cli/src/index.ts", ["erase", "--author", ERASED, "--reference", "RODO-2026-114", "--yes"], env);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stdout()).toContain(": 3 mentions, 1 removed from the index");
    expect(run.stdout()).not.toContain(ERASED);

    // Nothing of the author is readable anywhere; everybody else is.
    for (const topic of [topics.mentionsRaw, topics.mentionsEnriched, topics.mentionsDlq, topics.alerts]) {
      const values = [...(await readable(kafka, topic)).values()].join("\n");
      expect(values, topic).not.toContain("Świątek");
      for (const text of erasedTexts) expect(values, topic).not.toContain(text.slice(0, 30));
    }
    const live = await readable(kafka, topics.mentionsEnriched);
    expect([...live.keys()].sort()).toEqual([other.id, otherToo.id, anonymous.id].sort());
    const alerts = await readable(kafka, topics.alerts);
    expect((JSON.parse(alerts.get(alert.key)!) as Alert).mentions.map((mention) => mention.id)).toEqual([other.id]);
    await store.store.refresh();
    expect(await store.store.count()).toBe(3);
    expect(await store.store.count(undefined, { ids: { values: [indexed.id] } })).toBe(0);

    // Collected again (the review is still public): dropped by the enricher, its raw copy
    // tombstoned. A review published after it shows the enricher got past it.
    const later = raw("later", "Jan Nowak", "Jan pisze: późniejsza opinia.");
    await publish(producer, topics.mentionsRaw, [
      { key: indexed.id, value: indexed },
      { key: later.id, value: later },
    ]);
    await enrichedOf(world, [later.id]);
    expect((await readable(kafka, topics.mentionsEnriched)).has(indexed.id)).toBe(false);
    expect((await readable(kafka, topics.mentionsRaw)).has(indexed.id)).toBe(false);
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(metricValue(metrics, "odzew_enricher_erased_mentions_dropped_total", {})).toBe(1);
  });

  it("refuses an anonymous placeholder and changes nothing", async ({ world }) => {
    const { producer, topics, env } = world;
    await ensureTopics(kafka, topicSpecs(world.prefix, 1));
    await publish(producer, topics.mentionsRaw, [{ key: anonymous.id, value: anonymous }]);
    const run = runTs("services/cli/src/index.ts", ["erase", "--author", "Anonim", "--yes"], env);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/"Anonim" is a placeholder .* --mention ID/);
    expect((await readable(kafka, topics.mentionsRaw)).has(anonymous.id)).toBe(true);
    expect((await readable(kafka, topics.erasures)).size).toBe(0);
    for (const name of ["A Google user", "klient", "Użytkownik Google", "GOŚĆ", ""]) expect(parseEraseRequest({ author: name }, lumpedTogether).ok, name).toBe(false);
  });

  it("leaves no copy of reviews the enricher is working on while the erasure runs", async ({ world }) => {
    const { producer, topics, store } = world;
    await world.start();
    const name = "Zofia Wyścigowa";
    const burst = Array.from({ length: 200 }, (_, index) => raw(`burst-${index}`, name, `Wyścigowa pisze: opinia ${index}.`));
    await publish(producer, topics.mentionsRaw, burst.map((value) => ({ key: value.id, value })));
    // No wait: the enricher is still reading the burst when the erasure starts.
    const request = parseEraseRequest({ author: name }, lumpedTogether);
    if (!request.ok) throw new Error(request.reason);
    const done = await runErase({ kafka, store: store.store, topics, logger, authorKey: AUTHOR_KEY }, request.request, { yes: true, dryRun: false });
    expect(done.exitCode, done.lines.join("\n")).toBe(0);
    for (const topic of [topics.mentionsRaw, topics.mentionsEnriched]) {
      expect([...(await readable(kafka, topic)).values()].join("\n"), topic).not.toContain("Wyścigowa");
    }
  });

  it("erases one mention alone, by id, and drops it when collected again", async ({ world }) => {
    const { producer, topics, store } = world;
    await world.start();
    const alert = await seedCopies(world);
    const request = parseEraseRequest({ mention: [other.id] }, lumpedTogether);
    if (!request.ok) throw new Error(request.reason);
    const context = { kafka, store: store.store, topics, logger };
    const dry = await runErase(context, request.request, { yes: false, dryRun: true });
    expect(dry.lines.join("\n")).toContain("dry run: this erasure matches 1 mention (index 1, raw topic 1, enriched topic 1, dead letters 0, alerts 1)");
    expect((await readable(kafka, topics.mentionsEnriched)).has(other.id)).toBe(true);

    const done = await runErase(context, request.request, { yes: true, dryRun: false });
    expect(done.exitCode).toBe(0);
    const enrichedLeft = await readable(kafka, topics.mentionsEnriched);
    expect(enrichedLeft.has(other.id)).toBe(false);
    expect(enrichedLeft.has(otherToo.id)).toBe(true);
    expect((await readable(kafka, topics.mentionsRaw)).has(other.id)).toBe(false);
    expect(await store.store.count(undefined, { ids: { values: [other.id, otherToo.id] } })).toBe(1);
    const rewritten = JSON.parse((await readable(kafka, topics.alerts)).get(alert.key)!) as Alert;
    expect(rewritten.mentions.map((mention) => mention.id)).toEqual([indexed.id]);

    const later = raw("later-2", "Jan Nowak", "Jan pisze: jeszcze jedna.");
    await publish(producer, topics.mentionsRaw, [
      { key: other.id, value: other },
      { key: later.id, value: later },
    ]);
    const [laterEnriched] = await enrichedOf(world, [later.id]);
    expect((laterEnriched as EnrichedMention).author?.name).toBe("Jan Nowak");
    expect((await readable(kafka, topics.mentionsEnriched)).has(other.id)).toBe(false);
  });
});
