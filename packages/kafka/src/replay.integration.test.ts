import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { stackEnv, testLogger, uniquePrefix } from "@odzew/testing";
import { createKafka, createProducer, deleteTopics, ensureTopics } from "./client.ts";
import { publish } from "./codec.ts";
import { replayTopic } from "./replay.ts";
import { createTopicTable } from "./table.ts";

describe("replaying a compacted topic a table follows, on the real broker", () => {
  const prefix = uniquePrefix("replay");
  const topic = `${prefix}.table`;
  const logger = testLogger("replay");
  const kafka = createKafka({ brokers: stackEnv().brokers, clientId: prefix }, logger);
  const producer = createProducer(kafka);

  afterAll(async () => {
    await producer.disconnect();
    await deleteTopics(kafka, [topic]).catch(() => undefined);
  });

  it("hands over the values and does not count the table's catch-up markers as invalid messages", async () => {
    await ensureTopics(kafka, [{ name: topic, partitions: 2, config: { "cleanup.policy": "compact" } }]);
    await producer.connect();
    await publish(producer, topic, [
      { key: "a", value: { n: 1 } },
      { key: "b", value: { n: 2 } },
    ]);
    // A table started with a producer writes a marker to every partition to know it caught up.
    const table = createTopicTable({ kafka, producer, topic, schema: z.object({ n: z.number() }), logger });
    await table.start();
    expect(table.entries().length).toBe(2);
    await table.stop();

    const seen: number[] = [];
    const result = await replayTopic({ kafka, topic, schema: z.object({ n: z.number() }), logger, handle: async (values) => void seen.push(...values.map((value) => value.n)) });
    expect(seen.sort()).toEqual([1, 2]);
    expect(result).toEqual({ messages: 2, invalid: 0, tombstones: 0 });
  });
});
