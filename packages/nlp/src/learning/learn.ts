import { SENTIMENT_MODEL_FAMILY, type ModelCard } from "@odzew/schema";
import { createEnrichment } from "../enrich.ts";
import { loadSentimentModel } from "../sentiment-model/scoring.ts";
import type { SentimentModelFile } from "../sentiment-model/file-format.ts";
import { trainSentimentModel } from "../sentiment-model/training.ts";
import { POLISH_MODEL } from "../sentiment.pl.ts";
import type { SentimentLabel } from "../types.ts";
import { modelCard } from "./card.ts";
import { splitByTime, type RatedMention } from "./dataset.ts";
import { evaluateLabels, starTruth } from "./evaluate.ts";
import { decidePromotion, type PromotionDecision } from "./promotion.ts";
import { modelFileText, pruneToBytes } from "./prune.ts";

/**
 * One round of learning the brand's own sentiment model (pure): the rated Polish mentions in, a
 * new model learned from the older 85 %, both it and the model in use judged on the newest 15 %
 * (label accuracy, as the enricher would label those texts without their stars), and the
 * decision whether to promote it, with its card.
 */

export const LEARNING_DEFAULTS = {
  /** The newest share (by publishedAt) held out. */
  heldOut: 0.15,
  /** Rated Polish mentions with text needed before a first model. */
  minMentions: 300,
  /** Held-out mentions with 1–2 or 4–5 stars needed to tell two models apart. */
  minMeasured: 30,
  /** The model file must fit one Kafka message with its card (the broker takes 1 MB). */
  maxModelBytes: 800_000,
  /** Of each class (1–2 and 4–5 stars) in the part learned from. */
  minPerClass: 20,
} as const;

export interface LearnOptions {
  heldOut?: number;
  minMentions?: number;
  minMeasured?: number;
  maxModelBytes?: number;
  minPerClass?: number;
  /** Seeds the training order (the same mentions and seed give the same model). Default 1. */
  seed?: number;
}

/** The model a family uses now, as promoted on the models topic; none means the lexicon. */
export interface ModelInUse {
  file: SentimentModelFile;
  /** Its version on the models topic; absent for a model the enrichers load from a file (`ODZEW_SENTIMENT_MODEL_FILE`). */
  version?: number | undefined;
}

export type LearnOutcome =
  | { kind: "too-few"; mentions: number; reason: string }
  | { kind: "kept"; decision: PromotionDecision; card: ModelCard }
  | { kind: "promoted"; decision: PromotionDecision; card: ModelCard; model: SentimentModelFile; fileText: string };

/** The label the enricher gives a Polish text (stars unseen) with a model, or the lexicon without one. */
export function polishLabeller(model: SentimentModelFile | undefined): { label: (text: string) => SentimentLabel; modelId: string } {
  const enrichment = createEnrichment({ brands: [], ...(model ? { sentimentModel: model } : {}) });
  return {
    label: (text) => enrichment.enrich({ text, lang: "pl" }).sentiment?.label ?? "neutral",
    modelId: enrichment.sentimentModel === "learned" && model ? loadSentimentModel(model).name : POLISH_MODEL,
  };
}

/** Room left for the held-out figures written into the file after pruning (two numbers). */
const FIGURES_BYTES = 96;

/** A model as the enricher would use it whatever its own figures say: for judging a candidate. */
function asUsed(file: SentimentModelFile): SentimentModelFile {
  return { ...file, heldOutAccuracy: 1, baselineAccuracy: 0 };
}

export function learnSentimentModel(input: {
  mentions: readonly RatedMention[];
  inUse: ModelInUse | undefined;
  /** The version the new model gets if it is promoted. */
  version: number;
  now: Date;
  options?: LearnOptions;
}): LearnOutcome {
  const options = { ...LEARNING_DEFAULTS, seed: 1, ...input.options };
  const { mentions } = input;
  if (mentions.length < options.minMentions) {
    return {
      kind: "too-few",
      mentions: mentions.length,
      reason: `only ${mentions.length} rated Polish mentions with text on the enriched topic; a first model needs at least ${options.minMentions}`,
    };
  }
  const { train, test } = splitByTime(mentions, options.heldOut);
  const negatives = train.filter((mention) => starTruth(mention.rating) === "negative").length;
  const positives = train.filter((mention) => starTruth(mention.rating) === "positive").length;
  if (negatives < options.minPerClass || positives < options.minPerClass) {
    return {
      kind: "too-few",
      mentions: mentions.length,
      reason: `the mentions learned from hold ${negatives} with 1–2 stars and ${positives} with 4–5; a model needs at least ${options.minPerClass} of each`,
    };
  }
  const trained = trainSentimentModel(
    train.map((mention) => ({ text: mention.text, rating: mention.rating })),
    { heldOut: 0, seed: options.seed },
  ).model;
  const { file: pruned, kept, learned } = pruneToBytes({ ...trained, createdAt: input.now.toISOString() }, options.maxModelBytes - FIGURES_BYTES);

  const candidateLabeller = polishLabeller(asUsed(pruned));
  const inUseLabeller = polishLabeller(input.inUse?.file);
  const candidate = evaluateLabels(candidateLabeller.label, test);
  const inUse = evaluateLabels(inUseLabeller.label, test);
  const decision = decidePromotion(candidate, inUse, options.minMeasured);
  // The file records its held-out figures against the model it replaces, so the enricher uses it.
  const model: SentimentModelFile = { ...pruned, heldOutAccuracy: candidate.accuracy, baselineAccuracy: inUse.accuracy };
  const fileText = modelFileText(model);
  const card = modelCard({
    family: SENTIMENT_MODEL_FAMILY,
    version: input.version,
    modelId: candidateLabeller.modelId,
    createdAt: input.now,
    train,
    test,
    candidate,
    inUse: { ...inUse, modelId: inUseLabeller.modelId, version: input.inUse?.version },
    file: model,
    fileText,
    weights: { kept, learned },
  });
  return decision.promote ? { kind: "promoted", decision, card, model, fileText } : { kind: "kept", decision, card };
}
