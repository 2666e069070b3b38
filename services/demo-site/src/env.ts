import { z } from "zod";
import { envFields, parseEnv } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    DEMO_SITE_PORT: envFields.port.default(8088),
    DEMO_SITE_HOST: z.string().default("127.0.0.1"),
    /** A new review every so many seconds; 0 turns it off. */
    DEMO_SITE_NEW_REVIEW_EVERY_S: z.coerce.number().min(0).default(45),
    /**
     * The bearer token the shop's reply API (`/api/reviews/{id}/reply`) accepts. Unset: the site
     * refuses every reply and says so. `odzew run --demo` generates one.
     */
    DEMO_SITE_REPLY_TOKEN: z.preprocess(
      (value) => (value === "" ? undefined : value),
      z.string().min(16, "at least 16 characters (e.g. openssl rand -hex 24)").regex(/^\S+$/, "no spaces or line breaks").optional(),
    ),
  }),
);
