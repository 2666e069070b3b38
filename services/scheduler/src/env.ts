import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...kafkaEnvShape,
    ODZEW_SOURCES_FILE: z.string().min(1).default("config/sources.yaml"),
    SCHEDULER_RUN_ON_START: z.stringbool().default(true),
    HEALTH_PORT: envFields.port.default(0),
  }),
);
