import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OdzewError, describeError, type Logger } from "@odzew/core";
import { publish, replayTopic, scanTopic, type Kafka, type Producer } from "@odzew/kafka";
import {
  keepNewest,
  learnSentimentModel,
  mentionVersion,
  parseSentimentModelFile,
  ratedMentions,
  sha256Hex,
  type LearnOptions,
  type MentionVersion,
  type ModelInUse,
  type SentimentModelFile,
} from "@odzew/nlp";
import {
  MODEL_PROMOTION_SCHEMA_VERSION,
  SENTIMENT_MODEL_FAMILY,
  enrichedMentionSchema,
  modelCardSchema,
  modelPromotionSchema,
  type ModelPromotion,
  type TopicNames,
} from "@odzew/schema";

/**
 * `odzew sentiment learn` (and `rollback`): the shells around the learning core in @odzew/nlp.
 * Read the rated Polish mentions on the enriched topic and the promotion in use on the models
 * topic, learn, and when the new model wins write its file and card to the models folder and
 * record the promotion on the models topic, which every enricher follows.
 */

/** Where models live unless `ODZEW_MODELS_DIR` says otherwise. */
export const DEFAULT_MODELS_DIR = ".odzew/models";

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

export const modelFileName = (family: string, version: number) => `${family}-v${version}.json`;
export const cardFileName = (family: string, version: number) => `${family}-v${version}.card.json`;

/**
 * The promotion a family uses now: the last record under its key on the (compacted) models topic.
 * Other keys (other families, the enrichers' catch-up markers) are passed over; a tombstone clears it.
 */
export async function currentPromotion(kafka: Kafka, topics: TopicNames, logger: Logger, family = SENTIMENT_MODEL_FAMILY): Promise<ModelPromotion | undefined> {
  let latest: ModelPromotion | undefined;
  await scanTopic({
    kafka,
    topic: topics.models,
    logger,
    handle(records) {
      for (const record of records) {
        if (record.key !== family) continue;
        if (record.value === null) {
          latest = undefined;
          continue;
        }
        try {
          latest = modelPromotionSchema.parse(JSON.parse(record.value.toString("utf8")));
        } catch (error) {
          logger.warn({ family, offset: record.offset }, `a promotion record on ${topics.models} cannot be read; passed over: ${describeError(error)}`);
        }
      }
    },
  });
  return latest;
}

/** The highest version with a model file in the folder (0 when none). */
async function highestVersionInFolder(dir: string, family: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const pattern = new RegExp(`^${family}-v(\\d+)\\.json$`);
  return names.reduce((highest, name) => Math.max(highest, Number(pattern.exec(name)?.[1] ?? 0)), 0);
}

export interface LearnReport {
  lines: string[];
  outcome: "too-few" | "kept" | "promoted";
  promotion?: ModelPromotion;
}

export async function learnFromTopics(options: {
  kafka: Kafka;
  producer: Producer;
  topics: TopicNames;
  modelsDir: string;
  logger: Logger;
  learn?: LearnOptions;
  /** The model the enrichers start with (`ODZEW_SENTIMENT_MODEL_FILE`): the one to beat until a model is promoted. */
  startingModel?: SentimentModelFile | undefined;
  now?: Date;
}): Promise<LearnReport> {
  const { kafka, topics, logger } = options;
  const versions = new Map<string, MentionVersion>();
  const replayed = await replayTopic({
    kafka,
    topic: topics.mentionsEnriched,
    schema: enrichedMentionSchema,
    logger,
    handle: async (mentions) => {
      for (const mention of mentions) keepNewest(versions, mentionVersion(mention));
    },
  });
  const mentions = ratedMentions(versions.values());
  const lines = [`read ${replayed.messages} enriched mentions (${versions.size} distinct): ${mentions.length} rated Polish mentions with text`];

  const promoted = await currentPromotion(kafka, topics, logger);
  let inUse: ModelInUse | undefined;
  if (promoted) {
    try {
      inUse = { file: parseSentimentModelFile(promoted.model), version: promoted.version };
    } catch (error) {
      lines.push(`the promoted model (version ${promoted.version}) cannot be read, so the lexicon is the one to beat: ${describeError(error)}`);
    }
  } else if (options.startingModel) {
    inUse = { file: options.startingModel };
  }
  const version = Math.max(promoted?.latestVersion ?? 0, await highestVersionInFolder(options.modelsDir, SENTIMENT_MODEL_FAMILY)) + 1;
  const now = options.now ?? new Date();
  const outcome = learnSentimentModel({ mentions, inUse, version, now, ...(options.learn ? { options: options.learn } : {}) });
  if (outcome.kind === "too-few") {
    lines.push(`no model learned: ${outcome.reason}; the model in use stays (${promoted ? `version ${promoted.version}, ${promoted.modelId}` : options.startingModel ? "the enrichers' ODZEW_SENTIMENT_MODEL_FILE" : "the lexicon"})`);
    return { lines, outcome: "too-few" };
  }
  const { card } = outcome;
  lines.push(
    `learned from ${card.data.trainedOn} mentions published ${card.data.from.slice(0, 10)} to ${card.data.heldOutFrom.slice(0, 10)}; held out the newest ${card.data.heldOut} (to ${card.data.to.slice(0, 10)})`,
    `held-out label accuracy (${card.data.heldOutMeasured} mentions with 1–2 or 4–5 stars): new ${percent(card.heldOut.candidate.accuracy)}, in use ${percent(card.heldOut.inUse.accuracy)} (${card.heldOut.inUse.modelId}${card.heldOut.inUse.version ? `, version ${card.heldOut.inUse.version}` : ""})`,
  );
  if (outcome.kind === "kept") {
    lines.push(`not promoted: ${outcome.decision.reason}`);
    return { lines, outcome: "kept" };
  }
  await mkdir(options.modelsDir, { recursive: true });
  const file = join(options.modelsDir, modelFileName(SENTIMENT_MODEL_FAMILY, version));
  await writeFile(file, outcome.fileText);
  await writeFile(join(options.modelsDir, cardFileName(SENTIMENT_MODEL_FAMILY, version)), `${JSON.stringify(card, null, 2)}\n`);
  const promotion: ModelPromotion = {
    schemaVersion: MODEL_PROMOTION_SCHEMA_VERSION,
    family: SENTIMENT_MODEL_FAMILY,
    version,
    modelId: card.modelId,
    sha256: card.sha256,
    file,
    card,
    promotedAt: now.toISOString(),
    reason: "learned",
    latestVersion: version,
    model: outcome.model,
  };
  await publish(options.producer, topics.models, [{ key: SENTIMENT_MODEL_FAMILY, value: promotion }]);
  if (card.weights.kept < card.weights.learned) lines.push(`kept the ${card.weights.kept} largest of ${card.weights.learned} weights so the model fits one Kafka message`);
  lines.push(
    `promoted version ${version} (${card.modelId}): ${outcome.decision.reason}`,
    `model ${file} (${card.bytes} bytes), card beside it; running enrichers use it for the mentions they enrich from now on`,
  );
  return { lines, outcome: "promoted", promotion };
}

/**
 * `odzew sentiment rollback --to VERSION`: put an earlier model back, from its file and card in
 * the models folder (checked against the card's SHA-256). Versions never repeat: the next model
 * learned gets a version above every one promoted so far.
 */
export async function rollbackModel(options: {
  kafka: Kafka;
  producer: Producer;
  topics: TopicNames;
  modelsDir: string;
  version: number;
  logger: Logger;
  now?: Date;
}): Promise<string[]> {
  const family = SENTIMENT_MODEL_FAMILY;
  const file = join(options.modelsDir, modelFileName(family, options.version));
  const cardFile = join(options.modelsDir, cardFileName(family, options.version));
  let text: string;
  let cardJson: unknown;
  try {
    text = await readFile(file, "utf8");
    cardJson = JSON.parse(await readFile(cardFile, "utf8"));
  } catch (error) {
    throw new OdzewError("CONFIG_INVALID", `version ${options.version} is not in ${options.modelsDir} (${describeError(error)}); the folder holds the models odzew sentiment learn promoted`);
  }
  const card = modelCardSchema.safeParse(cardJson);
  if (!card.success) throw new OdzewError("CONFIG_INVALID", `${cardFile}: not a model card: ${card.error.issues[0]?.message ?? "invalid"}`);
  if (sha256Hex(text) !== card.data.sha256) throw new OdzewError("CONFIG_INVALID", `${file} does not match its card (SHA-256 differs): it was changed after it was written`);
  const model = parseSentimentModelFile(JSON.parse(text));
  const current = await currentPromotion(options.kafka, options.topics, options.logger);
  const latestVersion = Math.max(current?.latestVersion ?? 0, options.version, await highestVersionInFolder(options.modelsDir, family));
  const promotion: ModelPromotion = {
    schemaVersion: MODEL_PROMOTION_SCHEMA_VERSION,
    family,
    version: options.version,
    modelId: card.data.modelId,
    sha256: card.data.sha256,
    file,
    card: card.data,
    promotedAt: (options.now ?? new Date()).toISOString(),
    reason: "rollback",
    latestVersion,
    model,
  };
  await publish(options.producer, options.topics.models, [{ key: family, value: promotion }]);
  return [
    `rolled back to version ${options.version} (${card.data.modelId})${current ? ` from version ${current.version} (${current.modelId})` : ""}; running enrichers use it for the mentions they enrich from now on`,
    "odzew rescore re-labels the mentions enriched before",
  ];
}
