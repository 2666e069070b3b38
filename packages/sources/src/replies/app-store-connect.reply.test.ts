import { describe, expect, it } from "vitest";
import { appStoreConnectSourceSchema } from "@odzew/schema";
import { type AppStoreConnectApi, odzewFailure, testLogger, useAppStoreConnectApi } from "@odzew/testing";
import { HttpClient } from "../http-client.ts";
import type { ReplyContext } from "./adapter.ts";
import { APP_STORE_CONNECT_REPLY_MAX, appStoreConnectReplyAdapter as adapter } from "./app-store-connect.reply.ts";
import { replyAdapterFor, replyCapability } from "./registry.ts";

const logger = testLogger("app-store-connect-reply");
const appStoreConnect = useAppStoreConnectApi();

const REVIEW = "00000028-b08c-0014-729e-fbd500000000";

async function start(): Promise<AppStoreConnectApi> {
  return appStoreConnect({
    reviews: [
      { id: REVIEW, rating: 2, title: "Wolno", body: "Aplikacja zawiesza się przy logowaniu.", reviewerNickname: "Ola", createdDate: "2026-11-25T08:10:34-08:00", territory: "POL" },
    ],
  });
}

function sourceFor(api: AppStoreConnectApi, overrides: Record<string, unknown> = {}) {
  return appStoreConnectSourceSchema.parse({ id: "zuraw-ios-connect", type: "app-store-connect", appId: api.appId, schedule: "*/30 * * * *", baseUrl: api.url, ...overrides });
}

/** `maxAttempts: 1`: the store's answer reaches the adapter as it was, no retry in the client. */
function contextFor(api: AppStoreConnectApi, options: { maxAttempts?: number; env?: Record<string, string> } = {}): ReplyContext {
  const env = options.env ?? api.env;
  return {
    http: new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: options.maxAttempts ?? 1, timeoutMs: 5_000, allowPrivateHosts: true }),
    secret: (name) => env[name],
    now: new Date(),
  };
}

describe("app-store-connect reply adapter", () => {
  it("is the registered adapter; replies: false turns it off with a reason", async () => {
    const api = await start();
    expect(replyAdapterFor(sourceFor(api))).toBe(adapter);
    expect(replyCapability(sourceFor(api))).toEqual({ canReply: true, maxLength: APP_STORE_CONNECT_REPLY_MAX, canDelete: true });
    const off = replyCapability(sourceFor(api, { replies: false }));
    expect(off.canReply).toBe(false);
    expect(off.canReply ? "" : off.reason).toContain("replies: false");
    const refused = await odzewFailure(adapter.post(sourceFor(api, { replies: false }), REVIEW, "Dziękujemy", contextFor(api)));
    expect(refused.code).toBe("REPLY_NOT_CONFIGURED");
    expect(api.requests).toHaveLength(0);
  });

  it("posts, reads back, replaces and deletes the review's one response", async () => {
    const api = await start();
    const source = sourceFor(api);
    const context = contextFor(api);

    expect(await adapter.current(source, REVIEW, context)).toBeUndefined();

    const posted = await adapter.post(source, REVIEW, "Przepraszamy, poprawka jest już w wersji 3.2.", context);
    expect(posted).toMatchObject({ text: "Przepraszamy, poprawka jest już w wersji 3.2.", storeReplyId: expect.any(String) as unknown });
    const post = api.requests.find((request) => request.method === "POST");
    expect(post?.body).toEqual({
      data: {
        type: "customerReviewResponses",
        attributes: { responseBody: "Przepraszamy, poprawka jest już w wersji 3.2." },
        relationships: { review: { data: { type: "customerReviews", id: REVIEW } } },
      },
    });
    expect(api.responseOf(REVIEW)).toMatchObject({ responseBody: "Przepraszamy, poprawka jest już w wersji 3.2.", state: "PENDING_PUBLISH" });

    const current = await adapter.current(source, REVIEW, context);
    expect(current).toEqual({ text: "Przepraszamy, poprawka jest już w wersji 3.2.", updatedAt: expect.any(String) as unknown, storeReplyId: posted.storeReplyId });

    // An edit is another POST: Apple overwrites the response, there is still one.
    const edited = await adapter.post(source, REVIEW, "Poprawka jest w wersji 3.2.1, prosimy o aktualizację.", context);
    expect(edited.storeReplyId).toBe(posted.storeReplyId);
    expect(api.responseOf(REVIEW)?.responseBody).toBe("Poprawka jest w wersji 3.2.1, prosimy o aktualizację.");

    await adapter.remove(source, REVIEW, context);
    expect(api.responseOf(REVIEW)).toBeUndefined();
    expect(api.requests.filter((request) => request.method === "DELETE").map((request) => request.path)).toEqual([`/v1/customerReviewResponses/${posted.storeReplyId ?? ""}`]);
    expect(await adapter.current(source, REVIEW, context)).toBeUndefined();

    // Nothing left to delete: done without a DELETE.
    await adapter.remove(source, REVIEW, context);
    expect(api.requests.filter((request) => request.method === "DELETE")).toHaveLength(1);
  });

  it("refuses an empty or too long text before calling Apple", async () => {
    const api = await start();
    const tooLong = await odzewFailure(adapter.post(sourceFor(api), REVIEW, "x".repeat(APP_STORE_CONNECT_REPLY_MAX + 5), contextFor(api)));
    expect(tooLong).toMatchObject({ code: "REPLY_REJECTED", retryable: false });
    expect(tooLong.message).toContain("at most 5970: shorten it by 5");
    expect((await odzewFailure(adapter.post(sourceFor(api), REVIEW, "  ", contextFor(api)))).code).toBe("REPLY_REJECTED");
    expect(api.requests).toHaveLength(0);
  });

  it("reports a review that is gone as REPLY_NOT_FOUND", async () => {
    const api = await start();
    const read = await odzewFailure(adapter.current(sourceFor(api), "gone-review", contextFor(api)));
    expect(read).toMatchObject({ code: "REPLY_NOT_FOUND", retryable: false });
    expect(read.message).toContain("There is no resource of type 'customerReviews' with id 'gone-review'");
    const posted = await odzewFailure(adapter.post(sourceFor(api), "gone-review", "Dziękujemy", contextFor(api)));
    expect(posted).toMatchObject({ code: "REPLY_NOT_FOUND", retryable: false });
    expect(posted.message).toContain("ENTITY_ERROR.RELATIONSHIP.INVALID");
  });

  it("reports a 5xx after Apple stored the response as unclear; current then shows it", async () => {
    const api = await start();
    api.failNext("server-error-after-store");
    const error = await odzewFailure(adapter.post(sourceFor(api), REVIEW, "Dziękujemy za opinię", contextFor(api)));
    expect(error).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true });
    expect(error.message).toContain("HTTP 500, UNEXPECTED_ERROR");
    expect(error.message).toContain("may have been stored");
    expect((await adapter.current(sourceFor(api), REVIEW, contextFor(api)))?.text).toBe("Dziękujemy za opinię");
  });

  it("a post the HTTP client retries after a 5xx still leaves one response", async () => {
    const api = await start();
    api.failNext("server-error-after-store");
    const posted = await adapter.post(sourceFor(api), REVIEW, "Dziękujemy za opinię", contextFor(api, { maxAttempts: 2 }));
    expect(posted.text).toBe("Dziękujemy za opinię");
    expect(api.requests.filter((request) => request.method === "POST").map((request) => request.status)).toEqual([500, 201]);
    expect(api.reviews().filter((review) => review.response)).toHaveLength(1);
  });

  it("maps Apple's refusals to the reply codes, in Apple's words", async () => {
    const api = await start();
    const source = sourceFor(api);

    api.failNext("rate-limit", { retryAfterSeconds: 120 });
    const limited = await odzewFailure(adapter.post(source, REVIEW, "Dziękujemy", contextFor(api)));
    expect(limited).toMatchObject({ code: "REPLY_RATE_LIMITED", retryable: true, context: { status: 429, retryAfterMs: 120_000 } });

    api.failNext("forbidden");
    const forbidden = await odzewFailure(adapter.post(source, REVIEW, "Dziękujemy", contextFor(api)));
    expect(forbidden).toMatchObject({ code: "REPLY_FORBIDDEN", retryable: false });
    expect(forbidden.message).toContain("The API key in use does not allow this request");

    api.failNext("reset");
    const reset = await odzewFailure(adapter.post(source, REVIEW, "Dziękujemy", contextFor(api)));
    expect(reset).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true });
    expect(api.responseOf(REVIEW)).toBeUndefined();
  });

  it("retries once with a fresh token; a key Apple refuses twice is REPLY_AUTH", async () => {
    const api = await start();
    api.failNext("unauthorized");
    await adapter.post(sourceFor(api), REVIEW, "Dziękujemy", contextFor(api));
    expect(api.requests.map((request) => request.status)).toEqual([401, 201]);

    const other = await appStoreConnect();
    const error = await odzewFailure(adapter.post(sourceFor(api), REVIEW, "Dziękujemy", contextFor(api, { env: { ...api.env, APP_STORE_CONNECT_KEY_FILE: other.keyFile } })));
    expect(error).toMatchObject({ code: "REPLY_AUTH", retryable: false });
    expect(error.message).toContain("NOT_AUTHORIZED");
    expect(error.message).toContain("APP_STORE_CONNECT_KEY_ID");
    expect(error.message).not.toContain("PRIVATE KEY");
  });

  it("names the variable that is missing as REPLY_NOT_CONFIGURED", async () => {
    const api = await start();
    const error = await odzewFailure(adapter.post(sourceFor(api), REVIEW, "Dziękujemy", contextFor(api, { env: { APP_STORE_CONNECT_ISSUER_ID: api.issuerId } })));
    expect(error.code).toBe("REPLY_NOT_CONFIGURED");
    expect(error.message).toContain("APP_STORE_CONNECT_KEY_ID");
    expect(api.requests).toHaveLength(0);
  });
});
