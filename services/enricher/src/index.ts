import { ShutdownManager, createLogger, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, kafkaConnectionFromEnv } from "@odzew/kafka";
import { topicNames } from "@odzew/schema";
import { createEnricher } from "./enrich.ts";
import { env } from "./env.ts";

const logger = createLogger({ service: "enricher", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-enricher"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });

  const enricher = createEnricher({
    kafka,
    producer,
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
