import type { Producer } from "kafkajs";

/** A message to publish: the key decides the partition, the value is written as JSON. */
export interface OutgoingMessage {
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

export function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

/** Publish and wait until the broker has the messages durably (acks from all in-sync replicas). */
export async function publish(producer: Producer, topic: string, messages: OutgoingMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await producer.send({
    topic,
    acks: -1,
    messages: messages.map((message) => ({
      key: message.key,
      value: encode(message.value),
      ...(message.headers ? { headers: message.headers } : {}),
    })),
  });
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
 * (which read committed data only) see all of it or none, however the writer dies.
 */
export async function publishAtomically(
  producer: Producer,
  writes: { topic: string; messages: OutgoingMessage[] }[],
  consumed?: ConsumedPosition,
): Promise<void> {
  const transaction = await producer.transaction();
  try {
    for (const write of writes) {
      if (write.messages.length === 0) continue;
      await transaction.send({
        topic: write.topic,
        messages: write.messages.map((message) => ({
          key: message.key,
          value: encode(message.value),
          ...(message.headers ? { headers: message.headers } : {}),
        })),
      });
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
