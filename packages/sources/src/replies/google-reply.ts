import { OdzewError, describeError } from "@odzew/core";

/**
 * What the two Google reply adapters (Play Developer API, Business Profile) share: one retry
 * with a fresh access token when a cached one is refused, and the mapping of Google's answers
 * (`{"error": {"code", "message", "status"}}`) to the reply error codes of `adapter.ts`.
 */

export interface GoogleAccess {
  token: string;
  /** Whether it came from the cache: only a cached token is worth replacing after a 401. */
  cached: boolean;
}

/**
 * One call to a Google API as a reply adapter makes it: with an access token, and a 401 to a
 * cached token (revoked or expired before its time) forgets it and tries once more with a fresh
 * one. Whatever fails comes out as a reply error (`googleReplyError`); a token endpoint that
 * refuses the credentials is REPLY_AUTH.
 */
export async function googleReplyCall<T>(
  words: GoogleReplyErrorWords,
  access: () => Promise<GoogleAccess>,
  forget: () => void,
  call: (token: string) => Promise<T>,
): Promise<T> {
  const token = async () => {
    try {
      return await access();
    } catch (error) {
      throw googleTokenError(error, words);
    }
  };
  try {
    const first = await token();
    try {
      return await call(first.token);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      forget();
      if (!first.cached) throw error;
    }
    const fresh = await token();
    return await call(fresh.token);
  } catch (error) {
    throw googleReplyError(error, words);
  }
}

/** A failed token exchange: refused credentials need a person (REPLY_AUTH); a missing secret is REPLY_NOT_CONFIGURED. */
function googleTokenError(error: unknown, words: GoogleReplyErrorWords): unknown {
  if (error instanceof OdzewError && error.retryable) {
    // Nothing was sent: the outcome is clear, only the token endpoint was not reachable.
    return new OdzewError("REPLY_UNAVAILABLE", cap(`${words.api}: no access token for ${words.doing} (${error.message}); nothing was sent`), {
      retryable: true,
      cause: error,
      context: {
        tokenEndpoint: true,
        ...(typeof error.context.status === "number" ? { status: error.context.status } : {}),
        ...(typeof error.context.retryAfterMs === "number" ? { retryAfterMs: error.context.retryAfterMs } : {}),
      },
    });
  }
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP") return error;
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  const google = googleErrorBody(error.context.body);
  const said = google.message && !error.message.includes(google.message) ? `: ${google.message}` : "";
  return new OdzewError("REPLY_AUTH", cap(`${words.api}: the access token for ${words.doing} was refused (${error.message}${said}). ${words.authHint}`), {
    cause: error,
    context: { ...(typeof error.context.url === "string" ? { url: error.context.url } : {}), ...(status !== undefined ? { status } : {}) },
  });
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof OdzewError && error.code === "SOURCE_HTTP" && error.context.status === 401;
}

/** Google's own explanation in an error body: `{"error": {"code": 403, "message": "…", "status": "PERMISSION_DENIED"}}`. */
export interface GoogleErrorBody {
  message?: string;
  status?: string;
}

/**
 * Google's error in the start of an error body. The HTTP client keeps only its first 300
 * characters, so a cut-off JSON body is read by pattern; an OAuth token endpoint's
 * `{"error": "invalid_grant", "error_description": "…"}` is read too.
 */
export function googleErrorBody(body: unknown): GoogleErrorBody {
  if (typeof body !== "string" || body === "") return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && isRecord(parsed.error)) {
      const { message, status } = parsed.error;
      return { ...(typeof message === "string" && message ? { message } : {}), ...(typeof status === "string" && status ? { status } : {}) };
    }
    if (isRecord(parsed) && typeof parsed.error === "string") {
      const description = typeof parsed.error_description === "string" ? `: ${parsed.error_description}` : "";
      return { message: `${parsed.error}${description}` };
    }
  } catch {
    // cut off: read by pattern below
  }
  const message = /"message"\s*:\s*"((?:[^"\\]|\\.)*)/.exec(body)?.[1];
  const status = /"status"\s*:\s*"([A-Z_]+)"/.exec(body)?.[1];
  return {
    ...(message ? { message: unescapeJson(message) } : {}),
    ...(status ? { status } : {}),
  };
}

function unescapeJson(text: string): string {
  try {
    const value: unknown = JSON.parse(`"${text}"`);
    return typeof value === "string" ? value : text;
  } catch {
    return text;
  }
}

/** How one Google API's refusals are explained to the agent. */
export interface GoogleReplyErrorWords {
  /** "Google Play", "Google Business Profile". */
  api: string;
  /** What was being done, e.g. `posting the reply to review gp:AOqp… of pl.example.app`. */
  doing: string;
  /** What to check when the credentials are refused (401, or the token endpoint refused them). */
  authHint: string;
  /** What to check when the account may not reply (403). */
  forbiddenHint: string;
  /** What a 404 means here. */
  notFoundHint: string;
}

/** The longest message a reply error keeps (the event schema allows 2,000 characters). */
const MAX_MESSAGE = 1_500;

/**
 * A failure of a Google reply call as one of the reply error codes, in words, with Google's own
 * message. Errors that already carry a reply code pass unchanged.
 *
 * - 400 (and other 4xx) → REPLY_REJECTED; 401 → REPLY_AUTH; 403 → REPLY_FORBIDDEN;
 *   404 → REPLY_NOT_FOUND; 429 → REPLY_RATE_LIMITED with `retryAfterMs`;
 * - 408, 5xx, a network error, the deadline, an unreadable answer → REPLY_UNAVAILABLE
 *   (retryable, and unclear: Google may have stored the reply);
 * - a missing secret or key file, a base URL the network rules refuse → REPLY_NOT_CONFIGURED.
 */
export function googleReplyError(error: unknown, words: GoogleReplyErrorWords): OdzewError {
  if (error instanceof OdzewError && error.code.startsWith("REPLY_")) return error;
  if (!(error instanceof OdzewError)) {
    return new OdzewError("REPLY_UNAVAILABLE", cap(`${words.api}: ${words.doing} failed: ${describeError(error)}; ${UNCLEAR}`), {
      retryable: true,
      cause: error,
    });
  }
  if (error.code === "CONFIG_INVALID") {
    return new OdzewError("REPLY_NOT_CONFIGURED", cap(`${words.api}: cannot reply: ${error.message}`), {
      cause: error,
      context: { ...error.context },
    });
  }
  if (error.code === "SOURCE_FORBIDDEN_ADDRESS") {
    return new OdzewError("REPLY_NOT_CONFIGURED", cap(`${words.api}: ${error.message}`), { cause: error, context: { ...error.context } });
  }
  if (error.code === "SOURCE_PARSE") {
    return new OdzewError("REPLY_UNAVAILABLE", cap(`${words.api}: ${words.doing}: ${error.message}; ${UNCLEAR}`), {
      retryable: true,
      cause: error,
      context: { ...error.context },
    });
  }

  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  const url = typeof error.context.url === "string" ? error.context.url : undefined;
  const google = googleErrorBody(error.context.body);
  // Google's sentence, its full stop left to the sentence it is put in.
  const said = google.message ? `: ${google.message.replace(/[.\s]+$/, "")}` : "";
  const http = status === undefined ? "" : ` (HTTP ${status}${google.status ? ` ${google.status}` : ""})`;
  const context = {
    ...(url ? { url } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(google.status ? { googleStatus: google.status } : {}),
  };

  if (status === undefined || status === 408 || status >= 500) {
    const what = status === undefined ? `no answer (${error.message})` : `Google failed${http}${said}`;
    return new OdzewError("REPLY_UNAVAILABLE", cap(`${words.api}: ${words.doing}: ${what}; ${UNCLEAR}`), {
      retryable: true,
      cause: error,
      context,
    });
  }
  if (status === 429) {
    const retryAfterMs = typeof error.context.retryAfterMs === "number" ? error.context.retryAfterMs : undefined;
    const wait = retryAfterMs !== undefined ? `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s` : "";
    return new OdzewError("REPLY_RATE_LIMITED", cap(`${words.api} is rate limiting ${words.doing}${http}${said}${wait}`), {
      retryable: true,
      cause: error,
      context: { ...context, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    });
  }
  if (status === 401) {
    return new OdzewError(
      "REPLY_AUTH",
      cap(`${words.api} refused the credentials for ${words.doing}${http}${said}. ${words.authHint}`),
      { cause: error, context },
    );
  }
  if (status === 403) {
    return new OdzewError("REPLY_FORBIDDEN", cap(`${words.api} does not allow ${words.doing}${http}${said}. ${words.forbiddenHint}`), {
      cause: error,
      context,
    });
  }
  if (status === 404) {
    return new OdzewError("REPLY_NOT_FOUND", cap(`${words.api} does not know the review${http}${said}. ${words.notFoundHint}`), {
      cause: error,
      context,
    });
  }
  return new OdzewError("REPLY_REJECTED", cap(`${words.api} rejected ${words.doing}${http}${said || ": no reason given"}`), {
    cause: error,
    context,
  });
}

const UNCLEAR = "the reply may or may not have been stored: the review's current reply is checked before it is sent again";

function cap(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
