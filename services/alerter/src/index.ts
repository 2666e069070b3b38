import { existsSync } from "node:fs";
import cron from "node-cron";
import { loadAlertsFile } from "@odzew/config";
import { OdzewError, ShutdownManager, createLogger, describeError, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, createTopicTable, kafkaConnectionFromEnv, publish } from "@odzew/kafka";
import { alertSchema, alertsFileSchema, sourceCursorSchema, topicNames } from "@odzew/schema";
import { connectEngine } from "@odzew/search";
import { createAlerter } from "./alerter.ts";
import { env } from "./env.ts";

const logger = createLogger({ service: "alerter", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const file = env.ODZEW_ALERTS_FILE ?? (existsSync("config/alerts.yaml") ? "config/alerts.yaml" : undefined);
  const config = file ? await loadAlertsFile(file) : alertsFileSchema.parse({});
  if (!file) logger.warn("no config/alerts.yaml (ODZEW_ALERTS_FILE): default thresholds, no webhooks; alerts are recorded and served at GET /api/v1/alerts");
  if (!cron.validate(config.schedule)) {
    throw new OdzewError("CONFIG_INVALID", `${file}: schedule: "${config.schedule}" is not a cron expression; e.g. "*/5 * * * *"`);
  }
  const webhooks = config.webhooks.map((hook, index) => {
    if ("url" in hook) return hook.url;
    const url = process.env[hook.env];
    if (!url || !/^https?:\/\//.test(url)) {
      throw new OdzewError("CONFIG_INVALID", `${file}: webhooks[${index}]: environment variable ${hook.env} must hold the webhook's http(s) URL`);
    }
    return url;
  });
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
  const cursors = createTopicTable({ kafka, topic: topics.collectCursors, schema: sourceCursorSchema, logger });
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
    running = alerter
      .runOnce()
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
  logger.info({ schedule: config.schedule, webhooks: webhooks.length, healthPort: health.port }, "alerter running");
});
