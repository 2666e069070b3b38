import { parseArgs } from "node:util";
import { backfill } from "../backfill.ts";
import { defineCommand, parseFlags } from "./command.ts";

const FLAGS = { pages: { type: "string" } } as const;
/** Most pages a backfill may be told to read. */
export const MAX_BACKFILL_PAGES = 10_000;

export interface BackfillOptions {
  sourceId: string;
  /** Pages to read instead of the source's `limits.backfillPages`. */
  pages?: number;
}

export const backfillCommand = defineCommand<BackfillOptions>({
  name: "backfill",
  usage: [
    "  backfill SOURCE [--pages N] read a source's history now (default: its limits.backfillPages) and",
    "                              deliver what is new; shows a progress bar",
  ].join("\n"),
  parse(args) {
    const flags = parseFlags("backfill", FLAGS, () => parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true }));
    if (!flags.ok) return flags;
    const { values, positionals } = flags.parsed;
    const [sourceId] = positionals;
    if (!sourceId || positionals.length > 1) {
      return { ok: false, reason: `backfill takes one source id (an id from the sources file), ${positionals.length === 0 ? "and none was given" : `not ${positionals.length}: ${positionals.join(" ")}`}` };
    }
    if (values.pages === undefined) return { ok: true, options: { sourceId } };
    const pages = Number(values.pages);
    if (!(Number.isInteger(pages) && pages >= 1 && pages <= MAX_BACKFILL_PAGES)) {
      return { ok: false, reason: `--pages takes a whole number from 1 to ${MAX_BACKFILL_PAGES}, not "${values.pages}"` };
    }
    return { ok: true, options: { sourceId, pages } };
  },
  async run(options, { env, logger }) {
    process.stdout.write(`${await backfill(env, options.sourceId, { logger, ...(options.pages ? { pages: options.pages } : {}) })}\n`);
    return 0;
  },
});
