import { existsSync } from "node:fs";
import { loadBrandsFile, loadRepliesFile, loadSourcesFile, loadTeamsFile } from "@odzew/config";
import { ShutdownManager, createLogger, startHealthServer } from "@odzew/core";
import { createKafka, createProducer, kafkaConnectionFromEnv } from "@odzew/kafka";
import { topicNames } from "@odzew/schema";
import { connectEngine } from "@odzew/search";
import { HttpClient } from "@odzew/sources";
import { env } from "./env.ts";
import { createResponder } from "./responder.ts";
import { createRuleRunner, indexWorkflows } from "./rule-runner.ts";

const logger = createLogger({ service: "responder", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const { sources } = await loadSourcesFile(env.ODZEW_SOURCES_FILE);
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-responder"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });

  const topics = topicNames(env.ODZEW_TOPIC_PREFIX);
  const responder = createResponder({
    kafka,
    producer,
    topics,
    groupId: env.RESPONDER_GROUP_ID,
    sources,
    // One try per call: a reply is posted again only after the store was asked what it shows.
    http: new HttpClient({ logger, maxAttempts: 1, minIntervalMsPerHost: 200, ...(env.RESPONDER_USER_AGENT ? { userAgent: env.RESPONDER_USER_AGENT } : {}) }),
    secret: (name) => process.env[name],
    retry: {
      unavailableTries: env.RESPONDER_UNAVAILABLE_TRIES,
      rateLimitedTries: env.RESPONDER_RATE_LIMITED_TRIES,
      backoffMs: env.RESPONDER_BACKOFF_MS,
      maxRetryAfterMs: env.RESPONDER_MAX_RETRY_AFTER_MS,
    },
    logger,
    onCrash: () => void shutdown.stop().finally(() => process.exit(1)),
  });
  shutdown.register(responder);

  // Reply rules, when replies.yaml has enabled ones: their own consumer group on the enriched mentions.
  const repliesFile = env.ODZEW_REPLIES_FILE ?? (existsSync("config/replies.yaml") ? "config/replies.yaml" : undefined);
  let ruleRunner: ReturnType<typeof createRuleRunner> | undefined;
  if (repliesFile && (await loadRepliesFile(repliesFile)).rules.some((rule) => rule.enabled)) {
    // The rules name teams and their templates brands: checked against those files.
    const { teams } = await loadTeamsFile(env.ODZEW_TEAMS_FILE);
    const brands = existsSync(env.ODZEW_BRANDS_FILE) ? (await loadBrandsFile(env.ODZEW_BRANDS_FILE)).brands : undefined;
    const replies = await loadRepliesFile(repliesFile, { teams, ...(brands ? { brands: brands.map((brand) => brand.id) } : {}) });
    const rules = replies.rules.filter((rule) => rule.enabled);
    const engine = await connectEngine({ url: env.SEARCH_URL, username: env.SEARCH_USERNAME, password: env.SEARCH_PASSWORD });
    shutdown.register({ name: "search", stop: () => engine.close() });
    const brandNames = new Map((brands ?? []).map((brand) => [brand.id, brand.name]));
    ruleRunner = createRuleRunner({
      kafka,
      producer,
      topics,
      groupId: `${env.RESPONDER_GROUP_ID}-rules`,
      setup: { rules, templates: replies.templates, teams, sources, brandName: (id) => brandNames.get(id) },
      workflows: indexWorkflows(engine, env.ODZEW_INDEX_PREFIX),
      logger,
      onCrash: () => void shutdown.stop().finally(() => process.exit(1)),
    });
    shutdown.register(ruleRunner);
    logger.info({ rules: rules.map((rule) => rule.id), file: repliesFile }, "reply rules enabled");
  }

  const health = await startHealthServer({ port: env.HEALTH_PORT, ready: () => shutdown.ready(), logger });
  shutdown.register(health);
  await Promise.all([responder.start(), ruleRunner?.start()]);
  logger.info({ sources: sources.length, rules: ruleRunner !== undefined, healthPort: health.port }, "responder running");
});
