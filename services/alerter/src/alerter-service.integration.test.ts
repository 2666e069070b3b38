import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publish } from "@odzew/kafka";
import { CURSOR_SCHEMA_VERSION, alertSchema, type EnrichedMention, type SourceCursor } from "@odzew/schema";
import { createTestPipeline, createTestStore, freePort, readTopic, runService, sampleEnrichedMention, stackEnv, startFixtureServer, waitFor, type TestPipeline } from "@odzew/testing";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The alerter as `odzew run` starts it: its own process, the alerts file, a webhook URL from the
 * environment, the real clock and a schedule of every two seconds.
 */
describe("alerter service", () => {
  let pipeline: TestPipeline;
  let store: Awaited<ReturnType<typeof createTestStore>>;
  let hook: Awaited<ReturnType<typeof startFixtureServer>>;

  beforeAll(async () => {
    pipeline = await createTestPipeline("alerter-service", 1);
    store = await createTestStore(pipeline.prefix);
    hook = await startFixtureServer((_request, response) => response.writeHead(200).end("ok"));
    const now = Date.now();
    let serial = 0;
    const review = (source: string, publishedAt: number): EnrichedMention =>
      sampleEnrichedMention({
        sourceId: source,
        nativeId: `s-${++serial}`,
        source: { id: source, type: "opineo" },
        publishedAt: new Date(publishedAt).toISOString(),
        text: `Reklamacja ${serial} odrzucona bez powodu, nie polecam.`,
        sentiment: { label: "negative", score: -0.7, model: "lexicon" },
        brands: [{ id: "zuraw", via: "source" }],
      });
    const docs: EnrichedMention[] = [];
    for (let time = now - 15 * 24 * HOUR; time < now - HOUR; time += 30 * MINUTE) docs.push(review("opineo-sklep", time), review("ceneo-sklep", time));
    for (let index = 0; index < 12; index++) docs.push(review("opineo-sklep", now - 40 * MINUTE + index * MINUTE), review("ceneo-sklep", now - 40 * MINUTE + index * MINUTE));
    expect((await store.store.upsert(docs)).rejected).toEqual([]);
    await store.store.refresh();
    const blocked: SourceCursor = {
      schemaVersion: CURSOR_SCHEMA_VERSION,
      sourceId: "ceneo-sklep",
      seen: [],
      backfilled: true,
      health: { maxParsed: 20, requests: 4, httpErrors: 0, consecutiveFailures: 0, alert: { code: "LAYOUT_CHANGED", message: "no reviews on a page that loaded fine", since: new Date(now).toISOString() } },
      updatedAt: new Date(now).toISOString(),
    };
    await publish(pipeline.producer, pipeline.topics.collectCursors, [{ key: blocked.sourceId, value: blocked }]);
  }, 120_000);

  afterAll(async () => {
    await hook?.close();
    await store?.cleanup();
    await pipeline?.cleanup();
  });

  it("alerts once per crisis across scheduled looks, is ready and healthy, and stops cleanly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "odzew-alerter-service-"));
    const file = join(dir, "alerts.yaml");
    writeFileSync(file, 'webhooks:\n  - env: TEST_ALERTS_WEBHOOK_URL\nschedule: "*/2 * * * * *"\n');
    const port = await freePort();
    const service = runService("alerter", {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      SEARCH_URL: stackEnv().search.url,
      ODZEW_TOPIC_PREFIX: pipeline.prefix,
      ODZEW_INDEX_PREFIX: pipeline.prefix,
      ODZEW_ALERTS_FILE: file,
      TEST_ALERTS_WEBHOOK_URL: `${hook.url}/services/T0/B0/service-secret`,
      HEALTH_PORT: String(port),
      LOG_LEVEL: "debug",
    });
    try {
      await waitFor(`the alerter ready (${service.stderr().slice(-500)})`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
      // Several looks on the schedule; the crises are delivered once.
      await waitFor("four looks", () => (service.stderr().match(/"msg":"looked"/g)?.length ?? 0) >= 4, { timeoutMs: 60_000 });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('odzew_alerter_alerts_opened_total{kind="spike"} 1');
      expect(metrics).toContain('odzew_alerter_alerts_opened_total{kind="source-health"} 1');
    } finally {
      expect(await service.stop()).toBe(0);
    }
    expect(hook.requests.map((request) => request.path)).toEqual(["/services/T0/B0/service-secret", "/services/T0/B0/service-secret"]);
    const records = await readTopic(pipeline.kafka, pipeline.topics.alerts, { minMessages: 2 });
    // The topic table's catch-up markers (key __odzew_barrier__) share the topic; alerts are the rest.
    const alerts = records.filter((message) => !message.key?.startsWith("__odzew")).map((message) => alertSchema.parse(message.value));
    const latest = new Map(alerts.map((alert) => [alert.key, alert]));
    expect([...latest.keys()].sort()).toEqual(["source-health:ceneo-sklep", "spike:zuraw:opineo-sklep:negative"]);
    expect(latest.get("spike:zuraw:opineo-sklep:negative")).toMatchObject({ status: "open", count: 12, delivered: true });
    // The webhook's secret path is in neither the records nor the logs.
    expect(JSON.stringify(alerts)).not.toContain("service-secret");
    expect(service.stderr()).not.toContain("service-secret");
  });
});
