import { Client as ElasticsearchClient } from "@elastic/elasticsearch";
import { Client as OpenSearchClient } from "@opensearch-project/opensearch";
import { OdzewError } from "@odzew/core";

export type EngineKind = "opensearch" | "elasticsearch";

export interface SearchConnection {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Per request, in milliseconds. */
  requestTimeoutMs?: number;
}

export interface EngineInfo {
  kind: EngineKind;
  version: string;
}

/** A failed request to the engine, with its HTTP status when the engine answered. */
export class SearchRequestError extends OdzewError {
  readonly status: number | undefined;
  readonly body: unknown;
  constructor(method: string, path: string, status: number | undefined, body: unknown, cause?: unknown) {
    const transient = status === undefined || status === 429 || status >= 500;
    super(
      transient ? "SEARCH_UNAVAILABLE" : "SEARCH_REJECTED",
      `${method} ${path} failed${status === undefined ? "" : ` with ${status}`}: ${summarize(body, cause)}`,
      { retryable: transient, cause, context: { status } },
    );
    this.status = status;
    this.body = body;
  }
}

function summarize(body: unknown, cause: unknown): string {
  const error = (body as { error?: { type?: string; reason?: string } | string } | undefined)?.error;
  if (typeof error === "string") return error;
  if (error?.type) return `${error.type}: ${error.reason ?? ""}`;
  if (cause instanceof Error) return cause.message;
  return "no response";
}

/**
 * The only engine-specific part: how to send a request. Everything else (templates, queries,
 * bulk handling) is plain JSON shared by both engines.
 */
export interface Engine {
  readonly info: EngineInfo;
  request<T = unknown>(method: string, path: string, body?: unknown, querystring?: Record<string, string | number | boolean>): Promise<T>;
  /** A bulk request: its lines (serialised here), or its NDJSON body already serialised. */
  bulk<T = unknown>(lines: unknown[] | string, querystring?: Record<string, string | number | boolean>): Promise<T>;
  /** Several searches in one round trip: header and body lines, as the engine's _msearch takes them. */
  msearch<T = unknown>(path: string, lines: unknown[], querystring?: Record<string, string | number | boolean>): Promise<T>;
  close(): Promise<void>;
}

function authHeader(connection: SearchConnection): Record<string, string> {
  if (!connection.username) return {};
  const token = Buffer.from(`${connection.username}:${connection.password ?? ""}`).toString("base64");
  return { authorization: `Basic ${token}` };
}

/** Ask the cluster's root endpoint which engine and version it is. */
export async function detectEngine(connection: SearchConnection): Promise<EngineInfo> {
  let response: Response;
  try {
    response = await fetch(new URL("/", connection.url), {
      headers: authHeader(connection),
      signal: AbortSignal.timeout(connection.requestTimeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new OdzewError("SEARCH_UNAVAILABLE", `cannot reach the search engine at ${connection.url}: ${String(error)}`, {
      retryable: true,
      cause: error,
    });
  }
  if (response.status === 401 || response.status === 403) {
    throw new OdzewError("SEARCH_REJECTED", `the search engine at ${connection.url} refused the credentials (HTTP ${response.status}); check SEARCH_USERNAME and SEARCH_PASSWORD`);
  }
  if (!response.ok) {
    throw new OdzewError("SEARCH_UNAVAILABLE", `the search engine at ${connection.url} answered HTTP ${response.status}`, { retryable: true });
  }
  const root = (await response.json()) as { version?: { number?: string; distribution?: string } };
  const version = root.version?.number ?? "";
  const major = Number.parseInt(version, 10);
  if (root.version?.distribution === "opensearch") {
    if (major >= 2) return { kind: "opensearch", version };
  } else if (major >= 8) {
    return { kind: "elasticsearch", version };
  }
  throw new OdzewError(
    "SEARCH_UNSUPPORTED",
    `unsupported search engine at ${connection.url}: ${root.version?.distribution ?? "elasticsearch"} ${version || "(unknown version)"}; Odzew supports OpenSearch 2.x/3.x and Elasticsearch 8.x`,
  );
}

type Query = Record<string, string | number | boolean> | undefined;

function statusOf(error: unknown): { status: number | undefined; body: unknown } {
  const meta = (error as { meta?: { statusCode?: number; body?: unknown } }).meta;
  const status = meta?.statusCode ?? (error as { statusCode?: number }).statusCode;
  return { status: typeof status === "number" && status > 0 ? status : undefined, body: meta?.body };
}

interface RequestParams {
  method: string;
  path: string;
  body?: unknown;
  bulkBody?: unknown[] | string;
  querystring?: Query;
}

export async function connectEngine(connection: SearchConnection): Promise<Engine> {
  const info = await detectEngine(connection);
  const auth = connection.username ? { username: connection.username, password: connection.password ?? "" } : undefined;
  const options = { node: connection.url, ...(auth ? { auth } : {}), requestTimeout: connection.requestTimeoutMs ?? 30_000, maxRetries: 2 };

  // The two clients differ only here: OpenSearch's wraps the body in an ApiResponse, and each
  // refuses to talk to the other engine.
  let transport: (params: RequestParams) => Promise<unknown>;
  let close: () => Promise<void>;
  if (info.kind === "opensearch") {
    const client = new OpenSearchClient(options);
    transport = async (params) => (await client.transport.request(params as never)).body;
    close = () => client.close();
  } else {
    const client = new ElasticsearchClient(options);
    transport = (params) => client.transport.request(params as never);
    close = () => client.close();
  }

  const send = async <T>(params: RequestParams): Promise<T> => {
    try {
      return (await transport(params)) as T;
    } catch (error) {
      const { status, body } = statusOf(error);
      throw new SearchRequestError(params.method, params.path, status, body, error);
    }
  };
  return {
    info,
    request: (method, path, body, querystring) =>
      send({ method, path, ...(body === undefined ? {} : { body }), ...(querystring ? { querystring } : {}) }),
    bulk: (lines, querystring) => send({ method: "POST", path: "/_bulk", bulkBody: lines, ...(querystring ? { querystring } : {}) }),
    msearch: (path, lines, querystring) => send({ method: "POST", path, bulkBody: lines, ...(querystring ? { querystring } : {}) }),
    close,
  };
}
