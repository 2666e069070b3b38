import { existsSync } from "node:fs";
import { loadSourcesFile, loadTeamsFile } from "@odzew/config";
import { ShutdownManager, createLogger } from "@odzew/core";
import { createKafka, createTopicTable, kafkaConnectionFromEnv } from "@odzew/kafka";
import { sourceCursorSchema, topicNames } from "@odzew/schema";
import { MentionStore, connectEngine } from "@odzew/search";
import { buildApi } from "./app.ts";
import { resolveTeamKeys } from "./auth.ts";
import { env } from "./env.ts";

const logger = createLogger({ service: "api", level: env.LOG_LEVEL });
const shutdown = new ShutdownManager(logger);
shutdown.installSignalHandlers();

await shutdown.boot(async () => {
  const { teams } = await loadTeamsFile(env.ODZEW_TEAMS_FILE);
  const teamsByKeyHash = resolveTeamKeys(teams, process.env, env.ODZEW_TEAMS_FILE);
  const engine = await connectEngine({ url: env.SEARCH_URL, username: env.SEARCH_USERNAME, password: env.SEARCH_PASSWORD });
  shutdown.register({ name: "search", stop: () => engine.close() });
  const store = new MentionStore(engine, env.ODZEW_INDEX_PREFIX, logger);
  // Source health comes from the collectors' cursors; the sources file adds never-polled ones.
  const configured = existsSync(env.ODZEW_SOURCES_FILE) ? (await loadSourcesFile(env.ODZEW_SOURCES_FILE)).sources : [];
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-api"), logger);
  const cursors = createTopicTable({
    kafka,
    topic: topicNames(env.ODZEW_TOPIC_PREFIX).collectCursors,
    schema: sourceCursorSchema,
    logger,
  });
  await cursors.start();
  shutdown.register({ name: "cursors", stop: () => cursors.stop() });
  const known = new Set(configured.map((source) => source.id));
  const sources = () => [
    ...configured.map((source) => ({ id: source.id, type: source.type, brands: source.brands, cursor: cursors.get(source.id) })),
    ...cursors
      .entries()
      .filter(([id]) => !known.has(id))
      .map(([id, cursor]) => ({ id, cursor })),
  ];
  const app = await buildApi({ store, teamsByKeyHash, logger, ready: () => shutdown.ready(), sources });
  shutdown.register({ name: "http", stop: () => app.close() });
  const address = await app.listen({ host: env.API_HOST, port: env.API_PORT });
  logger.info({ url: `${address}/api/v1`, teams: teams.map((team) => team.id) }, "api listening");
});
