export { OdzewError, isRetryable, describeError, type OdzewErrorCode, type OdzewErrorOptions } from "./errors.ts";
export { createLogger, truncate, REDACTED_PATHS, type Logger, type CreateLoggerOptions } from "./logger.ts";
export { parseEnv, envFields, kafkaEnvShape, searchEnvShape } from "./env.ts";
export { ShutdownManager, startHealthServer, type Component } from "./lifecycle.ts";
export { sleep, backoffMs } from "./time.ts";
export {
  metricsRegistry,
  metricsText,
  counter,
  gauge,
  histogram,
  METRIC_PREFIX,
  METRICS_CONTENT_TYPE,
  type MetricOptions,
  type Counter,
  type Gauge,
  type Histogram,
} from "./metrics.ts";
export { seededRandom } from "./random.ts";
export { KEY_BYTES, generateKey, hashKey, hashBytes, matchKey, newKey, teamsFileKeyEntry, keyStrengthProblem } from "./keys.ts";
export { redactUrl, redactUrls } from "./redact-url.ts";
