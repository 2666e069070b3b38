import { hostname } from "node:os";
import { loadSourcesFile } from "@odzew/config";
import { ShutdownManager, createLogger, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, createTransactionalProducer, kafkaConnectionFromEnv } from "@odzew/kafka";
import { topicNames } from "@odzew/schema";
import { HttpClient } from "@odzew/sources";
import { createCollector } from "./collect.ts";
import { env } from "./env.ts";

const logger = createLogger({ service: "collector", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const { sources } = await loadSourcesFile(env.ODZEW_SOURCES_FILE);
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-collector"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });
  const transactionalProducer = createTransactionalProducer(kafka, `${env.COLLECTOR_GROUP_ID}-${hostname()}-${process.pid}`);
  await transactionalProducer.connect();
  shutdown.register({ name: "transactional producer", stop: () => transactionalProducer.disconnect() });

  const collector = createCollector({
    kafka,
    producer,
    transactionalProducer,
    sources,
    http: new HttpClient({
      logger,
      minIntervalMsPerHost: env.COLLECTOR_MIN_INTERVAL_MS,
      ...(env.COLLECTOR_USER_AGENT ? { userAgent: env.COLLECTOR_USER_AGENT } : {}),
    }),
    topics: topicNames(env.ODZEW_TOPIC_PREFIX),
    groupId: env.COLLECTOR_GROUP_ID,
    logger,
    onCrash: () => void shutdown.stop().finally(() => process.exit(1)),
  });
  shutdown.register(collector);
  const health = await startHealthServer({ port: env.HEALTH_PORT, ready: () => shutdown.ready(), logger });
  shutdown.register(health);
  await collector.start();
  logger.info({ sources: sources.length, healthPort: health.port }, "collector running");
});
