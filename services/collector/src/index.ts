import { loadSourcesFile } from "@odzew/config";
import { ShutdownManager, createLogger, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, createTransactionalProducer, fenceEarlierIncarnations, kafkaConnectionFromEnv } from "@odzew/kafka";
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
  // A stable transactional id per instance: when this collector restarts, its new producer's
  // initialisation bumps the id's epoch, so a previous incarnation still finishing a poll (a
  // zombie: frozen, cut off, evicted from the group) can no longer commit its transaction and
  // stops with KAFKA_FENCED. Two live collectors have distinct ids and do not fence each other;
  // a job whose partition moves away mid-poll is dropped (the new owner polls again from the same
  // cursor), which covers a zombie that notices the rebalance. A zombie that does not notice it
  // and commits before the new owner reads the cursor delivers the same reviews as the new owner
  // may: same mention ids, so they collapse downstream. Fencing that too needs one id per
  // jobs-topic partition (Kafka Streams' exactly-once v1), not done here.
  const transactionalProducer = createTransactionalProducer(kafka, `${env.COLLECTOR_GROUP_ID}-${env.COLLECTOR_INSTANCE_ID}`);
  await transactionalProducer.connect();
  await fenceEarlierIncarnations(transactionalProducer);
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
