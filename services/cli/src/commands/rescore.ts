import { parseArgs } from "node:util";
import { loadBrandsFile, loadYamlFile } from "@odzew/config";
import { createEnrichment, parseSentimentModelFile, readSentimentModelFile, taxonomyFrom, type SentimentModelFile } from "@odzew/nlp";
import { topicsFileSchema } from "@odzew/schema";
import { currentPromotion } from "../learn.ts";
import { progressLine, rescoreHistory } from "../rescore.ts";
import { defineCommand, parseFlags, usageError } from "./command.ts";
import { connectKafka } from "./learn.ts";

const FLAGS = { since: { type: "string" } } as const;

export interface RescoreOptions {
  /** Only mentions published at or after this. */
  since?: Date;
}

const USAGE = [
  "  rescore [--since DATE]      re-enrich history (mentions published since DATE, default all) with the",
  "                              current model: new versions on the enriched topic, the index follows",
].join("\n");

/** How often progress is printed. */
const PROGRESS_EVERY_MS = 2_000;

export const rescoreCommand = defineCommand<RescoreOptions>({
  name: "rescore",
  usage: USAGE,
  parse(args) {
    const flags = parseFlags("rescore", FLAGS, () => parseArgs({ args: [...args], options: FLAGS, strict: true }));
    if (!flags.ok) return flags;
    const { since } = flags.parsed.values;
    if (since === undefined) return { ok: true, options: {} };
    const at = Date.parse(since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(at)) return { ok: false, reason: `--since takes a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not "${since}"` };
    return { ok: true, options: { since: new Date(at) } };
  },
  async run(options, { env, logger }) {
    const authorKey = process.env.ODZEW_AUTHOR_KEY;
    if (!authorKey) throw usageError("rescore needs ODZEW_AUTHOR_KEY, the enricher's pseudonym key, so authors keep their pseudonyms", `Usage: odzew …\n${USAGE}`);
    const { brands } = await loadBrandsFile(env.ODZEW_BRANDS_FILE);
    const topicsFile = process.env.ODZEW_TOPICS_FILE;
    const topics = topicsFile ? taxonomyFrom(await loadYamlFile(topicsFile, topicsFileSchema)) : undefined;
    const connection = await connectKafka(env, logger);
    try {
      // The current model: the one promoted on the models topic, else the enricher's file, else the lexicon.
      const promoted = await currentPromotion(connection.kafka, connection.topics, logger);
      const modelFile = process.env.ODZEW_SENTIMENT_MODEL_FILE;
      let model: SentimentModelFile | undefined;
      if (promoted) model = parseSentimentModelFile(promoted.model);
      else if (modelFile) model = await readSentimentModelFile(modelFile);
      const enricher = createEnrichment({ brands, topics, sentimentModel: model, authorKey });
      process.stdout.write(
        `rescoring with ${promoted ? `model version ${promoted.version} (${promoted.modelId})` : model ? `the model in ${modelFile}` : "the lexicon"}${options.since ? `, mentions published since ${options.since.toISOString()}` : ""}\n`,
      );
      let printed = 0;
      const report = await rescoreHistory({
        ...connection,
        enricher,
        since: options.since,
        logger,
        onProgress: (progress) => {
          if (progress.elapsedMs - printed < PROGRESS_EVERY_MS) return;
          printed = progress.elapsedMs;
          process.stdout.write(`${progressLine(progress)}\n`);
        },
      });
      process.stdout.write(
        `rescored ${report.published} mentions in ${report.seconds.toFixed(1)} s (${report.read} records read; skipped: ${report.before} published before --since, ${report.older} older readings, ${report.erased} erased, ${report.tooLarge} too large)\n`,
      );
      return 0;
    } finally {
      await connection.close();
    }
  },
});
