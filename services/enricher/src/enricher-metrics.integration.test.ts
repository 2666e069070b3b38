import { describe, expect } from "vitest";
import { publish, publishBytes } from "@odzew/kafka";
import { freePort, metricValue, runService, sampleRawMention, stackEnv, waitFor } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";

describe("enricher service metrics", () => {
  it("serves /healthz, /readyz and /metrics with the enrichment rate, dead letters and lag", async ({ pipeline }) => {
    const port = await freePort();
    const group = `${pipeline.prefix}-enricher`;
    const service = runService("enricher", {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      ODZEW_TOPIC_PREFIX: pipeline.prefix,
      ENRICHER_GROUP_ID: group,
      ODZEW_BRANDS_FILE: "config/demo/brands.yaml",
      ODZEW_AUTHOR_KEY: "enricher-metrics-test-key-0123456789",
      HEALTH_PORT: String(port),
    });
    const base = `http://127.0.0.1:${port}`;
    const metrics = async () => (await fetch(`${base}/metrics`)).text();
    try {
      await waitFor(`the enricher ready (${service.stderr().slice(-500)})`, async () => (await fetch(`${base}/readyz`)).status === 200);
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });

      const mentions = [
        sampleRawMention({ nativeId: "m1", text: "Świetny sklep, szybka dostawa i miła obsługa. Polecam każdemu!" }),
        sampleRawMention({ nativeId: "m2", text: "Fatalna obsługa, paczka przyszła zniszczona i nikt nie odpisuje na reklamację." }),
        sampleRawMention({ nativeId: "m3", text: "Zamówienie dotarło na czas, produkt zgodny z opisem. Polecam." }),
      ];
      await publish(pipeline.producer, pipeline.topics.mentionsRaw, mentions.map((mention) => ({ key: mention.id, value: mention })));
      await publishBytes(pipeline.producer, pipeline.topics.mentionsRaw, [{ key: "poison", value: "{not json" }]);

      const labels = { topic: pipeline.topics.mentionsRaw, group };
      const text = await waitFor("three enriched and one dead-lettered in /metrics", async () => {
        const current = await metrics();
        return metricValue(current, "odzew_worker_messages_processed_total", labels) === 3 &&
          metricValue(current, "odzew_worker_messages_dead_lettered_total", labels) === 1
          ? current
          : undefined;
      });
      expect(metricValue(text, "odzew_worker_messages_dead_lettered_total", { ...labels, code: "MESSAGE_INVALID" })).toBe(1);
      expect(metricValue(text, "odzew_kafka_consumer_lag", labels)).toBe(0);
      expect(metricValue(text, "odzew_enricher_mentions_total", { lang: "pl" })).toBe(3);
      expect(metricValue(text, "odzew_enricher_mentions_total", { lang: "pl", sentiment: "negative" })).toBe(1);
      expect(metricValue(text, "odzew_worker_batch_duration_seconds_count", labels)).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^odzew_process_resident_memory_bytes \d+/m);
      // No mention id or URL ever becomes a label.
      for (const mention of mentions) {
        expect(text).not.toContain(mention.id);
        expect(text).not.toContain(mention.url);
      }
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });
});
