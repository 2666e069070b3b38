import { createHash } from "node:crypto";
import type { Consumer, EachBatchPayload, KafkaMessage } from "kafkajs";
import type { z } from "zod";
import { OdzewError, backoffMs, counter, describeError, gauge, histogram, sleep, truncate, type Logger } from "@odzew/core";
import { DEAD_LETTER_SCHEMA_VERSION, type DeadLetter } from "@odzew/schema";
import { publish } from "./codec.ts";
import { clientOf, type Kafka, type Producer } from "./port.ts";

/** A consumed message that passed its schema. */
export interface Consumed<T> {
  key: string | null;
  value: T;
  partition: number;
  offset: string;
}

/** A message the handler could not process and that retrying will not fix. */
export interface Rejection<T> {
  message: Consumed<T>;
  code: string;
  reason: string;
}

export interface BatchContext {
  logger: Logger;
  /** False once the worker is stopping or lost the partition; long retries should give up. */
  shouldContinue(): boolean;
  /** Aborted when the worker stops: pass it to waits so that shutdown is not held up. */
  signal: AbortSignal;
  heartbeat(): Promise<void>;
  /**
   * Wait `ms` while staying in the group: the wait is cut into slices shorter than the session
   * timeout with a heartbeat after each. Resolves false as soon as the worker must stop (the
   * caller then gives the work back uncommitted).
   */
  wait(ms: number): Promise<boolean>;
}

export interface BatchWorkerOptions<T> {
  kafka: Kafka;
  /** Producer used for dead letters (and usually by the handler for its output). */
  producer: Producer;
  groupId: string;
  topic: string;
  deadLetterTopic: string;
  stage: DeadLetter["stage"];
  schema: z.ZodType<T>;
  logger: Logger;
  /** How many messages one handler call gets at most. */
  chunkSize?: number;
  /**
   * How many bytes of message values one handler call gets at most (default 8 MB; a single
   * larger message goes alone): memory stays bounded however long the reviews are.
   */
  chunkBytes?: number;
  /**
   * Process a chunk. Resolve when its effect is durable, returning the messages to dead-letter.
   * Throw an `OdzewError` with `retryable: true` to have the whole chunk retried with backoff.
   * Anything else is unexpected and stops the worker.
   */
  handle(messages: Consumed<T>[], context: BatchContext): Promise<Rejection<T>[]>;
  /** Called when the consumer crashed for good; services exit so that a supervisor restarts them. */
  onCrash?(error: unknown): void;
  /**
   * Partitions processed at once (default 1). The indexer raises it so that the engine works on
   * several bulk writes while Kafka fetches; order within a partition is kept either way.
   */
  partitionsConcurrently?: number;
}

export interface BatchWorker {
  name: string;
  /** Resolves once the consumer has joined its group and is fetching. */
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
}

/**
 * The workers' metrics, shared by every worker of the process. Labels are the topic, the consumer
 * group, the partition and the dead-letter reason code: a few known values each.
 */
function workerMetrics() {
  return {
    processed: counter({
      name: "worker_messages_processed_total",
      help: "Messages a worker processed and committed (dead-lettered ones are counted apart).",
      labelNames: ["topic", "group"],
    }),
    deadLettered: counter({
      name: "worker_messages_dead_lettered_total",
      help: "Messages a worker sent to the dead-letter topic, by reason code.",
      labelNames: ["topic", "group", "code"],
    }),
    retries: counter({
      name: "worker_batch_retries_total",
      help: "Batches a worker retried after a passing failure (engine or broker unavailable), by error code.",
      labelNames: ["topic", "group", "code"],
    }),
    duration: histogram({
      name: "worker_batch_duration_seconds",
      help: "Time to process one batch handed to the handler (up to the chunk size), from decoding to the committed offset.",
      labelNames: ["topic", "group"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    }),
    lag: gauge({
      name: "kafka_consumer_lag",
      help: "Messages on a partition not yet processed by the group: high watermark minus the next offset to process, as of the last fetch.",
      labelNames: ["topic", "group", "partition"],
    }),
  };
}

/**
 * The consume → process → commit loop shared by the pipeline's workers. An offset is committed
 * only after the handler's work for every message before it is durable, or the message is on
 * the dead-letter topic with its reason. A message that is not JSON or fails its schema goes
 * straight to the dead-letter topic; the worker keeps going.
 */
export function createBatchWorker<T>(options: BatchWorkerOptions<T>): BatchWorker {
  const chunkSize = countOption("chunkSize", options.chunkSize, 500);
  const chunkBytes = countOption("chunkBytes", options.chunkBytes, DEFAULT_CHUNK_BYTES);
  const partitionsConcurrently = countOption("partitionsConcurrently", options.partitionsConcurrently, 1);
  const logger = options.logger.child({ topic: options.topic, groupId: options.groupId });
  const metrics = workerMetrics();
  const labels = { topic: options.topic, group: options.groupId };
  const lagLabels = (partition: number) => ({ ...labels, partition: String(partition) });
  /** Partitions of this worker with a lag series: dropped when they move to another worker. */
  const lagPartitions = new Set<number>();
  const setLag = (partition: number, highWatermark: string, nextOffset: string | bigint) => {
    const lag = BigInt(highWatermark) - BigInt(nextOffset);
    metrics.lag.set(lagLabels(partition), Number(lag > 0n ? lag : 0n));
    lagPartitions.add(partition);
  };
  const dropLag = (keep: readonly number[] = []) => {
    for (const partition of lagPartitions) {
      if (keep.includes(partition)) continue;
      metrics.lag.remove(lagLabels(partition));
      lagPartitions.delete(partition);
    }
  };
  const consumer: Consumer = clientOf(options.kafka).consumer({
    groupId: options.groupId,
    // A dead worker's partitions move to a live one after at most this long.
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 60_000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    // Retry what kafkajs retries; after that the consumer stops and the service exits loudly.
    retry: { retries: 8, restartOnFailure: async () => false },
  });
  let running = false;
  let joined = false;
  let stopping = new AbortController();

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    joined = true;
    dropLag(event.payload.memberAssignment[options.topic] ?? []);
  });
  // A fetch of only transaction markers or aborted messages never reaches eachBatch, yet moves
  // the position past them: the lag is what the batch said it is.
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    if (event.payload.batchSize === 0 && event.payload.topic === options.topic) {
      metrics.lag.set(lagLabels(event.payload.partition), Math.max(0, Number(event.payload.offsetLag)));
      lagPartitions.add(event.payload.partition);
    }
  });
  consumer.on(consumer.events.CRASH, (event) => {
    joined = false;
    const error = event.payload.error;
    logger.error({ err: error, restart: event.payload.restart }, `consumer crashed: ${describeError(error)}`);
    if (!event.payload.restart) options.onCrash?.(error);
  });

  async function deadLetter(entries: { message: KafkaMessage; partition: number; code: string; reason: string }[]) {
    if (entries.length === 0) return;
    await publish(
      options.producer,
      options.deadLetterTopic,
      entries.map(({ message, partition, code, reason }) => {
        const letter: DeadLetter = {
          schemaVersion: DEAD_LETTER_SCHEMA_VERSION,
          stage: options.stage,
          reason: { code, message: reason },
          original: {
            topic: options.topic,
            partition,
            offset: message.offset,
            key: message.key?.toString("utf8") ?? null,
            ...payloadOf(message.value, MAX_DEAD_LETTER_PAYLOAD_BYTES),
          },
          failedAt: new Date().toISOString(),
        };
        return { key: letter.original.key ?? `${options.topic}:${partition}:${message.offset}`, value: letter };
      }),
    );
    for (const entry of entries) {
      metrics.deadLettered.inc({ ...labels, code: entry.code });
      logger.warn(
        { partition: entry.partition, offset: entry.message.offset, code: entry.code },
        `dead-lettered: ${truncate(entry.reason, 300)}`,
      );
    }
  }

  async function processChunk(payload: EachBatchPayload, chunk: KafkaMessage[], lastOfBatch: boolean): Promise<boolean> {
    const { batch } = payload;
    const endTimer = metrics.duration.startTimer(labels);
    const valid: Consumed<T>[] = [];
    const rawByOffset = new Map<string, KafkaMessage>();
    const invalid: { message: KafkaMessage; partition: number; code: string; reason: string }[] = [];
    let tombstones = 0;
    for (const message of chunk) {
      // A keyed null is a deletion marker on a compacted topic (`odzew erase`): nothing to do.
      if (message.value === null && message.key !== null) {
        tombstones++;
        continue;
      }
      const parsed = decode(message, options.schema);
      if (parsed.ok) {
        valid.push({ key: message.key?.toString("utf8") ?? null, value: parsed.value, partition: batch.partition, offset: message.offset });
        rawByOffset.set(message.offset, message);
      } else {
        invalid.push({ message, partition: batch.partition, code: "MESSAGE_INVALID", reason: parsed.reason });
      }
    }

    if (tombstones > 0) logger.debug({ partition: batch.partition, tombstones }, "tombstones passed over");

    const shouldContinue = () => running && payload.isRunning() && !payload.isStale();
    const context: BatchContext = {
      logger,
      shouldContinue,
      heartbeat: () => payload.heartbeat(),
      signal: stopping.signal,
      wait: (ms) => waitInGroup(ms, stopping.signal, shouldContinue, () => payload.heartbeat()),
    };
    let rejections: Rejection<T>[] = [];
    for (let attempt = 1; valid.length > 0; attempt++) {
      try {
        rejections = await options.handle(valid, context);
        break;
      } catch (error) {
        if (!(error instanceof OdzewError && error.retryable)) throw error;
        if (!context.shouldContinue()) return false;
        const wait = backoffMs(attempt, 500, 30_000);
        metrics.retries.inc({ ...labels, code: error.code });
        logger.warn({ attempt, waitMs: wait, code: error.code }, `retrying chunk: ${describeError(error)}`);
        if (!(await context.wait(wait))) return false;
      }
    }

    const dead = [
      ...invalid,
      ...rejections.map((rejection) => ({
        message: rawByOffset.get(rejection.message.offset) as KafkaMessage,
        partition: batch.partition,
        code: rejection.code,
        reason: rejection.reason,
      })),
    ];
    await deadLetter(dead);

    const last = chunk[chunk.length - 1];
    if (last) {
      const next = (BigInt(last.offset) + 1n).toString();
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      payload.resolveOffset(last.offset);
      // At the end of the batch, count transaction markers after its last message as consumed too.
      setLag(batch.partition, batch.highWatermark, lastOfBatch ? BigInt(batch.lastOffset()) + 1n : next);
    }
    metrics.processed.inc(labels, chunk.length - dead.length);
    endTimer();
    return true;
  }

  return {
    name: `worker:${options.groupId}`,
    async start() {
      running = true;
      stopping = new AbortController();
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
      const joinedGroup = new Promise<void>((resolve) => {
        const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
          remove();
          resolve();
        });
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: partitionsConcurrently,
        eachBatch: async (payload) => {
          const messages = payload.batch.messages;
          const first = messages[0];
          if (first) setLag(payload.batch.partition, payload.batch.highWatermark, first.offset);
          const chunks = chunkMessages(messages, chunkSize, chunkBytes);
          for (const [position, chunk] of chunks.entries()) {
            if (!running || !payload.isRunning() || payload.isStale()) return;
            const done = await processChunk(payload, chunk, position === chunks.length - 1);
            if (!done) return;
            await payload.heartbeat();
          }
        },
      });
      await joinedGroup;
      logger.info("consuming");
    },
    async stop() {
      running = false;
      joined = false;
      stopping.abort();
      await consumer.disconnect();
      // Another worker of the group reports these partitions now.
      dropLag();
    },
    ready: () => running && joined,
  };
}

type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

function decode<T>(message: KafkaMessage, schema: z.ZodType<T>): Decoded<T> {
  if (!message.value) return { ok: false, reason: "empty message (tombstone or null value)" };
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString("utf8"));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${describeError(error)}` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  return { ok: false, reason: `schema validation failed: ${issues}` };
}

/**
 * Room for the original payload in a dead letter: the letter (reason, position, payload) must fit
 * in one Kafka message, and base64 grows a payload by a third.
 */
export const MAX_DEAD_LETTER_PAYLOAD_BYTES = 600_000;

/**
 * The original payload of a dead letter: UTF-8 text when it is valid UTF-8, else base64. One too
 * large to carry is cut to its first bytes, with its full size and SHA-256 so it can be found.
 */
export function payloadOf(
  value: Buffer | null,
  maxBytes = MAX_DEAD_LETTER_PAYLOAD_BYTES,
): { value: string | null; encoding: "utf8" | "base64"; truncated?: { bytes: number; sha256: string } } {
  if (value === null) return { value: null, encoding: "utf8" };
  const whole = value.length <= maxBytes;
  const kept = whole ? value : value.subarray(0, maxBytes);
  const truncated = whole ? {} : { truncated: { bytes: value.length, sha256: createHash("sha256").update(value).digest("hex") } };
  const text = kept.toString("utf8");
  return Buffer.from(text, "utf8").equals(kept)
    ? { value: text, encoding: "utf8", ...truncated }
    : { value: kept.toString("base64"), encoding: "base64", ...truncated };
}

export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * A count option of the worker (messages, bytes, partitions): a whole number of at least 1, or
 * absent for the default. Anything else (0, negative, NaN, a fraction, Infinity) is refused when
 * the worker is made, naming the option and what it takes, rather than found out while running.
 */
function countOption(name: "chunkSize" | "chunkBytes" | "partitionsConcurrently", value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new OdzewError("CONFIG_INVALID", `createBatchWorker: ${name} must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, got ${String(value)}`, {
    context: { option: name, value },
  });
}

/** Cut a fetched batch into handler chunks of at most `maxCount` messages and `maxBytes` of values, in order. */
export function chunkMessages<M extends { value: Buffer | null }>(messages: M[], maxCount: number, maxBytes: number): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.value?.length ?? 0;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Heartbeats must reach the coordinator well within the 10 s session timeout. */
const HEARTBEAT_SLICE_MS = 2_000;

async function waitInGroup(ms: number, signal: AbortSignal, shouldContinue: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!shouldContinue() || signal.aborted) return false;
    const left = until - Date.now();
    if (left <= 0) return true;
    await sleep(Math.min(left, HEARTBEAT_SLICE_MS), signal);
    if (!shouldContinue() || signal.aborted) return false;
    await heartbeat();
  }
}
