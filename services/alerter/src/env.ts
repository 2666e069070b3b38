import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv, searchEnvShape } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...kafkaEnvShape,
    ...searchEnvShape,
    /** Default: config/alerts.yaml if it exists, else the defaults with no webhooks. */
    ODZEW_ALERTS_FILE: z.string().min(1).optional(),
    /** Look once at start too, instead of waiting for the first scheduled run. */
    ALERTER_RUN_ON_START: z.stringbool().default(true),
    HEALTH_PORT: envFields.port.default(0),
  }),
);
