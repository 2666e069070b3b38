import { createHash } from "node:crypto";
import { z } from "zod";
import { sourceTypeSchema } from "./mention.ts";

/**
 * Answering reviews from Odzew. A reply is a workflow like a claim: its steps are events on
 * `odzew.workflow.events` (types `reply-*`, with a `reply` payload), folded into the mention's
 * `workflow.reply`; the sending is a command on the outbox topic `odzew.replies` that the
 * responder service carries out, recording what it did on `odzew.replies.receipts`.
 */

export const REPLY_COMMAND_SCHEMA_VERSION = 1;
export const REPLY_RECEIPT_SCHEMA_VERSION = 1;

/** Longest reply Odzew accepts at all; each store has its own, lower limit (the adapter's `maxLength`). */
export const REPLY_TEXT_MAX = 10_000;

/** What a reply operation does at the store. */
export const REPLY_OPERATIONS = ["post", "delete"] as const;
export const replyOperationSchema = z.enum(REPLY_OPERATIONS);
export type ReplyOperation = z.infer<typeof replyOperationSchema>;

/** Where a reply goes: through the store's API, or typed there by an agent and recorded here. */
export const REPLY_CHANNELS = ["api", "manual"] as const;

/** A store's refusal or failure, in words a service agent understands. */
export const replyErrorSchema = z.object({
  /** REPLY_REJECTED (the store refused the text), REPLY_AUTH (credentials), REPLY_FORBIDDEN, REPLY_NOT_FOUND (review gone), REPLY_RATE_LIMITED, REPLY_UNAVAILABLE (5xx, network), REPLY_NOT_CONFIGURED. */
  code: z.string().min(1).max(100),
  message: z.string().max(2_000),
  /** Whether sending the same reply again may succeed (a 5xx, a 429); false for a refused text. */
  retryable: z.boolean(),
  /** The store's HTTP status, when there was one. */
  status: z.number().int().optional(),
});
export type ReplyError = z.infer<typeof replyErrorSchema>;

/**
 * The `reply` payload of a `reply-*` workflow event. `version` numbers the reply texts of one
 * mention (1, 2, …): a draft, its approval and its sending share a version; an edit is a new
 * version. Events are self-contained: a `reply-sent` carries its text, so the fold is right even
 * when the `reply-queued` before it never arrived.
 */
export const replyEventPayloadSchema = z.object({
  version: z.number().int().positive(),
  operation: replyOperationSchema.default("post"),
  text: z.string().max(REPLY_TEXT_MAX).optional(),
  channel: z.enum(REPLY_CHANNELS).default("api"),
  /** Set when a reply rule wrote or sent it: the rule's id. */
  rule: z.string().max(100).optional(),
  /** The template it started from, if any. */
  template: z.string().max(100).optional(),
  /** `reply-failed`: why. */
  error: replyErrorSchema.optional(),
  /** The store's id of the reply when it gives one (App Store Connect's response id). */
  storeReplyId: z.string().max(512).optional(),
  /** The outbox command this event is about (`reply-queued`, `reply-sent`, `reply-failed`). */
  idempotencyKey: z.string().max(300).optional(),
  /** `reply-queued`, `reply-sent`, `reply-failed`: the command's `attempt` (0 first, a retry counts up); a late event of an earlier attempt never undoes a later one. */
  attempt: z.number().int().nonnegative().optional(),
  /** `reply-drafted`: the author asked for it to be sent and the team requires approval: it waits for a second person (status `awaiting-approval`). */
  awaitingApproval: z.boolean().optional(),
});
export type ReplyEventPayload = z.infer<typeof replyEventPayloadSchema>;

export const REPLY_STATUSES = [
  /** Written, not sent; waiting for its author (or a rule's pre-draft) to be sent. */
  "draft",
  /** The team requires a second person's approval before sending. */
  "awaiting-approval",
  /** On the outbox: the responder will send it. */
  "queued",
  /** The store accepted it. */
  "sent",
  /** The store refused it or could not be reached; `error` says why; it can be retried or edited. */
  "failed",
  /** The collector saw the reply at the source. */
  "confirmed",
  /** The reply was deleted at the store. */
  "deleted",
  /** The draft was thrown away. */
  "discarded",
] as const;
export const replyStatusSchema = z.enum(REPLY_STATUSES);
export type ReplyStatus = z.infer<typeof replyStatusSchema>;

/** A mention's reply as the indexer folds its events: `workflow.reply`. */
export const replyStateSchema = z.object({
  version: z.number().int().positive(),
  status: replyStatusSchema,
  operation: replyOperationSchema,
  channel: z.enum(REPLY_CHANNELS),
  text: z.string(),
  draftedBy: z.string(),
  draftedAt: z.iso.datetime({ offset: true }),
  approvedBy: z.string().optional(),
  approvedAt: z.iso.datetime({ offset: true }).optional(),
  /** Who asked for it to be sent (the drafter, the approver, or `rule:<id>`). */
  sentBy: z.string().optional(),
  sentAt: z.iso.datetime({ offset: true }).optional(),
  confirmedAt: z.iso.datetime({ offset: true }).optional(),
  /** The first time any reply of this mention reached its customer: kept across edits, for time-to-first-reply. */
  firstSentAt: z.iso.datetime({ offset: true }).optional(),
  /** Seconds from the review's publication to `firstSentAt`. */
  firstReplySeconds: z.number().nonnegative().optional(),
  /** Who sent the first reply: the per-agent measures count it. */
  firstSentBy: z.string().optional(),
  error: replyErrorSchema.optional(),
  /** Send attempts that failed for this version. */
  failures: z.number().int().nonnegative().default(0),
  /** The latest send attempt of this version (the command's `attempt`), when known. */
  attempt: z.number().int().nonnegative().optional(),
  rule: z.string().optional(),
  template: z.string().optional(),
  storeReplyId: z.string().optional(),
  idempotencyKey: z.string().optional(),
});
export type ReplyState = z.infer<typeof replyStateSchema>;

/**
 * The outbox: a command to the responder to post or delete one reply version at the store. Key
 * on Kafka: the mention id, so one mention's commands stay in order. `idempotencyKey` is
 * `replyIdempotencyKey(...)`: the responder acts on a key at most once at the store.
 */
export const replyCommandSchema = z.object({
  schemaVersion: z.literal(REPLY_COMMAND_SCHEMA_VERSION),
  idempotencyKey: z.string().min(1).max(300),
  mentionId: z.string().regex(/^[a-f0-9]{32}$/),
  /** The mention's publication time: tells the indexer which index holds it. */
  publishedAt: z.iso.datetime({ offset: true }),
  source: z.object({ id: z.string().min(1), type: sourceTypeSchema }),
  /** The source's own id of the review: what the store's API calls it. */
  nativeId: z.string().min(1).max(512),
  operation: replyOperationSchema,
  version: z.number().int().positive(),
  /** The text to post (`post`). */
  text: z.string().max(REPLY_TEXT_MAX).optional(),
  team: z.string().min(1),
  /** Who asked for the sending: an agent, an approver, or `rule:<id>`. */
  requestedBy: z.string().min(1).max(200),
  draftedBy: z.string().max(200).optional(),
  approvedBy: z.string().max(200).optional(),
  rule: z.string().max(100).optional(),
  /** 0 for the first sending; a retry of a failed version counts up (same idempotency key). */
  attempt: z.number().int().nonnegative().default(0),
  requestedAt: z.iso.datetime({ offset: true }),
});
export type ReplyCommand = z.infer<typeof replyCommandSchema>;

/** A fingerprint of a reply's text, as receipts record it. */
export function replyTextSha(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The idempotency key of one reply version's operation: the same for every retry of it. */
export function replyIdempotencyKey(mentionId: string, version: number, operation: ReplyOperation): string {
  return `${mentionId}:v${version}:${operation}`;
}

/**
 * What the responder did with one idempotency key, on the compacted receipts topic (key = the
 * idempotency key). `sending` is written before the store is called: a receipt still `sending`
 * after a restart means the outcome is unclear, and the responder asks the store for its current
 * reply before it posts again.
 */
export const replyReceiptSchema = z.object({
  schemaVersion: z.literal(REPLY_RECEIPT_SCHEMA_VERSION),
  idempotencyKey: z.string().min(1).max(300),
  mentionId: z.string().regex(/^[a-f0-9]{32}$/),
  state: z.enum(["sending", "sent", "failed"]),
  /** The command's attempt this receipt is about. */
  attempt: z.number().int().nonnegative(),
  at: z.iso.datetime({ offset: true }),
  storeReplyId: z.string().max(512).optional(),
  error: replyErrorSchema.optional(),
  /**
   * A fingerprint of the text a post carried (`replyTextSha`): a command of the same key with
   * another text — two agents sending different texts as the same version at the same moment —
   * is not taken for one already carried out.
   */
  textSha: z.string().max(64).optional(),
});
export type ReplyReceipt = z.infer<typeof replyReceiptSchema>;

/**
 * Whether Odzew can answer a source's reviews itself (decided from the configuration by the
 * source type's reply adapter), and if not, why: then the agent answers at the source ("answer
 * there") and records the reply.
 */
export type ReplyCapability =
  | {
      canReply: true;
      /** The store's limit, in `lengthUnit`. */
      maxLength: number;
      canDelete: boolean;
      /** How the store counts (default characters); Business Profile counts UTF-8 bytes. */
      lengthUnit?: ReplyLengthUnit;
    }
  | { canReply: false; reason: string };

/** How a store counts a reply's length: characters as a person counts them, or UTF-8 bytes. */
export type ReplyLengthUnit = "characters" | "bytes";

/** A reply's length as a store counts it: code points (an emoji is one character), or UTF-8 bytes. */
export function replyLength(text: string, unit: ReplyLengthUnit = "characters"): number {
  if (unit === "bytes") return Buffer.byteLength(text, "utf8");
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/**
 * Why a reply is too long for a store, in words with the limit and by how much; undefined when
 * it fits. The one length rule: the API, the reply rules and every store adapter check with it.
 */
export function replyLengthProblem(text: string, limit: { maxLength: number; lengthUnit?: ReplyLengthUnit | undefined }, store: string): string | undefined {
  const unit = limit.lengthUnit ?? "characters";
  const length = replyLength(text, unit);
  if (length <= limit.maxLength) return undefined;
  const over = length - limit.maxLength;
  const plural = (count: number) => (unit === "bytes" ? (count === 1 ? "byte" : "bytes") : count === 1 ? "character" : "characters");
  const bytesNote = unit === "bytes" ? ` in UTF-8 (${replyLength(text)} characters; Polish letters take two bytes)` : "";
  return `the reply is ${length} ${plural(length)} long${bytesNote}; ${store} accepts at most ${limit.maxLength}${unit === "bytes" ? " bytes" : ""}: shorten it by ${over} ${plural(over)}`;
}

// ---------------------------------------------------------------------------------------------
// replies.yaml: templates and reply rules
// ---------------------------------------------------------------------------------------------

const configId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use lowercase letters, digits and dashes (e.g. thanks-5-stars), at most 63 characters");
const sentimentLabel = z.enum(["negative", "neutral", "positive"]);
const starRating = z.number().int().min(1).max(5);

/** The variables a template may use, e.g. "Dziękujemy, {author}!". */
export const TEMPLATE_VARIABLES = ["author", "brand", "product", "source", "rating", "agent"] as const;

export const replyTemplateSchema = z.strictObject({
  id: configId,
  /** Shown in the template picker. */
  name: z.string().min(1).max(200),
  /** Only for mentions of this brand (all brands when left out). */
  brand: configId.optional(),
  lang: z.string().regex(/^[a-z]{2}$/, "an ISO 639-1 code such as pl or en"),
  /** With `{author}`, `{brand}`, `{product}`, `{source}`, `{rating}`, `{agent}`; `{author|Drogi Kliencie}` gives a fallback. */
  text: z.string().min(1).max(5_000),
  /** What the picker suggests it for. */
  suggest: z
    .strictObject({
      sentiment: z.array(sentimentLabel).optional(),
      topics: z.array(z.string().min(1)).optional(),
      ratings: z.array(starRating).optional(),
    })
    .optional(),
});
export type ReplyTemplate = z.infer<typeof replyTemplateSchema>;

/** Conditions a review must meet for a rule; every condition given must hold. */
export const replyRuleConditionsSchema = z.strictObject({
  ratings: z.array(starRating).min(1).optional(),
  languages: z.array(z.string().regex(/^[a-z]{2}$/)).min(1).optional(),
  sources: z.array(configId).min(1).optional(),
  topics: z.array(z.string().min(1)).min(1).optional(),
  sentiment: z.array(sentimentLabel).min(1).optional(),
  /** At most this many characters of text (title not counted). */
  maxLength: z.number().int().nonnegative().optional(),
  /** Only reviews with no text at all (stars only). */
  noText: z.boolean().optional(),
});

export const replyRuleSchema = z.strictObject({
  id: configId,
  /** The team whose queue the rule works for; its settings decide whether `send` is allowed. */
  team: configId,
  when: replyRuleConditionsSchema,
  /** The template of each language the rule answers in (the review's language picks one). */
  templates: z.array(configId).min(1),
  /** `draft`: pre-draft for an agent to send; `send`: send at once (the team must allow it). */
  mode: z.enum(["draft", "send"]).default("draft"),
  /** At most this many automatic replies per source per hour; past it the rule drafts instead of sending. */
  perSourcePerHour: z.number().int().min(1).max(10_000).default(30),
  /** Only reviews published within this many days: a backfill of old reviews is never answered automatically. */
  maxAgeDays: z.number().int().min(1).max(365).default(7),
  enabled: z.boolean().default(true),
});
export type ReplyRule = z.infer<typeof replyRuleSchema>;

export const repliesFileSchema = z.strictObject({
  templates: z.array(replyTemplateSchema).default([]),
  rules: z.array(replyRuleSchema).default([]),
});
export type RepliesFile = z.infer<typeof repliesFileSchema>;

/** A team's reply settings (`replies:` in teams.yaml). */
export const teamReplySettingsSchema = z
  .strictObject({
    /** A second person with the `approve` action must approve every reply before it is sent. */
    approval: z.boolean().default(false),
    /** Reply rules may send without a person (mode `send`); otherwise they only pre-draft. */
    autoSend: z.boolean().default(false),
    /** Hours within which a review should have its first reply (the SLA measures). */
    slaHours: z.number().positive().max(24 * 90).default(24),
  })
  .default({ approval: false, autoSend: false, slaHours: 24 });
export type TeamReplySettings = z.infer<typeof teamReplySettingsSchema>;
