import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv, searchEnvShape } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...kafkaEnvShape,
    /** The rule runner reads a mention's workflow from the index. */
    ...searchEnvShape,
    ODZEW_SOURCES_FILE: z.string().min(1).default("config/sources.yaml"),
    ODZEW_TEAMS_FILE: z.string().min(1).default("config/teams.yaml"),
    /** Brand names for the templates' {brand}, when the file exists. */
    ODZEW_BRANDS_FILE: z.string().min(1).default("config/brands.yaml"),
    /** Templates and reply rules; default config/replies.yaml when it exists. Without enabled rules the rule runner does not start. */
    ODZEW_REPLIES_FILE: z.string().min(1).optional(),
    RESPONDER_GROUP_ID: z.string().min(1).default("odzew-responder"),
    /** Calls to a store answering 5xx or not at all, the first included; each retry asks the store's current reply first. */
    RESPONDER_UNAVAILABLE_TRIES: envFields.positiveInt.max(20).default(4),
    /** Calls to a store answering 429, the first included. */
    RESPONDER_RATE_LIMITED_TRIES: envFields.positiveInt.max(20).default(5),
    /** First wait after a 5xx; it doubles up to a minute. */
    RESPONDER_BACKOFF_MS: envFields.positiveInt.max(600_000).default(2_000),
    /** A Retry-After longer than this is not waited for: the reply fails, retryable, for an agent to retry later. */
    RESPONDER_MAX_RETRY_AFTER_MS: envFields.positiveInt.max(3_600_000).default(300_000),
    RESPONDER_USER_AGENT: z.string().min(1).optional(),
    HEALTH_PORT: envFields.port.default(0),
  }),
);
