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
  sourceHealthSchema,
  teamSchema,
  workflowEventSchema,
  workflowStateSchema,
} from "@odzew/schema";
import { WHOLE_PERSONAL_FIELDS, personalFieldsIn, type FullView, type PseudonymousView } from "@odzew/search";

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

const teamIdentity = teamSchema.pick({ id: true, name: true, view: true, actions: true, slice: true });
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

/** An alert as a team sees it: the record's copies of its mentions replaced by the team's view of them. */
export const teamAlertSchema = alertSchema.omit({ mentions: true }).extend({ mentions: z.array(mentionResponseSchema) });
export const alertsResponseSchema = z.object({
  alerts: z.array(teamAlertSchema),
  mentionsUnavailable: z.literal(true).optional().describe("Set when the search engine could not be asked: the alerts come without their mentions"),
});

/** One line of an NDJSON export. */
export const exportLineSchema = mentionResponseSchema;

/** Compile-time proof that the documented views are the views the projection produces. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const fullViewMatches: Same<z.infer<typeof fullViewSchema>, FullView> = true;
const pseudonymousViewMatches: Same<z.infer<typeof pseudonymousViewSchema>, Omit<PseudonymousView, "author" | "url" | "nativeId" | "reply">> = true;
void fullViewMatches;
void pseudonymousViewMatches;
