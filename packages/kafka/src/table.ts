import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { describeError, type Logger } from "@odzew/core";
import { clientOf, producerOf, type Kafka, type Producer } from "./port.ts";

/** The latest value per key of a compacted topic, kept in memory and followed live. */
export interface TopicTable<T> {
  start(): Promise<void>;
  get(key: string): T | undefined;
  entries(): [string, T][];
  /** Resolves once everything written to the topic before this call has been read. */
  catchUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Key of the markers `catchUp` writes; compaction keeps one per partition, the table ignores them. */
export const BARRIER_KEY = "__odzew_barrier__";

/**
 * Follow a compacted topic (cursors, configuration state) from its beginning. Each process
 * reads the whole topic with a group of its own and never commits: the table is rebuilt at
 * every start, which is what a compacted topic is for. Values that fail the schema are logged
 * and skipped; a tombstone removes the key.
 *
 * `catchUp` writes a marker to every partition and waits until it has read them back: after
 * that the table holds every value committed before the call, including values written in
 * transactions (whose commit markers make offset arithmetic unreliable).
 */
export function createTopicTable<T>(options: {
  kafka: Kafka;
  topic: string;
  schema: z.ZodType<T>;
  logger: Logger;
  /** Needed by `catchUp` to write its markers. */
  producer?: Producer;
}): TopicTable<T> {
  const logger = options.logger.child({ table: options.topic });
  const values = new Map<string, T>();
  const barriersSeen = new Set<string>();
  const consumer = clientOf(options.kafka).consumer({ groupId: `odzew-table-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 3_000 });
  const admin = clientOf(options.kafka).admin();

  return {
    async start() {
      await admin.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          const key = message.key?.toString("utf8");
          if (!key) return;
          if (key === BARRIER_KEY) {
            barriersSeen.add(message.value?.toString("utf8") ?? "");
            return;
          }
          if (!message.value) {
            values.delete(key);
            return;
          }
          try {
            const parsed = options.schema.safeParse(JSON.parse(message.value.toString("utf8")));
            if (parsed.success) values.set(key, parsed.data);
            else logger.warn({ key, offset: message.offset }, "table entry does not match its schema; ignored");
          } catch (error) {
            logger.warn({ key, offset: message.offset }, `table entry is not JSON; ignored: ${describeError(error)}`);
          }
        },
      });
      if (options.producer) await this.catchUp();
    },
    get: (key) => values.get(key),
    entries: () => [...values.entries()],
    async catchUp(timeoutMs = 30_000) {
      if (!options.producer) throw new Error(`table ${options.topic}: catchUp needs a producer`);
      const partitions = await admin.fetchTopicOffsets(options.topic);
      const marker = randomUUID();
      await producerOf(options.producer).send({
        topic: options.topic,
        acks: -1,
        messages: partitions.map(({ partition }) => ({ key: BARRIER_KEY, value: `${marker}:${partition}`, partition })),
      });
      const wanted = partitions.map(({ partition }) => `${marker}:${partition}`);
      const deadline = Date.now() + timeoutMs;
      while (!wanted.every((entry) => barriersSeen.has(entry))) {
        if (Date.now() > deadline) throw new Error(`table ${options.topic} did not catch up within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (const entry of wanted) barriersSeen.delete(entry);
    },
    async stop() {
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}
