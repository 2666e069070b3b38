import type { Message } from "kafkajs";
import { producerOf, type Producer } from "./port.ts";
import { OdzewError, describeError } from "@odzew/core";

/** A message to publish: the key decides the partition, the value is written as JSON. */
export interface OutgoingMessage {
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

export function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

/**
 * The largest single message Odzew writes. The broker refuses a record batch above its
 * `message.max.bytes` (1 MiB by default, 1,048,588 bytes); a message alone must stay under it with
 * room for the batch's framing.
 */
export const MAX_MESSAGE_BYTES = 1_000_000;
/**
 * What one produce request carries at most. kafkajs puts every message of one `send` for a
 * partition into one record batch, so a chunk of 500 mentions of 3 KB each would exceed the
 * broker's limit: sends are split by bytes, never by count. Even if every message of a send
 * goes to one partition, its batch stays under the broker's 1 MiB.
 */
export const MAX_SEND_BYTES = 900 * 1024;
/** What a record adds to its key and value in a batch (length, offset and time deltas, headers count). */
const RECORD_OVERHEAD_BYTES = 32;

/** A message as it goes on the wire, with its size: encoded once, measured and sent as is. */
export interface EncodedMessage {
  message: Message;
  bytes: number;
}

export function encodeMessage(message: OutgoingMessage): EncodedMessage {
  const value = encode(message.value);
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.key, "utf8") + value.length;
  for (const [name, header] of Object.entries(message.headers ?? {})) bytes += Buffer.byteLength(name) + Buffer.byteLength(header);
  return { message: { key: message.key, value, ...(message.headers ? { headers: message.headers } : {}) }, bytes };
}

/** Bytes a message takes on the wire (key, JSON value and headers): compare with `MAX_MESSAGE_BYTES`. */
export function messageBytes(message: OutgoingMessage): number {
  return encodeMessage(message).bytes;
}

/**
 * Split encoded messages into sends of at most `maxBytes` each (a message larger than that goes
 * alone). Order is kept, so one key's messages stay in order across the sends.
 */
export function splitByBytes<T extends { bytes: number }>(messages: T[], maxBytes = MAX_SEND_BYTES): T[][] {
  const sends: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const message of messages) {
    if (current.length > 0 && size + message.bytes > maxBytes) {
      sends.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += message.bytes;
  }
  if (current.length > 0) sends.push(current);
  return sends;
}

/** Refuse a message that no broker with default limits takes, naming it, before anything is sent. */
function refuseOversized(topic: string, encoded: EncodedMessage[]): void {
  const oversized = encoded.filter((entry) => entry.bytes > MAX_MESSAGE_BYTES);
  if (oversized.length === 0) return;
  throw new OdzewError(
    "KAFKA_MESSAGE_TOO_LARGE",
    `${oversized.length} message(s) for ${topic} exceed ${MAX_MESSAGE_BYTES} bytes (largest ${Math.max(...oversized.map((entry) => entry.bytes))} bytes); they can never be written`,
    { retryable: false, context: { topic, keys: oversized.map((entry) => String(entry.message.key)).slice(0, 20) } },
  );
}

/**
 * What a failed send means. A broker that refuses a batch as too large will refuse it again:
 * not retryable. Anything else (leader moved, broker down, timeout) may pass.
 */
export function sendError(topic: string, error: unknown): OdzewError {
  if (error instanceof OdzewError) return error;
  const type = (error as { type?: string }).type;
  if (type === "MESSAGE_TOO_LARGE" || type === "RECORD_LIST_TOO_LARGE" || type === "INVALID_RECORD") {
    return new OdzewError("KAFKA_MESSAGE_TOO_LARGE", `the broker refused a batch for ${topic} as too large: ${describeError(error)}`, {
      retryable: false,
      cause: error,
      context: { topic },
    });
  }
  if (type === "INVALID_PRODUCER_EPOCH" || type === "PRODUCER_FENCED" || type === "INVALID_PRODUCER_ID_MAPPING") {
    // Another process took over this transactional id: this one is a zombie and must stop.
    return new OdzewError("KAFKA_FENCED", `a newer producer with the same transactional id took over ${topic}: ${describeError(error)}`, {
      retryable: false,
      cause: error,
      context: { topic },
    });
  }
  return new OdzewError("KAFKA_UNAVAILABLE", `publishing to ${topic} failed: ${describeError(error)}`, {
    retryable: true,
    cause: error,
    context: { topic },
  });
}

/**
 * Publish and wait until the broker has the messages durably (acks from all in-sync replicas).
 * Sends are split by bytes; a message larger than `MAX_MESSAGE_BYTES` is refused up front with
 * `KAFKA_MESSAGE_TOO_LARGE` (not retryable), and so is one the broker refuses as too large. Other
 * failures throw `KAFKA_UNAVAILABLE` (retryable). Sends that returned before a failure stay
 * written: a retry writes them again, which mention ids make harmless.
 */
export async function publish(producer: Producer, topic: string, messages: OutgoingMessage[]): Promise<void> {
  await publishEncoded(producer, topic, messages.map(encodeMessage));
}

/** `publish` for messages already encoded with `encodeMessage` (a caller that checked their size first). */
export async function publishEncoded(producer: Producer, topic: string, encoded: EncodedMessage[]): Promise<void> {
  if (encoded.length === 0) return;
  refuseOversized(topic, encoded);
  for (const send of splitByBytes(encoded)) {
    try {
      await producerOf(producer).send({ topic, acks: -1, messages: send.map((entry) => entry.message) });
    } catch (error) {
      throw sendError(topic, error);
    }
  }
}

/**
 * Delete keys from a compacted topic: a null value per key (a tombstone), written durably. The
 * broker drops the older values at its next compaction of those segments.
 */
export async function publishTombstones(producer: Producer, topic: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  // A tombstone is its key and a few bytes of framing: thousands fit in one send.
  for (let start = 0; start < keys.length; start += 5_000) {
    try {
      await producerOf(producer).send({ topic, acks: -1, messages: keys.slice(start, start + 5_000).map((key) => ({ key, value: null })) });
    } catch (error) {
      throw sendError(topic, error);
    }
  }
}

/** Where a consumer stands after a piece of work: committed in the same transaction as its output. */
export interface ConsumedPosition {
  groupId: string;
  topic: string;
  partition: number;
  /** The offset of the message just processed; the committed offset is the one after it. */
  offset: string;
}

/**
 * Write to several topics and move a consumer group's offset as one transaction: readers
 * (which read committed data only) see all of it or none, however the writer dies. Sends within
 * the transaction are split by bytes like `publish`.
 */
export async function publishAtomically(
  producer: Producer,
  writes: { topic: string; messages: OutgoingMessage[] }[],
  consumed?: ConsumedPosition,
): Promise<void> {
  const encodedWrites = writes.map((write) => ({ topic: write.topic, encoded: write.messages.map(encodeMessage) }));
  for (const write of encodedWrites) refuseOversized(write.topic, write.encoded);
  const transaction = await producerOf(producer).transaction();
  try {
    for (const write of encodedWrites) {
      for (const send of splitByBytes(write.encoded)) {
        try {
          await transaction.send({ topic: write.topic, messages: send.map((entry) => entry.message) });
        } catch (error) {
          throw sendError(write.topic, error);
        }
      }
    }
    if (consumed) {
      await transaction.sendOffsets({
        consumerGroupId: consumed.groupId,
        topics: [
          {
            topic: consumed.topic,
            partitions: [{ partition: consumed.partition, offset: (BigInt(consumed.offset) + 1n).toString() }],
          },
        ],
      });
    }
    await transaction.commit();
  } catch (error) {
    await transaction.abort().catch(() => undefined);
    throw error;
  }
}

/**
 * Publish messages exactly as given, bytes and all, without encoding or checks: for tests and
 * fault runs that need what Odzew itself never writes (a value that is not JSON, a huge one).
 */
export async function publishBytes(
  producer: Producer,
  topic: string,
  messages: { key: string | null; value: string | Buffer | null; partition?: number }[],
): Promise<void> {
  if (messages.length === 0) return;
  try {
    await producerOf(producer).send({ topic, acks: -1, messages });
  } catch (error) {
    throw sendError(topic, error);
  }
}

/**
 * Fence the earlier incarnations of a transactional producer's id now, not at its first write:
 * kafkajs registers a transactional producer with the broker (InitProducerId, which bumps the id's
 * epoch and aborts a transaction left open) only when its first transaction begins. A
 * transaction begun and aborted with nothing in it does exactly that and writes nothing.
 */
export async function fenceEarlierIncarnations(transactionalProducer: Producer): Promise<void> {
  const transaction = await producerOf(transactionalProducer).transaction();
  await transaction.abort();
}
