import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTopicTable, publish } from "@odzew/kafka";
import { CURSOR_SCHEMA_VERSION, alertSchema, alertsFileSchema, sourceCursorSchema, type Alert, type EnrichedMention, type SourceCursor } from "@odzew/schema";
import {
  createTestPipeline,
  createTestStore,
  readTopic,
  sampleEnrichedMention,
  type TestPipeline,
} from "@odzew/testing";
import { createAlerter } from "./alerter.ts";

const HOUR = 3_600_000;
const now = new Date("2026-11-27T15:00:00.000Z");
const config = alertsFileSchema.parse({}); // 60-minute window, 14 days, k = 3, at least 5

let serial = 0;
function review(source: string, at: number, sentiment: "negative" | "positive", overrides: Partial<EnrichedMention> = {}): EnrichedMention {
  serial++;
  return sampleEnrichedMention({
    sourceId: source,
    nativeId: `a-${serial}`,
    source: { id: source, type: source.startsWith("app-store") ? "app-store" : "opineo" },
    publishedAt: new Date(at).toISOString(),
    text: sentiment === "negative" ? `Zamówienie ${serial} nie dotarło, obsługa milczy.` : `Zamówienie ${serial} przyszło szybko, polecam.`,
    sentiment: { label: sentiment, score: sentiment === "negative" ? -0.6 : 0.6, model: "lexicon" },
    brands: [{ id: "zuraw", via: "source" }],
    ...overrides,
  });
}

/**
 * The PR crisis watch on the real engine and Kafka: a steady stream of reviews over 15 days on
 * three sources, then a burst of negative ones on one of them. Delivery goes to a local webhook
 * receiver that fails the first time.
 */
describe("alerter", () => {
  let pipeline: TestPipeline;
  let store: Awaited<ReturnType<typeof createTestStore>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const received: { text: string; blocks: unknown[] }[] = [];
  let requests = 0;
  const health = new Map<string, SourceCursor["health"]["alert"]>();

  beforeAll(async () => {
    pipeline = await createTestPipeline("alerter");
    store = await createTestStore(pipeline.prefix);
    receiver = await startReceiver((body, response) => {
      requests++;
      // The first delivery meets a webhook that is down for a moment.
      if (requests === 1) {
        response.writeHead(503, { "retry-after": "0" }).end("try later");
        return;
      }
      received.push(JSON.parse(body) as { text: string; blocks: unknown[] });
      response.writeHead(200).end("ok");
    });
    // Every hour of the past 15 days: two negative and one positive review on each source.
    const docs: EnrichedMention[] = [];
    for (let at = now.getTime() - 15 * 24 * HOUR + 30 * 60_000; at < now.getTime() - HOUR; at += HOUR) {
      for (const source of ["opineo-sklep", "ceneo-sklep", "app-store-pl"]) {
        docs.push(review(source, at, "negative"), review(source, at + 60_000, "negative"), review(source, at + 120_000, "positive"));
      }
    }
    // The last hour: as usual on Ceneo; a burst of angry reviews on Opineo and on the App Store.
    const lastHour = now.getTime() - 50 * 60_000;
    docs.push(review("ceneo-sklep", lastHour, "negative"), review("ceneo-sklep", lastHour + 60_000, "negative"));
    for (let index = 0; index < 15; index++) {
      docs.push(review("opineo-sklep", lastHour + index * 60_000, "negative"), review("app-store-pl", lastHour + index * 60_000, "negative"));
    }
    // One review everybody reads.
    docs.push(review("ceneo-sklep", now.getTime() - 5 * HOUR, "negative", { reach: { helpful: 912 }, title: "Uwaga na ten sklep" }));
    for (let start = 0; start < docs.length; start += 2_000) expect((await store.store.upsert(docs.slice(start, start + 2_000))).rejected).toEqual([]);
    await store.store.refresh();
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
    for (const [source, entry] of cursors.entries()) health.set(source, entry.health.alert);
    await cursors.stop();
  }, 180_000);

  afterAll(async () => {
    await receiver?.close();
    await store?.cleanup();
    await pipeline?.cleanup();
  });

  const alerter = (recorded: Alert[] = []) =>
    createAlerter({
      engine: store.engine,
      indexPrefix: pipeline.prefix,
      config,
      webhooks: [`${receiver.url}/hooks/T000/B000/secret-token`],
      recorded,
      record: (alert) => publish(pipeline.producer, pipeline.topics.alerts, [{ key: alert.key, value: alert }]),
      sourceHealth: () => health,
      logger: pipeline.logger,
    });

  it("raises one alert for the burst, one for the high-reach review, one for the blocked source, none for the steady stream", async () => {
    const watch = alerter();
    const first = await watch.runOnce(now);
    expect(first.opened.map((alert) => alert.key).sort()).toEqual([
      expect.stringMatching(/^reach:[0-9a-f]{32}$/),
      "source-health:app-store-pl",
      "spike:zuraw:opineo-sklep:negative",
    ]);
    // The steady source is judged, and calm; the blocked one is not judged at all.
    expect(first.verdicts.get("zuraw|ceneo-sklep|negative")?.kind).toBe("calm");
    expect(first.verdicts.get("zuraw|app-store-pl|negative")?.kind).toBe("unknown");

    const spike = first.opened.find((alert) => alert.kind === "spike")!;
    expect(spike).toMatchObject({ count: 15, baseline: { mean: 2, sd: 0, threshold: 5, days: 14 }, delivered: true, status: "open" });
    expect(spike.mentions).toHaveLength(5);
    expect(spike.mentions.every((mention) => mention.source === "opineo-sklep" && mention.sentiment === "negative")).toBe(true);

    // Delivered once each, the first after the webhook's 503.
    expect(requests).toBe(4);
    expect(received).toHaveLength(3);
    const spikeMessage = received.find((message) => message.text.startsWith("Negative spike"))!;
    expect(spikeMessage.text).toContain("15 negative mentions of zuraw on opineo-sklep in the last 60m");
    expect(JSON.stringify(spikeMessage.blocks)).toContain("nie dotarło");
    expect(received.some((message) => message.text.includes("reach 912"))).toBe(true);
    expect(received.some((message) => message.text.includes("app-store-pl cannot be read (BLOCKED)"))).toBe(true);
  });

  it("stays quiet while the spike lasts, also after a restart from the recorded alerts", async () => {
    const before = received.length;
    const restarted = alerter((await readTopic(pipeline.kafka, pipeline.topics.alerts, { minMessages: 3 })).map((message) => alertSchema.parse(message.value)));
    const again = await restarted.runOnce(new Date(now.getTime() + 5 * 60_000));
    expect(again.opened).toEqual([]);
    expect(again.resolved).toEqual([]);
    expect(received).toHaveLength(before);
  });

  it("resolves the spike when the hour is back to normal, and a source-health alert when the source is read again", async () => {
    const watch = alerter((await readTopic(pipeline.kafka, pipeline.topics.alerts, { minMessages: 3 })).map((message) => alertSchema.parse(message.value)));
    health.set("app-store-pl", undefined);
    const later = await watch.runOnce(new Date(now.getTime() + 2 * HOUR));
    expect(later.resolved.map((alert) => alert.key).sort()).toEqual(["source-health:app-store-pl", "spike:zuraw:opineo-sklep:negative"]);
    expect(later.opened).toEqual([]);
    const states = new Map(watch.alerts().map((alert) => [alert.key, alert.status]));
    expect(states.get("spike:zuraw:opineo-sklep:negative")).toBe("resolved");
  });

  it("never puts the webhook's secret path in the alert record", async () => {
    const messages = await readTopic(pipeline.kafka, pipeline.topics.alerts, { minMessages: 3 });
    expect(JSON.stringify(messages)).not.toContain("secret-token");
  });
});

/** A local webhook receiver: Slack-compatible JSON in, whatever status the test decides out. */
async function startReceiver(handle: (body: string, response: ServerResponse) => void) {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(Buffer.concat(chunks).toString("utf8"), response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
