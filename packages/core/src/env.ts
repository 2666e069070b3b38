import { z } from "zod";
import { OdzewError } from "./errors.ts";

/**
 * Parse a service's environment once, at boot. A bad value stops the process with a message
 * that names the variable and what is wrong with it.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  options: { exitOnError?: boolean } = { exitOnError: true },
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? String(issue.path[0]) : "(environment)";
    const value = typeof issue.path[0] === "string" ? env[issue.path[0]] : undefined;
    const shown = value === undefined ? "unset" : isSecretName(name) ? "set" : JSON.stringify(value);
    return `  ${name} (${shown}): ${issue.message}`;
  });
  const error = new OdzewError("ENV_INVALID", `Invalid environment:\n${lines.join("\n")}`);
  if (options.exitOnError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

function isSecretName(name: string): boolean {
  return /PASSWORD|SECRET|TOKEN|KEY/i.test(name);
}

/** Common schema pieces for environment variables. */
export const envFields = {
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  brokers: z
    .string()
    .default("127.0.0.1:9092")
    .transform((value) => value.split(",").map((broker) => broker.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, "expected host:port[,host:port…]")).min(1)),
  url: z.url({ message: "expected an http(s) URL" }),
  port: z.coerce.number().int().min(0).max(65535),
  positiveInt: z.coerce.number().int().positive(),
  prefix: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, dots, dashes and underscores"),
};

/** Environment of every service that talks to Kafka. */
export const kafkaEnvShape = {
  KAFKA_BROKERS: envFields.brokers,
  KAFKA_SSL: z.stringbool().default(false),
  KAFKA_SASL_MECHANISM: z.enum(["plain", "scram-sha-256", "scram-sha-512"]).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  ODZEW_TOPIC_PREFIX: envFields.prefix.default("odzew"),
};

/** Environment of every service that talks to the search engine. */
export const searchEnvShape = {
  SEARCH_URL: envFields.url.default("http://127.0.0.1:9200"),
  SEARCH_USERNAME: z.string().optional(),
  SEARCH_PASSWORD: z.string().optional(),
  ODZEW_INDEX_PREFIX: envFields.prefix.default("odzew"),
};
