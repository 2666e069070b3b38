import { parseArgs } from "node:util";
import { loadTeamsFile } from "@odzew/config";
import { rebuildIndex, withPipeline } from "../rebuild.ts";
import { defineCommand, parseFlags } from "./command.ts";

const FLAGS = { teams: { type: "string" } } as const;

export interface ReindexOptions {
  /** The teams file whose aliases the new index gets (default: ODZEW_TEAMS_FILE). */
  teams?: string;
}

export const reindexCommand = defineCommand<ReindexOptions>({
  name: "reindex",
  usage: [
    "  reindex [--teams FILE]      drop the index and rebuild it from the topics (mentions, workflow);",
    "                              for a new mapping or a new model's output",
  ].join("\n"),
  parse(args) {
    const flags = parseFlags("reindex", FLAGS, () => parseArgs({ args: [...args], options: FLAGS, strict: true }));
    if (!flags.ok) return flags;
    const { teams } = flags.parsed.values;
    return { ok: true, options: teams !== undefined ? { teams } : {} };
  },
  async run(options, { env, logger }) {
    const { teams } = await loadTeamsFile(options.teams ?? env.ODZEW_TEAMS_FILE);
    const report = await withPipeline(env, logger, (kafka, store, topics) =>
      rebuildIndex({
        kafka,
        store,
        topics,
        teams,
        replicas: env.SEARCH_REPLICAS,
        logger,
        onProgress: (what, count) => process.stderr.write(`\r${what}: ${count.toLocaleString("en")}   `),
      }),
    );
    process.stderr.write("\n");
    process.stdout.write(
      `reindexed ${report.mentions} mentions and ${report.events} workflow events in ${report.seconds} s` +
        `${report.skippedErased ? `; ${report.skippedErased} of erased authors skipped` : ""}${report.rejected ? `; ${report.rejected} refused by the engine (see the log)` : ""}\n`,
    );
    // 3: rebuilt, but the engine refused some mentions.
    return report.rejected > 0 ? 3 : 0;
  },
});
