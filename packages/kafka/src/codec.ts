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
