/**
 * What the dashboard reads, typed by the API's own response schemas (services/api/src/responses.ts):
 * when a response changes, this does not compile until the pages follow. Type-only imports: nothing
 * of the server reaches the browser bundle.
 */
import type { z } from "zod";
import type {
  actionResponseSchema,
  alertsResponseSchema,
  meResponseSchema,
  mentionPageSchema,
  mentionResponseSchema,
  replyActionResponseSchema,
  replyMeasuresResponseSchema,
  replyPreviewSchema,
  replyTemplatesResponseSchema,
  replyViewSchema,
  ratingsResponseSchema,
  sampleResponseSchema,
  shareOfVoiceResponseSchema,
  slaResponseSchema,
  sourcesResponseSchema,
  timelineResponseSchema,
  topicsResponseSchema,
  trendsResponseSchema,
} from "../../api/src/responses.ts";

export type Me = z.infer<typeof meResponseSchema>;
export type Team = Me["team"];
export type TeamAction = Team["actions"][number];
export type Mention = z.infer<typeof mentionResponseSchema>;
export type MentionPage = z.infer<typeof mentionPageSchema>;
export type SourcesResponse = z.infer<typeof sourcesResponseSchema>;
export type SourceStatus = SourcesResponse["sources"][number];
export type Timeline = z.infer<typeof timelineResponseSchema>;
export type TopicsResponse = z.infer<typeof topicsResponseSchema>;
export type ShareOfVoice = z.infer<typeof shareOfVoiceResponseSchema>;
export type SlaResponse = z.infer<typeof slaResponseSchema>;
export type ActionResponse = z.infer<typeof actionResponseSchema>;
export type SampleResponse = z.infer<typeof sampleResponseSchema>;
export type AlertsResponse = z.infer<typeof alertsResponseSchema>;
export type TeamAlert = AlertsResponse["alerts"][number];
export type ReplyView = z.infer<typeof replyViewSchema>;
export type ReplyPreview = z.infer<typeof replyPreviewSchema>;
export type ReplyActionResponse = z.infer<typeof replyActionResponseSchema>;
export type ReplyTemplates = z.infer<typeof replyTemplatesResponseSchema>;
export type ReplyMeasures = z.infer<typeof replyMeasuresResponseSchema>;
export type RatingsResponse = z.infer<typeof ratingsResponseSchema>;
export type TrendsResponse = z.infer<typeof trendsResponseSchema>;
export type Trend = TrendsResponse["overall"];
