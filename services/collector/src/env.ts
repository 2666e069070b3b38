import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...kafkaEnvShape,
    ODZEW_SOURCES_FILE: z.string().min(1).default("config/sources.yaml"),
    COLLECTOR_GROUP_ID: z.string().min(1).default("odzew-collector"),
    COLLECTOR_USER_AGENT: z.string().min(1).optional(),
    COLLECTOR_MIN_INTERVAL_MS: z.coerce.number().int().min(0).default(1_000),
    HEALTH_PORT: envFields.port.default(0),
  }),
);
