/**
 * Odzew's own view of Kafka: the handles the rest of the code holds. They are opaque outside this
 * package, which alone talks to the client library (kafkajs today), so a switch to another client
 * changes this package and nothing else. A lint rule keeps `kafkajs` imports in here.
 */
import type { Admin as KafkaJsAdmin, Kafka as KafkaJsClient, Producer as KafkaJsProducer } from "kafkajs";
import { OdzewError } from "@odzew/core";

/** A connection to the cluster, handed to workers, producers, scans and tables. */
export interface Kafka {
  readonly clientId: string;
  /** A handle for questions about topics and groups; connect it, and disconnect it when done. */
  admin(): KafkaAdmin;
}

/** Publishes messages (see `publish`, `publishAtomically`, `publishTombstones`). */
export interface Producer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/** Where a partition stands: `high` is the offset the next message will get. */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/** What a consumer group has committed on a partition (`-1`: nothing yet). */
export interface CommittedOffset {
  partition: number;
  offset: string;
}

export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  committedOffsets(groupId: string, topic: string): Promise<CommittedOffset[]>;
  /** A group's state (`Stable`, `Empty`, `Dead`…) and how many members it has now. */
  describeGroup(groupId: string): Promise<{ state: string; members: number }>;
  /** Each topic's settings as the broker holds them (name → value). */
  topicConfigs(topics: string[]): Promise<Map<string, Record<string, string>>>;
}

const clients = new WeakMap<Kafka, KafkaJsClient>();
const producers = new WeakMap<Producer, KafkaJsProducer>();

/** The library client behind a handle (this package only). */
export function clientOf(kafka: Kafka): KafkaJsClient {
  const client = clients.get(kafka);
  if (!client) throw new OdzewError("CONFIG_INVALID", "not a Kafka handle made by createKafka");
  return client;
}

/** The library producer behind a handle (this package only). */
export function producerOf(producer: Producer): KafkaJsProducer {
  const inner = producers.get(producer);
  if (!inner) throw new OdzewError("CONFIG_INVALID", "not a producer made by createProducer or createTransactionalProducer");
  return inner;
}

export function wrapClient(client: KafkaJsClient, clientId: string): Kafka {
  const kafka: Kafka = { clientId, admin: () => wrapAdmin(client.admin()) };
  clients.set(kafka, client);
  return kafka;
}

export function wrapProducer(inner: KafkaJsProducer): Producer {
  const producer: Producer = { connect: () => inner.connect(), disconnect: () => inner.disconnect() };
  producers.set(producer, inner);
  return producer;
}

function wrapAdmin(admin: KafkaJsAdmin): KafkaAdmin {
  return {
    connect: () => admin.connect(),
    disconnect: () => admin.disconnect(),
    async topicOffsets(topic) {
      const partitions = await admin.fetchTopicOffsets(topic);
      return partitions.map((entry) => ({ partition: entry.partition, low: entry.low, high: entry.high })).sort((a, b) => a.partition - b.partition);
    },
    async committedOffsets(groupId, topic) {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (entry?.partitions ?? []).map((partition) => ({ partition: partition.partition, offset: partition.offset })).sort((a, b) => a.partition - b.partition);
    },
    async describeGroup(groupId) {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      return { state: group?.state ?? "Dead", members: group?.members.length ?? 0 };
    },
    async topicConfigs(topics) {
      // 2 is kafkajs's ConfigResourceTypes.TOPIC (its enums are not reachable as named ESM imports).
      const described = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: 2, name })) });
      return new Map(
        described.resources.map((resource) => [resource.resourceName, Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue]))]),
      );
    },
  };
}

/** Sum of `high` over partitions: how many messages a topic has taken (compaction aside). */
export const totalHigh = (offsets: PartitionOffsets[]): number => offsets.reduce((sum, entry) => sum + Number(entry.high), 0);

/** Sum of committed offsets over partitions (none committed counts 0). */
export const totalCommitted = (offsets: CommittedOffset[]): number => offsets.reduce((sum, entry) => sum + Math.max(0, Number(entry.offset)), 0);
