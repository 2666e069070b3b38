import { randomBytes } from "node:crypto";
import type { Kafka } from "kafkajs";
import type { z } from "zod";
import { describeError, type Logger } from "@odzew/core";

export interface ReplayResult {
  /** Messages that passed the schema and were handed over. */
  messages: number;
  /** Messages that did not (they were dead-lettered when they first came by). */
  invalid: number;
  /** Tombstones (null values): deleted keys of a compacted topic. */
  tombstones: number;
}

/**
 * Read a topic from its beginning up to where it ended when the replay started, handing the
 * messages that pass the schema to `handle` in order per partition. For rebuilding a projection
 * (the index) from the topics. Uses a throwaway consumer group that commits nothing and is
 * deleted afterwards, so the live workers' groups are never touched. Knows when it is done from
 * the broker's end offsets, counting transaction markers and aborted messages as read.
 */
export async function replayTopic<T>(options: {
  kafka: Kafka;
  topic: string;
  schema: z.ZodType<T>;
  logger: Logger;
  handle(values: T[]): Promise<void>;
  /** Progress after each batch: messages so far. */
  onProgress?(messages: number): void;
  timeoutMs?: number;
}): Promise<ReplayResult> {
  const logger = options.logger.child({ scope: "replay", topic: options.topic });
  const admin = options.kafka.admin();
  await admin.connect();
  const groupId = `${options.topic}-replay-${randomBytes(4).toString("hex")}`;
  const result: ReplayResult = { messages: 0, invalid: 0, tombstones: 0 };
  try {
    const ends = new Map<number, bigint>();
    for (const partition of await admin.fetchTopicOffsets(options.topic)) {
      if (BigInt(partition.high) > BigInt(partition.low)) ends.set(partition.partition, BigInt(partition.high));
    }
    if (ends.size === 0) return result;
    const consumer = options.kafka.consumer({ groupId, readUncommitted: false });
    let failure: unknown;
    const done = new Promise<void>((resolve, reject) => {
      const check = (partition: number, lastOffset: string) => {
        const end = ends.get(partition);
        if (end !== undefined && BigInt(lastOffset) + 1n >= end) ends.delete(partition);
        if (ends.size === 0) resolve();
      };
      // Fires for every batch, also those holding only transaction markers or aborted messages.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => check(payload.partition, payload.lastOffset));
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          const values: T[] = [];
          for (const message of batch.messages) {
            if (message.value === null) {
              result.tombstones++;
              continue;
            }
            try {
              const parsed = options.schema.safeParse(JSON.parse(message.value.toString("utf8")));
              if (parsed.success) values.push(parsed.data);
              else result.invalid++;
            } catch {
              result.invalid++;
            }
          }
          try {
            if (values.length > 0) await options.handle(values);
          } catch (error) {
            failure = error;
            throw error;
          }
          result.messages += values.length;
          options.onProgress?.(result.messages);
          await heartbeat();
        },
      });
      const timeout = options.timeoutMs ?? 3_600_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        done,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`replay of ${options.topic} did not finish within ${timeout / 1000} s`)), timeout);
        }),
      ]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect();
    }
    if (failure) throw failure;
    if (result.invalid > 0) logger.warn({ invalid: result.invalid }, "messages that fail the schema were skipped (the dead-letter topic has them)");
    return result;
  } finally {
    await admin.deleteGroups([groupId]).catch((error: unknown) => logger.debug(`replay group not deleted: ${describeError(error)}`));
    await admin.disconnect();
  }
}
