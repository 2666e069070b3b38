import { parseArgs } from "node:util";
import { enrichStream } from "../enrich.ts";
import { defineCommand, parseFlags } from "./command.ts";

const FLAGS = { brands: { type: "string" }, "sentiment-model": { type: "string" }, topics: { type: "string" } } as const;

export interface EnrichOptions {
  brandsFile: string;
  sentimentModelFile?: string;
  topicsFile?: string;
}

export const enrichCommand = defineCommand<EnrichOptions>({
  name: "enrich",
  usage: [
    "  enrich --brands FILE [--sentiment-model FILE] [--topics FILE]",
    '                              NDJSON mentions on stdin ({"text", "title"?, "rating"?, "lang"?}) →',
    "                              one enriched NDJSON line per input line on stdout, in order",
  ].join("\n"),
  parse(args) {
    const flags = parseFlags("enrich", FLAGS, () => parseArgs({ args: [...args], options: FLAGS, strict: true }));
    if (!flags.ok) return flags;
    const { brands, "sentiment-model": sentimentModel, topics } = flags.parsed.values;
    if (!brands) return { ok: false, reason: "enrich needs --brands FILE (the brands file, see README)" };
    return {
      ok: true,
      options: { brandsFile: brands, ...(sentimentModel !== undefined ? { sentimentModelFile: sentimentModel } : {}), ...(topics !== undefined ? { topicsFile: topics } : {}) },
    };
  },
  async run(options, { logger }) {
    const { errors } = await enrichStream({
      brandsFile: options.brandsFile,
      sentimentModelFile: options.sentimentModelFile,
      topicsFile: options.topicsFile,
      authorKey: process.env.ODZEW_AUTHOR_KEY,
      input: process.stdin,
      output: process.stdout,
      logger,
    });
    // 3: done, but some lines could not be enriched (each is an error line on stdout).
    return errors > 0 ? 3 : 0;
  },
});
