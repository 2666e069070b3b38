import { describe, expect } from "vitest";
import { z } from "zod";
import { OdzewError, startHealthServer } from "@odzew/core";
import { metricValue, waitFor } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { publish, publishBytes } from "./codec.ts";
import { createBatchWorker } from "./worker.ts";

const itemSchema = z.object({ n: z.number() });

describe("batch worker metrics on the real broker", () => {
  it.override({ partitions: 1 });

  it("counts processed and dead-lettered messages, retries and batches, and reports the lag until it is worked off", async ({ pipeline }) => {
    const topic = pipeline.topics.mentionsRaw;
    const group = `${pipeline.prefix}-group`;
    const labels = { topic, group };
    // Five good messages and one poison message, on the partition before the worker starts.
    await publish(pipeline.producer, topic, [1, 2, 3].map((n) => ({ key: `k${n}`, value: { n } })));
    await publishBytes(pipeline.producer, topic, [{ key: "poison", value: '{"n": "not a number"}' }]);
    await publish(pipeline.producer, topic, [4, 5].map((n) => ({ key: `k${n}`, value: { n } })));

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const handled: number[] = [];
    const worker = createBatchWorker({
      kafka: pipeline.kafka,
      producer: pipeline.producer,
      groupId: group,
      topic,
      deadLetterTopic: pipeline.topics.mentionsDlq,
      stage: "enrich",
      schema: itemSchema,
      logger: pipeline.logger,
      chunkSize: 2,
      async handle(messages) {
        calls++;
        if (calls === 1) {
          await gate;
          throw new OdzewError("SEARCH_UNAVAILABLE", "the engine is busy", { retryable: true });
        }
        handled.push(...messages.map((message) => message.value.n));
        return [];
      },
    });
    const health = await startHealthServer({ port: 0, ready: () => worker.ready(), logger: pipeline.logger });
    const metrics = async () => {
      const response = await fetch(`http://127.0.0.1:${health.port}/metrics`);
      expect(response.status).toBe(200);
      return response.text();
    };
    let stopped = false;
    try {
      await worker.start();
      await waitFor("the first batch in the handler", () => calls === 1);
      // Nothing is processed yet: all six messages are behind.
      let text = await metrics();
      expect(metricValue(text, "odzew_kafka_consumer_lag", { ...labels, partition: "0" })).toBe(6);
      expect(metricValue(text, "odzew_worker_messages_processed_total", labels)).toBeUndefined();

      release();
      await waitFor("every good message handled", () => handled.length >= 5);
      text = await waitFor("the counts of the whole batch", async () => {
        const current = await metrics();
        return metricValue(current, "odzew_worker_batch_duration_seconds_count", labels) === 3 ? current : undefined;
      });
      expect(handled).toEqual([1, 2, 3, 4, 5]);
      expect(metricValue(text, "odzew_worker_messages_processed_total", labels)).toBe(5);
      expect(metricValue(text, "odzew_worker_messages_dead_lettered_total", { ...labels, code: "MESSAGE_INVALID" })).toBe(1);
      expect(metricValue(text, "odzew_worker_batch_retries_total", { ...labels, code: "SEARCH_UNAVAILABLE" })).toBe(1);
      expect(metricValue(text, "odzew_kafka_consumer_lag", { ...labels, partition: "0" })).toBe(0);
      expect(text).toContain(`odzew_worker_messages_processed_total{topic="${topic}",group="${group}"} 5`);

      // More messages: counted and worked off again.
      await publish(pipeline.producer, topic, [6, 7].map((n) => ({ key: `k${n}`, value: { n } })));
      text = await waitFor("seven processed", async () => {
        const current = await metrics();
        return metricValue(current, "odzew_worker_messages_processed_total", labels) === 7 ? current : undefined;
      });
      expect(metricValue(text, "odzew_kafka_consumer_lag", { ...labels, partition: "0" })).toBe(0);
      expect(metricValue(text, "odzew_worker_messages_dead_lettered_total", labels)).toBe(1);

      // A stopped worker no longer reports a lag for partitions another worker may own now.
      await worker.stop();
      stopped = true;
      expect(metricValue(await metrics(), "odzew_kafka_consumer_lag", labels)).toBeUndefined();
      expect(metricValue(await metrics(), "odzew_worker_messages_processed_total", labels)).toBe(7);
    } finally {
      release();
      if (!stopped) await worker.stop();
      await health.stop();
    }
  });
});
