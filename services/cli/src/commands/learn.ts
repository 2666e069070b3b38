import { parseArgs } from "node:util";
import { describeError, type Logger } from "@odzew/core";
import { createKafka, createProducer, ensureTopics, kafkaConnectionFromEnv, type Kafka, type Producer } from "@odzew/kafka";
import { readSentimentModelFile, type SentimentModelFile } from "@odzew/nlp";
import { topicNames, topicSpecs, type TopicNames } from "@odzew/schema";
import { DEFAULT_MODELS_DIR, learnFromTopics, rollbackModel } from "../learn.ts";
import type { CommandContext, Parsed } from "./command.ts";
import { parseFlags } from "./command.ts";

/**
 * `odzew sentiment learn` and `odzew sentiment rollback --to VERSION` (subcommands of
 * `sentiment`, see sentiment.ts): the brand's own model, learned from its rated mentions.
 */

export const LEARNING_USAGE = [
  "  sentiment learn             learn a Polish model from the rated mentions on the enriched topic;",
  "                              promote it (models folder + models topic) only if it beats the one in use",
  "  sentiment rollback --to VERSION",
  "                              put an earlier promoted model back (from ODZEW_MODELS_DIR)",
].join("\n");

export type LearningOptions = { learning: "learn" } | { learning: "rollback"; version: number };

const ROLLBACK_FLAGS = { to: { type: "string" } } as const;

export function parseLearning(sub: "learn" | "rollback", args: readonly string[]): Parsed<LearningOptions> {
  if (sub === "learn") {
    const flags = parseFlags("sentiment learn", {}, () => parseArgs({ args: [...args], options: {}, strict: true }));
    return flags.ok ? { ok: true, options: { learning: "learn" } } : flags;
  }
  const flags = parseFlags("sentiment rollback", ROLLBACK_FLAGS, () => parseArgs({ args: [...args], options: ROLLBACK_FLAGS, strict: true }));
  if (!flags.ok) return flags;
  const to = flags.parsed.values.to;
  if (to === undefined) return { ok: false, reason: "sentiment rollback needs --to VERSION (a version in ODZEW_MODELS_DIR, e.g. --to 3)" };
  const version = Number(to.replace(/^v/, ""));
  if (!Number.isInteger(version) || version < 1) return { ok: false, reason: `--to takes a model version, a whole number from 1 (e.g. --to 3), not "${to}"` };
  return { ok: true, options: { learning: "rollback", version } };
}

/** Where models live: `ODZEW_MODELS_DIR`, default `.odzew/models`. */
export function modelsDir(): string {
  return process.env.ODZEW_MODELS_DIR || DEFAULT_MODELS_DIR;
}

/** The model the enrichers load at start (`ODZEW_SENTIMENT_MODEL_FILE`), if any: the one to beat before any promotion. */
async function startingModel(): Promise<SentimentModelFile | undefined> {
  const file = process.env.ODZEW_SENTIMENT_MODEL_FILE;
  return file ? readSentimentModelFile(file) : undefined;
}

/** Kafka, a connected producer and the topic names for a command; `close` when done. */
export async function connectKafka(env: CommandContext["env"], logger: Logger): Promise<{ kafka: Kafka; producer: Producer; topics: TopicNames; close(): Promise<void> }> {
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-cli"), logger);
  const producer = createProducer(kafka);
  await producer.connect();
  return { kafka, producer, topics: topicNames(env.ODZEW_TOPIC_PREFIX), close: () => producer.disconnect() };
}

/** The models topic as `odzew setup` makes it (compacted, kept forever), should setup predate it. */
async function ensureModelsTopic(kafka: Kafka, env: CommandContext["env"]): Promise<void> {
  const name = topicNames(env.ODZEW_TOPIC_PREFIX).models;
  await ensureTopics(kafka, topicSpecs(env.ODZEW_TOPIC_PREFIX, env.KAFKA_PARTITIONS).filter((spec) => spec.name === name), env.KAFKA_REPLICATION_FACTOR);
}

export async function runLearning(options: LearningOptions, { env, logger }: CommandContext): Promise<number> {
  const connection = await connectKafka(env, logger);
  try {
    await ensureModelsTopic(connection.kafka, env);
    const lines =
      options.learning === "learn"
        ? (await learnFromTopics({ ...connection, modelsDir: modelsDir(), startingModel: await startingModel(), logger })).lines
        : await rollbackModel({ ...connection, modelsDir: modelsDir(), version: options.version, logger });
    for (const line of lines) process.stdout.write(`${line}\n`);
    return 0;
  } finally {
    await connection.close();
  }
}

/**
 * One scheduled round of `sentiment learn` under `odzew run`: its lines go to the log, and a
 * failure is logged, never thrown (the services keep running; the next round tries again).
 */
export async function learnOnSchedule(context: CommandContext): Promise<void> {
  const logger = context.logger.child({ scope: "sentiment-learn" });
  const connection = await connectKafka(context.env, logger).catch((error: unknown) => {
    logger.error(`scheduled sentiment learn could not reach Kafka: ${describeError(error)}`);
    return undefined;
  });
  if (!connection) return;
  try {
    await ensureModelsTopic(connection.kafka, context.env);
    const report = await learnFromTopics({ ...connection, modelsDir: modelsDir(), startingModel: await startingModel(), logger });
    for (const line of report.lines) logger.info({ outcome: report.outcome }, line);
  } catch (error) {
    logger.error(`scheduled sentiment learn failed: ${describeError(error)}`);
  } finally {
    await connection.close();
  }
}
