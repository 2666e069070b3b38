import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv, searchEnvShape } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...kafkaEnvShape,
    ...searchEnvShape,
    INDEXER_GROUP_ID: z.string().min(1).default("odzew-indexer"),
    INDEXER_CHUNK_SIZE: envFields.positiveInt.max(5_000).default(500),
    /** Partitions written at once: while the engine indexes one bulk, the next is read and planned. */
    INDEXER_PARTITIONS_CONCURRENTLY: envFields.positiveInt.max(64).default(3),
    HEALTH_PORT: envFields.port.default(0),
  }),
);
