import { randomBytes } from "node:crypto";
import { createLogger, sleep, type Logger } from "@odzew/core";
import { createKafka, createProducer, deleteTopics, ensureTopics, scanTopic, type Kafka, type Producer, type TopicPositions } from "@odzew/kafka";
import { topicNames, topicSpecs, type TeamConfig, type TopicNames } from "@odzew/schema";
import { MentionStore, connectEngine, type Engine, type SearchConnection } from "@odzew/search";

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

/** Kafka topics of one test, under its own prefix (a new one unless given), and a connected producer. */
export async function createTestPipeline(name: string, partitions = 3, prefix = uniquePrefix(name)): Promise<TestPipeline> {
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

/** A mention store of one test, its indices, template and team aliases under the test's prefix. */
export interface TestStore {
  store: MentionStore;
  engine: Engine;
  /** Drop the test's indices and close the connection. */
  cleanup(): Promise<void>;
}

/** A mention store of one test, with its template and team aliases installed. */
export async function createTestStore(prefix: string, teams: TeamConfig[] = [], connection = stackEnv().search): Promise<TestStore> {
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
  const messages: { key: string | null; value: unknown; partition: number; offset: string }[] = [];
  const quietMs = options.quietMs ?? 1_000;
  let lastArrival = Date.now();
  let from: TopicPositions | undefined;
  // Scans from where the last one ended: each reads what was committed meanwhile, markers included.
  await waitFor(
    `${options.minMessages ?? 0} messages on ${topic} (have ${messages.length})`,
    async () => {
      const scan = await scanTopic({
        kafka,
        topic,
        logger: testLogger("read-topic"),
        ...(from ? { from } : {}),
        handle(records) {
          for (const record of records) {
            const text = record.value?.toString("utf8");
            let value: unknown = text ?? null;
            try {
              value = text === undefined ? null : JSON.parse(text);
            } catch {
              // keep the text
            }
            messages.push({ key: record.key, value, partition: record.partition, offset: record.offset });
            lastArrival = Date.now();
          }
        },
      });
      from = scan.ends;
      return messages.length >= (options.minMessages ?? 0) && Date.now() - lastArrival >= quietMs;
    },
    { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 100 },
  );
  return messages;
}

/**
 * Whether consumer group `groupId` has processed and committed every one of `messages` (as
 * `readTopic` returned them): on each partition its committed offset lies past the last of them.
 * Exact on transactional topics too, where commit markers take offsets and the end of a
 * partition says nothing. For waiting until a worker has caught up, instead of sleeping.
 */
export async function committedPast(kafka: Kafka, groupId: string, topic: string, messages: { partition: number; offset: string }[]): Promise<boolean> {
  const last = new Map<number, bigint>();
  for (const message of messages) {
    const offset = BigInt(message.offset);
    if ((last.get(message.partition) ?? -1n) < offset) last.set(message.partition, offset);
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = new Map((await admin.committedOffsets(groupId, topic)).map((partition) => [partition.partition, BigInt(partition.offset)]));
    return [...last].every(([partition, offset]) => (committed.get(partition) ?? -1n) > offset);
  } finally {
    await admin.disconnect();
  }
}

/** How many members consumer group `groupId` has once it is stable (every member has its partitions); 0 until then. */
export async function stableGroupMembers(kafka: Kafka, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const group = await admin.describeGroup(groupId);
    return group.state === "Stable" ? group.members : 0;
  } finally {
    await admin.disconnect();
  }
}
