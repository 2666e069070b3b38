import { randomBytes } from "node:crypto";
import { createLogger, sleep, type Logger } from "@odzew/core";
import { createKafka, createProducer, deleteTopics, ensureTopics, type Kafka, type Producer } from "@odzew/kafka";
import { topicNames, topicSpecs, type TeamConfig, type TopicNames } from "@odzew/schema";
import { MentionStore, connectEngine, type SearchConnection } from "@odzew/search";

/**
 * Where the integration tests find Kafka and the search engine: the local stack that
 * `scripts/stack up` starts, or whatever KAFKA_BROKERS and SEARCH_URL point at.
 */
export function stackEnv() {
  return {
    brokers: (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",").map((broker) => broker.trim()),
    search: {
      url: process.env.SEARCH_URL ?? "http://127.0.0.1:9200",
      username: process.env.SEARCH_USERNAME,
      password: process.env.SEARCH_PASSWORD,
    } satisfies SearchConnection,
  };
}

/** A prefix no other test (or earlier run of this one) uses: topics, groups and indices stay apart. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

export function testLogger(name: string): Logger {
  return createLogger({ service: `test:${name}`, level: process.env.TEST_LOG_LEVEL ?? "error", pretty: false });
}

/** Poll until `check` returns a value that is not undefined/false, or fail with `what` after the timeout. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}

export interface TestPipeline {
  prefix: string;
  topics: TopicNames;
  kafka: Kafka;
  producer: Producer;
  logger: Logger;
  /** Remove the test's topics. */
  cleanup(): Promise<void>;
}

/** Kafka topics of one test, under its own prefix, and a connected producer. */
export async function createTestPipeline(name: string, partitions = 3): Promise<TestPipeline> {
  const prefix = uniquePrefix(name);
  const logger = testLogger(name);
  const kafka = createKafka({ brokers: stackEnv().brokers, clientId: `test-${name}` }, logger);
  const specs = topicSpecs(prefix, partitions);
  await ensureTopics(kafka, specs);
  const producer = createProducer(kafka);
  await producer.connect();
  return {
    prefix,
    topics: topicNames(prefix),
    kafka,
    producer,
    logger,
    async cleanup() {
      await producer.disconnect();
      await deleteTopics(
        kafka,
        specs.map((spec) => spec.name),
      ).catch(() => undefined);
    },
  };
}

/** A mention store of one test, with its template and team aliases installed. */
export async function createTestStore(prefix: string, teams: TeamConfig[] = [], connection = stackEnv().search) {
  const engine = await connectEngine(connection);
  const store = new MentionStore(engine, prefix, testLogger("search"));
  await store.setup({ teams });
  return {
    store,
    engine,
    async cleanup() {
      await store.drop().catch(() => undefined);
      await engine.close();
    },
  };
}

/**
 * Read every message currently on a topic, from the beginning, as parsed JSON (committed
 * messages only, as the pipeline's consumers read them). Uses a fresh consumer group, so it
 * never disturbs the workers under test. Offsets cannot tell when the end is reached (commit
 * markers of transactions take offsets too), so it reads until at least `minMessages` arrived
 * and nothing new came for `quietMs`.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: { minMessages?: number; timeoutMs?: number; quietMs?: number } = {},
) {
  const consumer = kafka.consumer({ groupId: `${topic}-reader-${randomBytes(4).toString("hex")}` });
  const messages: { key: string | null; value: unknown; partition: number; offset: string }[] = [];
  let lastArrival = Date.now();
  let assigned = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    assigned = true;
    lastArrival = Date.now();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const text = message.value?.toString("utf8");
        let value: unknown = text;
        try {
          value = text === undefined ? null : JSON.parse(text);
        } catch {
          // keep the text
        }
        messages.push({ key: message.key?.toString("utf8") ?? null, value, partition, offset: message.offset });
        lastArrival = Date.now();
      },
    });
    const quietMs = options.quietMs ?? 1_000;
    await waitFor(
      `${options.minMessages ?? 0} messages on ${topic} (have ${messages.length})`,
      () => assigned && messages.length >= (options.minMessages ?? 0) && Date.now() - lastArrival >= quietMs,
      { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 100 },
    );
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
