import { loadSourcesFile } from "@odzew/config";
import { ShutdownManager, createLogger, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, createTopicTable, kafkaConnectionFromEnv } from "@odzew/kafka";
import { sourceCursorSchema, topicNames } from "@odzew/schema";
import { env } from "./env.ts";
import { createScheduler } from "./schedule.ts";

const logger = createLogger({ service: "scheduler", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const { sources } = await loadSourcesFile(env.ODZEW_SOURCES_FILE);
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-scheduler"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });

  const topics = topicNames(env.ODZEW_TOPIC_PREFIX);
  // The cursors say when a source that asked us to wait (Retry-After) may be polled again.
  const cursors = createTopicTable({ kafka, topic: topics.collectCursors, schema: sourceCursorSchema, logger, producer });
  await cursors.start();
  shutdown.register({ name: "cursors", stop: () => cursors.stop() });

  const scheduler = createScheduler({
    sources,
    producer,
    topic: topics.collectJobs,
    logger,
    runOnStart: env.SCHEDULER_RUN_ON_START,
    cursors,
  });
  shutdown.register(scheduler);
  const health = await startHealthServer({ port: env.HEALTH_PORT, ready: () => shutdown.ready(), logger });
  shutdown.register(health);
  await scheduler.start();
  logger.info({ sources: sources.length, healthPort: health.port }, "scheduler running");
});
