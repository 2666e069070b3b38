import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger } from "pino";

/** Keys whose values never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "*.headers.authorization",
  "sasl",
  "*.sasl",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "key",
  "*.key",
  "keys",
  "*.keys",
];

export interface CreateLoggerOptions {
  service: string;
  level?: string | undefined;
  /** Pretty-print for humans; defaults to "when standard error is a terminal". */
  pretty?: boolean | undefined;
  /** Where to write; defaults to standard error so that standard output stays for data. */
  destination?: number | undefined;
}

/** The one logger of a process. Libraries take it and make children. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const destination = options.destination ?? 2;
  const pretty = options.pretty ?? (process.stderr.isTTY === true && destination === 2);
  const base: LoggerOptions = {
    name: options.service,
    level: options.level ?? "info",
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: { err: pino.stdSerializers.err },
  };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: "pino-pretty",
        options: { destination, colorize: true, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" },
      },
    });
  }
  return pino(base, pino.destination({ dest: destination, sync: false }));
}

/** Cap a string before it goes into a log line or a dead-letter reason. */
export function truncate(value: string, max = 500): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length - max} more chars)`;
}
