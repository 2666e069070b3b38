import { loadBrandsFile, loadYamlFile } from "@odzew/config";
import { ShutdownManager, createLogger, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, createTopicTable, kafkaConnectionFromEnv } from "@odzew/kafka";
import { createEnrichment, readSentimentModelFile, taxonomyFrom, type SentimentModelFile } from "@odzew/nlp";
import { erasureSchema, modelPromotionSchema, topicNames, topicsFileSchema } from "@odzew/schema";
import { createEnricher } from "./enrich.ts";
import { env } from "./env.ts";
import { createModelSwitch } from "./models.ts";

const logger = createLogger({ service: "enricher", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const { brands } = await loadBrandsFile(env.ODZEW_BRANDS_FILE);
  const topics = env.ODZEW_TOPICS_FILE ? taxonomyFrom(await loadYamlFile(env.ODZEW_TOPICS_FILE, topicsFileSchema)) : undefined;
  const sentimentModel = env.ODZEW_SENTIMENT_MODEL_FILE ? await readSentimentModelFile(env.ODZEW_SENTIMENT_MODEL_FILE) : undefined;
  const build = (model: SentimentModelFile | undefined) => createEnrichment({ brands, topics, sentimentModel: model, authorKey: env.ODZEW_AUTHOR_KEY });
  const enrichment = build(sentimentModel);
  logger.info({ brands: brands.length, sentiment: enrichment.sentimentModel }, "enrichment ready");

  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-enricher"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });

  // Erased with `odzew erase`: such mentions are dropped when collected again.
  const erasures = createTopicTable({ kafka, producer, topic: topicNames(env.ODZEW_TOPIC_PREFIX).erasures, schema: erasureSchema, logger });
  await erasures.start();
  shutdown.register({ name: "erasures", stop: () => erasures.stop() });
  // Models promoted by `odzew sentiment learn` (or put back by a rollback): swapped in without a restart.
  const promotions = createTopicTable({ kafka, producer, topic: topicNames(env.ODZEW_TOPIC_PREFIX).models, schema: modelPromotionSchema, logger });
  await promotions.start();
  shutdown.register({ name: "models", stop: () => promotions.stop() });
  const models = createModelSwitch({ promotions, build, initial: enrichment, logger });
  // Each chunk asks for the current model; this check also swaps (and logs) while no mentions come.
  models.current();
  const modelCheck = setInterval(() => models.current(), 1_000);
  modelCheck.unref();
  shutdown.register({ name: "model check", stop: async () => clearInterval(modelCheck) });
  const enricher = createEnricher({
    erased: (key) => erasures.get(key) !== undefined,
    kafka,
    producer,
    enricher: () => models.current(),
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
