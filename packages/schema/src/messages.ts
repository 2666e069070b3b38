import { z } from "zod";
import { replyEventPayloadSchema, replyStateSchema } from "./replies.ts";

export const COLLECT_JOB_SCHEMA_VERSION = 1;
export const WORKFLOW_SCHEMA_VERSION = 1;
export const DEAD_LETTER_SCHEMA_VERSION = 1;

/** Asks a collector to poll one source instance now. Key on Kafka: the source id. */
export const collectJobSchema = z.object({
  schemaVersion: z.literal(COLLECT_JOB_SCHEMA_VERSION),
  jobId: z.string().min(1),
  sourceId: z.string().min(1),
  /** `retry`: a one-off job the scheduler sends when a source's `health.retryNotBefore` has come. */
  /**
   * `confirm`: the responder asks for a look at the reviews it just answered (`nativeIds`): the
   * source is read like a backfill until they are found, and only reviews whose reply changed
   * (or that are new) are delivered, so a reply under an older review is confirmed too.
   */
  reason: z.enum(["schedule", "backfill", "manual", "retry", "confirm"]),
  /** `confirm`: the native ids of the reviews whose reply to look for. */
  nativeIds: z.array(z.string().min(1).max(512)).max(100).optional(),
  requestedAt: z.iso.datetime({ offset: true }),
});
export type CollectJob = z.infer<typeof collectJobSchema>;

/** The reply steps (see replies.ts); their events carry a `reply` payload. */
export const REPLY_EVENT_TYPES = [
  "reply-drafted",
  "reply-approved",
  "reply-queued",
  "reply-sent",
  "reply-failed",
  "reply-confirmed",
  "reply-discarded",
  /** Answered at the source by hand ("answer there"), the text pasted into Odzew. */
  "reply-recorded",
] as const;
export type ReplyEventType = (typeof REPLY_EVENT_TYPES)[number];

export const WORKFLOW_EVENT_TYPES = ["claimed", "released", "answered", "closed", "reopened", "noted", ...REPLY_EVENT_TYPES] as const;

/**
 * A state change in the customer-service workflow. Key on Kafka: the mention id, so the events
 * of one mention stay in order. `closed` means "needs no answer".
 */
export const workflowEventSchema = z.object({
  schemaVersion: z.literal(WORKFLOW_SCHEMA_VERSION),
  eventId: z.string().min(1).max(100),
  mentionId: z.string().regex(/^[a-f0-9]{32}$/),
  /** When the mention was published: tells the indexer which index holds it. */
  publishedAt: z.iso.datetime({ offset: true }),
  team: z.string().min(1),
  actor: z.string().min(1).max(200),
  type: z.enum(WORKFLOW_EVENT_TYPES),
  note: z.string().max(10_000).optional(),
  /** `reply-*` events: the reply version and what happened to it. */
  reply: replyEventPayloadSchema.optional(),
  at: z.iso.datetime({ offset: true }),
});
export type WorkflowEvent = z.infer<typeof workflowEventSchema>;

export const WORKFLOW_STATUSES = ["open", "claimed", "answered", "closed"] as const;

/** A mention's workflow as the indexer folds its events: the state and who did what when. */
export const workflowStateSchema = z.object({
  status: z.enum(WORKFLOW_STATUSES),
  assignee: z.string().optional(),
  updatedAt: z.iso.datetime({ offset: true }),
  answeredAt: z.iso.datetime({ offset: true }).optional(),
  notes: z.number().int().nonnegative(),
  /** The latest reply version and its state, when the mention has been answered (or is being) from Odzew. */
  reply: replyStateSchema.optional(),
  history: z.array(
    z.object({
      eventId: z.string(),
      type: z.enum(WORKFLOW_EVENT_TYPES),
      actor: z.string(),
      team: z.string(),
      at: z.string(),
      note: z.string().optional(),
      /** `reply-*` events: the version, and the rule when a rule acted. */
      replyVersion: z.number().int().optional(),
      rule: z.string().optional(),
    }),
  ),
});
export type WorkflowState = z.infer<typeof workflowStateSchema>;

/** Where in the pipeline a message failed (`reply`: a malformed command on the reply outbox). */
export const pipelineStageSchema = z.enum(["collect", "enrich", "index", "reply"]);

/** What the dead-letter topic carries: the reason and the original message, byte for byte. */
export const deadLetterSchema = z.object({
  schemaVersion: z.literal(DEAD_LETTER_SCHEMA_VERSION),
  stage: pipelineStageSchema,
  reason: z.object({ code: z.string(), message: z.string() }),
  original: z.object({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    key: z.string().nullable(),
    /** The payload as UTF-8 text when it was valid UTF-8, else base64. */
    value: z.string().nullable(),
    encoding: z.enum(["utf8", "base64"]),
    /** Set when the payload was too large to carry whole: `value` is its beginning. */
    truncated: z.object({ bytes: z.number().int().positive(), sha256: z.string() }).optional(),
  }),
  failedAt: z.iso.datetime({ offset: true }),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const CURSOR_SCHEMA_VERSION = 1;

/** Why a source's health is in doubt; never the same as "no new reviews". */
export const sourceAlertSchema = z.object({
  code: z.enum(["LAYOUT_CHANGED", "BLOCKED", "FAILING"]),
  message: z.string(),
  since: z.iso.datetime({ offset: true }),
});
export type SourceAlert = z.infer<typeof sourceAlertSchema>;

/** Collector health is data: what the last polls of one source saw. */
export const sourceHealthSchema = z.object({
  lastPollAt: z.iso.datetime({ offset: true }).optional(),
  lastSuccessAt: z.iso.datetime({ offset: true }).optional(),
  /** New mentions the last successful poll published. */
  lastNew: z.number().int().nonnegative().optional(),
  /** Items the last successful poll could read on its pages, new or not. */
  lastParsed: z.number().int().nonnegative().optional(),
  /** Most items ever read in one poll: a source that had items and now parses none changed its layout. */
  maxParsed: z.number().int().nonnegative().default(0),
  requests: z.number().int().nonnegative().default(0),
  httpErrors: z.number().int().nonnegative().default(0),
  consecutiveFailures: z.number().int().nonnegative().default(0),
  lastError: z.string().optional(),
  alert: sourceAlertSchema.optional(),
  /**
   * The source asked us to wait (a 429/503 with a long Retry-After): no poll before this time.
   * Scheduled jobs before it are skipped; the scheduler sends a one-off job at this time.
   */
  retryNotBefore: z.iso.datetime({ offset: true }).optional(),
  /** Set while a catch-up is in progress: new reviews a poll left unread are being read on later polls. */
  catchingUp: z
    .object({
      since: z.iso.datetime({ offset: true }),
      /** Pages the catch-up has read so far. */
      pages: z.number().int().nonnegative(),
      message: z.string(),
    })
    .optional(),
});
export type SourceHealth = z.infer<typeof sourceHealthSchema>;

/**
 * Where a poll cut short by its limits (`maxPages`, `maxItemsPerPoll`) stopped, so that later
 * polls read the reviews it left between there and the reviews delivered before.
 */
export const sourceResumeSchema = z.object({
  /** One per paging lane that is not finished (App Store: one per country), by its first page reference. */
  lanes: z.array(
    z.object({
      lane: z.string(),
      /** The page (URL or token) to continue from. */
      next: z.string(),
    }),
  ),
  /** Native ids delivered before the gap opened (newest first): reaching one ends the catch-up. */
  until: z.array(z.string()).max(1_000),
  since: z.iso.datetime({ offset: true }),
  /** Pages read catching up so far; at max(`limits.backfillPages`, 100) the catch-up gives up. */
  pages: z.number().int().nonnegative(),
});
export type SourceResume = z.infer<typeof sourceResumeSchema>;

/**
 * What a collector remembers of a source between polls, on the compacted cursors topic keyed by
 * source id: the native ids it delivered most recently (newest first), whether the first
 * backfill is done, the catch-up in progress if any, and the source's health.
 */
export const sourceCursorSchema = z.object({
  schemaVersion: z.literal(CURSOR_SCHEMA_VERSION),
  sourceId: z.string().min(1),
  seen: z.array(z.string()).max(5_000),
  /**
   * A fingerprint of the reply each recently delivered review carried ("" for none), by native id:
   * a review already seen that shows a new, changed or deleted reply on a page a poll reads is
   * delivered again, so a reply sent from Odzew is confirmed when the collector sees it.
   */
  replies: z.record(z.string(), z.string().max(64)).optional(),
  backfilled: z.boolean(),
  newestPublishedAt: z.iso.datetime({ offset: true }).optional(),
  resume: sourceResumeSchema.optional(),
  health: sourceHealthSchema,
  updatedAt: z.iso.datetime({ offset: true }),
});
export type SourceCursor = z.infer<typeof sourceCursorSchema>;

export const ERASURE_SCHEMA_VERSION = 1;

/**
 * An author, or one mention, erased on request (`odzew erase`). Key on the compacted erasures
 * topic: `erasureKey(erasure)`, the author's pseudonym or `mention:ID`; the name itself is never
 * stored. The enricher drops such mentions when they are collected again, the indexer and every
 * rebuild skip them.
 */
export const erasureSchema = z
  .object({
    schemaVersion: z.literal(ERASURE_SCHEMA_VERSION),
    /** Every mention of this author (by pseudonym). */
    authorPseudonym: z.string().min(1).optional(),
    /** Only this mention. */
    mentionId: z.string().regex(/^[a-f0-9]{32}$/).optional(),
    requestedAt: z.iso.datetime({ offset: true }),
    /** Free text for the record, e.g. a ticket number; never the person's name. */
    reference: z.string().max(200).optional(),
  })
  .refine((erasure) => (erasure.authorPseudonym === undefined) !== (erasure.mentionId === undefined), {
    message: "an erasure names either authorPseudonym or mentionId",
  });
export type Erasure = z.infer<typeof erasureSchema>;

/** The key of an erasure on the erasures topic: the pseudonym, or `mention:ID`. */
export function erasureKey(erasure: Pick<Erasure, "authorPseudonym" | "mentionId">): string {
  return erasure.authorPseudonym ?? `mention:${erasure.mentionId ?? ""}`;
}

/** A pseudonym of one author ("a_" and 16 hex digits), not the one all anonymous authors share. */
const PERSONAL_PSEUDONYM = /^a_[0-9a-f]{16}$/;

/**
 * Whether a mention is erased, given the keys on the erasures topic: the mention itself, or its
 * author. An erasure of the anonymous authors' shared pseudonym is never applied (it would drop
 * every anonymous review); `odzew erase` refuses to write one.
 */
export function isErasedMention(mention: { id: string; authorPseudonym?: string | undefined }, erased: (key: string) => boolean): boolean {
  if (erased(erasureKey({ mentionId: mention.id }))) return true;
  return mention.authorPseudonym !== undefined && PERSONAL_PSEUDONYM.test(mention.authorPseudonym) && erased(mention.authorPseudonym);
}
