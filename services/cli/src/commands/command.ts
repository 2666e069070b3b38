import type { ParseArgsConfig } from "node:util";
import { OdzewError, type Logger } from "@odzew/core";
import type { CliEnv } from "../env.ts";

/**
 * The shape of an `odzew` command: its usage text (its lines in `odzew --help`, also shown by
 * `odzew COMMAND --help` and under a usage error), a pure `parse` of its arguments, and `run`,
 * the shell that does the work and returns the exit code.
 */

/** What every command gets to run: the CLI's environment (env.ts) and the process's logger. */
export interface CommandContext {
  env: CliEnv;
  logger: Logger;
}

/** Arguments parsed, or why not: a sentence naming the flag and the fix. */
export type Parsed<O> = { ok: true; options: O } | { ok: false; reason: string };

export interface CommandSpec<O> {
  name: string;
  /** The command's lines in `odzew --help`, as printed there (two-space indent, aligned description). */
  usage: string;
  parse(args: readonly string[]): Parsed<O>;
  run(options: O, context: CommandContext): Promise<number>;
}

/** A command with its options' type closed over: what the dispatcher holds. */
export interface Command {
  name: string;
  usage: string;
  /** Parse, then run; a bad argument is a usage error (exit 1) with the command's usage. */
  execute(args: readonly string[], context: CommandContext): Promise<number>;
}

/** A usage error: the reason, then the usage to read. Exit code 1, like every refusal. */
export function usageError(reason: string, usage: string): OdzewError {
  return new OdzewError("CONFIG_INVALID", `${reason}\n\n${usage}`);
}

export function defineCommand<O>(spec: CommandSpec<O>): Command & { parse: CommandSpec<O>["parse"] } {
  return {
    name: spec.name,
    usage: spec.usage,
    parse: spec.parse,
    async execute(args, context) {
      const parsed = spec.parse(args);
      if (!parsed.ok) throw usageError(parsed.reason, `Usage: odzew …\n${spec.usage}`);
      return spec.run(parsed.options, context);
    },
  };
}

type Flags = NonNullable<ParseArgsConfig["options"]>;

/** What a flag's value is, in messages: `--pages N`, `--teams FILE`. */
const PLACEHOLDERS: Record<string, string> = {
  pages: "N",
  teams: "FILE",
  brands: "FILE",
  "sentiment-model": "FILE",
  topics: "FILE",
  input: "FILE",
  out: "FILE",
  author: "NAME",
  mention: "ID",
  reference: "TEXT",
};

/** How a command's flags are written in a message: `--pages N, --yes`. */
export function flagsSynopsis(flags: Flags): string[] {
  return Object.entries(flags).map(([name, flag]) => (flag.type === "boolean" ? `--${name}` : `--${name} ${PLACEHOLDERS[name] ?? "VALUE"}`));
}

/**
 * Run `node:util` parseArgs (`parse`) and turn its errors into sentences a user can act on:
 * which flag is unknown or lacks its value, and what the command takes instead.
 */
export function parseFlags<T>(command: string, flags: Flags, parse: () => T): { ok: true; parsed: T } | { ok: false; reason: string } {
  try {
    return { ok: true, parsed: parse() };
  } catch (error) {
    const takes = flagsSynopsis(flags);
    const accepted = takes.length > 0 ? `${command} takes ${takes.join(", ")}` : `${command} takes no options`;
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    const message = error instanceof Error ? error.message : String(error);
    const quoted = /'([^' ]+)/.exec(message)?.[1] ?? "";
    switch (code) {
      case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
        return { ok: false, reason: `unknown option ${quoted} for ${command}; ${accepted}` };
      case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
        const synopsis = takes.find((flag) => flag.startsWith(`${quoted} `)) ?? quoted;
        if (/argument missing/.test(message)) return { ok: false, reason: `${quoted} needs a value (${synopsis})` };
        if (/ambiguous/.test(message)) return { ok: false, reason: `${quoted} needs a value (${synopsis}); for a value starting with a dash write ${quoted}=VALUE` };
        return { ok: false, reason: `${quoted} takes no value; write just ${quoted}` };
      }
      case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
        return { ok: false, reason: `unexpected argument "${quoted}" for ${command}; ${accepted}` };
      default:
        throw error;
    }
  }
}
