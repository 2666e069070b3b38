import { Kafka as KafkaJsClient, logLevel as KafkaLogLevel, Partitioners, type Admin, type SASLOptions, type logCreator } from "kafkajs";
import type { Logger } from "@odzew/core";
import type { TopicSpec } from "@odzew/schema";
import { alignTopicConfigs } from "./topic-config.ts";
import { clientOf, wrapClient, wrapProducer, type Kafka, type Producer } from "./port.ts";

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string };
}

/** kafkajs talks a lot at INFO; its INFO becomes our debug, its warnings and errors stay. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
      // Our producers retry a bounded number of times and the worker retries the whole chunk;
      // a duplicate on Kafka is harmless because mention ids are deterministic.
      if (message.startsWith("Limiting retries for the idempotent producer")) return;
      const fields = { namespace, ...extra };
      if (level === KafkaLogLevel.ERROR || level === KafkaLogLevel.NOTHING) logger.error(fields, message);
      else if (level === KafkaLogLevel.WARN) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}

/** The one place that constructs the Kafka client library's client. */
export function createKafka(connection: KafkaConnection, logger: Logger): Kafka {
  const sasl: SASLOptions | undefined = connection.sasl
    ? ({
        mechanism: connection.sasl.mechanism,
        username: connection.sasl.username,
        password: connection.sasl.password,
      } as SASLOptions)
    : undefined;
  const client = new KafkaJsClient({
    clientId: connection.clientId,
    brokers: connection.brokers,
    ...(connection.ssl ? { ssl: true } : {}),
    ...(sasl ? { sasl } : {}),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: KafkaLogLevel.INFO,
    logCreator: pinoLogCreator(logger.child({ scope: "kafka" })),
  });
  return wrapClient(client, connection.clientId);
}

/** An idempotent producer that waits for every in-sync replica: a send that returns is durable. */
export function createProducer(kafka: Kafka): Producer {
  return wrapProducer(
    clientOf(kafka).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    }),
  );
}

/**
 * A transactional producer: its writes to several topics, and the offset of what it consumed,
 * become visible together or not at all. `transactionalId` must be unique per running process.
 */
export function createTransactionalProducer(kafka: Kafka, transactionalId: string): Producer {
  return wrapProducer(
    clientOf(kafka).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      transactionalId,
      // Short: a collector that dies mid-transaction holds readers back until this runs out.
      transactionTimeout: 20_000,
      createPartitioner: Partitioners.DefaultPartitioner,
    }),
  );
}

/**
 * Create the topics that do not exist yet, and bring the settings each spec names to existing
 * ones (e.g. a compaction lag added later; see alignTopicConfigs). Returns the topics created.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], replicationFactor = 1): Promise<string[]> {
  const admin: Admin = clientOf(kafka).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor,
          configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    await alignTopicConfigs(admin, specs.filter((spec) => existing.has(spec.name)));
    return missing.map((spec) => spec.name);
  } finally {
    await admin.disconnect();
  }
}

/** Delete topics (tests and `odzew reset`); missing ones are ignored. */
export async function deleteTopics(kafka: Kafka, names: string[]): Promise<void> {
  const admin = clientOf(kafka).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((name) => existing.has(name));
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

/** Build the connection from the variables of `kafkaEnvShape`. */
export function kafkaConnectionFromEnv(
  env: {
    KAFKA_BROKERS: string[];
    KAFKA_SSL: boolean;
    KAFKA_SASL_MECHANISM?: "plain" | "scram-sha-256" | "scram-sha-512" | undefined;
    KAFKA_SASL_USERNAME?: string | undefined;
    KAFKA_SASL_PASSWORD?: string | undefined;
  },
  clientId: string,
): KafkaConnection {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId,
    ssl: env.KAFKA_SSL,
    ...(env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME
      ? {
          sasl: {
            mechanism: env.KAFKA_SASL_MECHANISM,
            username: env.KAFKA_SASL_USERNAME,
            password: env.KAFKA_SASL_PASSWORD ?? "",
          },
        }
      : {}),
  };
}
