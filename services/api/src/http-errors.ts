import { type z } from "zod";
import { OdzewError, describeError } from "@odzew/core";
import { SearchRequestError } from "@odzew/search";

/** An HTTP error a route raises on purpose: the status, a stable code and a message for the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A request part parsed with its schema; a 400 naming every bad parameter otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || what}: ${issue.message}`).join("; ");
    throw new HttpError(400, "BAD_REQUEST", detail);
  }
  return parsed.data;
}

/** Engine errors that mean "this query is too big", whatever status the engine gives them (OpenSearch: 500). */
const QUERY_TOO_BIG = new Set(["too_many_clauses", "too_many_nested_clauses", "too_many_buckets_exception"]);

/**
 * Whether the engine refused a read for what the query asked, not for its own state: any 4xx
 * but 404 (no index is an empty slice, handled before) and 429 (busy: retry), or a query that
 * is too big, which OpenSearch answers with a 500.
 */
export function refusedQuery(error: Pick<SearchRequestError, "status" | "body">): boolean {
  if (error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 404 && error.status !== 429) return true;
  const types = new Set<string>();
  const collect = (value: unknown, depth: number) => {
    if (!value || typeof value !== "object" || depth > 6) return;
    const node = value as { type?: unknown; root_cause?: unknown; caused_by?: unknown; failed_shards?: unknown; reason?: unknown };
    if (typeof node.type === "string") types.add(node.type);
    for (const child of [node.root_cause, node.caused_by, node.failed_shards, node.reason]) {
      if (Array.isArray(child)) child.forEach((item) => collect(item, depth + 1));
      else collect(child, depth + 1);
    }
  };
  collect((error.body as { error?: unknown } | undefined)?.error, 0);
  return [...types].some((type) => QUERY_TOO_BIG.has(type));
}

/** What the client gets for a failed request, and what the log says about it (nothing for the client's own mistakes). */
export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string } };
  log?: { level: "warn" | "error"; fields: Record<string, unknown>; message: string };
}

const answer = (status: number, code: string, message: string, log?: ErrorAnswer["log"]): ErrorAnswer => ({ status, body: { error: { code, message } }, ...(log ? { log } : {}) });

/**
 * How an error becomes an HTTP answer: a route's HttpError as it is; an engine refusal of the
 * request's query 400 without the engine's internals; an engine that cannot answer 503; invalid
 * input found in the core 400; work stopped because the client went away 499 without a log line; Fastify's own 4xx (a body too large, bad JSON) as they are;
 * anything else 500 with the details only in the log.
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpError) return answer(error.status, error.code, error.message);
  if (error instanceof SearchRequestError && refusedQuery(error)) {
    return answer(400, "BAD_REQUEST", "the search engine cannot run this query: simplify the search text or check the filters", {
      level: "warn",
      fields: { status: error.status, reason: error.message },
      message: "search engine refused a team query",
    });
  }
  if (error instanceof SearchRequestError && error.retryable) {
    return answer(503, "SEARCH_UNAVAILABLE", "the search engine is unavailable; try again shortly", { level: "warn", fields: { err: error }, message: "search engine unavailable" });
  }
  if (error instanceof OdzewError && error.code === "MESSAGE_INVALID") return answer(400, "BAD_REQUEST", error.message);
  // A heavy read stopped because its client went away (HeavyRead.signal): nobody reads the answer.
  if (error instanceof DOMException && error.name === "AbortError") return answer(499, "CLIENT_CLOSED", "the client closed the request before its answer");
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return answer(status, "BAD_REQUEST", error instanceof Error ? error.message : String(error));
  return answer(500, "INTERNAL", "internal error", { level: "error", fields: { err: error }, message: `request failed: ${describeError(error)}` });
}
