import { generateKeyPairSync, randomUUID, verify, type KeyObject } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/**
 * A local App Store Connect API for tests, in the documented JSON:API shapes:
 * - `GET /v1/apps/{id}/customerReviews` (sort, limit ≤ 200, include=response, fields[…],
 *   filter[rating], filter[territory], exists[publishedResponse], cursor paging by `links.next`),
 * - `GET /v1/customerReviews/{id}`, `GET /v1/customerReviews/{id}/response` (404 when none),
 * - `POST /v1/customerReviewResponses` (creates, or overwrites the review's one response; 201),
 * - `DELETE /v1/customerReviewResponses/{id}` (204).
 * Every request needs `Authorization: Bearer <JWT>` signed ES256 by the fixture's key (header kid,
 * claims iss, aud "appstoreconnect-v1", exp in the future, lifetime ≤ 20 min); anything else is a
 * 401 with Apple's NOT_AUTHORIZED body. Errors are `{errors: [{id, status, code, title, detail}]}`.
 *
 * The fixture writes its key pair's private half as `AuthKey_<keyId>.p8` (PKCS#8 PEM) and gives
 * the variables a source's default `apiKey` reads (`env`), e.g. `secret: (name) => api.env[name]`.
 */

export interface FixtureReviewResponse {
  id: string;
  responseBody: string;
  lastModifiedDate: string;
  state: "PUBLISHED" | "PENDING_PUBLISH";
}

export interface FixtureCustomerReview {
  id: string;
  rating: number;
  title?: string;
  body?: string;
  reviewerNickname?: string;
  /** ISO date-time, e.g. "2026-11-20T08:10:34-08:00". */
  createdDate: string;
  /** ISO 3166-1 alpha-3, e.g. "POL". */
  territory: string;
  response?: FixtureReviewResponse;
}

/**
 * What the next matching request gets instead of its normal answer:
 * `rate-limit` 429 RATE_LIMIT_EXCEEDED with Retry-After; `unauthorized` 401 NOT_AUTHORIZED (as for
 * a revoked or expired token); `forbidden` 403 FORBIDDEN_ERROR; `server-error` 500 before anything
 * is done; `server-error-after-store` the write is done, then 500 (the unclear case); `reset` the
 * connection is dropped without an answer.
 */
export type AppStoreConnectFailure = "rate-limit" | "unauthorized" | "forbidden" | "server-error" | "server-error-after-store" | "reset";

export interface AppStoreConnectRequestLog {
  method: string;
  /** The path without the query. */
  path: string;
  query: Record<string, string>;
  /** Whether the bearer token was accepted. */
  authorized: boolean;
  /** The JSON body of a POST. */
  body?: unknown;
  status: number;
}

export interface AppStoreConnectApiOptions {
  appId?: string;
  reviews?: FixtureCustomerReview[];
  issuerId?: string;
  keyId?: string;
  /** The clock the token expiry is checked against (epoch ms); the real one by default. */
  now?: () => number;
}

export interface AppStoreConnectApi {
  /** The API host, for a source's `baseUrl`. */
  url: string;
  appId: string;
  issuerId: string;
  keyId: string;
  /** The private key as an AuthKey_<keyId>.p8 file. */
  keyFile: string;
  privateKeyPem: string;
  publicKey: KeyObject;
  /** APP_STORE_CONNECT_ISSUER_ID, APP_STORE_CONNECT_KEY_ID, APP_STORE_CONNECT_KEY_FILE. */
  env: Record<string, string>;
  requests: AppStoreConnectRequestLog[];
  /** The reviews, newest first, with their responses as stored. */
  reviews(): FixtureCustomerReview[];
  responseOf(reviewId: string): FixtureReviewResponse | undefined;
  addReview(review: FixtureCustomerReview): void;
  removeReview(reviewId: string): void;
  /** Apple published every pending response. */
  publishResponses(): void;
  /** The next request (of `method`, if given; writes only for `server-error-after-store`) fails so. */
  failNext(kind: AppStoreConnectFailure, options?: { method?: string; retryAfterSeconds?: number }): void;
  close(): Promise<void>;
}

const ALLOWED_LIST_PARAMETERS = new Set([
  "sort",
  "limit",
  "include",
  "cursor",
  "fields[customerReviews]",
  "fields[customerReviewResponses]",
  "filter[rating]",
  "filter[territory]",
  "exists[publishedResponse]",
]);
/** App Store Connect's reply form stops here; the fixture refuses longer responses. */
const RESPONSE_MAX = 5_970;

export async function startAppStoreConnectApi(options: AppStoreConnectApiOptions = {}): Promise<AppStoreConnectApi> {
  const appId = options.appId ?? "1234567890";
  const issuerId = options.issuerId ?? "57246542-96fe-1a63-e053-0824d011072a";
  const keyId = options.keyId ?? "2X9R4HXF34";
  const now = options.now ?? Date.now;
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const dir = await mkdtemp(join(tmpdir(), "odzew-asc-"));
  const keyFile = join(dir, `AuthKey_${keyId}.p8`);
  await writeFile(keyFile, privateKeyPem, { mode: 0o600 });

  let reviews: FixtureCustomerReview[] = sortNewestFirst((options.reviews ?? []).map((review) => structuredClone(review)));
  const failures: { kind: AppStoreConnectFailure; method?: string; retryAfterSeconds: number }[] = [];
  const requests: AppStoreConnectRequestLog[] = [];
  let base = "";

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", base);
    const raw = await readBody(req);
    const log: AppStoreConnectRequestLog = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), authorized: false, status: 0 };
    requests.push(log);
    let parsedBody: unknown;
    if (raw !== "") {
      try {
        parsedBody = JSON.parse(raw);
        log.body = parsedBody;
      } catch {
        parsedBody = undefined;
      }
    }
    const send = (status: number, document?: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      res.writeHead(status, {
        "x-rate-limit": "user-hour-lim:3600;user-hour-rem:3599;",
        ...(document !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      });
      res.end(document === undefined ? undefined : JSON.stringify(document));
    };
    const fail = (status: number, code: string, title: string, detail: string, headers: Record<string, string> = {}) =>
      send(status, { errors: [{ id: randomUUID(), status: String(status), code, title, detail }] }, headers);

    const write = method === "POST" || method === "DELETE";
    const failureIndex = failures.findIndex((failure) =>
      failure.method ? failure.method === method : failure.kind === "server-error-after-store" ? write : true,
    );
    const failure = failureIndex >= 0 ? failures.splice(failureIndex, 1)[0] : undefined;
    if (failure?.kind === "reset") {
      log.status = -1;
      req.socket.destroy();
      return;
    }
    if (failure?.kind === "rate-limit") {
      return fail(429, "RATE_LIMIT_EXCEEDED", "The request rate limit has been reached.", "We've received too many requests for this API. Please wait and try again or slow down your request rate.", {
        "retry-after": String(failure.retryAfterSeconds),
      });
    }
    if (failure?.kind === "unauthorized") return notAuthorized();
    if (failure?.kind === "forbidden") return fail(403, "FORBIDDEN_ERROR", "This request is forbidden for security reasons", "The API key in use does not allow this request");
    if (failure?.kind === "server-error") return serverError();

    if (!tokenAccepted(req.headers.authorization)) return notAuthorized();
    log.authorized = true;

    const respond = (status: number, document?: unknown, headers?: Record<string, string>) =>
      failure?.kind === "server-error-after-store" ? serverError() : send(status, document, headers);

    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    // GET /v1/apps/{id}/customerReviews
    if (method === "GET" && parts.length === 4 && parts[0] === "v1" && parts[1] === "apps" && parts[3] === "customerReviews") {
      if (parts[2] !== appId) return fail(404, "NOT_FOUND", "The specified resource does not exist", `There is no resource of type 'apps' with id '${parts[2] ?? ""}'`);
      return listReviews(url, send, fail);
    }
    // GET /v1/customerReviews/{id}[/response]
    if (method === "GET" && parts[0] === "v1" && parts[1] === "customerReviews" && parts[2] !== undefined && parts.length <= 4) {
      const review = reviews.find((candidate) => candidate.id === parts[2]);
      if (!review) return fail(404, "NOT_FOUND", "The specified resource does not exist", `There is no resource of type 'customerReviews' with id '${parts[2]}'`);
      if (parts.length === 3) return send(200, { data: reviewResource(review, false, undefined), links: { self: url.href } });
      if (parts[3] !== "response") return fail(404, "PATH_ERROR", "The URL path is not valid", `The resource '${url.pathname}' does not exist`);
      if (!review.response) return fail(404, "NOT_FOUND", "The specified resource does not exist", `There is no response for the customerReview with id '${review.id}'`);
      return send(200, { data: responseResource(review.response, review.id, fieldList(url, "fields[customerReviewResponses]")), links: { self: url.href } });
    }
    // POST /v1/customerReviewResponses
    if (method === "POST" && url.pathname === "/v1/customerReviewResponses") {
      if (!/application\/json/.test(req.headers["content-type"] ?? "")) {
        return fail(415, "UNSUPPORTED_MEDIA_TYPE", "The media type is not supported", "Make sure the Content-Type header is application/json");
      }
      if (parsedBody === undefined) return fail(400, "ENTITY_INVALID", "The request entity is not valid JSON", "The request body could not be parsed as JSON");
      const create = readCreateRequest(parsedBody);
      if ("error" in create) return fail(422, "ENTITY_UNPROCESSABLE", "The request entity is not in the right format", create.error);
      const review = reviews.find((candidate) => candidate.id === create.reviewId);
      if (!review) {
        return fail(409, "ENTITY_ERROR.RELATIONSHIP.INVALID", "The provided entity includes a relationship with an invalid value", `There is no customerReviews with id '${create.reviewId}'`);
      }
      if (create.responseBody.trim() === "") return fail(409, "ENTITY_ERROR.ATTRIBUTE.REQUIRED", "You must provide a value for the attribute 'responseBody' with this request", "responseBody is empty");
      if (create.responseBody.length > RESPONSE_MAX) {
        return fail(409, "ENTITY_ERROR.ATTRIBUTE.INVALID", "An attribute value is invalid.", `The responseBody is too long: at most ${RESPONSE_MAX} characters`);
      }
      review.response = {
        id: review.response?.id ?? randomUUID(),
        responseBody: create.responseBody,
        lastModifiedDate: new Date(now()).toISOString(),
        state: "PENDING_PUBLISH",
      };
      const location = `${base}/v1/customerReviewResponses/${review.response.id}`;
      return respond(201, { data: responseResource(review.response, review.id, undefined), links: { self: location } }, { location });
    }
    // DELETE /v1/customerReviewResponses/{id}
    if (method === "DELETE" && parts.length === 3 && parts[0] === "v1" && parts[1] === "customerReviewResponses") {
      const review = reviews.find((candidate) => candidate.response?.id === parts[2]);
      if (!review) return fail(404, "NOT_FOUND", "The specified resource does not exist", `There is no resource of type 'customerReviewResponses' with id '${parts[2] ?? ""}'`);
      delete review.response;
      return respond(204);
    }
    return fail(404, "PATH_ERROR", "The URL path is not valid", `The resource '${method} ${url.pathname}' does not exist`);

    function notAuthorized() {
      return fail(
        401,
        "NOT_AUTHORIZED",
        "Authentication credentials are missing or invalid.",
        "Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens",
      );
    }
    function serverError() {
      return fail(500, "UNEXPECTED_ERROR", "An unexpected error occurred.", "An unexpected error occurred on the server side. If this issue continues, contact us at https://developer.apple.com/contact/.");
    }
  }

  function listReviews(url: URL, send: (status: number, document?: unknown) => void, fail: (status: number, code: string, title: string, detail: string) => void): void {
    for (const name of url.searchParams.keys()) {
      if (!ALLOWED_LIST_PARAMETERS.has(name)) return fail(400, "PARAMETER_ERROR.ILLEGAL", "A parameter in the request is not allowed", `'${name}' is not a valid query parameter for this endpoint`);
    }
    const limitText = url.searchParams.get("limit") ?? "50";
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      return fail(400, "PARAMETER_ERROR.INVALID", "A parameter has an invalid value", `'${limitText}' is not a valid value for 'limit': use 1 to 200`);
    }
    const sort = url.searchParams.get("sort") ?? "-createdDate";
    if (!["createdDate", "-createdDate", "rating", "-rating"].includes(sort)) {
      return fail(400, "PARAMETER_ERROR.INVALID", "A parameter has an invalid value", `'${sort}' is not a valid value for 'sort'`);
    }
    const include = url.searchParams.get("include");
    if (include !== null && include !== "response") return fail(400, "PARAMETER_ERROR.INVALID", "A parameter has an invalid value", `'${include}' is not a valid value for 'include'`);
    const cursor = url.searchParams.get("cursor");
    const offset = cursor === null ? 0 : Number(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Number.isInteger(offset) || offset < 0) return fail(400, "PARAMETER_ERROR.INVALID", "A parameter has an invalid value", `'${cursor ?? ""}' is not a valid cursor`);

    const ratings = url.searchParams.get("filter[rating]")?.split(",").map(Number);
    const territories = url.searchParams.get("filter[territory]")?.split(",");
    const published = url.searchParams.get("exists[publishedResponse]");
    let list = reviews.filter(
      (review) =>
        (!ratings || ratings.includes(review.rating)) &&
        (!territories || territories.includes(review.territory)) &&
        (published === null || (published === "true") === (review.response?.state === "PUBLISHED")),
    );
    const direction = sort.startsWith("-") ? -1 : 1;
    list = [...list].sort((a, b) =>
      sort.endsWith("rating") ? direction * (a.rating - b.rating) || Date.parse(b.createdDate) - Date.parse(a.createdDate) : direction * (Date.parse(a.createdDate) - Date.parse(b.createdDate)),
    );
    const pageItems = list.slice(offset, offset + limit);
    const withResponse = include === "response";
    const responseFields = fieldList(url, "fields[customerReviewResponses]");
    const reviewFields = fieldList(url, "fields[customerReviews]");
    const links: Record<string, string> = { self: url.href };
    if (offset + limit < list.length) {
      const next = new URL(url.href);
      next.searchParams.set("cursor", Buffer.from(String(offset + limit)).toString("base64url"));
      links.next = next.href;
    }
    send(200, {
      data: pageItems.map((review) => reviewResource(review, withResponse, reviewFields)),
      ...(withResponse
        ? { included: pageItems.flatMap((review) => (review.response ? [responseResource(review.response, review.id, responseFields)] : [])) }
        : {}),
      links,
      meta: { paging: { total: list.length, limit } },
    });
  }

  function reviewResource(review: FixtureCustomerReview, withResponse: boolean, fields: string[] | undefined) {
    const attributes: Record<string, unknown> = {
      rating: review.rating,
      title: review.title,
      body: review.body,
      reviewerNickname: review.reviewerNickname,
      createdDate: review.createdDate,
      territory: review.territory,
    };
    const self = `${base}/v1/customerReviews/${review.id}`;
    return {
      type: "customerReviews",
      id: review.id,
      attributes: pick(attributes, fields),
      relationships: {
        response: {
          links: { self: `${self}/relationships/response`, related: `${self}/response` },
          ...(withResponse ? { data: review.response ? { type: "customerReviewResponses", id: review.response.id } : null } : {}),
        },
      },
      links: { self },
    };
  }

  function responseResource(response: FixtureReviewResponse, reviewId: string, fields: string[] | undefined) {
    const self = `${base}/v1/customerReviewResponses/${response.id}`;
    return {
      type: "customerReviewResponses",
      id: response.id,
      attributes: pick({ responseBody: response.responseBody, lastModifiedDate: response.lastModifiedDate, state: response.state }, fields),
      relationships: { review: { links: { self: `${self}/relationships/review`, related: `${self}/review` }, data: { type: "customerReviews", id: reviewId } } },
      links: { self },
    };
  }

  function tokenAccepted(header: string | undefined): boolean {
    const token = /^Bearer (.+)$/.exec(header ?? "")?.[1];
    const parts = token?.split(".");
    if (!parts || parts.length !== 3) return false;
    const [headerPart = "", claimsPart = "", signaturePart = ""] = parts;
    const jwtHeader = decodeJson(headerPart);
    const claims = decodeJson(claimsPart);
    if (!jwtHeader || !claims) return false;
    if (jwtHeader.alg !== "ES256" || jwtHeader.kid !== keyId || jwtHeader.typ !== "JWT") return false;
    const signed = verify("sha256", Buffer.from(`${headerPart}.${claimsPart}`), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signaturePart, "base64url"));
    if (!signed) return false;
    const nowS = now() / 1000;
    const exp = claims.exp;
    const iat = typeof claims.iat === "number" ? claims.iat : nowS;
    if (claims.iss !== issuerId || claims.aud !== "appstoreconnect-v1" || typeof exp !== "number") return false;
    return exp > nowS && exp - iat <= 20 * 60 && iat <= nowS + 60;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  return {
    url: base,
    appId,
    issuerId,
    keyId,
    keyFile,
    privateKeyPem,
    publicKey,
    env: { APP_STORE_CONNECT_ISSUER_ID: issuerId, APP_STORE_CONNECT_KEY_ID: keyId, APP_STORE_CONNECT_KEY_FILE: keyFile },
    requests,
    reviews: () => reviews.map((review) => structuredClone(review)),
    responseOf: (reviewId) => {
      const response = reviews.find((review) => review.id === reviewId)?.response;
      return response ? { ...response } : undefined;
    },
    addReview: (review) => {
      reviews = sortNewestFirst([...reviews.filter((candidate) => candidate.id !== review.id), structuredClone(review)]);
    },
    removeReview: (reviewId) => {
      reviews = reviews.filter((review) => review.id !== reviewId);
    },
    publishResponses: () => {
      for (const review of reviews) if (review.response) review.response.state = "PUBLISHED";
    },
    failNext: (kind, failureOptions = {}) => {
      failures.push({ kind, retryAfterSeconds: failureOptions.retryAfterSeconds ?? 1, ...(failureOptions.method ? { method: failureOptions.method } : {}) });
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** For a test file: `const appStoreConnect = useAppStoreConnectApi();` then `await appStoreConnect({...})`; closed after each test. */
export function useAppStoreConnectApi(): (options?: AppStoreConnectApiOptions) => Promise<AppStoreConnectApi> {
  const started: AppStoreConnectApi[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((api) => api.close()));
  });
  return async (options) => {
    const api = await startAppStoreConnectApi(options);
    started.push(api);
    return api;
  };
}

function readCreateRequest(body: unknown): { reviewId: string; responseBody: string } | { error: string } {
  const data = isRecord(body) ? body.data : undefined;
  if (!isRecord(data) || data.type !== "customerReviewResponses") return { error: "data.type must be customerReviewResponses" };
  const attributes = isRecord(data.attributes) ? data.attributes : undefined;
  if (!attributes || typeof attributes.responseBody !== "string") return { error: "data.attributes.responseBody is required" };
  const relationships = isRecord(data.relationships) ? data.relationships : undefined;
  const review = relationships && isRecord(relationships.review) && isRecord(relationships.review.data) ? relationships.review.data : undefined;
  if (!review || review.type !== "customerReviews" || typeof review.id !== "string") return { error: "data.relationships.review.data must be {type: customerReviews, id}" };
  return { reviewId: review.id, responseBody: attributes.responseBody };
}

function fieldList(url: URL, name: string): string[] | undefined {
  return url.searchParams.get(name)?.split(",");
}

function pick(attributes: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).filter(([name, value]) => value !== undefined && (!fields || fields.includes(name))));
}

function sortNewestFirst(reviews: FixtureCustomerReview[]): FixtureCustomerReview[] {
  return [...reviews].sort((a, b) => Date.parse(b.createdDate) - Date.parse(a.createdDate));
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
