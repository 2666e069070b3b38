import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...kafkaEnvShape,
    ENRICHER_GROUP_ID: z.string().min(1).default("odzew-enricher"),
    ODZEW_BRANDS_FILE: z.string().min(1).default("config/brands.yaml"),
    /** Optional: topics that add to or replace the default taxonomy. */
    ODZEW_TOPICS_FILE: z.string().min(1).optional(),
    /** Optional: a model from `odzew sentiment train`; used only where it beat the lexicon. */
    ODZEW_SENTIMENT_MODEL_FILE: z.string().min(1).optional(),
    /** Key of the author pseudonyms (HMAC). Keep it secret and stable: a new key makes new pseudonyms. */
    ODZEW_AUTHOR_KEY: z.string().min(16, "at least 16 characters; generate one with: openssl rand -hex 32"),
    HEALTH_PORT: envFields.port.default(0),
  }),
);
