import { z } from "zod";

/**
 * The models topic (`<prefix>.models`, compacted, key = model family): the model each family
 * uses now. `odzew sentiment learn` writes a record when a new model beats the one in use (or
 * `odzew sentiment rollback` when an earlier one is put back); every enricher follows the topic and
 * swaps the model for the mentions it enriches next, without a restart.
 */
export const MODEL_PROMOTION_SCHEMA_VERSION = 1;

/** The only family so far: the Polish sentiment model learned from the brand's rated mentions. */
export const SENTIMENT_MODEL_FAMILY = "sentiment-pl";

const isoDateTime = z.iso.datetime({ offset: true });
const share = z.number().min(0).max(1);

/** One model's figures on the held-out part: label accuracy (a neutral on 1–2 or 4–5 stars is wrong). */
export const heldOutFiguresSchema = z.object({
  /** The model's id as enriched mentions name it (`sentiment.model`): "lexicon-pl-…", "learned-pl-…". */
  modelId: z.string().min(1),
  /** The version on the models topic; absent for the lexicon (no version: it ships with Odzew). */
  version: z.int().positive().optional(),
  accuracy: share,
  /** Held-out reviews the model labelled right. */
  correct: z.int().nonnegative(),
});
export type HeldOutFigures = z.infer<typeof heldOutFiguresSchema>;

/** What a model was learned from and how it did: written beside the model file and on the topic. */
export const modelCardSchema = z.object({
  family: z.string().min(1),
  version: z.int().positive(),
  modelId: z.string().min(1),
  createdAt: isoDateTime,
  data: z.object({
    /** Rated Polish mentions with text (1–5 stars) found on the enriched topic. */
    mentions: z.int().nonnegative(),
    /** Of those, the older ones the weights were learned from. */
    trainedOn: z.int().nonnegative(),
    /** The newest ones (by publishedAt), only measured. */
    heldOut: z.int().nonnegative(),
    /** Held-out mentions with 1–2 or 4–5 stars: the ones the figures count. */
    heldOutMeasured: z.int().nonnegative(),
    /** publishedAt of the oldest and newest mention used. */
    from: isoDateTime,
    to: isoDateTime,
    /** The held-out part starts here (publishedAt). */
    heldOutFrom: isoDateTime,
  }),
  /** Label accuracy on the held-out part: the new model and the one in use when it was learned. */
  heldOut: z.object({ candidate: heldOutFiguresSchema, inUse: heldOutFiguresSchema }),
  /** The model's inputs, in words: "word unigrams", "lexicon lexicon-pl-2", … */
  features: z.array(z.string()),
  /** Hashed weights kept, and before pruning to fit a Kafka message. */
  weights: z.object({ kept: z.int().nonnegative(), learned: z.int().nonnegative() }),
  /** Size of the model file (JSON) in bytes, and its SHA-256. */
  bytes: z.int().positive(),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
});
export type ModelCard = z.infer<typeof modelCardSchema>;

/**
 * A promotion: the model a family uses from now on. `model` is the model file itself (parsed with
 * the model's own schema where it is used: `parseSentimentModelFile` in @odzew/nlp).
 */
export const modelPromotionSchema = z.object({
  schemaVersion: z.literal(MODEL_PROMOTION_SCHEMA_VERSION),
  family: z.string().min(1),
  version: z.int().positive(),
  modelId: z.string().min(1),
  /** SHA-256 of the model file's bytes as written (`file`) and as carried here (`model`, JSON). */
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  /** Where the trainer wrote the file (on the machine it ran on). */
  file: z.string().min(1),
  card: modelCardSchema,
  promotedAt: isoDateTime,
  /** `learned`: it beat the model in use; `rollback`: an earlier version put back by hand. */
  reason: z.enum(["learned", "rollback"]),
  /** The highest version ever promoted in the family (a rollback keeps it, so versions never repeat). */
  latestVersion: z.int().positive(),
  model: z.looseObject({ kind: z.string() }),
});
export type ModelPromotion = z.infer<typeof modelPromotionSchema>;
