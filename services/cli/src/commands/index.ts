import { backfillCommand } from "./backfill.ts";
import type { Command } from "./command.ts";
import { enrichCommand } from "./enrich.ts";
import { eraseCommand } from "./erase.ts";
import { keysCommand } from "./keys.ts";
import { reindexCommand } from "./reindex.ts";
import { repliesCommand } from "./replies.ts";
import { rescoreCommand } from "./rescore.ts";
import { runCommand } from "./run.ts";
import { sentimentCommand } from "./sentiment.ts";
import { setupCommand } from "./setup.ts";
import { validateCommand } from "./validate.ts";

export { defineCommand, parseFlags, usageError, type Command, type CommandContext, type CommandSpec, type Parsed } from "./command.ts";

/** Every `odzew` command, in the order `odzew --help` lists them. */
export const COMMANDS: readonly Command[] = [
  setupCommand,
  backfillCommand,
  enrichCommand,
  sentimentCommand,
  rescoreCommand,
  reindexCommand,
  eraseCommand,
  keysCommand,
  repliesCommand,
  validateCommand,
  runCommand,
];

/** `odzew --help`: every command's usage, from its module. */
export function usageText(commands: readonly Command[] = COMMANDS): string {
  return [
    "Usage: odzew <command> [options]",
    "",
    "Commands:",
    ...commands.map((command) => command.usage),
    "  help                        show this",
    "",
    "Environment: KAFKA_BROKERS, SEARCH_URL (+ SEARCH_USERNAME, SEARCH_PASSWORD), ODZEW_TOPIC_PREFIX,",
    "ODZEW_INDEX_PREFIX, ODZEW_SOURCES_FILE, ODZEW_TEAMS_FILE, ODZEW_BRANDS_FILE, LOG_LEVEL; see README.md.",
  ].join("\n");
}

/** `odzew COMMAND --help`: that command's usage. */
export function commandHelp(command: Command): string {
  return `Usage: odzew …\n${command.usage}\n\nodzew --help lists every command.`;
}

export const HELP_WORDS: readonly string[] = ["help", "--help", "-h"];

/** What the dispatcher does with the command line: show the usage, show a command's help, run a command, or refuse. */
export type Dispatch =
  | { kind: "usage"; exitCode: 0 | 2 }
  | { kind: "command-help"; command: Command }
  | { kind: "run"; command: Command; args: string[] }
  | { kind: "unknown"; name: string };

export function dispatch(argv: readonly string[], commands: readonly Command[] = COMMANDS): Dispatch {
  const [name, ...args] = argv;
  // Without a command: the usage, and exit 2 (a script that forgot its command fails).
  if (name === undefined) return { kind: "usage", exitCode: 2 };
  if (HELP_WORDS.includes(name)) return { kind: "usage", exitCode: 0 };
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) return { kind: "unknown", name };
  if (args.includes("--help") || args.includes("-h")) return { kind: "command-help", command };
  return { kind: "run", command, args };
}
