import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...kafkaEnvShape,
    ENRICHER_GROUP_ID: z.string().min(1).default("odzew-enricher"),
    HEALTH_PORT: envFields.port.default(0),
  }),
);
