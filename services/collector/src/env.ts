import { hostname } from "node:os";
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
    /**
     * Names this collector instance in its Kafka transactional id (`<group>-<instance>`), which
     * must stay the same across restarts so that a restarted collector fences its previous
     * incarnation, and must differ between collectors that run at the same time. Default: the
     * host name, right for one collector per host or container (a StatefulSet pod name, a
     * compose service replica); set it (e.g. `collector-0`, `collector-1`) for several on one host.
     */
    COLLECTOR_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, '.', '_' or '-' (at most 100), e.g. collector-0")
      .default(hostname()),
    HEALTH_PORT: envFields.port.default(0),
  }),
);
