/**
 * One error type for everything a caller must decide on: a stable code, whether retrying can
 * help, the cause and some context. Unexpected failures are plain `Error`s and stop the worker.
 */
export type OdzewErrorCode =
  | "CONFIG_INVALID"
  | "ENV_INVALID"
  | "MESSAGE_INVALID"
  | "SEARCH_UNAVAILABLE"
  | "SEARCH_REJECTED"
  | "SEARCH_UNSUPPORTED"
  | "KAFKA_UNAVAILABLE"
  | "KAFKA_MESSAGE_TOO_LARGE"
  | "KAFKA_FENCED"
  | "SOURCE_HTTP"
  | "SOURCE_FORBIDDEN_ADDRESS"
  | "SOURCE_PARSE"
  | "SOURCE_UNKNOWN"
  | "ENRICH_FAILED"
  // Answering reviews at the store (see packages/sources/src/replies/adapter.ts).
  | "REPLY_REJECTED"
  | "REPLY_AUTH"
  | "REPLY_FORBIDDEN"
  | "REPLY_NOT_FOUND"
  | "REPLY_RATE_LIMITED"
  | "REPLY_UNAVAILABLE"
  | "REPLY_NOT_CONFIGURED";

export interface OdzewErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  context?: Record<string, unknown>;
}

export class OdzewError extends Error {
  override readonly name = "OdzewError";
  readonly code: OdzewErrorCode;
  readonly retryable: boolean;
  readonly context: Record<string, unknown>;

  constructor(code: OdzewErrorCode, message: string, options: OdzewErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof OdzewError && error.retryable;
}

/** A short, log-safe description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
