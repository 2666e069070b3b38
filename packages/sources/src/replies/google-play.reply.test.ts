import { describe, expect, it } from "vitest";
import { OdzewError } from "@odzew/core";
import { googlePlaySourceSchema } from "@odzew/schema";
import { testLogger, useGooglePlayApi, type GooglePlayApi } from "@odzew/testing";
import { HttpClient } from "../http-client.ts";
import type { ReplyContext } from "./adapter.ts";
import { PLAY_PUBLIC_MODE_REASON, googlePlayReplyAdapter as adapter } from "./google-play.reply.ts";
import { replyAdapterFor, replyCapability } from "./registry.ts";

const logger = testLogger("google-play-reply");
const playApi = useGooglePlayApi();

const REVIEW = "gp:AOqpTOE7cXz3kq9vR2mYbWn0T5aHsLdF1gUjKiPoQwErTyUiOpAsDfGhJkLzXcVbNm";
const THANKS = "Dzień dobry, dziękujemy za opinię! Czas sesji wydłużymy w najbliższej aktualizacji. Zespół Żuraw Bank";

/**
 * A reply context as the responder gives it: a client that tries once (the responder decides
 * about retries itself), reaching the fixture's 127.0.0.1 only through the source's
 * `network.allowPrivate`.
 */
function replyContext(options: { maxAttempts?: number; secret?: (name: string) => string | undefined } = {}): ReplyContext {
  return {
    http: new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: options.maxAttempts ?? 1, timeoutMs: 5_000 }),
    secret: options.secret ?? (() => undefined),
    now: new Date(),
  };
}

async function startApi(): Promise<GooglePlayApi> {
  return playApi({
    reviews: [
      { reviewId: REVIEW, authorName: "Tomasz Żółtowski", text: "Aplikacja wylogowuje mnie co 5 minut.", starRating: 2 },
      { reviewId: "gp:answered", text: "Super, polecam", starRating: 5, reply: "Dziękujemy!" },
    ],
  });
}

/** The reply error a call fails with (fails the test when it succeeds or throws something else). */
async function replyError(promise: Promise<unknown>): Promise<OdzewError> {
  const error: unknown = await promise.then(
    () => new Error("expected the call to fail"),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OdzewError)) throw error;
  return error;
}

const apiRequests = (api: GooglePlayApi) => api.requests.filter((request) => request.path !== "/token");

describe("google play reply adapter: capability", () => {
  it("replies only in developer-api mode, 350 characters, no deletion; registered for google-play", async () => {
    const api = await startApi();
    const source = api.source();
    expect(adapter.capability(source)).toEqual({ canReply: true, maxLength: 350, canDelete: false });
    expect(replyAdapterFor(source)).toBe(adapter);

    const publicSource = googlePlaySourceSchema.parse({ id: "zuraw-android", type: "google-play", schedule: "0 * * * *", appId: "pl.zuraw.bank" });
    expect(replyCapability(publicSource)).toEqual({ canReply: false, reason: PLAY_PUBLIC_MODE_REASON });
    expect(PLAY_PUBLIC_MODE_REASON).toContain("'Reply to reviews' permission");
  });

  it("refuses to send for a public-mode source, naming what to configure, without a request", async () => {
    const api = await startApi();
    const error = await replyError(adapter.post(api.source({ mode: "public" }), REVIEW, THANKS, replyContext()));
    expect(error).toMatchObject({ code: "REPLY_NOT_CONFIGURED", retryable: false });
    expect(error.message).toContain("set mode: developer-api");
    expect(api.requests).toHaveLength(0);
  });

  it("names the unset variable that should hold the key file's path", async () => {
    const api = await startApi();
    const error = await replyError(adapter.post(api.source({ serviceAccountKeyFile: "ZURAW_PLAY_KEY_FILE" }), REVIEW, THANKS, replyContext()));
    expect(error).toMatchObject({ code: "REPLY_NOT_CONFIGURED", retryable: false });
    expect(error.message).toContain("ZURAW_PLAY_KEY_FILE");
    expect(api.requests).toHaveLength(0);
  });
});

describe("google play reply adapter: posting and reading back", () => {
  it("posts reviews.reply as the service account, and reviews.get then shows the reply", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext();

    expect(await adapter.current(source, REVIEW, context)).toBeUndefined();
    const posted = await adapter.post(source, REVIEW, THANKS, context);
    expect(posted.text).toBe(THANKS);
    expect(Date.parse(posted.updatedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);

    const current = await adapter.current(source, REVIEW, context);
    expect(current).toEqual({ text: THANKS, updatedAt: posted.updatedAt });
    expect(api.replyOf(REVIEW)).toBe(THANKS);

    // The documented request: POST …/reviews/{reviewId}:reply with {"replyText"}, a bearer token from one JWT exchange.
    const post = apiRequests(api).find((request) => request.method === "POST");
    expect(post?.path).toBe(`/androidpublisher/v3/applications/pl.zuraw.bank/reviews/${encodeURIComponent(REVIEW)}:reply`);
    expect(JSON.parse(post?.body ?? "{}")).toEqual({ replyText: THANKS });
    expect(api.tokensIssued()).toBe(1);
    expect(apiRequests(api).map((request) => [request.method, request.status])).toEqual([
      ["GET", 200],
      ["POST", 200],
      ["GET", 200],
    ]);
  });

  it("replaces an existing reply (one developer reply, the new text) and reports the text Google applied", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext();
    expect(await adapter.current(source, "gp:answered", context)).toMatchObject({ text: "Dziękujemy!" });

    const posted = await adapter.post(source, "gp:answered", "Dziękujemy <b>bardzo</b>!", context);
    // "HTML tags will be stripped": the reply shows what Google kept.
    expect(posted.text).toBe("Dziękujemy bardzo!");
    const review = api.reviews().find((candidate) => candidate.reviewId === "gp:answered");
    expect(review?.comments.filter((comment) => "developerComment" in comment)).toHaveLength(1);
    expect(await adapter.current(source, "gp:answered", context)).toMatchObject({ text: "Dziękujemy bardzo!" });
  });

  it("counts the 350-character limit in characters: 350 with an emoji passes, 351 is refused before sending", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext();
    const longest = `${"ż".repeat(349)}👍`; // 350 characters, 351 UTF-16 units
    expect((await adapter.post(source, REVIEW, longest, context)).text).toBe(longest);

    const before = api.requests.length;
    const error = await replyError(adapter.post(source, REVIEW, `${longest}!`, context));
    expect(error).toMatchObject({ code: "REPLY_REJECTED", retryable: false });
    expect(error.message).toContain("351 characters");
    expect(error.message).toContain("at most 350");
    expect(api.requests).toHaveLength(before);
    expect(api.replyOf(REVIEW)).toBe(longest);
  });

  it("refuses an empty reply, and deletion, which the Play API does not have", async () => {
    const api = await startApi();
    const source = api.source();
    expect(await replyError(adapter.post(source, REVIEW, "   ", replyContext()))).toMatchObject({ code: "REPLY_REJECTED", retryable: false });
    const error = await replyError(adapter.remove(source, "gp:answered", replyContext()));
    expect(error).toMatchObject({ code: "REPLY_FORBIDDEN", retryable: false });
    expect(error.message).toContain("cannot delete a reply");
    expect(api.requests).toHaveLength(0);
    expect(api.replyOf("gp:answered")).toBe("Dziękujemy!");
  });
});

describe("google play reply adapter: errors in words", () => {
  it("gets a fresh token once when Google refuses the cached one", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext();
    await adapter.current(source, REVIEW, context); // caches a token
    api.expireTokens();

    const posted = await adapter.post(source, REVIEW, THANKS, context);
    expect(posted.text).toBe(THANKS);
    expect(api.tokensIssued()).toBe(2);
    expect(apiRequests(api).map((request) => [request.method, request.status])).toEqual([
      ["GET", 200],
      ["POST", 401],
      ["POST", 200],
    ]);
  });

  it("is REPLY_AUTH with Google's words when the fresh token is refused too, and never shows the token", async () => {
    const api = await startApi();
    const source = api.source();
    const context = replyContext();
    await adapter.current(source, REVIEW, context);
    api.failNext("expired-token", { times: 2 });

    const error = await replyError(adapter.post(source, REVIEW, THANKS, context));
    expect(error).toMatchObject({ code: "REPLY_AUTH", retryable: false, context: { status: 401 } });
    expect(error.message).toContain("Request had invalid authentication credentials");
    expect(error.message).toContain("serviceAccountKeyFile");
    expect(apiRequests(api).filter((request) => request.method === "POST")).toHaveLength(2);
    for (const request of api.requests) if (request.bearer) expect(error.message).not.toContain(request.bearer);
    expect(api.replyOf(REVIEW)).toBeUndefined();
  });

  it("is REPLY_AUTH at once when a fresh token is refused (no second try) or the token endpoint refuses the key", async () => {
    const api = await startApi();
    api.failNext("expired-token");
    const first = await replyError(adapter.post(api.source(), REVIEW, THANKS, replyContext()));
    expect(first.code).toBe("REPLY_AUTH");
    expect(apiRequests(api)).toHaveLength(1);

    api.failNext("invalid-grant");
    const second = await replyError(adapter.post(api.source(), REVIEW, THANKS, replyContext()));
    expect(second).toMatchObject({ code: "REPLY_AUTH", retryable: false });
    expect(second.message).toContain("Invalid JWT Signature");
    expect(apiRequests(api)).toHaveLength(1);
  });

  it("says nothing was sent when the token endpoint cannot be reached (REPLY_UNAVAILABLE)", async () => {
    const api = await startApi();
    const error = await replyError(adapter.post(api.source({ tokenUrl: "http://127.0.0.1:9/token" }), REVIEW, THANKS, replyContext()));
    expect(error).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true, context: { tokenEndpoint: true } });
    expect(error.message).toContain("nothing was sent");
    expect(api.requests).toHaveLength(0);
  });

  it("is REPLY_RATE_LIMITED with the Retry-After, nothing stored", async () => {
    const api = await startApi();
    api.failNext("rate-limit", { retryAfterSeconds: 42 });
    const error = await replyError(adapter.post(api.source(), REVIEW, THANKS, replyContext()));
    expect(error).toMatchObject({ code: "REPLY_RATE_LIMITED", retryable: true, context: { status: 429, retryAfterMs: 42_000 } });
    expect(error.message).toContain("Quota exceeded");
    expect(api.replyOf(REVIEW)).toBeUndefined();
  });

  it("is REPLY_FORBIDDEN naming the Play Console permission, REPLY_REJECTED with Google's reason, REPLY_NOT_FOUND for an unknown review", async () => {
    const api = await startApi();
    const source = api.source();
    api.failNext("forbidden");
    const forbidden = await replyError(adapter.post(source, REVIEW, THANKS, replyContext()));
    expect(forbidden).toMatchObject({ code: "REPLY_FORBIDDEN", retryable: false, context: { status: 403, googleStatus: "PERMISSION_DENIED" } });
    expect(forbidden.message).toContain("The caller does not have permission");
    expect(forbidden.message).toContain('"Reply to reviews" permission');

    api.failNext("invalid-argument", { message: "The reply contains a URL, which is not allowed." });
    const rejected = await replyError(adapter.post(source, REVIEW, THANKS, replyContext()));
    expect(rejected).toMatchObject({ code: "REPLY_REJECTED", retryable: false, context: { status: 400 } });
    expect(rejected.message).toContain("The reply contains a URL, which is not allowed");

    const missing = await replyError(adapter.post(source, "gp:deleted-review", THANKS, replyContext()));
    expect(missing).toMatchObject({ code: "REPLY_NOT_FOUND", retryable: false });
    expect(missing.message).toContain("No review found");
    expect(await replyError(adapter.current(source, "gp:deleted-review", replyContext()))).toMatchObject({ code: "REPLY_NOT_FOUND" });
  });

  it("reports a 5xx after Google stored the reply as REPLY_UNAVAILABLE (unclear), and current then shows the reply", async () => {
    const api = await startApi();
    const source = api.source();
    api.failNext("server-error-after-store");
    const error = await replyError(adapter.post(source, REVIEW, THANKS, replyContext()));
    expect(error).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true, context: { status: 500 } });
    expect(error.message).toContain("Internal error encountered");
    expect(error.message).toContain("may or may not have been stored");
    // What the responder does next: ask before posting again.
    expect(await adapter.current(source, REVIEW, replyContext())).toMatchObject({ text: THANKS });
  });

  it("reports a connection dropped after the store as REPLY_UNAVAILABLE", async () => {
    const api = await startApi();
    api.failNext("reset-after-store");
    const error = await replyError(adapter.post(api.source(), REVIEW, THANKS, replyContext()));
    expect(error).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true });
    expect(error.context.status).toBeUndefined();
    expect(api.replyOf(REVIEW)).toBe(THANKS);
  });

  it("with a client that retries, a 5xx after the store is retried safely: reviews.reply replaces, one reply remains", async () => {
    const api = await startApi();
    api.failNext("server-error-after-store");
    const posted = await adapter.post(api.source(), REVIEW, THANKS, replyContext({ maxAttempts: 2 }));
    expect(posted.text).toBe(THANKS);
    expect(api.replyPosts()).toEqual([
      { reviewId: REVIEW, replyText: THANKS },
      { reviewId: REVIEW, replyText: THANKS },
    ]);
    const review = api.reviews().find((candidate) => candidate.reviewId === REVIEW);
    expect(review?.comments.filter((comment) => "developerComment" in comment)).toHaveLength(1);
  });
});
