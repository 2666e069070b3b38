import { z } from "zod";
import { GROUP_FIELDS, INTERVALS, SORTS, type TeamFilters } from "@odzew/search";
import { REPLY_TEXT_MAX } from "@odzew/schema";
import { REPLY_ACTIONS } from "@odzew/replies";
import { ACTIONS } from "./rules/workflow-action.ts";

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes");
const isoDate = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/**
 * A list parameter: `brand=a,b` or `brand=a&brand=b`, at most 20 values, each checked.
 * Query strings arrive as strings or arrays of strings; nothing else is accepted.
 */
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((part) => part.split(",")).map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(item).max(20, "at most 20 values"))
    .optional();

const stars = z.coerce.number().int().min(1).max(5);

/** Filters every team read accepts; they narrow the team's slice and can never widen it. */
export const filterShape = {
  q: z.string().max(500, "at most 500 characters").optional(),
  brand: list(id),
  source: list(id),
  sentiment: list(z.enum(["negative", "neutral", "positive"])),
  topic: list(id),
  lang: list(z.string().regex(/^[a-z]{2,3}$/, "an ISO 639-1 code such as pl or en")),
  rating_min: stars.optional(),
  rating_max: stars.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
};

export const pageShape = {
  size: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().max(1_000).optional(),
};

export const searchQuerySchema = z.strictObject({
  ...filterShape,
  ...pageShape,
  sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS, ...(keyof typeof SORTS)[]]).optional(),
});

const groupField = z.enum(Object.keys(GROUP_FIELDS) as [keyof typeof GROUP_FIELDS, ...(keyof typeof GROUP_FIELDS)[]]);

/** An IANA time zone such as Europe/Warsaw, known to this runtime. */
const timeZone = z
  .string()
  .max(64)
  .regex(/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){0,2}$/, "an IANA time zone such as Europe/Warsaw")
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone such as Europe/Warsaw");

export const timelineQuerySchema = z.strictObject({
  ...filterShape,
  interval: z.enum(Object.keys(INTERVALS) as [keyof typeof INTERVALS, ...(keyof typeof INTERVALS)[]]).default("day"),
  split: groupField.optional(),
  tz: timeZone.optional(),
});

export const breakdownQuerySchema = z.strictObject({
  ...filterShape,
  size: z.coerce.number().int().min(1).max(50).default(10),
});

export const queueQuerySchema = z.strictObject({
  ...filterShape,
  ...pageShape,
  status: z.enum(["unanswered", "open", "claimed"]).default("unanswered"),
  assignee: z.string().min(1).max(200).optional(),
});

export const sampleQuerySchema = z.strictObject({
  ...filterShape,
  n: z.coerce.number().int().min(1).max(500).default(20),
  strata: list(groupField).pipe(z.array(groupField).max(2, "at most 2 strata fields").optional()),
  seed: z.string().min(1).max(100).optional(),
});

/** `GET /sample/export`: the sample's own parameters (the same ones draw the same sample) and a file format (as /export: NDJSON by default). */
export const sampleExportQuerySchema = sampleQuerySchema.extend({
  format: z.enum(["csv", "ndjson"]).default("ndjson"),
});

/** `GET /stats/ratings`: the filters only. */
export const ratingsQuerySchema = z.strictObject({ ...filterShape });

/** `GET /stats/trends`: from/to are the current period (default: the last 30 days), compared with as long a period before it. */
export const trendsQuerySchema = z.strictObject({
  ...filterShape,
  size: z.coerce.number().int().min(1).max(50).default(10),
});

export const exportQuerySchema = z.strictObject({
  ...filterShape,
  format: z.enum(["csv", "ndjson"]).default("ndjson"),
});

export const actionBodySchema = z
  .strictObject({
    action: z.enum(Object.keys(ACTIONS) as [keyof typeof ACTIONS, ...(keyof typeof ACTIONS)[]]),
    /** Who on the team did it: an agent's name or e-mail, shown in the mention's history. */
    actor: z.string().trim().min(1).max(200),
    note: z.string().trim().min(1).max(10_000).optional(),
  })
  .refine((body) => body.action !== "note" || body.note !== undefined, { message: "a note action needs `note`", path: ["note"] });

/** The filters alone, for their type. */
export const filtersSchema = z.object(filterShape);

export function filtersOf(query: z.infer<typeof filtersSchema>): TeamFilters {
  return {
    q: query.q?.trim() || undefined,
    brand: query.brand,
    source: query.source,
    sentiment: query.sentiment,
    topic: query.topic,
    lang: query.lang,
    ratingMin: query.rating_min,
    ratingMax: query.rating_max,
    from: query.from,
    to: query.to,
  };
}

export const alertsQuerySchema = z.strictObject({
  status: z.enum(["open", "resolved"]).optional(),
  size: z.coerce.number().int().min(1).max(500).default(100),
});

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

const replyText = z.string().trim().min(1, "write the reply's text").max(REPLY_TEXT_MAX, `at most ${REPLY_TEXT_MAX} characters`);

/** `POST /mentions/{id}/reply`: one step of the reply workflow. */
export const replyBodySchema = z.strictObject({
  action: z.enum(REPLY_ACTIONS),
  /** The reply's text (draft, send, record); for draft and send a template may give it instead. */
  text: replyText.optional(),
  /** A template id of replies.yaml, rendered for this mention when no text is given. */
  template: id.optional(),
  /** Who on the team does it: an agent's name or e-mail, recorded in the reply's history (`rule:…` is kept for the reply rules). */
  actor: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((actor) => !actor.startsWith("rule:"), "`rule:` names a reply rule in the history; give the agent's name or e-mail"),
});

/** `POST /replies/preview`: a text or a template rendered for one mention, measured against its store's limit. */
export const replyPreviewBodySchema = z
  .strictObject({
    mentionId: z.string().regex(/^[a-f0-9]{32}$/, "a mention id (32 hexadecimal characters)"),
    template: id.optional(),
    text: replyText.optional(),
    /** The agent whose name `{agent}` stands for. */
    actor: z.string().trim().min(1).max(200).optional(),
  })
  .refine((body) => (body.template === undefined) !== (body.text === undefined), { message: "give either `text` or `template`, not both and not neither", path: ["text"] });

/** `POST /reply-rules/{id}/dry-run`. */
export const dryRunBodySchema = z.strictObject({
  days: z.number().int().min(1, "at least 1 day").max(90, "at most 90 days").default(30),
});

/** `GET /replies/measures`: publication time range (default: the last 30 days). */
export const replyMeasuresQuerySchema = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
});
