import type { z } from "zod";
import type { Logger } from "@odzew/core";
import { scanTopic } from "./scan.ts";
import { BARRIER_KEY } from "./table.ts";
import type { Kafka } from "./port.ts";

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
  const result: ReplayResult = { messages: 0, invalid: 0, tombstones: 0 };
  await scanTopic({
    kafka: options.kafka,
    topic: options.topic,
    logger: options.logger,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    async handle(records) {
      const values: T[] = [];
      for (const record of records) {
        if (record.value === null) {
          result.tombstones++;
          continue;
        }
        // A topic table's catch-up marker (see table.ts) is bookkeeping, not a message.
        if (record.key === BARRIER_KEY) continue;
        try {
          const parsed = options.schema.safeParse(JSON.parse(record.value.toString("utf8")));
          if (parsed.success) values.push(parsed.data);
          else result.invalid++;
        } catch {
          result.invalid++;
        }
      }
      if (values.length > 0) await options.handle(values);
      result.messages += values.length;
      options.onProgress?.(result.messages);
    },
  });
  if (result.invalid > 0) logger.warn({ invalid: result.invalid }, "messages that fail the schema were skipped (the dead-letter topic has them)");
  return result;
}
