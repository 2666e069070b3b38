import { describe, expect, it } from "vitest";
import { OdzewError } from "@odzew/core";
import { testLogger, useGoogleBusinessApi, type GoogleBusinessApi } from "@odzew/testing";
import { HttpClient } from "../http-client.ts";
import type { ReplyContext } from "./adapter.ts";
import { googleBusinessReplyAdapter as adapter } from "./google-business.reply.ts";
import { replyAdapterFor, replyCapability } from "./registry.ts";

const logger = testLogger("google-business-reply");
const businessApi = useGoogleBusinessApi();

const REVIEW = "AbFvOqnV1kR4sXg0kWl9bq2Rj8tT5mYp";
const ANSWERED = "AbFvOqmTzWq7Lr2pXs9Kd4Hn0Vb3Yc6e";
const LOCATION = "accounts/106829418375218463105/locations/3582916647103849176";
const THANKS = "Dziękujemy za miłe słowa! Zapraszamy ponownie do sklepu przy Piotrkowskiej. Zespół Żuraw";

/** A reply context as the responder gives it: a client that tries once; 127.0.0.1 allowed by the source's `network.allowPrivate`. */
function replyContext(api: GoogleBusinessApi, options: { secret?: (name: string) => string | undefined } = {}): ReplyContext {
  return {
    http: new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, timeoutMs: 5_000 }),
    secret: options.secret ?? ((name) => api.secret(name)),
    now: new Date(),
  };
}

async function startApi(): Promise<GoogleBusinessApi> {
  return businessApi({
    reviews: [
      { reviewId: REVIEW, comment: "Odbiór osobisty – towar czekał, obsługa bardzo miła.", stars: 5 },
      { reviewId: ANSWERED, stars: 2, reply: "Przykro nam, prosimy o kontakt." },
    ],
  });
}

async function replyError(promise: Promise<unknown>): Promise<OdzewError> {
  const error: unknown = await promise.then(
    () => new Error("expected the call to fail"),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OdzewError)) throw error;
  return error;
}

const apiRequests = (api: GoogleBusinessApi) => api.requests.filter((request) => request.path !== "/token");

describe("google business reply adapter", () => {
  it("can reply and delete, up to 4096, and is registered for google-business", async () => {
    const api = await startApi();
    expect(adapter.capability(api.source())).toEqual({ canReply: true, maxLength: 4096, canDelete: true, lengthUnit: "bytes" });
    expect(replyAdapterFor(api.source())).toBe(adapter);
    expect(replyCapability(api.source())).toEqual({ canReply: true, maxLength: 4096, canDelete: true, lengthUnit: "bytes" });
  });

  it("puts updateReply with the refresh token's access token, and reviews.get then shows the reply", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext(api);

    expect(await adapter.current(source, REVIEW, context)).toBeUndefined();
    const posted = await adapter.post(source, REVIEW, THANKS, context);
    expect(posted.text).toBe(THANKS);
    expect(Date.parse(posted.updatedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect(await adapter.current(source, REVIEW, context)).toEqual(posted);
    expect(api.replyOf(REVIEW)).toBe(THANKS);

    const put = apiRequests(api).find((request) => request.method === "PUT");
    expect(put?.path).toBe(`/v4/${LOCATION}/reviews/${REVIEW}/reply`);
    expect(JSON.parse(put?.body ?? "{}")).toEqual({ comment: THANKS });
    expect(api.tokensIssued()).toBe(1);
    expect(apiRequests(api).map((request) => [request.method, request.status])).toEqual([
      ["GET", 200],
      ["PUT", 200],
      ["GET", 200],
    ]);
  });

  it("replaces an existing reply, deletes it, and a second delete resolves as well", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext(api);
    expect(await adapter.current(source, ANSWERED, context)).toMatchObject({ text: "Przykro nam, prosimy o kontakt." });
    await adapter.post(source, ANSWERED, "Przykro nam. Zadzwonimy jutro.", context);
    expect(api.replyOf(ANSWERED)).toBe("Przykro nam. Zadzwonimy jutro.");

    await adapter.remove(source, ANSWERED, context);
    expect(api.replyOf(ANSWERED)).toBeUndefined();
    expect(await adapter.current(source, ANSWERED, context)).toBeUndefined();
    // No reply left: Google answers 404, the review is still there, so there is nothing to do.
    await adapter.remove(source, ANSWERED, context);
    expect(apiRequests(api).filter((request) => request.method === "DELETE").map((request) => request.status)).toEqual([200, 404]);
  });

  it("deleting the reply of a review that is gone is REPLY_NOT_FOUND", async () => {
    const api = await startApi();
    const error = await replyError(adapter.remove(api.source(), "gone-review", replyContext(api)));
    expect(error).toMatchObject({ code: "REPLY_NOT_FOUND", retryable: false });
    expect(error.message).toContain("Requested entity was not found");
    expect(error.message).toContain("accountId and locationId");
  });

  it("counts the limit in UTF-8 bytes as Google does: 2048 Polish letters pass, 2049 are refused before sending", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext(api);
    const longest = "ż".repeat(2048); // 4096 bytes
    expect((await adapter.post(source, REVIEW, longest, context)).text).toBe(longest);

    const before = api.requests.length;
    const error = await replyError(adapter.post(source, REVIEW, `${longest}ż`, context));
    expect(error).toMatchObject({ code: "REPLY_REJECTED", retryable: false });
    expect(error.message).toContain("4098 bytes");
    expect(error.message).toContain("at most 4096 bytes");
    expect(api.requests).toHaveLength(before);
  });

  it("names the OAuth variable that is not set, without a request", async () => {
    const api = await startApi();
    const context = replyContext(api, { secret: (name) => (name === "GBP_REFRESH_TOKEN" ? undefined : api.secret(name)) });
    const error = await replyError(adapter.post(api.source(), REVIEW, THANKS, context));
    expect(error).toMatchObject({ code: "REPLY_NOT_CONFIGURED", retryable: false });
    expect(error.message).toContain("GBP_REFRESH_TOKEN");
    expect(api.requests).toHaveLength(0);
  });

  it("gets a fresh token once when Google refuses the cached one; a second refusal is REPLY_AUTH naming the variables", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext(api);
    await adapter.current(source, REVIEW, context);
    api.expireTokens();
    await adapter.post(source, REVIEW, THANKS, context);
    expect(api.tokensIssued()).toBe(2);
    expect(apiRequests(api).map((request) => request.status)).toEqual([200, 401, 200]);

    api.failNext("expired-token", { times: 2 });
    const error = await replyError(adapter.post(source, REVIEW, "Jeszcze raz dziękujemy!", context));
    expect(error).toMatchObject({ code: "REPLY_AUTH", retryable: false, context: { status: 401 } });
    expect(error.message).toContain("Request had invalid authentication credentials");
    expect(error.message).toContain("GBP_REFRESH_TOKEN");
    for (const secret of [api.secret("GBP_CLIENT_SECRET"), api.secret("GBP_REFRESH_TOKEN"), ...api.requests.map((request) => request.bearer)]) {
      if (secret) expect(error.message).not.toContain(secret);
    }
    expect(api.replyOf(REVIEW)).toBe(THANKS);
  });

  it("is REPLY_AUTH when the token endpoint refuses the refresh token", async () => {
    const api = await startApi();
    api.failNext("invalid-grant");
    const error = await replyError(adapter.post(api.source(), REVIEW, THANKS, replyContext(api)));
    expect(error).toMatchObject({ code: "REPLY_AUTH", retryable: false });
    expect(error.message).toContain("GBP_REFRESH_TOKEN");
    expect(error.message).not.toContain(api.secret("GBP_REFRESH_TOKEN"));
    expect(apiRequests(api)).toHaveLength(0);
  });

  it("maps 429, 403 and 400 to their codes with Google's words", async () => {
    const api = await startApi();
    const source = api.source();
    api.failNext("rate-limit", { retryAfterSeconds: 60 });
    expect(await replyError(adapter.post(source, REVIEW, THANKS, replyContext(api)))).toMatchObject({
      code: "REPLY_RATE_LIMITED",
      retryable: true,
      context: { status: 429, retryAfterMs: 60_000 },
    });

    api.failNext("forbidden");
    const forbidden = await replyError(adapter.post(source, REVIEW, THANKS, replyContext(api)));
    expect(forbidden).toMatchObject({ code: "REPLY_FORBIDDEN", retryable: false });
    expect(forbidden.message).toContain("The caller does not have permission");
    expect(forbidden.message).toContain("owner or manager");

    api.failNext("invalid-argument");
    const rejected = await replyError(adapter.post(source, REVIEW, THANKS, replyContext(api)));
    expect(rejected).toMatchObject({ code: "REPLY_REJECTED", retryable: false, context: { status: 400, googleStatus: "INVALID_ARGUMENT" } });
    expect(rejected.message).toContain("Request contains an invalid argument");
    expect(api.replyOf(REVIEW)).toBeUndefined();
  });

  it("reports a 5xx after Google stored the reply as REPLY_UNAVAILABLE (unclear); current then shows it", async () => {
    const api = await startApi();
    const source = api.source();
    api.failNext("server-error-after-store");
    const error = await replyError(adapter.post(source, REVIEW, THANKS, replyContext(api)));
    expect(error).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true, context: { status: 500 } });
    expect(error.message).toContain("may or may not have been stored");
    expect(await adapter.current(source, REVIEW, replyContext(api))).toMatchObject({ text: THANKS });

    api.failNext("server-error", { on: "read" });
    expect(await replyError(adapter.current(source, REVIEW, replyContext(api)))).toMatchObject({ code: "REPLY_UNAVAILABLE", context: { status: 503 } });
  });
});
