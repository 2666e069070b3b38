import { z } from "zod";
import { envFields, parseEnv } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    DEMO_SITE_PORT: envFields.port.default(8088),
    DEMO_SITE_HOST: z.string().default("127.0.0.1"),
    /** A new review every so many seconds; 0 turns it off. */
    DEMO_SITE_NEW_REVIEW_EVERY_S: z.coerce.number().min(0).default(45),
  }),
);
