import { afterEach, describe, expect } from "vitest";
import { z } from "zod";
import { OdzewError } from "@odzew/core";
import { deadLetterSchema } from "@odzew/schema";
import { readTopic, waitFor, type TestPipeline } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { publish, publishBytes } from "./codec.ts";
import { totalHigh } from "./port.ts";
import { createBatchWorker, type BatchWorker } from "./worker.ts";

const itemSchema = z.object({ n: z.number() });

/** Stopped after each test, before its topics go. */
const workers: BatchWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop().catch(() => undefined)));
});

/** A worker on the test's raw topic (one partition: the order of the values is the order sent). */
async function startWorker(pipeline: TestPipeline, groupId: string, handle: (values: number[]) => Promise<void>) {
  const worker = createBatchWorker({
    kafka: pipeline.kafka,
    producer: pipeline.producer,
    groupId: `${pipeline.prefix}-${groupId}`,
    topic: pipeline.topics.mentionsRaw,
    deadLetterTopic: pipeline.topics.mentionsDlq,
    stage: "enrich",
    schema: itemSchema,
    logger: pipeline.logger,
    async handle(messages) {
      await handle(messages.map((message) => message.value.n));
      return [];
    },
  });
  workers.push(worker);
  await worker.start();
  return worker;
}

async function committed(pipeline: TestPipeline, groupId: string) {
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    const [partition] = await admin.committedOffsets(`${pipeline.prefix}-${groupId}`, pipeline.topics.mentionsRaw);
    return Number(partition?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

/** Two good messages (1, 2) around two bad ones (not JSON; n not a number), as each test's input. */
async function publishMixed(pipeline: TestPipeline) {
  await publish(pipeline.producer, pipeline.topics.mentionsRaw, [{ key: "a", value: { n: 1 } }]);
  await publishBytes(pipeline.producer, pipeline.topics.mentionsRaw, [
    { key: "b", value: "{this is not json" },
    { key: "c", value: JSON.stringify({ n: "seven" }) },
  ]);
  await publish(pipeline.producer, pipeline.topics.mentionsRaw, [{ key: "d", value: { n: 2 } }]);
}

describe("batch worker on the real broker", () => {
  it.override({ partitions: 1 });

  it("dead-letters what it cannot parse, with the reason and the original bytes, and keeps going", async ({ pipeline }) => {
    await publishMixed(pipeline);

    const seen: number[] = [];
    await startWorker(pipeline, "dlq-group", async (values) => {
      seen.push(...values);
    });
    await waitFor("both valid messages", () => seen.length >= 2);
    expect(seen).toEqual([1, 2]);

    const letters = (await readTopic(pipeline.kafka, pipeline.topics.mentionsDlq, { minMessages: 2 })).map((message) =>
      deadLetterSchema.parse(message.value),
    );
    expect(letters).toHaveLength(2);
    const byKey = Object.fromEntries(letters.map((letter) => [letter.original.key, letter]));
    expect(byKey.b?.reason.message).toMatch(/^not JSON/);
    expect(byKey.b?.original.value).toBe("{this is not json");
    expect(byKey.c?.reason.message).toMatch(/schema validation failed: n: /);
    expect(byKey.c).toMatchObject({ stage: "enrich", reason: { code: "MESSAGE_INVALID" }, original: { topic: pipeline.topics.mentionsRaw } });
    await waitFor("offsets committed past every message", async () => (await committed(pipeline, "dlq-group")) === 4);
  });

  it("retries a chunk after a passing failure and commits only once the work is done", async ({ pipeline }) => {
    await publishMixed(pipeline);
    let calls = 0;
    const done: number[] = [];
    await startWorker(pipeline, "retry-group", async (values) => {
      calls += 1;
      if (calls === 1) throw new OdzewError("SEARCH_UNAVAILABLE", "engine down for a moment", { retryable: true });
      done.push(...values);
    });
    await waitFor("the retried chunk", () => done.length >= 2);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(done).toEqual([1, 2]);
    await waitFor("offsets committed", async () => (await committed(pipeline, "retry-group")) === 4);
  });

  it("hands unfinished work back: a stopped worker's messages go to the next one", async ({ pipeline }) => {
    await publishMixed(pipeline);
    let attempts = 0;
    const stuck = await startWorker(pipeline, "handover-group", async () => {
      attempts += 1;
      throw new OdzewError("SEARCH_UNAVAILABLE", "engine still down", { retryable: true });
    });
    await waitFor("a first attempt", () => attempts >= 1);
    await stuck.stop();
    expect(await committed(pipeline, "handover-group")).toBe(-1);

    const done: number[] = [];
    await startWorker(pipeline, "handover-group", async (values) => {
      done.push(...values);
    });
    await waitFor("the handed-over messages", () => done.length >= 2);
    expect(done).toEqual([1, 2]);
  });

  it("publishes a chunk far above the broker's 1 MiB limit, and dead-letters a burst of large invalid messages without stopping", async ({ pipeline }) => {
    const topic = pipeline.topics.mentionsEnriched;
    // 500 mentions of 3,000 characters, twice over as the enriched copy carries them: ~3 MB in one call.
    const large = Array.from({ length: 500 }, (_, n) => ({ key: `big-${n}`, value: { n, text: "ż".repeat(3_000), masked: "ż".repeat(3_000) } }));
    await publish(pipeline.producer, topic, large);
    const offsets = await (async () => {
      const admin = pipeline.kafka.admin();
      await admin.connect();
      try {
        return await admin.topicOffsets(topic);
      } finally {
        await admin.disconnect();
      }
    })();
    expect(totalHigh(offsets)).toBe(500);

    // A message no broker takes is refused up front, naming it, and never retried.
    const refused = await publish(pipeline.producer, topic, [{ key: "huge", value: { text: "x".repeat(1_100_000) } }]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OdzewError);
    expect(refused).toMatchObject({ code: "KAFKA_MESSAGE_TOO_LARGE", retryable: false });

    // 400 invalid messages of 3 KB each: their dead letters alone exceed 1 MiB.
    const burst = Array.from({ length: 400 }, (_, n) => ({ key: `bad-${n}`, value: { n: `not a number ${"x".repeat(3_000)}` } }));
    await publish(pipeline.producer, pipeline.topics.collectJobs, burst);
    const seen: number[] = [];
    let crashed = false;
    const worker = createBatchWorker({
      kafka: pipeline.kafka,
      producer: pipeline.producer,
      groupId: `${pipeline.prefix}-burst-group`,
      topic: pipeline.topics.collectJobs,
      deadLetterTopic: pipeline.topics.erasures,
      stage: "enrich",
      schema: itemSchema,
      logger: pipeline.logger,
      onCrash: () => {
        crashed = true;
      },
      async handle(messages) {
        seen.push(...messages.map((message) => message.value.n));
        return [];
      },
    });
    workers.push(worker);
    await worker.start();
    const letters = await readTopic(pipeline.kafka, pipeline.topics.erasures, { minMessages: 400, timeoutMs: 60_000 });
    expect(new Set(letters.map((letter) => letter.key)).size).toBe(400);
    expect(crashed).toBe(false);
    expect(worker.ready()).toBe(true);
  });
});
