import { existsSync } from "node:fs";
import { loadBrandsFile, loadSourcesFile, loadYamlFile } from "@odzew/config";
import { METRICS_CONTENT_TYPE, ShutdownManager, createLogger, metricsText } from "@odzew/core";
import { createKafka, createProducer, createTopicTable, kafkaConnectionFromEnv, publish } from "@odzew/kafka";
import { alertSchema, sourceCursorSchema, topicLabelsOf, topicNames, topicsFileSchema } from "@odzew/schema";
import { MentionStore, TeamSearch, connectEngine } from "@odzew/search";
import { buildApi } from "./app.ts";
import { TeamRegistry } from "./auth.ts";
import { env } from "./env.ts";
import { RepliesConfig, repliesFilePath } from "./replies-config.ts";

const logger = createLogger({ service: "api", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const registry = await TeamRegistry.load(env.ODZEW_TEAMS_FILE, process.env, logger);
  const teams = registry.teams;
  const engine = await connectEngine({ url: env.SEARCH_URL, username: env.SEARCH_USERNAME, password: env.SEARCH_PASSWORD });
  shutdown.register({ name: "search", stop: () => engine.close() });
  const store = new MentionStore(engine, env.ODZEW_INDEX_PREFIX, logger);
  // Keys rotate and slices change when teams.yaml changes; the aliases follow the slices.
  registry.onReload((changed) => store.syncTeams(changed));
  registry.watch();
  shutdown.register({ name: "teams", stop: async () => registry.stop() });
  // Source health comes from the collectors' cursors; the sources file adds never-polled ones.
  const configured = existsSync(env.ODZEW_SOURCES_FILE) ? (await loadSourcesFile(env.ODZEW_SOURCES_FILE)).sources : [];
  // Brand names for `{brand}` in reply templates; the templates and rules reload with their file and with teams.yaml.
  const brands = existsSync(env.ODZEW_BRANDS_FILE) ? (await loadBrandsFile(env.ODZEW_BRANDS_FILE)).brands : undefined;
  const brandNames = new Map((brands ?? []).map((brand) => [brand.id, brand.name]));
  // The topics' labels people read: the defaults, and those of the enricher's topics file.
  const topicLabels = topicLabelsOf(env.ODZEW_TOPICS_FILE ? await loadYamlFile(env.ODZEW_TOPICS_FILE, topicsFileSchema) : undefined);
  const replies = await RepliesConfig.load(repliesFilePath(env.ODZEW_REPLIES_FILE), () => ({ teams: registry.teams, brands: brands?.map((brand) => brand.id) }), logger);
  registry.onReload(async () => {
    await replies.reload();
  });
  replies.watch();
  shutdown.register({ name: "replies", stop: async () => replies.stop() });
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-api"), logger);
  const cursors = createTopicTable({
    kafka,
    topic: topicNames(env.ODZEW_TOPIC_PREFIX).collectCursors,
    schema: sourceCursorSchema,
    logger,
  });
  await cursors.start();
  shutdown.register({ name: "cursors", stop: () => cursors.stop() });
  const topics = topicNames(env.ODZEW_TOPIC_PREFIX);
  // Crisis alerts as the alerter records them, for teams with the `alerts` action.
  const alerts = createTopicTable({ kafka, topic: topics.alerts, schema: alertSchema, logger });
  await alerts.start();
  shutdown.register({ name: "alerts", stop: () => alerts.stop() });
  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.register({ name: "producer", stop: () => producer.disconnect() });
  const known = new Set(configured.map((source) => source.id));
  const sources = () => [
    ...configured.map((source) => ({ id: source.id, type: source.type, brands: source.brands, config: source, cursor: cursors.get(source.id) })),
    ...cursors
      .entries()
      .filter(([id]) => !known.has(id))
      .map(([id, cursor]) => ({ id, cursor })),
  ];
  const app = await buildApi({
    search: new TeamSearch(engine, store.names),
    keys: () => registry.keys,
    logger,
    ready: () => shutdown.ready(),
    sources,
    alerts: () => alerts.entries().map(([, alert]) => alert),
    metrics: async () => ({ contentType: METRICS_CONTENT_TYPE, body: await metricsText() }),
    heavyReadsPerTeam: env.API_HEAVY_READS_PER_TEAM,
    publishWorkflow: (event) => publish(producer, topics.workflowEvents, [{ key: event.mentionId, value: event }]),
    // The reply outbox: the responder posts what lands here, once per idempotency key.
    publishReply: (command) => publish(producer, topics.replies, [{ key: command.mentionId, value: command }]),
    replies: () => replies.current,
    brandNames: () => brandNames,
    topicLabels: () => topicLabels,
    replyMeasures: (team, range, now) => store.replyMeasures(team, range, now),
  });
  shutdown.register({ name: "http", stop: () => app.close() });
  const address = await app.listen({ host: env.API_HOST, port: env.API_PORT });
  logger.info({ url: `${address}/api/v1`, teams: teams.map((team) => team.id) }, "api listening");
});
