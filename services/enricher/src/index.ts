import { loadBrandsFile, loadYamlFile } from "@odzew/config";
import { ShutdownManager, createLogger, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, createTopicTable, kafkaConnectionFromEnv } from "@odzew/kafka";
import { createEnrichment, readSentimentModelFile, taxonomyFrom } from "@odzew/nlp";
import { erasureSchema, topicNames, topicsFileSchema } from "@odzew/schema";
import { createEnricher } from "./enrich.ts";
import { env } from "./env.ts";

const logger = createLogger({ service: "enricher", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const { brands } = await loadBrandsFile(env.ODZEW_BRANDS_FILE);
  const topics = env.ODZEW_TOPICS_FILE ? taxonomyFrom(await loadYamlFile(env.ODZEW_TOPICS_FILE, topicsFileSchema)) : undefined;
  const sentimentModel = env.ODZEW_SENTIMENT_MODEL_FILE ? await readSentimentModelFile(env.ODZEW_SENTIMENT_MODEL_FILE) : undefined;
  const enrichment = createEnrichment({ brands, topics, sentimentModel, authorKey: env.ODZEW_AUTHOR_KEY });
  logger.info({ brands: brands.length, sentiment: enrichment.sentimentModel }, "enrichment ready");

  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-enricher"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });

  // Erased with `odzew erase`: such mentions are dropped when collected again.
  const erasures = createTopicTable({ kafka, producer, topic: topicNames(env.ODZEW_TOPIC_PREFIX).erasures, schema: erasureSchema, logger });
  await erasures.start();
  shutdown.register({ name: "erasures", stop: () => erasures.stop() });
  const enricher = createEnricher({
    erased: (key) => erasures.get(key) !== undefined,
    kafka,
    producer,
    enricher: enrichment,
    topics: topicNames(env.ODZEW_TOPIC_PREFIX),
    groupId: env.ENRICHER_GROUP_ID,
    logger,
    onCrash: () => void shutdown.stop().finally(() => process.exit(1)),
  });
  shutdown.register(enricher);
  const health = await startHealthServer({ port: env.HEALTH_PORT, ready: () => shutdown.ready(), logger });
  shutdown.register(health);
  await enricher.start();
  logger.info({ healthPort: health.port }, "enricher running");
});
