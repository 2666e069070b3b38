import { parseArgs } from "node:util";
import { validateConfig } from "../validate.ts";
import { defineCommand, parseFlags } from "./command.ts";

const FLAGS = { demo: { type: "boolean", default: false } } as const;

export const validateCommand = defineCommand<{ demo: boolean }>({
  name: "validate",
  usage: [
    "  validate [--demo]           check the sources, teams, brands and replies files; every problem with",
    "                              file, line, field and fix; reply credentials named but not set",
  ].join("\n"),
  parse(args) {
    const flags = parseFlags("validate", FLAGS, () => parseArgs({ args: [...args], options: FLAGS, strict: true }));
    if (!flags.ok) return flags;
    return { ok: true, options: { demo: flags.parsed.values.demo } };
  },
  async run({ demo }, { env }) {
    const dir = demo ? "config/demo" : "config";
    const { report, error } = await validateConfig({
      sources: demo ? `${dir}/sources.yaml` : env.ODZEW_SOURCES_FILE,
      teams: demo ? `${dir}/teams.yaml` : env.ODZEW_TEAMS_FILE,
      brands: demo ? `${dir}/brands.yaml` : env.ODZEW_BRANDS_FILE,
      alerts: demo ? `${dir}/alerts.yaml` : (process.env.ODZEW_ALERTS_FILE ?? "config/alerts.yaml"),
      replies: demo ? `${dir}/replies.yaml` : env.ODZEW_REPLIES_FILE,
    });
    for (const line of report) process.stdout.write(`${line}\n`);
    if (error) throw error;
    return 0;
  },
});
