import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { lumpedTogether, runErase } from "../erase.ts";
import { parseEraseRequest, type EraseRequest } from "../erase-rules.ts";
import { withPipeline } from "../rebuild.ts";
import { defineCommand, parseFlags, usageError } from "./command.ts";

const FLAGS = {
  author: { type: "string" },
  mention: { type: "string", multiple: true },
  reference: { type: "string" },
  yes: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
} as const;

export interface EraseOptions {
  request: EraseRequest;
  yes: boolean;
  dryRun: boolean;
}

const USAGE = [
  "  erase (--author NAME | --mention ID…) [--reference TEXT] [--yes] [--dry-run]",
  "                              erase an author (needs ODZEW_AUTHOR_KEY) or single mentions from",
  "                              the index, the mention, dead-letter and alerts topics, and drop",
  "                              them when collected again; shows what matches and asks first",
].join("\n");

export const eraseCommand = defineCommand<EraseOptions>({
  name: "erase",
  usage: USAGE,
  parse(args) {
    const flags = parseFlags("erase", FLAGS, () => parseArgs({ args: [...args], options: FLAGS, strict: true }));
    if (!flags.ok) return flags;
    const { values } = flags.parsed;
    const parsed = parseEraseRequest(values, lumpedTogether);
    if (!parsed.ok) return parsed;
    return { ok: true, options: { request: parsed.request, yes: values.yes, dryRun: values["dry-run"] } };
  },
  async run(options, { env, logger }) {
    const authorKey = process.env.ODZEW_AUTHOR_KEY;
    if (options.request.author !== undefined && !authorKey) {
      throw usageError("erase --author needs ODZEW_AUTHOR_KEY, the enricher's pseudonym key, to find the author's pseudonym", `Usage: odzew …\n${USAGE}`);
    }
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
    const { lines, exitCode } = await withPipeline(env, logger, (kafka, store, topics) =>
      runErase({ kafka, store, topics, logger, authorKey }, options.request, {
        yes: options.yes,
        dryRun: options.dryRun,
        confirm: interactive ? askYes : undefined,
      }),
    );
    for (const line of lines) process.stdout.write(`${line}\n`);
    return exitCode;
  },
});

/** Asks on the terminal; only an explicit yes counts. */
async function askYes(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes|t|tak)$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}
