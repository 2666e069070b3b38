import { createHash } from "node:crypto";
import { z } from "zod";

/** The schema version written on every mention message; readers reject versions they do not know. */
export const MENTION_SCHEMA_VERSION = 1;

const isoDateTime = z.iso.datetime({ offset: true });
/** A link people will click: http(s) only, never `javascript:`, `data:` or `file:`. */
const webUrl = z.url({ protocol: /^https?$/, message: "must be an absolute http(s) URL (javascript:, data:, file: and other schemes are refused)" });
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes, starting with a letter or digit");

export const SOURCE_TYPES = [
  "app-store",
  "app-store-connect",
  "google-play",
  "google-business",
  "google-places",
  "opineo",
  "ceneo",
  "trustpilot",
  "allegro",
  "feed",
  "html",
  "bluesky",
  "reddit",
  "youtube",
  "facebook-page",
  "x",
] as const;
export const sourceTypeSchema = z.enum(SOURCE_TYPES);
export type SourceType = z.infer<typeof sourceTypeSchema>;

export const ratingSchema = z.object({
  /** Normalised to 1–5. */
  value: z.number().min(1).max(5),
  /** What the source itself said, on its own scale. */
  original: z.number(),
  scaleMin: z.number(),
  scaleMax: z.number(),
});
export type Rating = z.infer<typeof ratingSchema>;

export const replySchema = z.object({
  text: z.string(),
  author: z.string().optional(),
  publishedAt: isoDateTime.optional(),
});

export const reachSchema = z.object({
  votes: z.number().int().nonnegative().optional(),
  helpful: z.number().int().nonnegative().optional(),
  followers: z.number().int().nonnegative().optional(),
});

/** What some sources say beyond the text: app version, pros and cons, a verified purchase. */
export const mentionDetailsSchema = z.object({
  appVersion: z.string().max(100).optional(),
  pros: z.array(z.string().max(5_000)).max(50).optional(),
  cons: z.array(z.string().max(5_000)).max(50).optional(),
  verifiedPurchase: z.boolean().optional(),
  /** The product or location the review is about, when the source names it. */
  subject: z.string().max(500).optional(),
  /** The country storefront or market the review was read from (ISO 3166-1 alpha-2, lowercase). */
  country: z.string().regex(/^[a-z]{2}$/).optional(),
});

/** A mention as a collector found it, before any enrichment. Key on Kafka: its id. */
export const rawMentionSchema = z.object({
  schemaVersion: z.literal(MENTION_SCHEMA_VERSION),
  id: z.string().regex(/^[a-f0-9]{32}$/, "a mention id (32 hex characters, see mentionId())"),
  source: z.object({ id, type: sourceTypeSchema }),
  /** The source's own id of this mention, unique within the source. */
  nativeId: z.string().min(1).max(512),
  url: webUrl.optional(),
  author: z.object({ name: z.string().max(500), profileUrl: webUrl.optional() }).optional(),
  title: z.string().max(2_000).optional(),
  text: z.string().max(100_000),
  rating: ratingSchema.optional(),
  /** ISO 639-1 code when the source states the language. */
  lang: z.string().min(2).max(8).optional(),
  publishedAt: isoDateTime,
  collectedAt: isoDateTime,
  reach: reachSchema.optional(),
  reply: replySchema.optional(),
  details: mentionDetailsSchema.optional(),
  /** Brand ids the source instance is configured for. */
  brandHints: z.array(id).default([]),
});
export type RawMention = z.infer<typeof rawMentionSchema>;

export const SENTIMENT_BASES = ["text", "rating", "text+rating"] as const;

export const sentimentSchema = z.object({
  label: z.enum(["negative", "neutral", "positive"]),
  score: z.number().min(-1).max(1),
  /** The lexicon or learned model that read the text ("lexicon-pl-2", "learned-pl-…", "afinn-en-1", "none-de"), or "stars". */
  model: z.string(),
  /**
   * Which evidence decided the label: the text alone, the stars alone, or both together (the
   * text wins over the stars only where it clearly contradicts them; then `ratingMismatch`).
   * Absent in mentions enriched before it was written.
   */
  basis: z.enum(SENTIMENT_BASES).optional(),
});

export const brandTagSchema = z.object({
  id,
  /** How the brand was found: the source's configuration, or a match in the text. */
  via: z.enum(["source", "text"]),
  matched: z.string().optional(),
  position: z.number().int().nonnegative().optional(),
});

export const PERSONAL_DATA_KINDS = ["email", "phone", "order", "account", "pesel", "card"] as const;

export const prioritySchema = z.object({
  score: z.number().min(0).max(100),
  level: z.enum(["low", "normal", "high", "urgent"]),
  reasons: z.array(z.string()),
});

/**
 * The sentiment of one topic of a mention: that of the clause that carries it ("Książka dobra,
 * ale dostawa trwała dwa tygodnie": product-quality positive, delivery negative).
 */
export const aspectSchema = z.object({
  topic: z.string(),
  label: z.enum(["negative", "neutral", "positive"]),
  score: z.number().min(-1).max(1),
});

/** A mention after the enricher. Sentiment is null in messages written before a model ran on it. */
export const enrichedMentionSchema = rawMentionSchema.extend({
  lang: z.string().min(2).max(8),
  langConfidence: z.number().min(0).max(1),
  sentiment: sentimentSchema.nullable(),
  /** The stars say one thing, the text the opposite (5 stars, angry text). */
  ratingMismatch: z.boolean().optional(),
  brands: z.array(brandTagSchema),
  topics: z.array(z.string()),
  /** Per topic, the sentiment of the clause that names it; absent in mentions enriched before aspects were written. */
  aspects: z.array(aspectSchema).optional(),
  /** Keyed HMAC of the author's name: the same author is recognisable without being named. */
  authorPseudonym: z.string().optional(),
  /** Kinds of personal data found (and masked) in the title or text. */
  personalData: z.array(z.enum(PERSONAL_DATA_KINDS)).optional(),
  /** Title and text with personal data masked: what the CX slice sees. */
  masked: z.object({ title: z.string().optional(), text: z.string() }).optional(),
  /** How urgently customer service should answer. */
  priority: prioritySchema.optional(),
  enrichedAt: isoDateTime,
  /** Which enrichment pipeline produced this, so a re-enrichment can be told apart. */
  enrichment: z.object({ version: z.string() }),
});
export type EnrichedMention = z.infer<typeof enrichedMentionSchema>;

/**
 * A mention's id: derived from the source instance and the source's own id, so collecting,
 * enriching or indexing the same review twice always lands on the same document.
 */
export function mentionId(sourceId: string, nativeId: string): string {
  return createHash("sha256").update(sourceId).update("\u0000").update(nativeId).digest("hex").slice(0, 32);
}

/**
 * A version of a mention, ordered by when it was collected and then when it was enriched: a
 * review read again later is newer; the same reading enriched again (a new model) is newer too.
 * An older reading that arrives late (a zombie enricher, a re-enrichment from the start of the
 * raw topic) is older whatever its enrichment time. Negative when `a` is older, 0 when equal.
 */
export function compareVersions(a: { collectedAt?: string; enrichedAt?: string }, b: { collectedAt?: string; enrichedAt?: string }): number {
  const time = (value: string | undefined) => (value === undefined ? Number.NEGATIVE_INFINITY : Date.parse(value));
  return time(a.collectedAt) - time(b.collectedAt) || time(a.enrichedAt) - time(b.enrichedAt);
}
