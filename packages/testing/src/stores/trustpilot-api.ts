import type { IncomingMessage } from "node:http";
import { startFixtureServer, type FixtureHandler } from "../http-fixture.ts";

/**
 * A local Trustpilot API for tests, in the documented shapes:
 * - `POST /v1/oauth/oauth-business-users-for-applications/accesstoken` (client credentials:
 *   `Authorization: Basic base64(API key:API secret)`, form `grant_type=client_credentials`) →
 *   `{access_token, expires_in: "359999", issued_at, token_type, status}` (expires_in as a string, as Trustpilot writes it);
 * - `GET /v1/reviews/{reviewId}` with the `apikey` header → the public review with `companyReply`
 *   (`{text, authorBusinessUserId, authorBusinessUserName, createdAt, updatedAt}` or null);
 * - `POST /v1/private/reviews/{reviewId}/reply` (`Authorization: Bearer`, `{"message", "authorBusinessUserId"}`) → 201, stored;
 * - `DELETE /v1/private/reviews/{reviewId}/reply` → 204 (404 when there is no reply).
 * Errors are `{"message": "…", "details": "…"}`; the token endpoint's `{"ErrorCode", "Error"}`.
 * `failNext(kind)` scripts the next API call's failure; `requests` logs every call with its body.
 */
export interface TrustpilotReviewFixture {
  id: string;
  stars: number;
  title?: string;
  text: string;
  createdAt: string;
  consumer?: { id: string; displayName: string };
  companyReply?: { text: string; authorBusinessUserId?: string; authorBusinessUserName?: string; createdAt: string; updatedAt?: string } | null;
  /** Another business unit's review (the API still shows it). */
  businessUnitId?: string;
}

export type TrustpilotFailure =
  /** 401: the access token used has expired (and stays refused). */
  | "expired-token"
  /** 429 with `Retry-After: 1`. */
  | "rate-limit"
  /** 500 before anything is stored. */
  | "server-error"
  /** The reply is stored, then 502: the unclear case. */
  | "server-error-after-store"
  /** 400 for the reply's text. */
  | "bad-request"
  /** 403: no admin rights / no API access in the plan. */
  | "forbidden";

export interface TrustpilotRequestLog {
  method: string;
  path: string;
  authorization: string | undefined;
  apikey: string | undefined;
  contentType: string | undefined;
  body: string;
  status: number;
}

export interface TrustpilotApiOptions {
  apiKey: string;
  apiSecret: string;
  businessUnitId: string;
  reviews?: TrustpilotReviewFixture[];
  serve?: (handler: FixtureHandler) => ReturnType<typeof startFixtureServer>;
  now?: () => Date;
}

export async function startTrustpilotApi(options: TrustpilotApiOptions) {
  const reviews = new Map<string, TrustpilotReviewFixture>((options.reviews ?? []).map((review) => [review.id, structuredClone(review)]));
  const requests: TrustpilotRequestLog[] = [];
  const failures: TrustpilotFailure[] = [];
  const accessTokens = new Set<string>();
  let issued = 0;
  const now = options.now ?? (() => new Date());

  const handler: FixtureHandler = async (request, response) => {
    const body = await readBody(response.req);
    const url = new URL(request.path, "http://trustpilot.test");
    const apikey = typeof request.headers.apikey === "string" ? request.headers.apikey : undefined;
    const entry: TrustpilotRequestLog = {
      method: request.method,
      path: request.path,
      authorization: request.headers.authorization,
      apikey,
      contentType: request.headers["content-type"],
      body,
      status: 0,
    };
    requests.push(entry);
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const text = json === undefined ? "" : JSON.stringify(json);
      response.writeHead(status, { ...(text ? { "content-type": "application/json; charset=utf-8" } : {}), ...headers }).end(text);
    };

    if (request.method === "POST" && url.pathname === "/v1/oauth/oauth-business-users-for-applications/accesstoken") {
      const expected = `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`).toString("base64")}`;
      if (request.headers.authorization !== expected) return send(401, { ErrorCode: "invalid_client", Error: "ClientId is Invalid" });
      if (new URLSearchParams(body).get("grant_type") !== "client_credentials") return send(400, { ErrorCode: "invalid_request", Error: "Unsupported grant type" });
      issued += 1;
      const accessToken = `tp-access-${issued}-${Math.random().toString(36).slice(2)}`;
      accessTokens.add(accessToken);
      return send(200, { access_token: accessToken, expires_in: "359999", issued_at: String(now().getTime()), token_type: "BearerToken", status: "approved" });
    }

    const review = /^\/v1\/(?:private\/)?reviews\/([^/]+)/.exec(url.pathname)?.[1];
    const found = review ? reviews.get(decodeURIComponent(review)) : undefined;

    if (request.method === "GET" && /^\/v1\/reviews\/[^/]+$/.test(url.pathname)) {
      if (apikey !== options.apiKey) return send(401, { message: "Unauthorized", details: "Invalid ApiKey" });
      // Failures about tokens and stored replies wait for a call they apply to.
      const failure = failures[0] === "rate-limit" || failures[0] === "server-error" || failures[0] === "forbidden" ? failures.shift() : undefined;
      const failed = common(failure, send);
      if (failed) return failed;
      if (!found) return send(404, { message: "Not found", details: `Review ${review ?? ""} was not found` });
      return send(200, view(found, options.businessUnitId));
    }

    if (/^\/v1\/private\/reviews\/[^/]+\/reply$/.test(url.pathname) && (request.method === "POST" || request.method === "DELETE")) {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      if (!token || !accessTokens.has(token)) return send(401, { message: "Unauthorized", details: "The access token is invalid or has expired" });
      const failure = failures.shift();
      if (failure === "expired-token") {
        accessTokens.delete(token);
        return send(401, { message: "Unauthorized", details: "The access token is invalid or has expired" });
      }
      const failed = common(failure, send);
      if (failed) return failed;
      if (!found) return send(404, { message: "Not found", details: `Review ${review ?? ""} was not found` });
      if (request.method === "DELETE") {
        if (!found.companyReply) return send(404, { message: "Not found", details: "The review has no reply" });
        found.companyReply = null;
        return send(204);
      }
      if (request.headers["content-type"] !== "application/json") return send(415, { message: "Unsupported media type", details: "Use Content-Type: application/json" });
      let message: unknown;
      let author: unknown;
      try {
        ({ message, authorBusinessUserId: author } = JSON.parse(body) as { message?: unknown; authorBusinessUserId?: unknown });
      } catch {
        return send(400, { message: "Bad request", details: "The body is not valid JSON" });
      }
      if (failure === "bad-request" || typeof message !== "string" || message.trim() === "") {
        return send(400, { message: "Bad request", details: "The reply message is empty or contains content that is not allowed" });
      }
      const at = now().toISOString();
      found.companyReply = {
        text: message,
        ...(typeof author === "string" ? { authorBusinessUserId: author, authorBusinessUserName: "Obsługa klienta" } : {}),
        createdAt: found.companyReply?.createdAt ?? at,
        updatedAt: at,
      };
      if (failure === "server-error-after-store") return send(502, { message: "Bad gateway", details: "Upstream timed out" });
      return send(201);
    }
    return send(404, { message: "Not found", details: `No resource ${request.method} ${url.pathname}` });
  };

  const server = await (options.serve ?? startFixtureServer)(handler);
  return {
    url: server.url,
    tokenUrl: `${server.url}/v1/oauth/oauth-business-users-for-applications/accesstoken`,
    requests,
    reviews,
    failNext(kind: TrustpilotFailure, times = 1) {
      for (let index = 0; index < times; index++) failures.push(kind);
    },
    tokensIssued: () => issued,
    apiCalls: () => requests.filter((entry) => !entry.path.startsWith("/v1/oauth/")),
    close: () => server.close(),
  };
}

export type TrustpilotApi = Awaited<ReturnType<typeof startTrustpilotApi>>;

/** The failures every API call can meet; `undefined` when the call goes on. */
function common(failure: TrustpilotFailure | undefined, send: (status: number, json?: unknown, headers?: Record<string, string>) => void): true | undefined {
  if (failure === "rate-limit") {
    send(429, { message: "Too many requests", details: "Rate limit exceeded" }, { "retry-after": "1" });
    return true;
  }
  if (failure === "server-error") {
    send(500, { message: "Internal server error", details: "Something went wrong" });
    return true;
  }
  if (failure === "forbidden") {
    send(403, { message: "Forbidden", details: "The business user does not have admin rights" });
    return true;
  }
  return undefined;
}

/** A review as the public API shows it. */
function view(review: TrustpilotReviewFixture, businessUnitId: string) {
  return {
    id: review.id,
    consumer: review.consumer ?? { id: "5f2b0000000000000000c0de", displayName: "Klient" },
    businessUnit: { id: review.businessUnitId ?? businessUnitId, identifyingName: "example.pl", displayName: "Example" },
    stars: review.stars,
    title: review.title ?? "",
    text: review.text,
    language: "pl",
    createdAt: review.createdAt,
    companyReply: review.companyReply ?? null,
    isVerified: false,
    numberOfLikes: 0,
    status: "active",
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
