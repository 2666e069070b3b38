import { parseArgs } from "node:util";
import { trainFromFile } from "../train.ts";
import { defineCommand, parseFlags } from "./command.ts";
import { LEARNING_USAGE, parseLearning, runLearning, type LearningOptions } from "./learn.ts";

const FLAGS = { input: { type: "string" }, out: { type: "string" } } as const;

export interface TrainCommandOptions {
  /** NDJSON {"text", "rating": 1-5}. */
  input: string;
  /** Where the model is written. */
  out: string;
}

/** `sentiment train`'s options, or `sentiment learn` / `rollback`'s (see learn.ts). */
export type SentimentOptions = TrainCommandOptions | LearningOptions;

export const sentimentCommand = defineCommand<SentimentOptions>({
  name: "sentiment",
  usage: [
    "  sentiment train --input FILE --out FILE",
    '                              learn a Polish sentiment model from NDJSON {"text", "rating": 1-5}',
    LEARNING_USAGE,
  ].join("\n"),
  parse(args) {
    const [sub, ...rest] = args;
    if (sub === "learn" || sub === "rollback") return parseLearning(sub, rest);
    if (sub !== "train") return { ok: false, reason: `unknown sentiment command "${sub ?? ""}"; try: sentiment train --input FILE --out FILE, sentiment learn, sentiment rollback --to VERSION` };
    const flags = parseFlags("sentiment train", FLAGS, () => parseArgs({ args: rest, options: FLAGS, strict: true }));
    if (!flags.ok) return flags;
    const { input, out } = flags.parsed.values;
    if (!input || !out) return { ok: false, reason: `sentiment train needs --input FILE and --out FILE${input ? " (--out is missing)" : out ? " (--input is missing)" : ""}` };
    return { ok: true, options: { input, out } };
  },
  async run(options, context) {
    if ("learning" in options) return runLearning(options, context);
    for (const line of await trainFromFile(options.input, options.out)) process.stdout.write(`${line}\n`);
    return 0;
  },
});
