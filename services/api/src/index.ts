import { loadTeamsFile } from "@odzew/config";
import { ShutdownManager, createLogger } from "@odzew/core";
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
  const app = await buildApi({ store, teamsByKeyHash, logger, ready: () => shutdown.ready() });
  shutdown.register({ name: "http", stop: () => app.close() });
  const address = await app.listen({ host: env.API_HOST, port: env.API_PORT });
  logger.info({ url: `${address}/api/v1`, teams: teams.map((team) => team.id) }, "api listening");
});
