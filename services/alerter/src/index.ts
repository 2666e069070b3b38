import cron from "node-cron";
import { ShutdownManager, createLogger, describeError, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, createTopicTable, kafkaConnectionFromEnv, publish } from "@odzew/kafka";
import { alertSchema, sourceCursorSchema, topicNames } from "@odzew/schema";
import { connectEngine } from "@odzew/search";
import { createAlerter } from "./alerter.ts";
import { loadAlerterConfig } from "./config.ts";
import { env } from "./env.ts";
import { webhookId } from "./webhook.ts";

const logger = createLogger({ service: "alerter", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const { file, config, webhooks } = await loadAlerterConfig(env.ODZEW_ALERTS_FILE);
  if (!file) logger.warn("no config/alerts.yaml (ODZEW_ALERTS_FILE): default thresholds, no webhooks; alerts are recorded and served at GET /api/v1/alerts");
  const topics = topicNames(env.ODZEW_TOPIC_PREFIX);
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-alerter"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });
  const engine = await connectEngine({ url: env.SEARCH_URL, username: env.SEARCH_USERNAME, password: env.SEARCH_PASSWORD });
  shutdown.register({ name: "search", stop: () => engine.close() });

  const recorded = createTopicTable({ kafka, producer, topic: topics.alerts, schema: alertSchema, logger });
  await recorded.start();
  shutdown.register({ name: "alerts", stop: () => recorded.stop() });
  // With the producer, start() (and catchUp before each look) waits until every cursor written so
  // far is read: a look never judges a source whose health alert the table has not caught up with.
  const cursors = createTopicTable({ kafka, producer, topic: topics.collectCursors, schema: sourceCursorSchema, logger });
  await cursors.start();
  shutdown.register({ name: "cursors", stop: () => cursors.stop() });

  const stopping = new AbortController();
  const alerter = createAlerter({
    engine,
    indexPrefix: env.ODZEW_INDEX_PREFIX,
    config,
    webhooks,
    recorded: recorded.entries().map(([, alert]) => alert),
    record: (alert) => publish(producer, topics.alerts, [{ key: alert.key, value: alert }]),
    sourceHealth: () => new Map(cursors.entries().map(([source, cursor]) => [source, cursor.health.alert])),
    logger,
    signal: stopping.signal,
  });
  let running: Promise<unknown> | undefined;
  const look = () => {
    if (running) return; // a slow look is not stacked on another
    running = cursors
      .catchUp(15_000)
      .then(() => alerter.runOnce())
      .then((report) => {
        const level = report.opened.length + report.resolved.length > 0 ? "info" : "debug";
        logger[level]({ opened: report.opened.length, resolved: report.resolved.length, watched: report.verdicts.size }, "looked");
      })
      .catch((error: unknown) => logger.error(`look failed; next one on schedule: ${describeError(error)}`))
      .finally(() => (running = undefined));
  };
  const task = cron.schedule(config.schedule, look);
  shutdown.register({
    name: "schedule",
    stop: async () => {
      await task.stop();
      stopping.abort();
      await running;
    },
  });
  const health = await startHealthServer({ port: env.HEALTH_PORT, ready: () => shutdown.ready(), logger });
  shutdown.register(health);
  if (env.ALERTER_RUN_ON_START) look();
  logger.info({ file, schedule: config.schedule, webhooks: webhooks.map(webhookId), healthPort: health.port }, "alerter running");
});
