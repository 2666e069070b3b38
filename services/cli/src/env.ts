import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv, searchEnvShape } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel.default("warn"),
    ...kafkaEnvShape,
    ...searchEnvShape,
    ODZEW_TEAMS_FILE: z.string().min(1).default("config/teams.yaml"),
    ODZEW_SOURCES_FILE: z.string().min(1).default("config/sources.yaml"),
    ODZEW_BRANDS_FILE: z.string().min(1).default("config/brands.yaml"),
    /** Reply templates and rules (`odzew replies`, `odzew validate`). */
    ODZEW_REPLIES_FILE: z.string().min(1).default("config/replies.yaml"),
    KAFKA_PARTITIONS: envFields.positiveInt.max(1000).default(3),
    KAFKA_REPLICATION_FACTOR: envFields.positiveInt.max(10).default(1),
    SEARCH_REPLICAS: z.coerce.number().int().min(0).max(10).default(0),
    COLLECTOR_MIN_INTERVAL_MS: z.coerce.number().int().min(0).default(1_000),
    API_HOST: z.string().default("127.0.0.1"),
    API_PORT: envFields.port.default(8080),
    DEMO_SITE_PORT: envFields.port.default(8088),
    /** Where `odzew run` records its pid; `scripts/stack down` reads it to stop the services. */
    ODZEW_RUN_PIDFILE: z.string().min(1).default(".stack/services.pid"),
  }),
);
export type CliEnv = typeof env;
