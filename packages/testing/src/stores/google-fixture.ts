import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach } from "vitest";

/**
 * What the Google API fixture servers (Play Developer API, Business Profile) share: Google's
 * error bodies, bearer tokens handed out by a local token endpoint, the request log and the
 * failures a test can inject.
 */

/**
 * A failure to inject into the next API request(s) (the token endpoint has its own, `invalid-grant`):
 * - `rate-limit`: 429 RESOURCE_EXHAUSTED with `Retry-After` (seconds, `retryAfterSeconds`, default 30);
 * - `expired-token`: 401 UNAUTHENTICATED, and the token used is refused from then on (a fresh one works);
 * - `forbidden`: 403 PERMISSION_DENIED;
 * - `invalid-argument`: 400 INVALID_ARGUMENT (`message`, default "Request contains an invalid argument.");
 * - `server-error`: 503 UNAVAILABLE, nothing done;
 * - `server-error-after-store`: the write is done (the reply stored or deleted), then 500 INTERNAL;
 * - `reset-after-store`: the write is done, then the connection is dropped without an answer;
 * - `invalid-grant`: the token endpoint answers 400 invalid_grant.
 */
export type GoogleFault =
  | "rate-limit"
  | "expired-token"
  | "forbidden"
  | "invalid-argument"
  | "server-error"
  | "server-error-after-store"
  | "reset-after-store"
  | "invalid-grant";

export interface FailNextOptions {
  /** How many requests in a row fail this way (default 1). */
  times?: number;
  /** `rate-limit`: the Retry-After in seconds (default 30). */
  retryAfterSeconds?: number;
  /** The error's message, as Google would word it (a default per fault). */
  message?: string;
  /**
   * Which API requests it hits: `write` (POST/PUT/DELETE), `read` (GET) or `any`. Default:
   * `write` for the `*-after-store` faults, else `any`.
   */
  on?: "write" | "read" | "any";
}

/** One request the fixture answered. */
export interface GoogleApiRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** The bearer token sent, if any (test tokens only). */
  bearer?: string;
  /** The request body as sent. */
  body: string;
  /** The status answered; undefined when the connection was dropped. */
  status?: number;
  /** The fault injected into it, if any. */
  fault?: GoogleFault;
}

interface PendingFault {
  kind: GoogleFault;
  left: number;
  retryAfterSeconds: number;
  message?: string;
  on: "write" | "read" | "any";
}

/** What every Google API fixture lets a test do: inject faults, expire tokens, read what it answered. */
export interface GoogleFixtureControls {
  /** Inject a failure into the next request(s): see `GoogleFault`. */
  failNext(kind: GoogleFault, options?: FailNextOptions): void;
  /** Every access token handed out so far is refused from now on (401), as after expiry. */
  expireTokens(): void;
  /** Access tokens the token endpoint handed out. */
  tokensIssued(): number;
  /** Every request answered (the token endpoint's too), in order. */
  requests: GoogleApiRequest[];
  close(): Promise<void>;
}

export const GOOGLE_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** Google's error body: `{"error": {"code", "message", "status"}}`. */
export function sendGoogleError(response: ServerResponse, code: number, message: string, headers: Record<string, string> = {}): number {
  sendJson(response, code, { error: { code, message, status: GOOGLE_STATUS[code] ?? "UNKNOWN" } }, headers);
  return code;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  response.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers }).end(JSON.stringify(body, null, 2));
  return status;
}

/** A JSON object's fields; undefined when the text is not a JSON object. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? { ...parsed } : undefined;
  } catch {
    return undefined;
  }
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** A fault taken for one request. */
export interface InjectedFault {
  kind: GoogleFault;
  retryAfterSeconds: number;
  message?: string;
}

/** The bearer tokens, faults and request log of one fixture server. */
export class GoogleFixtureState {
  readonly requests: GoogleApiRequest[] = [];
  private readonly valid = new Set<string>();
  private issued = 0;
  private readonly faults: PendingFault[] = [];

  constructor(private readonly tokenPrefix: string) {}

  /** A new access token, valid until `expireTokens` or an `expired-token` fault. */
  issueToken(): string {
    this.issued += 1;
    const token = `${this.tokenPrefix}${this.issued}-${Math.random().toString(36).slice(2, 10)}`;
    this.valid.add(token);
    return token;
  }

  get tokensIssued(): number {
    return this.issued;
  }

  isValid(token: string | undefined): boolean {
    return token !== undefined && this.valid.has(token);
  }

  revoke(token: string | undefined): void {
    if (token !== undefined) this.valid.delete(token);
  }

  expireTokens(): void {
    this.valid.clear();
  }

  failNext(kind: GoogleFault, options: FailNextOptions = {}): void {
    const afterStore = kind === "server-error-after-store" || kind === "reset-after-store";
    this.faults.push({
      kind,
      left: Math.max(1, options.times ?? 1),
      retryAfterSeconds: options.retryAfterSeconds ?? 30,
      ...(options.message !== undefined ? { message: options.message } : {}),
      on: options.on ?? (afterStore ? "write" : "any"),
    });
  }

  /** The fault for this request, if one is pending for its kind (consumed). */
  takeFault(method: string, tokenEndpoint: boolean): InjectedFault | undefined {
    const write = method !== "GET" && method !== "HEAD";
    const index = this.faults.findIndex((fault) =>
      tokenEndpoint
        ? fault.kind === "invalid-grant"
        : fault.kind !== "invalid-grant" && (fault.on === "any" || (fault.on === "write") === write),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return { kind: fault.kind, retryAfterSeconds: fault.retryAfterSeconds, ...(fault.message !== undefined ? { message: fault.message } : {}) };
  }
}

/**
 * Answer a fault that comes before any work (429, 401, 403, 503); `undefined` when the request
 * is to go ahead (no fault, or one that strikes after the write).
 */
export function answerEarlyFault(
  fault: InjectedFault | undefined,
  response: ServerResponse,
  state: GoogleFixtureState,
  bearer: string | undefined,
): number | undefined {
  switch (fault?.kind) {
    case "rate-limit":
      return sendGoogleError(response, 429, fault.message ?? "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service.", {
        "retry-after": String(fault.retryAfterSeconds),
      });
    case "expired-token":
      state.revoke(bearer);
      return sendGoogleError(
        response,
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      );
    case "forbidden":
      return sendGoogleError(response, 403, fault.message ?? "The caller does not have permission");
    case "invalid-argument":
      return sendGoogleError(response, 400, fault.message ?? "Request contains an invalid argument.");
    case "server-error":
      return sendGoogleError(response, 503, fault.message ?? "The service is currently unavailable.");
    default:
      return undefined;
  }
}

/** After the write: the unclear answers (500, or no answer at all); `undefined` to answer normally. */
export function answerLateFault(fault: InjectedFault | undefined, response: ServerResponse): number | "dropped" | undefined {
  if (fault?.kind === "server-error-after-store") return sendGoogleError(response, 500, fault.message ?? "Internal error encountered.");
  if (fault?.kind === "reset-after-store") {
    response.socket?.destroy();
    return "dropped";
  }
  return undefined;
}

/** 401 when the bearer token is missing or not one the token endpoint handed out (or it was revoked). */
/**
 * The gate before an API call is served: the fault injected into this request (recorded in its
 * log entry) answered at once where it comes before the work (429, 401, 403, 400, 503), then the
 * bearer token checked. `answered`: the response is sent; otherwise the call is served, and a
 * fault that comes after the work (`answerLateFault`) is handed on.
 */
export function gateApiRequest(
  state: GoogleFixtureState,
  method: string,
  response: ServerResponse,
  bearer: string | undefined,
  entry: GoogleApiRequest,
): { answered: true } | { answered: false; fault: InjectedFault | undefined } {
  const fault = state.takeFault(method, false);
  if (fault) entry.fault = fault.kind;
  const status = answerEarlyFault(fault, response, state, bearer) ?? checkBearer(response, state, bearer);
  if (status === undefined) return { answered: false, fault };
  entry.status = status;
  return { answered: true };
}

export function checkBearer(response: ServerResponse, state: GoogleFixtureState, bearer: string | undefined): number | undefined {
  if (state.isValid(bearer)) return undefined;
  return sendGoogleError(
    response,
    401,
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
  );
}

export function bearerOf(request: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
}

/** `{seconds: "…", nanos: …}`, as the Play Developer API writes times. */
export function protoTime(at: Date): { seconds: string; nanos: number } {
  const ms = at.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

/**
 * For a test file: `const start = useStoreFixture(startGooglePlayApi);` then `await start({...})`
 * in a test; every server started this way is closed after its test.
 */
export function useStoreFixture<O, S extends { close(): Promise<void> }>(start: (options: O) => Promise<S>): (options: O) => Promise<S> {
  const started: S[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (options) => {
    const server = await start(options);
    started.push(server);
    return server;
  };
}
