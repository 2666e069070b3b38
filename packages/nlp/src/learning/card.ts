import { createHash } from "node:crypto";
import type { HeldOutFigures, ModelCard } from "@odzew/schema";
import type { SentimentModelFile } from "../sentiment-model/file-format.ts";
import type { RatedMention } from "./dataset.ts";
import type { Evaluation } from "./evaluate.ts";

/** A model's inputs in words, for its card. */
export function describeFeatures(features: SentimentModelFile["features"]): string[] {
  const described: string[] = [];
  if (features.unigrams) described.push("word unigrams");
  if (features.bigrams) described.push("word bigrams");
  if (features.skipBigrams) described.push("skip-bigrams");
  if (features.prefix > 0) described.push(`${features.prefix}-letter word prefixes`);
  if (features.charNgrams) described.push(`character ${features.charNgrams.min}–${features.charNgrams.max}-grams`);
  if (features.edges) described.push("words of the first and the last sentence");
  if (features.negation > 0) described.push(`negated words (${features.negation} after a negator)`);
  if (features.lexicon !== null) described.push(`lexicon score (${features.lexicon})`);
  described.push(`${features.presence ? "presence" : "counts"}, hashed into 2^${features.bits} buckets, words folded to ASCII`);
  return described;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The card of a model: what it was learned from, how both models did on the held-out part, its inputs. */
export function modelCard(input: {
  family: string;
  version: number;
  modelId: string;
  createdAt: Date;
  train: readonly RatedMention[];
  test: readonly RatedMention[];
  candidate: Evaluation;
  inUse: Evaluation & { modelId: string; version?: number | undefined };
  file: SentimentModelFile;
  fileText: string;
  weights: { kept: number; learned: number };
}): ModelCard {
  const { train, test } = input;
  const first = train[0] ?? test[0];
  const last = test[test.length - 1] ?? train[train.length - 1];
  const heldOutStart = test[0] ?? last;
  if (!first || !last || !heldOutStart) throw new RangeError("a model card needs the mentions the model was learned from");
  const figures = (evaluation: Evaluation, modelId: string, version?: number): HeldOutFigures => ({
    modelId,
    ...(version !== undefined ? { version } : {}),
    accuracy: evaluation.accuracy,
    correct: evaluation.correct,
  });
  return {
    family: input.family,
    version: input.version,
    modelId: input.modelId,
    createdAt: input.createdAt.toISOString(),
    data: {
      mentions: train.length + test.length,
      trainedOn: train.length,
      heldOut: test.length,
      heldOutMeasured: input.candidate.measured,
      from: first.publishedAt,
      to: last.publishedAt,
      heldOutFrom: heldOutStart.publishedAt,
    },
    heldOut: {
      candidate: figures(input.candidate, input.modelId, input.version),
      inUse: figures(input.inUse, input.inUse.modelId, input.inUse.version),
    },
    features: describeFeatures(input.file.features),
    weights: input.weights,
    bytes: Buffer.byteLength(input.fileText),
    sha256: sha256Hex(input.fileText),
  };
}
