import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv, searchEnvShape } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...searchEnvShape,
    ...kafkaEnvShape,
    ODZEW_SOURCES_FILE: z.string().min(1).default("config/sources.yaml"),
    ODZEW_TEAMS_FILE: z.string().min(1).default("config/teams.yaml"),
    /** Reply templates and rules; unset: config/replies.yaml when it exists, else none. */
    ODZEW_REPLIES_FILE: z.string().min(1).optional(),
    /** Brand names for `{brand}` in reply templates (read when present). */
    ODZEW_BRANDS_FILE: z.string().min(1).default("config/brands.yaml"),
    /** The enricher's topics file, for the labels of its topics (optional). */
    ODZEW_TOPICS_FILE: z.string().min(1).optional(),
    API_HOST: z.string().default("127.0.0.1"),
    API_PORT: envFields.port.default(8080),
    /** Exports and samples one team may run at once; beyond that 429 with Retry-After. */
    API_HEAVY_READS_PER_TEAM: z.coerce.number().int().min(1).max(100).default(2),
  }),
);
