import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OdzewError, createLogger } from "@odzew/core";
import { createKafka, createProducer } from "./client.ts";
import { createBatchWorker, type BatchWorkerOptions } from "./worker.ts";

// A real client that is never connected: the options are checked before anything talks to a broker.
const logger = createLogger({ service: "worker-test", level: "silent" });
const kafka = createKafka({ brokers: ["127.0.0.1:1"], clientId: "worker-options-test" }, logger);
const base: BatchWorkerOptions<{ n: number }> = {
  kafka,
  producer: createProducer(kafka),
  groupId: "worker-options-test",
  topic: "worker-options-test",
  deadLetterTopic: "worker-options-test-dlq",
  stage: "index",
  schema: z.object({ n: z.number() }),
  logger,
  handle: () => Promise.resolve([]),
};

function refusal(options: Partial<BatchWorkerOptions<{ n: number }>>): OdzewError {
  try {
    createBatchWorker({ ...base, ...options });
  } catch (error) {
    if (error instanceof OdzewError) return error;
    throw error;
  }
  throw new Error(`createBatchWorker took ${JSON.stringify(options)}`);
}

describe("createBatchWorker options", () => {
  it.each(["chunkSize", "chunkBytes", "partitionsConcurrently"] as const)("refuses a %s that is not a whole number of at least 1, naming it", (option) => {
    for (const value of [0, -1, -500, Number.NaN, 2.5, Number.POSITIVE_INFINITY]) {
      const error = refusal({ [option]: value });
      expect(error.code).toBe("CONFIG_INVALID");
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(`${option} must be a whole number from 1 to`);
      expect(error.message).toContain(`got ${String(value)}`);
      expect(error.context).toMatchObject({ option });
    }
  });

  it("takes whole numbers of at least 1, and no value for the defaults", async () => {
    const worker = createBatchWorker({ ...base, chunkSize: 1, chunkBytes: 1, partitionsConcurrently: 3 });
    expect(worker.ready()).toBe(false);
    await worker.stop();
    expect(createBatchWorker(base).name).toBe("worker:worker-options-test");
  });
});
