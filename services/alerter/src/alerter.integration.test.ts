import { afterAll, beforeAll, describe, expect, it as base } from "vitest";
import { createTopicTable, publish } from "@odzew/kafka";
import { CURSOR_SCHEMA_VERSION, alertSchema, alertsFileSchema, sourceCursorSchema, type Alert, type EnrichedMention, type SourceCursor } from "@odzew/schema";
import { createTestPipeline, createTestStore, readTopic, sampleEnrichedMention, uniquePrefix, type TestPipeline } from "@odzew/testing";
import { createAlerter } from "./alerter.ts";
import { webhookId } from "./webhook.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const now = new Date("2026-11-27T15:00:00.000Z");
const at = (offset: number) => new Date(now.getTime() + offset);
const config = alertsFileSchema.parse({}); // 60-minute window, 14 days, k = 3, at least 5, 7 days of history

let serial = 0;
function review(source: string, publishedAt: number, sentiment: "negative" | "positive", overrides: Partial<EnrichedMention> = {}): EnrichedMention {
  serial++;
  return sampleEnrichedMention({
    sourceId: source,
    nativeId: `a-${serial}`,
    source: { id: source, type: source.startsWith("app-store") ? "app-store" : "opineo" },
    publishedAt: new Date(publishedAt).toISOString(),
    text: sentiment === "negative" ? `Zamówienie ${serial} nie dotarło, obsługa milczy.` : `Zamówienie ${serial} przyszło szybko, polecam.`,
    sentiment: { label: sentiment, score: sentiment === "negative" ? -0.6 : 0.6, model: "lexicon" },
    brands: [{ id: "zuraw", via: "source" }],
    ...overrides,
  });
}

/** Personal data of one review behind a spike: never in a record or a webhook by default. */
const PERSON = { author: "Bożena Świątek", email: "bozena.swiatek@poczta.example.pl", url: "https://www.opineo.pl/opinie/zuraw-pl#bozena" };

/** A Slack-compatible body as a webhook receiver got it. */
interface Received {
  text: string;
  blocks: unknown[];
}

/**
 * The reviews every test reads: a steady stream over 15 days on four sources, then a burst of
 * negative ones on some of them. Written once for the file under its own index prefix; a test
 * adds to it only in a window no other test looks at.
 */
function seedReviews(): EnrichedMention[] {
  const docs: EnrichedMention[] = [];
  // Every hour of the past 15 days: two negative and one positive review on each busy source.
  for (let time = now.getTime() - 15 * 24 * HOUR + 30 * MINUTE; time < now.getTime() - HOUR; time += HOUR) {
    for (const source of ["opineo-sklep", "ceneo-sklep", "app-store-pl"]) {
      docs.push(review(source, time, "negative"), review(source, time + MINUTE, "negative"), review(source, time + 2 * MINUTE, "positive"));
    }
  }
  // A quiet shop: one review every five hours, so this hour of the day was empty on most past days.
  for (let time = now.getTime() - 15 * 24 * HOUR + 17 * MINUTE; time < now.getTime() - HOUR; time += 5 * HOUR) docs.push(review("sklep-maps", time, "negative"));
  // The last hour: as usual on Ceneo; a burst of angry reviews on Opineo, on the quiet shop and on the App Store.
  const lastHour = now.getTime() - 50 * MINUTE;
  docs.push(review("ceneo-sklep", lastHour, "negative"), review("ceneo-sklep", lastHour + MINUTE, "negative"));
  for (let index = 0; index < 15; index++) {
    // The angriest of the burst names its author and gives an e-mail: the enricher masked it.
    const personal: Partial<EnrichedMention> =
      index === 0
        ? {
            author: { name: PERSON.author },
            url: PERSON.url,
            text: `Zamówienie nie dotarło, piszcie na ${PERSON.email}.`,
            masked: { text: "Zamówienie nie dotarło, piszcie na [e-mail]." },
            personalData: ["email"],
            sentiment: { label: "negative", score: -0.95, model: "lexicon" },
          }
        : {};
    docs.push(review("opineo-sklep", lastHour + index * MINUTE, "negative", personal), review("app-store-pl", lastHour + index * MINUTE, "negative"));
  }
  for (let index = 0; index < 8; index++) docs.push(review("sklep-maps", lastHour + index * 2 * MINUTE, "negative"));
  // One review everybody reads.
  docs.push(review("ceneo-sklep", now.getTime() - 5 * HOUR, "negative", { reach: { helpful: 912 }, title: "Uwaga na ten sklep" }));
  return docs;
}

const indexPrefix = uniquePrefix("alerter-reviews");
let store: Awaited<ReturnType<typeof createTestStore>>;
beforeAll(async () => {
  store = await createTestStore(indexPrefix);
  const docs = seedReviews();
  for (let start = 0; start < docs.length; start += 2_000) expect((await store.store.upsert(docs.slice(start, start + 2_000))).rejected).toEqual([]);
  await store.store.refresh();
}, 180_000);
afterAll(async () => {
  await store?.cleanup();
});

/**
 * One test's watch: its own topics (alerts, cursors) under its own prefix, and three local
 * webhook receivers: one that is down for a moment (503, then fine), one that was revoked (404
 * for good), and one that is down until the test brings it up.
 */
interface Watch {
  pipeline: TestPipeline;
  received: Received[];
  flakyReceived: Received[];
  flaky: { down: boolean; calls(): number };
  good: { calls(): number };
  revoked: { calls(): number };
  /** The sources' health alerts, as the cursors on the topic say. */
  health: Map<string, SourceCursor["health"]["alert"]>;
  webhooks(): string[];
  /** An alerter as after a (re)start: its state read back from the alerts topic. */
  restart(): Promise<ReturnType<typeof createAlerter>>;
}

const it = base.extend<{ watch: Watch }>({
  // eslint-disable-next-line no-empty-pattern
  watch: async ({}, use) => {
    const pipeline = await createTestPipeline("alerter");
    const received: Received[] = [];
    const flakyReceived: Received[] = [];
    const flakyState = { down: true };
    const good = await startReceiver((body, calls) => {
      if (calls === 1) return { status: 503, headers: { "retry-after": "0" } }; // down for a moment
      received.push(JSON.parse(body) as Received);
      return { status: 200 };
    });
    const revoked = await startReceiver(() => ({ status: 404, body: "no_service" }));
    const flaky = await startReceiver((body) => {
      if (flakyState.down) return { status: 502 };
      flakyReceived.push(JSON.parse(body) as Received);
      return { status: 200 };
    });

    // The App Store collector keeps getting 403: its counts mean nothing right now.
    const cursor: SourceCursor = {
      schemaVersion: CURSOR_SCHEMA_VERSION,
      sourceId: "app-store-pl",
      seen: [],
      backfilled: true,
      health: { maxParsed: 50, requests: 9, httpErrors: 3, consecutiveFailures: 3, alert: { code: "BLOCKED", message: "HTTP 403 three times in a row", since: now.toISOString() } },
      updatedAt: now.toISOString(),
    };
    await publish(pipeline.producer, pipeline.topics.collectCursors, [{ key: cursor.sourceId, value: cursor }]);
    const cursors = createTopicTable({ kafka: pipeline.kafka, producer: pipeline.producer, topic: pipeline.topics.collectCursors, schema: sourceCursorSchema, logger: pipeline.logger });
    await cursors.start();
    const health = new Map(cursors.entries().map(([source, entry]) => [source, entry.health.alert]));
    await cursors.stop();

    const webhooks = () => [`${good.url}/hooks/T000/B000/secret-token`, `${revoked.url}/hooks/T000/B001/revoked-token`, `${flaky.url}/hooks/T000/B002/flaky-token`];
    try {
      await use({
        pipeline,
        received,
        flakyReceived,
        flaky: Object.assign(flakyState, { calls: flaky.calls }),
        good,
        revoked,
        health,
        webhooks,
        async restart() {
          const table = createTopicTable({ kafka: pipeline.kafka, producer: pipeline.producer, topic: pipeline.topics.alerts, schema: alertSchema, logger: pipeline.logger });
          await table.start();
          const recorded: Alert[] = table.entries().map(([, alert]) => alert);
          await table.stop();
          return createAlerter({
            engine: store.engine,
            indexPrefix,
            config,
            webhooks: webhooks(),
            recorded,
            record: (alert) => publish(pipeline.producer, pipeline.topics.alerts, [{ key: alert.key, value: alert }]),
            sourceHealth: () => health,
            logger: pipeline.logger,
            delivery: { attempts: 2, baseDelayMs: 10 },
          });
        },
      });
    } finally {
      await Promise.all([good, revoked, flaky].map((receiver) => receiver.close()));
      await pipeline.cleanup();
    }
  },
});

/** The first look of a watch, at `now`: the crises of the seeded reviews raised (each test that needs them starts here). */
async function firstLook(watch: Watch) {
  const look = await (await watch.restart()).runOnce(now);
  expect(look.opened).toHaveLength(4);
  return look;
}

/** The PR crisis watch on the real engine and Kafka. */
describe("alerter", () => {
  it("raises one alert per burst, one for the high-reach review, one for the blocked source, none for the steady stream", async ({ watch }) => {
    const { received, good, revoked, flaky } = watch;
    const first = await (await watch.restart()).runOnce(now);
    expect(first.opened.map((alert) => alert.key).sort()).toEqual([
      expect.stringMatching(/^reach:[0-9a-f]{32}$/),
      "source-health:app-store-pl",
      "spike:zuraw:opineo-sklep:negative",
      "spike:zuraw:sklep-maps:negative",
    ]);
    // The steady source is judged, and calm; the blocked one is not judged at all.
    expect(first.verdicts.get("zuraw|ceneo-sklep|negative")).toMatchObject({ kind: "calm", count: 2, baseline: { mean: 2, sd: 0, threshold: 5, days: 14 } });
    expect(first.verdicts.get("zuraw|app-store-pl|negative")).toEqual({ kind: "unknown", count: 15, reason: "the source's collector reports BLOCKED" });

    const spike = first.opened.find((alert) => alert.key === "spike:zuraw:opineo-sklep:negative")!;
    expect(spike).toMatchObject({ count: 15, baseline: { mean: 2, sd: 0, threshold: 5, days: 14 }, status: "open", openedAt: now.toISOString() });
    expect(spike.mentions).toHaveLength(5);
    expect(spike.languages).toEqual(["pl"]);
    // By default (webhookMentions: masked) the mentions as the pseudonymous view shows them: the
    // masked text, the source type; no author, link or source id.
    expect(spike.mentions.every((mention) => mention.sourceType === "opineo" && mention.sentiment === "negative" && mention.source === undefined && mention.url === undefined)).toBe(true);
    expect(spike.mentions[0]).toMatchObject({ text: "Zamówienie nie dotarło, piszcie na [e-mail].", publishedAt: expect.any(String) });
    expect(spike.mentions[1]).toMatchObject({ text: expect.stringContaining("nie dotarło") });
    for (const secret of Object.values(PERSON)) expect(JSON.stringify(first.opened)).not.toContain(secret);
    // The quiet shop: its hour was empty on most past days, but it had reviews every day.
    const quiet = first.opened.find((alert) => alert.key === "spike:zuraw:sklep-maps:negative")!;
    expect(quiet).toMatchObject({ count: 8, baseline: { threshold: 5, days: 14 } });
    expect(quiet.baseline!.mean).toBeLessThan(1);

    // Each alert delivered once to the good webhook (the first after its 503), refused by the
    // revoked one, pending at the one that is down.
    expect(good.calls()).toBe(5);
    expect(received).toHaveLength(4);
    const spikeMessage = received.find((message) => message.text.includes("opineo-sklep"))!;
    expect(spikeMessage.text).toContain("Negative spike: 15 negative mentions of zuraw on opineo-sklep in the last 60m");
    expect(JSON.stringify(spikeMessage.blocks)).toContain("nie dotarło");
    for (const secret of Object.values(PERSON)) expect(JSON.stringify(received)).not.toContain(secret);
    expect(received.some((message) => message.text.includes("reach 912"))).toBe(true);
    expect(received.some((message) => message.text.includes("app-store-pl cannot be read (BLOCKED)"))).toBe(true);
    expect(revoked.calls()).toBe(4);
    expect(flaky.calls()).toBe(8); // two attempts per alert, then given up for this look
    const deliveries = new Map(spike.deliveries!.map((delivery) => [delivery.webhook, delivery]));
    const [goodId, revokedId, flakyId] = watch.webhooks().map(webhookId) as [string, string, string];
    expect(deliveries.get(goodId)).toMatchObject({ status: "delivered", attempts: 1 });
    expect(deliveries.get(revokedId)).toMatchObject({ status: "refused", reason: "HTTP 404: no_service" });
    expect(deliveries.get(flakyId)).toMatchObject({ status: "pending", attempts: 2, reason: "HTTP 502" });
    expect(spike.delivered).toBe(false);
  });

  it("stays quiet while the spike lasts, also after a restart; a webhook that was down gets each alert once when back", async ({ watch }) => {
    const { received, flakyReceived, revoked, flaky } = watch;
    await firstLook(watch);
    flaky.down = false;
    const alerter = await watch.restart();
    for (const minutes of [5, 10, 15]) {
      const again = await alerter.runOnce(at(minutes * MINUTE));
      expect(again.opened).toEqual([]);
      expect(again.resolved).toEqual([]);
    }
    expect(received).toHaveLength(4);
    expect(revoked.calls()).toBe(4); // a revoked hook is not asked again
    expect(flakyReceived.map((message) => message.text).sort()).toEqual(received.map((message) => message.text).sort());
  });

  it("resolves the spikes when the hour is back to normal, and the source-health alert when the source is read again", async ({ watch }) => {
    await firstLook(watch);
    watch.health.set("app-store-pl", undefined);
    const alerter = await watch.restart();
    const later = await alerter.runOnce(at(2 * HOUR));
    expect(later.resolved.map((alert) => alert.key).sort()).toEqual(["source-health:app-store-pl", "spike:zuraw:opineo-sklep:negative", "spike:zuraw:sklep-maps:negative"]);
    expect(later.opened).toEqual([]);
    const spike = alerter.alerts().find((alert) => alert.key === "spike:zuraw:opineo-sklep:negative")!;
    expect(spike).toMatchObject({ status: "resolved", openedAt: now.toISOString(), resolvedAt: at(2 * HOUR).toISOString() });
  });

  it("fires again for a new spike after the last one was over, and resolves a high-reach alert once it is no longer news", async ({ watch }) => {
    const { received } = watch;
    await firstLook(watch);
    expect((await (await watch.restart()).runOnce(at(2 * HOUR))).resolved.map((alert) => alert.key)).toContain("spike:zuraw:opineo-sklep:negative");
    const later = at(3 * HOUR);
    // A new burst, in a window (2h20m to 2h31m after the seeded hour) that no other test looks at.
    const burst = Array.from({ length: 12 }, (_, index) => review("opineo-sklep", later.getTime() - 40 * MINUTE + index * MINUTE, "negative"));
    expect((await store.store.upsert(burst)).rejected).toEqual([]);
    await store.store.refresh();
    const before = received.length;
    const alerter = await watch.restart();
    const look = await alerter.runOnce(later);
    expect(look.opened.map((alert) => alert.key)).toEqual(["spike:zuraw:opineo-sklep:negative"]);
    expect(look.opened[0]).toMatchObject({ status: "open", count: 12, openedAt: later.toISOString() });
    expect(received).toHaveLength(before + 1);
    expect((await alerter.runOnce(at(3 * HOUR + 5 * MINUTE))).opened).toEqual([]);

    // A day later the review everybody read is old news; it never raises a second alert.
    const dayLater = await (await watch.restart()).runOnce(at(20 * HOUR));
    expect(dayLater.resolved.map((alert) => alert.key)).toContainEqual(expect.stringMatching(/^reach:/));
    expect(dayLater.opened).toEqual([]);
    expect(received).toHaveLength(before + 1);
  });

  it("never puts a webhook's secret path in the alert record", async ({ watch }) => {
    await firstLook(watch);
    const messages = await readTopic(watch.pipeline.kafka, watch.pipeline.topics.alerts, { minMessages: 4 });
    expect(messages.filter((message) => !message.key?.startsWith("__odzew")).length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(messages)).not.toMatch(/secret-token|revoked-token|flaky-token/);
  });
});

/**
 * A local webhook receiver: Slack-compatible JSON in, whatever status the test decides out.
 * (startFixtureServer from @odzew/testing does not hand the request body to its handler.)
 */
async function startReceiver(answer: (body: string, calls: number) => { status: number; headers?: Record<string, string>; body?: string }) {
  const { createServer } = await import("node:http");
  let calls = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      calls++;
      const { status, headers = {}, body = "" } = answer(Buffer.concat(chunks).toString("utf8"), calls);
      response.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
