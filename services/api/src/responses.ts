/**
 * What the API answers, as zod schemas: the OpenAPI document shows them (RouteDoc.response), the
 * route handlers are typed by them (z.infer), and the contract test holds the served bodies to the
 * served document. The mention views are built from the pipeline's own message schemas and the
 * one list of personal fields (@odzew/search PERSONAL_FIELDS), so they follow both.
 */
import { z } from "zod";
import {
  SOURCE_TYPES,
  alertSchema,
  enrichedMentionSchema,
  mentionDetailsSchema,
  replyRuleSchema,
  replyStateSchema,
  replyTemplateSchema,
  sourceHealthSchema,
  teamSchema,
  workflowEventSchema,
  workflowStateSchema,
} from "@odzew/schema";
import { WHOLE_PERSONAL_FIELDS, personalFieldsIn, type FullView, type PseudonymousView, type RatingDistribution, type ReplyMeasures, type Trend } from "@odzew/search";

/** A zod mask (`{ field: true }`) of a list of field names. */
function maskOf<K extends string>(fields: readonly K[]): { [P in K]: true } {
  const mask: Partial<Record<K, true>> = {};
  for (const field of fields) mask[field] = true;
  return mask as { [P in K]: true };
}

/** A mention as stored (without the masked copy and the sample key, which no view shows). */
const servedMentionSchema = enrichedMentionSchema.omit({ masked: true }).extend({ workflow: workflowStateSchema.optional() });

/** The full view: any field but the id may be missing (hidden by the team, or absent from an older document). */
export const fullViewSchema = servedMentionSchema.partial().required({ id: true });

/** The pseudonymous view: no personal field, the source by its type, whether the brand replied. */
export const pseudonymousViewSchema = servedMentionSchema
  .omit({ ...maskOf(WHOLE_PERSONAL_FIELDS), reply: true, source: true, details: true, workflow: true })
  .extend({
    source: enrichedMentionSchema.shape.source.omit(maskOf(personalFieldsIn("source"))),
    details: mentionDetailsSchema.omit(maskOf(personalFieldsIn("details"))),
    workflow: workflowStateSchema.omit(maskOf(personalFieldsIn("workflow"))),
    hasReply: z.boolean().describe("Whether the brand has replied at the source (the reply itself is not shown in this view)"),
  })
  .partial()
  .required({ id: true, hasReply: true });

/** Where customer service answers a mention (full view, unless the team hides `url`). */
export const answerLinkSchema = z.object({
  url: z.string().describe("Where the review is answered"),
  where: z.string().describe("What that place is, for the agent"),
  replyVia: z
    .enum(["odzew", "there"])
    .optional()
    .describe("`odzew`: Odzew posts the reply through the store's API (POST /mentions/{id}/reply); `there`: answer at `url`, then record the reply"),
});

/** A mention as a team gets it: its view, and in the full view where to answer it. */
export const mentionResponseSchema = z
  .union([fullViewSchema.extend({ answer: answerLinkSchema.optional() }), pseudonymousViewSchema])
  .meta({ description: "A mention in the team's view: the full view, or the pseudonymous one (with `hasReply`)" });
export type MentionResponse = z.infer<typeof mentionResponseSchema>;

export const mentionPageSchema = z.object({
  total: z.number().int().nonnegative(),
  items: z.array(mentionResponseSchema),
  next: z.string().optional().describe("The cursor of the next page: pass it as `after`, unchanged, with the same sort"),
});

// teamSchema carries a refinement (no reply for a pseudonymous team), which `.pick` refuses: its fields by hand.
const teamFields = teamSchema.shape;
const teamIdentity = z.object({
  id: teamFields.id,
  name: teamFields.name,
  view: teamFields.view,
  actions: teamFields.actions,
  slice: teamFields.slice,
  hide: teamFields.hide.describe("Fields this team does not see (hide in teams.yaml): it can neither filter, group nor sort by them"),
  brands: z
    .array(z.object({ id: z.string(), name: z.string() }))
    .describe("The brands of the slice (every configured brand when the slice names none), with their names from brands.yaml"),
  replies: z
    .object({ slaHours: z.number().positive().describe("Hours within which a review should have its first reply: the inbox counts down to publishedAt + slaHours") })
    .describe("The team's reply settings a workspace needs (replies in teams.yaml)"),
  topics: z
    .array(z.object({ id: z.string(), label: z.object({ pl: z.string(), en: z.string() }) }))
    .describe("Labels of the topics for people, in Polish and English: the default topics' and those the topics file (ODZEW_TOPICS_FILE) gives; a topic not listed is shown by its id"),
});
export const meResponseSchema = z.object({ team: teamIdentity });

export const sourceStatusSchema = z.object({
  id: z.string(),
  type: z.enum(SOURCE_TYPES).optional(),
  status: z.enum(["never-polled", "alert", "ok"]),
  health: sourceHealthSchema.nullable(),
  backfilled: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type SourceStatusView = z.infer<typeof sourceStatusSchema>;
export const sourcesResponseSchema = z.object({ sources: z.array(sourceStatusSchema) });

const counts = z.record(z.string(), z.number().int().nonnegative());

export const timelineResponseSchema = z.object({
  interval: z.enum(["hour", "day", "week", "month"]),
  from: z.string(),
  to: z.string(),
  buckets: z.array(z.object({ at: z.string(), count: z.number().int().nonnegative(), by: counts.optional() })),
});

const breakdownItem = { count: z.number().int().nonnegative(), share: z.number(), sentiment: counts, net: z.number() };
export const topicsResponseSchema = z.object({
  total: z.number().int().nonnegative().describe("Mentions counted"),
  topics: z.array(
    z.object({
      topic: z.string(),
      count: breakdownItem.count.describe("Mentions with this topic (one aspect each)"),
      share: breakdownItem.share.describe("Of all topic counts"),
      sentiment: counts.describe("Per label: aspects of this topic with that sentiment (the clause's, or the mention's for mentions enriched before aspects)"),
      net: breakdownItem.net.describe("(positive − negative) / count"),
    }),
  ),
});
export const shareOfVoiceResponseSchema = z.object({ total: z.number().int().nonnegative(), brands: z.array(z.object({ brand: z.string(), ...breakdownItem })) });

export const slaResponseSchema = z.object({
  sources: z.array(z.object({ source: z.string(), waiting: z.number().int().nonnegative(), oldestPublishedAt: z.string(), oldestAgeHours: z.number() })),
});

export const actionResponseSchema = z.object({ event: workflowEventSchema });

const stratum = z.record(z.string(), z.string());
export const sampleResponseSchema = z.object({
  n: z.number().int(),
  seed: z.string(),
  population: z.number().int().nonnegative(),
  strata: z.array(z.object({ key: stratum, count: z.number().int().nonnegative(), allocated: z.number().int().nonnegative(), drawn: z.number().int().nonnegative() })),
  items: z.array(z.union([fullViewSchema.extend({ stratum }), pseudonymousViewSchema.extend({ stratum })])),
});

/** One mention of a sample, as a line of its NDJSON export: the team's view and the stratum it was drawn for. */
export const sampleLineSchema = sampleResponseSchema.shape.items.element;

const starCount = z.number().int().nonnegative();
/** `GET /stats/ratings`: stars per source of the rated mentions. */
export const ratingsResponseSchema = z.object({
  by: z.enum(["source", "sourceType"]).describe("`source`: per source id; `sourceType`: per source type (the pseudonymous view shows no source ids)"),
  total: z.number().int().nonnegative().describe("Rated mentions counted"),
  sources: z.array(
    z.object({
      source: z.string().describe("The source id, or its type"),
      count: z.number().int().nonnegative().describe("Rated mentions of it"),
      mean: z.number().describe("Their mean rating (1–5)"),
      stars: z.object({ "1": starCount, "2": starCount, "3": starCount, "4": starCount, "5": starCount }).describe("Rated mentions per star (a fractional rating counts to the nearest star)"),
    }),
  ),
});

const periodFigures = z.object({ count: z.number().int().nonnegative(), sentiment: counts, net: z.number().describe("(positive − negative) / count") });
const trendShape = {
  current: periodFigures,
  previous: periodFigures,
  change: z.object({
    count: z.number().int().describe("Mentions now minus before"),
    ratio: z.number().optional().describe("That change as a share of before; absent when there was nothing before"),
    net: z.number().describe("Net sentiment now minus before"),
  }),
};
const period = z.object({ from: z.string(), to: z.string() });
/** `GET /stats/trends`: the current period against the one before it, overall and per topic (topics per aspect, as /stats/topics). */
export const trendsResponseSchema = z.object({
  current: period,
  previous: period.describe("As long as the current period, just before it"),
  overall: z.object(trendShape).describe("Every mention of the filters"),
  topics: z.array(z.object({ topic: z.string(), ...trendShape })).describe("The current period's top topics, then those only the period before had"),
});

/** An alert as a team sees it: the record's copies of its mentions replaced by the team's view of them. */
export const teamAlertSchema = alertSchema.omit({ mentions: true }).extend({ mentions: z.array(mentionResponseSchema) });
export const alertsResponseSchema = z.object({
  alerts: z.array(teamAlertSchema),
  mentionsUnavailable: z.literal(true).optional().describe("Set when the search engine could not be asked: the alerts come without their mentions"),
});

/** One line of an NDJSON export. */
export const exportLineSchema = mentionResponseSchema;

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/** A text measured against the store's limit. */
export const replyPreviewSchema = z.object({
  text: z.string().describe("The reply as it would be posted (a template rendered for the mention)"),
  length: z.number().int().nonnegative().describe("Characters, as the stores count them"),
  limit: z.number().int().positive().optional().describe("The store's longest reply, when Odzew posts there"),
  over: z.number().int().nonnegative().describe("Characters over the limit; 0 when it fits"),
  missing: z.array(z.string()).describe("Template variables this mention has no value for"),
});

export const replyCapabilitySchema = z.object({
  canReply: z.boolean().describe("Whether Odzew posts replies to this source itself"),
  maxLength: z.number().int().positive().optional(),
  canDelete: z.boolean().optional(),
  lengthUnit: z.enum(["characters", "bytes"]).optional().describe("How the store counts maxLength (default characters; Business Profile counts UTF-8 bytes)"),
  reason: z.string().optional().describe("Why not: answer at the source and record the reply"),
});

/** `GET /mentions/{id}/reply`: how a mention is answered, its reply so far, and suggested templates. */
export const replyViewSchema = z.object({
  mentionId: z.string(),
  replyVia: z.enum(["odzew", "there"]),
  capability: replyCapabilitySchema,
  answer: answerLinkSchema.optional().describe("Where to answer it by hand (and what that place is)"),
  reply: replyStateSchema.optional().describe("The latest reply version: its status, text and who drafted, approved and sent it"),
  approval: z.boolean().describe("The team requires a second person's approval before a reply is sent"),
  templates: z
    .array(replyTemplateSchema.pick({ id: true, name: true, lang: true, brand: true }).extend({ preview: replyPreviewSchema }))
    .describe("Suggested templates, best first, rendered for this mention"),
});

export const replyActionResponseSchema = z.object({
  events: z.array(workflowEventSchema).describe("The workflow events recorded, in order"),
  queued: z.boolean().describe("Whether a command to post or delete the reply went to the responder"),
});

export const replyTemplatesResponseSchema = z.object({ templates: z.array(replyTemplateSchema) });
export const replyRulesResponseSchema = z.object({ rules: z.array(replyRuleSchema) });

export const dryRunResponseSchema = z.object({
  rule: z.string(),
  from: z.string(),
  to: z.string(),
  scanned: z.number().int().nonnegative().describe("Mentions of the team's slice published in the window"),
  truncated: z.boolean().describe("The window held more mentions than a dry run reads; only the oldest were judged"),
  counts: z.object({ send: z.number().int().nonnegative(), draft: z.number().int().nonnegative(), skip: z.number().int().nonnegative() }),
  items: z.array(
    z.object({
      mentionId: z.string(),
      publishedAt: z.string(),
      source: z.string().optional(),
      rating: z.number().optional(),
      verdict: z.enum(["send", "draft", "skip"]),
      reason: z.string().optional().describe("Why it skipped, or why it drafts instead of sending"),
      template: z.string().optional(),
      text: z.string().optional().describe("The reply it would have written"),
      preview: z.string().describe("The review's text, shortened"),
    }),
  ),
});

const replyFigures = {
  reviews: z.number().int().nonnegative().describe("Reviews published in the range"),
  answered: z.number().int().nonnegative().describe("Reviews with a reply from Odzew (sent, or recorded as written at the source)"),
  withinSla: z.number().int().nonnegative().describe("Answered within the team's SLA (replies.slaHours)"),
  due: z.number().int().nonnegative().describe("Answered or past their SLA: the base of withinSlaShare"),
  withinSlaShare: z.number().min(0).max(1).optional().describe("withinSla / due; absent when nothing is due"),
  answeredElsewhere: z.number().int().nonnegative().describe("Showing a reply at the source that Odzew did not send"),
  p50Hours: z.number().optional().describe("Median hours from publication to the first reply"),
  p90Hours: z.number().optional(),
};

/** `GET /replies/measures`: the service team's reply measures. */
export const replyMeasuresResponseSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  slaHours: z.number(),
  totals: z.object({
    ...replyFigures,
    waiting: z.object({
      drafts: z.number().int().nonnegative(),
      awaitingApproval: z.number().int().nonnegative(),
      queued: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
    }),
  }),
  sources: z.array(z.object({ source: z.string(), ...replyFigures })),
  agents: z
    .array(z.object({ agent: z.string(), replies: z.number().int().nonnegative(), withinSla: z.number().int().nonnegative(), p50Hours: z.number().optional() }))
    .describe("Per agent whose reply was a review's first (`rule:<id>` for a reply rule)"),
});

/** Compile-time proof that the documented views are the views the projection produces. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const fullViewMatches: Same<z.infer<typeof fullViewSchema>, FullView> = true;
const pseudonymousViewMatches: Same<z.infer<typeof pseudonymousViewSchema>, Omit<PseudonymousView, "author" | "url" | "nativeId" | "reply">> = true;
const replyMeasuresMatch: Same<z.infer<typeof replyMeasuresResponseSchema>, ReplyMeasures> = true;
void replyMeasuresMatch;
const ratingsMatch: Same<z.infer<typeof ratingsResponseSchema>["sources"][number], RatingDistribution> = true;
const trendMatch: Same<Omit<z.infer<typeof trendsResponseSchema>["topics"][number], "topic">, Trend> = true;
void ratingsMatch;
void trendMatch;
void fullViewMatches;
void pseudonymousViewMatches;
