import { ShutdownManager, counter, createLogger, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, createTopicTable, kafkaConnectionFromEnv } from "@odzew/kafka";
import { erasureSchema, topicNames } from "@odzew/schema";
import { MentionStore, connectEngine } from "@odzew/search";
import { env } from "./env.ts";
import { createIndexer, createWorkflowApplier } from "./indexer.ts";

/** The mention store, counting what the engine did with each item of the bulk writes. */
class CountedMentionStore extends MentionStore {
  private readonly items = counter({
    name: "indexer_bulk_items_total",
    help: "Mentions sent to the search engine in bulk writes, by outcome: indexed, retried (refused for now, sent again), rejected (refused for good, dead-lettered), superseded (the engine already held this version or a newer one).",
    labelNames: ["outcome"],
  });

  override async upsert(mentions: Parameters<MentionStore["upsert"]>[0]) {
    const outcome = await super.upsert(mentions);
    this.items.inc({ outcome: "indexed" }, outcome.indexed.length);
    this.items.inc({ outcome: "retried" }, outcome.retryable.length);
    this.items.inc({ outcome: "rejected" }, outcome.rejected.length);
    this.items.inc({ outcome: "superseded" }, outcome.superseded?.length ?? 0);
    return outcome;
  }
}

const logger = createLogger({ service: "indexer", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const engine = await connectEngine({ url: env.SEARCH_URL, username: env.SEARCH_USERNAME, password: env.SEARCH_PASSWORD });
  shutdown.register({ name: "search", stop: () => engine.close() });
  logger.info({ engine: engine.info }, "search engine connected");
  const store = new CountedMentionStore(engine, env.ODZEW_INDEX_PREFIX, logger);

  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-indexer"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });

  // Authors erased with `odzew erase`: their mentions are not indexed again.
  const erasures = createTopicTable({ kafka, producer, topic: topicNames(env.ODZEW_TOPIC_PREFIX).erasures, schema: erasureSchema, logger });
  await erasures.start();
  shutdown.register({ name: "erasures", stop: () => erasures.stop() });

  const indexer = createIndexer({
    erased: (key) => erasures.get(key) !== undefined,
    kafka,
    producer,
    store,
    topics: topicNames(env.ODZEW_TOPIC_PREFIX),
    groupId: env.INDEXER_GROUP_ID,
    chunkSize: env.INDEXER_CHUNK_SIZE,
    partitionsConcurrently: env.INDEXER_PARTITIONS_CONCURRENTLY,
    logger,
    onCrash: () => void shutdown.stop().finally(() => process.exit(1)),
  });
  shutdown.register(indexer);
  // The service workflow (claims, answers, notes) lands in the same documents.
  const workflow = createWorkflowApplier({
    kafka,
    producer,
    store,
    topics: topicNames(env.ODZEW_TOPIC_PREFIX),
    groupId: `${env.INDEXER_GROUP_ID}-workflow`,
    logger,
    onCrash: () => void shutdown.stop().finally(() => process.exit(1)),
  });
  shutdown.register(workflow);
  const health = await startHealthServer({ port: env.HEALTH_PORT, ready: () => shutdown.ready(), logger });
  shutdown.register(health);
  await Promise.all([indexer.start(), workflow.start()]);
  logger.info({ healthPort: health.port }, "indexer running");
});
