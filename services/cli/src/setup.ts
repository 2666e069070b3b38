import { loadTeamsFile } from "@odzew/config";
import type { Logger } from "@odzew/core";
import { createKafka, ensureTopics, kafkaConnectionFromEnv } from "@odzew/kafka";
import { topicSpecs } from "@odzew/schema";
import { MentionStore, connectEngine } from "@odzew/search";
import type { CliEnv } from "./env.ts";

/** Create the topics and install the index template and team aliases. Safe to run again. */
export async function setup(env: CliEnv, teamsFile: string, logger: Logger): Promise<string[]> {
  const { teams } = await loadTeamsFile(teamsFile);
  const report: string[] = [];

  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-cli"), logger);
  const created = await ensureTopics(kafka, topicSpecs(env.ODZEW_TOPIC_PREFIX, env.KAFKA_PARTITIONS), env.KAFKA_REPLICATION_FACTOR);
  report.push(created.length > 0 ? `kafka: created ${created.join(", ")}` : "kafka: topics already exist");

  const engine = await connectEngine({ url: env.SEARCH_URL, username: env.SEARCH_USERNAME, password: env.SEARCH_PASSWORD });
  try {
    const store = new MentionStore(engine, env.ODZEW_INDEX_PREFIX, logger);
    const { polish } = await store.setup({ teams, replicas: env.SEARCH_REPLICAS });
    report.push(
      `search: ${engine.info.kind} ${engine.info.version}, template ${store.names.template}, ` +
        `team aliases ${teams.map((team) => store.names.teamAlias(team.id)).join(", ")}, Polish stemming: ${polish}`,
    );
  } finally {
    await engine.close();
  }
  return report;
}
