import { createInterface } from "node:readline";
import { z } from "zod";
import type { Logger } from "@odzew/core";
import { loadBrandsFile, loadYamlFile } from "@odzew/config";
import { createEnrichment, readSentimentModelFile, taxonomyFrom } from "@odzew/nlp";
import { topicsFileSchema } from "@odzew/schema";

/** One input line of `odzew enrich`: at least `text`; anything else is passed through. */
const inputSchema = z.looseObject({
  text: z.string(),
  title: z.string().optional(),
  rating: z.number().min(1).max(5).optional(),
  lang: z.string().min(2).max(8).optional(),
  author: z.looseObject({ name: z.string() }).optional(),
});

/**
 * `odzew enrich`: NDJSON mentions on standard input, one enriched NDJSON line per input line on
 * standard output, in order. A line that cannot be read gives `{"error": …}` in its place, so
 * the output stays aligned with the input.
 */
export async function enrichStream(options: {
  brandsFile: string;
  sentimentModelFile?: string | undefined;
  topicsFile?: string | undefined;
  authorKey?: string | undefined;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  logger: Logger;
}): Promise<{ lines: number; errors: number }> {
  const { brands } = await loadBrandsFile(options.brandsFile);
  const topics = options.topicsFile ? taxonomyFrom(await loadYamlFile(options.topicsFile, topicsFileSchema)) : undefined;
  const sentimentModel = options.sentimentModelFile ? await readSentimentModelFile(options.sentimentModelFile) : undefined;
  const enrichment = createEnrichment({ brands, topics, sentimentModel, authorKey: options.authorKey });
  options.logger.debug({ sentiment: enrichment.sentimentModel }, "enrichment ready");

  let lines = 0;
  let errors = 0;
  const write = (value: unknown) =>
    new Promise<void>((resolve) => {
      if (options.output.write(`${JSON.stringify(value)}\n`)) resolve();
      else options.output.once("drain", () => resolve());
    });
  for await (const line of createInterface({ input: options.input, crlfDelay: Infinity })) {
    lines += 1;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      errors += 1;
      options.logger.warn({ line: lines }, `not JSON: ${(error as Error).message}`);
      await write({ error: `line ${lines}: not JSON` });
      continue;
    }
    const parsed = inputSchema.safeParse(json);
    if (!parsed.success) {
      errors += 1;
      const issue = parsed.error.issues[0];
      const reason = `line ${lines}: ${issue?.path.join(".") || "line"}: ${issue?.message}`;
      options.logger.warn({ line: lines }, reason);
      await write({ error: reason });
      continue;
    }
    await write({ ...parsed.data, ...enrichment.enrich(parsed.data) });
  }
  return { lines, errors };
}
