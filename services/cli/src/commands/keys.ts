import { newKey } from "@odzew/core";
import { defineCommand } from "./command.ts";

export const keysCommand = defineCommand<{ subcommand: "new" }>({
  name: "keys",
  usage: "  keys new                    print a new API key (192 random bits) and its teams.yaml line",
  parse(args) {
    if (args[0] !== "new" || args.length > 1) {
      return { ok: false, reason: `keys takes one subcommand: keys new${args.length > 0 ? ` (not "${args.join(" ")}")` : ""}` };
    }
    return { ok: true, options: { subcommand: "new" } };
  },
  async run() {
    const { key, teamsEntry } = newKey();
    process.stdout.write(`key:    ${key}\nstore:  ${teamsEntry}   # in teams.yaml; hand out the key, keep only the hash\n`);
    return 0;
  },
});
