import { z } from "zod";

export const COLLECT_JOB_SCHEMA_VERSION = 1;
export const WORKFLOW_SCHEMA_VERSION = 1;
export const DEAD_LETTER_SCHEMA_VERSION = 1;

/** Asks a collector to poll one source instance now. Key on Kafka: the source id. */
export const collectJobSchema = z.object({
  schemaVersion: z.literal(COLLECT_JOB_SCHEMA_VERSION),
  jobId: z.string().min(1),
  sourceId: z.string().min(1),
  reason: z.enum(["schedule", "backfill", "manual"]),
  requestedAt: z.iso.datetime({ offset: true }),
});
export type CollectJob = z.infer<typeof collectJobSchema>;

/** A state change in the customer-service workflow. Key on Kafka: the mention id. */
export const workflowEventSchema = z.object({
  schemaVersion: z.literal(WORKFLOW_SCHEMA_VERSION),
  eventId: z.string().min(1),
  mentionId: z.string().regex(/^[a-f0-9]{32}$/),
  team: z.string().min(1),
  actor: z.string().min(1),
  type: z.enum(["claimed", "released", "answered", "closed", "reopened", "noted"]),
  note: z.string().max(10_000).optional(),
  at: z.iso.datetime({ offset: true }),
});
export type WorkflowEvent = z.infer<typeof workflowEventSchema>;

/** Where in the pipeline a message failed. */
export const pipelineStageSchema = z.enum(["collect", "enrich", "index"]);

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
  }),
  failedAt: z.iso.datetime({ offset: true }),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
