import { randomBytes } from "node:crypto";
import type { Admin } from "kafkajs";
import { OdzewError, describeError, sleep, type Logger } from "@odzew/core";
import { clientOf, producerOf, type Kafka, type Producer } from "./port.ts";

/** One record of a topic as stored: key and value bytes, tombstones (null values) included. */
export interface ScannedRecord {
  key: string | null;
  value: Buffer | null;
  partition: number;
  offset: string;
}

/** Where a scan stopped: per partition, the offset after the last record it read. */
export type TopicPositions = Map<number, bigint>;

export interface ScanResult {
  records: number;
  /** Where the scan ended: pass it as `from` to read only what came after. */
  ends: TopicPositions;
}

/**
 * Read every committed record of a topic, tombstones and records that fail any schema
 * included, from its beginning (or from `from`) up to where it ended when the scan started.
 * For tools that must see every copy a topic holds (`odzew erase`), not only what parses. Uses a
 * throwaway consumer group that commits nothing and is deleted afterwards; knows when it is done
 * from the broker's end offsets, counting transaction markers and aborted records as read.
 */
export async function scanTopic(options: {
  kafka: Kafka;
  topic: string;
  logger: Logger;
  handle(records: ScannedRecord[]): void | Promise<void>;
  from?: TopicPositions;
  timeoutMs?: number;
}): Promise<ScanResult> {
  const logger = options.logger.child({ scope: "scan", topic: options.topic });
  const admin = clientOf(options.kafka).admin();
  await admin.connect();
  const groupId = `${options.topic}-scan-${randomBytes(4).toString("hex")}`;
  const result: ScanResult = { records: 0, ends: new Map() };
  try {
    const pending = new Map<number, bigint>();
    const starts = new Map<number, bigint>();
    for (const partition of await admin.fetchTopicOffsets(options.topic)) {
      const high = BigInt(partition.high);
      const start = options.from?.get(partition.partition) ?? BigInt(partition.low);
      result.ends.set(partition.partition, high);
      const begin = start > BigInt(partition.low) ? start : BigInt(partition.low);
      starts.set(partition.partition, begin);
      if (high > begin) pending.set(partition.partition, high);
    }
    if (pending.size === 0) return result;
    // Short fetch waits: the scan stops at a known end, and a disconnect waits for the fetch in flight.
    const consumer = clientOf(options.kafka).consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 200 });
    let failure: unknown;
    const done = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = pending.get(payload.partition);
        if (payload.topic === options.topic && end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(payload.partition);
        if (pending.size === 0) resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          const end = result.ends.get(batch.partition) ?? 0n;
          const start = starts.get(batch.partition) ?? 0n;
          const records: ScannedRecord[] = [];
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset >= end) break;
            // Before the seek below took effect: already read by an earlier scan.
            if (offset < start) continue;
            records.push({ key: message.key?.toString("utf8") ?? null, value: message.value, partition: batch.partition, offset: message.offset });
          }
          try {
            if (records.length > 0) await options.handle(records);
          } catch (error) {
            failure = error;
            throw error;
          }
          result.records += records.length;
          await heartbeat();
        },
      });
      // A fresh group starts from the beginning; after an earlier scan, from where it ended.
      if (options.from) for (const [partition, offset] of starts) if (pending.has(partition)) consumer.seek({ topic: options.topic, partition, offset: offset.toString() });
      const timeout = options.timeoutMs ?? 3_600_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        done,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new OdzewError("KAFKA_UNAVAILABLE", `scanning ${options.topic} did not finish within ${timeout / 1000} s`, { retryable: true })),
            timeout,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect();
    }
    if (failure) throw failure;
    return result;
  } finally {
    await admin.deleteGroups([groupId]).catch((error: unknown) => logger.debug(`scan group not deleted: ${describeError(error)}`));
    await admin.disconnect();
  }
}

/** A consumer group that reads a topic, and how far it has committed there. */
export interface TopicConsumer {
  groupId: string;
  committed: TopicPositions;
}

/**
 * The live consumer groups of a topic: groups with members right now that have committed an
 * offset on it (the pipeline's workers; throwaway readers that never commit are left out).
 */
export async function liveTopicConsumers(kafka: Kafka, topic: string): Promise<TopicConsumer[]> {
  const admin = clientOf(kafka).admin();
  await admin.connect();
  try {
    return await liveConsumers(admin, topic);
  } finally {
    await admin.disconnect();
  }
}

async function liveConsumers(admin: Admin, topic: string): Promise<TopicConsumer[]> {
  const { groups } = await admin.listGroups();
  const candidates = groups.filter((group) => group.protocolType === "consumer").map((group) => group.groupId);
  if (candidates.length === 0) return [];
  const described = await admin.describeGroups(candidates);
  const live = described.groups.filter((group) => group.members.length > 0 && group.state !== "Dead" && group.state !== "Empty");
  const consumers: TopicConsumer[] = [];
  for (const group of live) {
    const offsets = await admin.fetchOffsets({ groupId: group.groupId, topics: [topic] });
    const committed: TopicPositions = new Map();
    for (const entry of offsets.find((item) => item.topic === topic)?.partitions ?? []) {
      if (BigInt(entry.offset) >= 0n) committed.set(entry.partition, BigInt(entry.offset));
    }
    if (committed.size > 0) consumers.push({ groupId: group.groupId, committed });
  }
  return consumers;
}

/** Key of the markers `waitForConsumers` writes; a keyed tombstone every worker passes over. */
export const PASS_MARKER_KEY = "__odzew_pass_marker__";

/**
 * Write a tombstone marker to every partition of a compacted topic and wait until every live
 * consumer group of the topic has committed past it: everything written before the call has
 * then been processed by the pipeline's workers (and whatever they wrote for it is on their
 * output topics). Groups that join or leave meanwhile are picked up at each look. Returns the
 * groups still behind when `timeoutMs` ran out (empty when all passed).
 */
export async function waitForConsumers(options: {
  kafka: Kafka;
  producer: Producer;
  topic: string;
  logger: Logger;
  timeoutMs?: number;
}): Promise<{ passed: string[]; behind: string[] }> {
  const admin = clientOf(options.kafka).admin();
  await admin.connect();
  try {
    const partitions = await admin.fetchTopicOffsets(options.topic);
    const sent = await producerOf(options.producer).send({
      topic: options.topic,
      acks: -1,
      messages: partitions.map(({ partition }) => ({ key: PASS_MARKER_KEY, value: null, partition })),
    });
    const markers: TopicPositions = new Map(sent.map((entry) => [entry.partition, BigInt(entry.baseOffset ?? entry.offset ?? "0") + 1n]));
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    const passed = new Set<string>();
    for (let round = 0; ; round++) {
      const consumers = await liveConsumers(admin, options.topic);
      const behind = consumers.filter(
        (consumer) => ![...markers].every(([partition, marker]) => (consumer.committed.get(partition) ?? -1n) >= marker),
      );
      for (const consumer of consumers) if (!behind.includes(consumer)) passed.add(consumer.groupId);
      if (behind.length === 0) return { passed: [...passed], behind: [] };
      if (Date.now() > deadline) {
        options.logger.warn({ topic: options.topic, behind: behind.map((consumer) => consumer.groupId) }, "consumer groups did not pass the marker in time");
        return { passed: [...passed], behind: behind.map((consumer) => consumer.groupId) };
      }
      await sleep(Math.min(1_000, 100 * 2 ** Math.min(round, 4)));
    }
  } finally {
    await admin.disconnect();
  }
}
