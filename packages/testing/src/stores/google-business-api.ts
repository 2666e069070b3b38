import type { ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { googleBusinessSourceSchema, type GoogleBusinessSourceConfig } from "@odzew/schema";
import { startFixtureServer, type FixtureRequest } from "../http-fixture.ts";
import {
  GoogleFixtureState,
  answerLateFault,
  bearerOf,
  gateApiRequest,
  jsonObject,
  readBody,
  sendGoogleError,
  sendJson,
  useStoreFixture,
  type GoogleApiRequest,
  type GoogleFixtureControls,
} from "./google-fixture.ts";

/** ReviewReply.comment: "The maximum length is 4096 bytes." */
export const BUSINESS_FIXTURE_MAX_REPLY_BYTES = 4096;
const STARS = ["STAR_RATING_UNSPECIFIED", "ONE", "TWO", "THREE", "FOUR", "FIVE"] as const;

/** A review as `accounts.locations.reviews.get` answers it. */
export interface BusinessApiReview {
  name: string;
  reviewId: string;
  reviewer: { displayName: string; isAnonymous: boolean };
  starRating: (typeof STARS)[number];
  comment?: string;
  createTime: string;
  updateTime: string;
  reviewReply?: { comment: string; updateTime: string };
}

export interface BusinessReviewSeed {
  reviewId: string;
  /** Left out for a stars-only review. */
  comment?: string;
  displayName?: string;
  stars?: 1 | 2 | 3 | 4 | 5;
  /** When it was written (default: an hour ago). */
  at?: Date;
  /** An owner's reply already there. */
  reply?: string;
}

export interface GoogleBusinessApiOptions {
  accountId?: string;
  locationId?: string;
  reviews?: BusinessReviewSeed[];
}

export interface GoogleBusinessApi extends GoogleFixtureControls {
  /** The API host: the source's `baseUrl`. */
  url: string;
  /** The OAuth token endpoint: the source's `tokenUrl`. */
  tokenUrl: string;
  accountId: string;
  locationId: string;
  /** The variable names of the source's `oauth`. */
  oauth: { clientIdEnv: string; clientSecretEnv: string; refreshTokenEnv: string };
  /** The secrets by variable name (a refresh token of its own per server): a context's `secret`. */
  secret(name: string): string | undefined;
  /** A `google-business` source of this location on this server (`network.allowPrivate` for 127.0.0.1). */
  source(overrides?: Record<string, unknown>): GoogleBusinessSourceConfig;
  /** The reviews as `reviews.get` shows them now. */
  reviews(): BusinessApiReview[];
  /** One review's reply text, if any. */
  replyOf(reviewId: string): string | undefined;
  addReview(seed: BusinessReviewSeed): void;
  /** The reply writes (PUT …/reply) that reached the server, with the comment each carried. */
  replyPuts(): { reviewId: string; comment: string }[];
}

/**
 * A local Google Business Profile API (v4) for the reply tests: the OAuth refresh-token grant at
 * `/token` (it checks client id, secret and refresh token) and, for one location,
 * `GET …/reviews/{reviewId}`, `PUT …/reviews/{reviewId}/reply` (`updateReply`, body
 * `{"comment"}` → the ReviewReply) and `DELETE …/reviews/{reviewId}/reply` (→ `{}`; 404 when
 * there is no reply), in the documented shapes with Google's error bodies. A comment over 4096
 * bytes (UTF-8) is refused with 400.
 */
export async function startGoogleBusinessApi(options: GoogleBusinessApiOptions = {}): Promise<GoogleBusinessApi> {
  const accountId = options.accountId ?? "106829418375218463105";
  const locationId = options.locationId ?? "3582916647103849176";
  const location = `accounts/${accountId}/locations/${locationId}`;
  const state = new GoogleFixtureState("ya29.a0-business-fixture-");
  const reviews = new Map<string, BusinessApiReview>();
  const replyPuts: { reviewId: string; comment: string }[] = [];
  const oauth = { clientIdEnv: "GBP_CLIENT_ID", clientSecretEnv: "GBP_CLIENT_SECRET", refreshTokenEnv: "GBP_REFRESH_TOKEN" };
  // A refresh token of its own: the process caches access tokens per refresh token.
  const secrets: Record<string, string> = {
    GBP_CLIENT_ID: "1234567890-odzew.apps.googleusercontent.com",
    GBP_CLIENT_SECRET: "GOCSPX-fixture-secret",
    GBP_REFRESH_TOKEN: `1//0fixture-${randomBytes(8).toString("hex")}`,
  };

  const addReview = (seed: BusinessReviewSeed) => {
    const at = (seed.at ?? new Date(Date.now() - 3_600_000)).toISOString();
    reviews.set(seed.reviewId, {
      name: `${location}/reviews/${seed.reviewId}`,
      reviewId: seed.reviewId,
      reviewer: { displayName: seed.displayName ?? "Agnieszka Wróbel", isAnonymous: false },
      starRating: STARS[seed.stars ?? 5],
      ...(seed.comment !== undefined ? { comment: seed.comment } : {}),
      createTime: at,
      updateTime: at,
      ...(seed.reply ? { reviewReply: { comment: seed.reply, updateTime: new Date().toISOString() } } : {}),
    });
  };
  for (const seed of options.reviews ?? []) addReview(seed);

  const reviewsPath = `/v4/${location}/reviews/`;

  const handle = async (request: FixtureRequest, response: ServerResponse): Promise<GoogleApiRequest> => {
    const body = await readBody(response.req);
    const bearer = bearerOf(response.req);
    const entry: GoogleApiRequest = { method: request.method, path: request.path, body, ...(bearer ? { bearer } : {}) };
    const url = new URL(request.path, "http://fixture");

    if (url.pathname === "/token") {
      const fault = state.takeFault(request.method, true);
      const form = new URLSearchParams(body);
      if (fault || form.get("refresh_token") !== secrets.GBP_REFRESH_TOKEN) {
        if (fault) entry.fault = fault.kind;
        entry.status = sendJson(response, 400, { error: "invalid_grant", error_description: "Token has been expired or revoked." });
        return entry;
      }
      if (form.get("grant_type") !== "refresh_token") {
        entry.status = sendJson(response, 400, { error: "unsupported_grant_type", error_description: "Invalid grant_type" });
        return entry;
      }
      if (form.get("client_id") !== secrets.GBP_CLIENT_ID || form.get("client_secret") !== secrets.GBP_CLIENT_SECRET) {
        entry.status = sendJson(response, 401, { error: "invalid_client", error_description: "Unauthorized" });
        return entry;
      }
      entry.status = sendJson(response, 200, {
        access_token: state.issueToken(),
        expires_in: 3599,
        scope: "https://www.googleapis.com/auth/business.manage",
        token_type: "Bearer",
      });
      return entry;
    }

    const gate = gateApiRequest(state, request.method, response, bearer, entry);
    if (gate.answered) return entry;
    const fault = gate.fault;
    if (!url.pathname.startsWith(reviewsPath)) {
      entry.status = sendGoogleError(response, 404, "Requested entity was not found.");
      return entry;
    }
    const rest = url.pathname.slice(reviewsPath.length);
    const replying = rest.endsWith("/reply");
    const reviewId = decodeURIComponent(replying ? rest.slice(0, -"/reply".length) : rest);
    const review = reviews.get(reviewId);
    if (!review) {
      entry.status = sendGoogleError(response, 404, "Requested entity was not found.");
      return entry;
    }

    if (!replying && request.method === "GET") {
      entry.status = sendJson(response, 200, review);
      return entry;
    }
    if (replying && request.method === "PUT") {
      const payload = jsonObject(body);
      if (!payload) {
        entry.status = sendGoogleError(response, 400, "Invalid JSON payload received.");
        return entry;
      }
      const comment = payload.comment;
      if (typeof comment !== "string" || comment === "") {
        entry.status = sendGoogleError(response, 400, "Request contains an invalid argument.");
        return entry;
      }
      if (Buffer.byteLength(comment, "utf8") > BUSINESS_FIXTURE_MAX_REPLY_BYTES) {
        entry.status = sendGoogleError(response, 400, "Request contains an invalid argument.");
        return entry;
      }
      replyPuts.push({ reviewId, comment });
      review.reviewReply = { comment, updateTime: new Date().toISOString() };
      const late = answerLateFault(fault, response);
      if (late !== undefined) {
        if (late !== "dropped") entry.status = late;
        return entry;
      }
      entry.status = sendJson(response, 200, review.reviewReply);
      return entry;
    }
    if (replying && request.method === "DELETE") {
      if (!review.reviewReply) {
        entry.status = sendGoogleError(response, 404, "Requested entity was not found.");
        return entry;
      }
      delete review.reviewReply;
      const late = answerLateFault(fault, response);
      if (late !== undefined) {
        if (late !== "dropped") entry.status = late;
        return entry;
      }
      entry.status = sendJson(response, 200, {});
      return entry;
    }
    entry.status = sendGoogleError(response, 404, `The requested URL ${url.pathname} was not found on this server.`);
    return entry;
  };

  const server = await startFixtureServer(async (request, response) => {
    const entry = await handle(request, response);
    state.requests.push(entry);
  });
  const tokenUrl = `${server.url}/token`;

  return {
    url: server.url,
    tokenUrl,
    accountId,
    locationId,
    oauth,
    secret: (name) => secrets[name],
    source: (overrides = {}) =>
      googleBusinessSourceSchema.parse({
        id: "zuraw-lodz",
        type: "google-business",
        brands: ["zuraw"],
        schedule: "0 * * * *",
        accountId,
        locationId,
        oauth,
        baseUrl: server.url,
        tokenUrl,
        network: { allowPrivate: ["127.0.0.1"] },
        ...overrides,
      }),
    reviews: () => structuredClone([...reviews.values()]),
    replyOf: (reviewId) => reviews.get(reviewId)?.reviewReply?.comment,
    addReview,
    failNext: (kind, failOptions) => state.failNext(kind, failOptions),
    expireTokens: () => state.expireTokens(),
    tokensIssued: () => state.tokensIssued,
    requests: state.requests,
    replyPuts: () => [...replyPuts],
    close: () => server.close(),
  };
}

/** For a test file: `const businessApi = useGoogleBusinessApi();` then `await businessApi({...})`; closed after each test. */
export function useGoogleBusinessApi(): (options?: GoogleBusinessApiOptions) => Promise<GoogleBusinessApi> {
  const start = useStoreFixture(startGoogleBusinessApi);
  return (options = {}) => start(options);
}
