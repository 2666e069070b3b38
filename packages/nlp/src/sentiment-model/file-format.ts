import { z } from "zod";
import { POLISH_MODEL } from "../sentiment.pl.ts";

/**
 * The model file: its zod schema (parsed where a file enters, naming what is wrong in a broken or
 * foreign one) and the compact weight encoding (the non-zero buckets as delta-encoded varint
 * indices and int16 values, base64).
 */

export const SENTIMENT_MODEL_KIND = "odzew-sentiment-linear";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const weightsSchema = z.object({
  /** Only the non-zero buckets: their indices as delta-encoded unsigned LEB128 varints. */
  encoding: z.literal("sparse-varint-int16", { error: 'weights.encoding must be "sparse-varint-int16"' }),
  count: z.int().nonnegative(),
  /** A weight is its int16 value times this. */
  scale: z.number().positive(),
  indices: z.string().regex(BASE64, "weights.indices is not base64"),
  /** Little-endian int16, one per index. */
  values: z.string().regex(BASE64, "weights.values is not base64"),
});

export const sentimentModelFileSchema = z
  .object({
    kind: z.literal(SENTIMENT_MODEL_KIND, { error: `kind must be "${SENTIMENT_MODEL_KIND}"` }),
    version: z.literal(1, { error: "version must be 1 (the only format this build reads)" }),
    lang: z.literal("pl", { error: 'lang must be "pl"' }),
    features: z.object({
      hash: z.literal("fnv1a-fmix32"),
      bits: z.int().min(10).max(24),
      seed: z.int().min(0).max(0xffff_ffff),
      unigrams: z.boolean(),
      bigrams: z.boolean(),
      skipBigrams: z.boolean(),
      prefix: z.int().min(0).max(16),
      charNgrams: z
        .object({ min: z.int().min(1).max(8), max: z.int().min(1).max(8) })
        .refine((range) => range.min <= range.max, "charNgrams.min must not exceed charNgrams.max")
        .nullable(),
      presence: z.boolean(),
      lexicon: z.string().nullable().default(null),
      negation: z.int().min(0).max(8).default(0),
      edges: z.boolean().optional(),
      normalise: z.literal("fold"),
    }),
    weights: weightsSchema,
    bias: z.number(),
    /** The weight of the lexicon's score, when `features.lexicon` names one. */
    lexiconWeight: z.number().optional(),
    /** |score| below this is neutral. */
    neutralBand: z.number().min(0).max(1),
    heldOutAccuracy: z.number().min(0).max(1),
    baselineAccuracy: z.number().min(0).max(1).optional(),
    trainedOn: z.int().nonnegative(),
    createdAt: z.iso.datetime(),
  })
  .superRefine((file, ctx) => {
    const lexicon = file.features.lexicon;
    if (lexicon !== null && lexicon !== POLISH_MODEL) {
      ctx.addIssue({ code: "custom", path: ["features", "lexicon"], message: `trained with the lexicon "${lexicon}", this build has "${POLISH_MODEL}": train the model again` });
    }
    if (lexicon !== null && file.lexiconWeight === undefined) {
      ctx.addIssue({ code: "custom", path: ["lexiconWeight"], message: "features.lexicon is set, so lexiconWeight is needed" });
    }
    try {
      decodeWeights(file.weights, file.features.bits);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["weights"], message: (error as Error).message });
    }
  });

export type SentimentModelFile = z.infer<typeof sentimentModelFileSchema>;

/** Reads a model file (already JSON-parsed); a broken or foreign one throws naming what is wrong. */
export function parseSentimentModelFile(data: unknown): SentimentModelFile {
  const result = sentimentModelFileSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
  throw new Error(`not a usable Odzew sentiment model: ${problems.join("; ")}`);
}

export function encodeWeights(dense: Float64Array): SentimentModelFile["weights"] {
  let max = 0;
  for (const weight of dense) max = Math.max(max, Math.abs(weight));
  const scale = max > 0 ? max / 32767 : 1;
  const indices: number[] = [];
  const values: number[] = [];
  for (let index = 0; index < dense.length; index++) {
    const value = Math.round((dense[index] ?? 0) / scale);
    if (value !== 0) {
      indices.push(index);
      values.push(value);
    }
  }
  const varints = Buffer.alloc(indices.length * 5);
  let length = 0;
  let previous = -1;
  for (const index of indices) {
    let delta = index - previous - 1;
    previous = index;
    while (delta >= 0x80) {
      varints[length++] = (delta & 0x7f) | 0x80;
      delta >>>= 7;
    }
    varints[length++] = delta;
  }
  const int16 = Buffer.alloc(values.length * 2);
  values.forEach((value, position) => int16.writeInt16LE(value, position * 2));
  return {
    encoding: "sparse-varint-int16",
    count: indices.length,
    scale,
    indices: varints.subarray(0, length).toString("base64"),
    values: int16.toString("base64"),
  };
}

export function decodeWeights(weights: SentimentModelFile["weights"], bits: number): Float32Array {
  const dense = new Float32Array(2 ** bits);
  const varints = Buffer.from(weights.indices, "base64");
  const int16 = Buffer.from(weights.values, "base64");
  if (int16.length !== weights.count * 2) {
    throw new Error(`weights.values holds ${Math.floor(int16.length / 2)} weights, weights.count says ${weights.count}`);
  }
  let offset = 0;
  let index = -1;
  for (let position = 0; position < weights.count; position++) {
    let delta = 0;
    let shift = 0;
    for (;;) {
      const byte = varints[offset++];
      if (byte === undefined) throw new Error(`weights.indices ends after ${position} of ${weights.count} indices`);
      delta += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
      if (shift > 28) throw new Error("weights.indices holds a malformed varint");
    }
    index += delta + 1;
    if (index >= dense.length) throw new Error(`weights.indices points at bucket ${index}, beyond the 2^${bits} buckets`);
    dense[index] = int16.readInt16LE(position * 2) * weights.scale;
  }
  if (offset !== varints.length) throw new Error(`weights.indices holds more than weights.count (${weights.count}) indices`);
  return dense;
}
