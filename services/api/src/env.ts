import { z } from "zod";
import { envFields, parseEnv, searchEnvShape } from "@odzew/core";

export const env = parseEnv(
  z.object({
    LOG_LEVEL: envFields.logLevel,
    ...searchEnvShape,
    ODZEW_TEAMS_FILE: z.string().min(1).default("config/teams.yaml"),
    API_HOST: z.string().default("127.0.0.1"),
    API_PORT: envFields.port.default(8080),
  }),
);
