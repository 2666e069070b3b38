import { parseArgs } from "node:util";
import { setup } from "../setup.ts";
import { defineCommand, parseFlags } from "./command.ts";

const FLAGS = { teams: { type: "string" } } as const;

export interface SetupOptions {
  /** The teams file whose aliases to install (default: ODZEW_TEAMS_FILE). */
  teams?: string;
}

export const setupCommand = defineCommand<SetupOptions>({
  name: "setup",
  usage: "  setup [--teams FILE]        create the Kafka topics, the index template and the team aliases",
  parse(args) {
    const flags = parseFlags("setup", FLAGS, () => parseArgs({ args: [...args], options: FLAGS, strict: true }));
    if (!flags.ok) return flags;
    const { teams } = flags.parsed.values;
    return { ok: true, options: teams !== undefined ? { teams } : {} };
  },
  async run(options, { env, logger }) {
    for (const line of await setup(env, options.teams ?? env.ODZEW_TEAMS_FILE, logger)) process.stdout.write(`${line}\n`);
    return 0;
  },
});
