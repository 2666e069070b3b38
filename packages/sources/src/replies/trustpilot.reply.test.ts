import { describe, expect, it } from "vitest";
import { trustpilotSourceSchema } from "@odzew/schema";
import { odzewFailure, startFixtureServer, startTrustpilotApi, testLogger, useFixtureServers } from "@odzew/testing";
import { HttpClient } from "../http-client.ts";
import { trustpilotAdapter } from "../trustpilot.source.ts";
import { testPollContext } from "../test-context.ts";
import type { ReplyContext } from "./adapter.ts";
import { replyAdapterFor, replyCapability } from "./registry.ts";
import { TRUSTPILOT_REPLY_MAX, trustpilotReplyAdapter } from "./trustpilot.reply.ts";

const logger = testLogger("trustpilot-reply");
const serve = useFixtureServers();

const SECRETS: Record<string, string> = { TRUSTPILOT_API_KEY: "tp-api-key-Qm4x8Zr2", TRUSTPILOT_API_SECRET: "tp-api-secret-Lp0wE7" };
const UNIT = "46d6a890000064000500e0c3";
const AUTHOR = "5e3de1b45fb06f0001790b99";
const REVIEW = "5e3de1b45fb06f0001790b51";

const source = (api?: { url: string; tokenUrl: string }, businessApi: Record<string, unknown> = {}) =>
  trustpilotSourceSchema.parse({
    id: "trustpilot-zuraw",
    type: "trustpilot",
    schedule: "0 * * * *",
    url: "https://pl.trustpilot.com/review/zuraw.pl",
    network: { allowPrivate: true },
    ...(api
      ? {
          businessApi: {
            businessUnitId: UNIT,
            apiKeyEnv: "TRUSTPILOT_API_KEY",
            apiSecretEnv: "TRUSTPILOT_API_SECRET",
            authorBusinessUserId: AUTHOR,
            baseUrl: api.url,
            tokenUrl: api.tokenUrl,
            ...businessApi,
          },
        }
      : {}),
  });

/** What the responder gives an adapter: a client that tries once. */
const context = (overrides: Partial<ReplyContext> = {}): ReplyContext => ({
  http: new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, timeoutMs: 5_000 }),
  secret: (name) => SECRETS[name],
  now: new Date("2026-11-29T12:00:00.000Z"),
  ...overrides,
});

async function trustpilot(reviews: Parameters<typeof startTrustpilotApi>[0]["reviews"] = [{ id: REVIEW, stars: 2, text: "Długo czekałem na zwrot", createdAt: "2026-11-20T08:15:00Z" }]) {
  const api = await startTrustpilotApi({
    apiKey: SECRETS.TRUSTPILOT_API_KEY ?? "",
    apiSecret: SECRETS.TRUSTPILOT_API_SECRET ?? "",
    businessUnitId: UNIT,
    reviews,
    serve,
  });
  return { api, config: source(api) };
}

describe("trustpilot reply adapter", () => {
  it("answers through the business API only when the source has businessApi; otherwise says how to get it", () => {
    const withApi = source({ url: "https://api.trustpilot.com", tokenUrl: "https://api.trustpilot.com/t" });
    expect(replyAdapterFor(withApi)).toBe(trustpilotReplyAdapter);
    expect(replyCapability(withApi)).toEqual({ canReply: true, maxLength: TRUSTPILOT_REPLY_MAX, canDelete: true });
    const without = replyCapability(source());
    expect(without.canReply).toBe(false);
    expect(without.canReply === false && without.reason).toMatch(/Integrations → Developers → APIs .*businessApi: \{ businessUnitId, apiKeyEnv, apiSecretEnv \}.*answer in Trustpilot Business/);
  });

  it("posts, shows and deletes a reply with the documented token, headers and body", async () => {
    const { api, config } = await trustpilot();
    expect(await trustpilotReplyAdapter.current(config, REVIEW, context())).toBeUndefined();

    const posted = await trustpilotReplyAdapter.post(config, REVIEW, "Przepraszamy, zwrot już wysłaliśmy.", context());
    expect(posted.text).toBe("Przepraszamy, zwrot już wysłaliśmy.");
    const shown = await trustpilotReplyAdapter.current(config, REVIEW, context());
    expect(shown?.text).toBe("Przepraszamy, zwrot już wysłaliśmy.");
    expect(shown?.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    await trustpilotReplyAdapter.remove(config, REVIEW, context());
    expect(await trustpilotReplyAdapter.current(config, REVIEW, context())).toBeUndefined();

    const token = api.requests.find((entry) => entry.path.startsWith("/v1/oauth/"));
    const calls = api.apiCalls();
    expect(token).toMatchObject({
      method: "POST",
      path: "/v1/oauth/oauth-business-users-for-applications/accesstoken",
      authorization: `Basic ${Buffer.from(`${SECRETS.TRUSTPILOT_API_KEY}:${SECRETS.TRUSTPILOT_API_SECRET}`).toString("base64")}`,
      contentType: "application/x-www-form-urlencoded",
      body: "grant_type=client_credentials",
    });
    expect(calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
      `GET /v1/reviews/${REVIEW} 200`,
      `POST /v1/private/reviews/${REVIEW}/reply 201`,
      `GET /v1/reviews/${REVIEW} 200`,
      `DELETE /v1/private/reviews/${REVIEW}/reply 204`,
      `GET /v1/reviews/${REVIEW} 200`,
    ]);
    const post = calls[1];
    expect(JSON.parse(post?.body ?? "{}")).toEqual({ message: "Przepraszamy, zwrot już wysłaliśmy.", authorBusinessUserId: AUTHOR });
    expect(post?.authorization).toMatch(/^Bearer tp-access-/);
    expect(calls[0]?.apikey).toBe(SECRETS.TRUSTPILOT_API_KEY);
    // The token is cached: one for the post and the delete.
    expect(api.tokensIssued()).toBe(1);
  });

  it("replaces a reply (POST creates or updates), and deleting when there is none is done", async () => {
    const { config } = await trustpilot();
    await trustpilotReplyAdapter.post(config, REVIEW, "Pierwsza wersja", context());
    await trustpilotReplyAdapter.post(config, REVIEW, "Poprawiona wersja", context());
    expect((await trustpilotReplyAdapter.current(config, REVIEW, context()))?.text).toBe("Poprawiona wersja");
    await trustpilotReplyAdapter.remove(config, REVIEW, context());
    await expect(trustpilotReplyAdapter.remove(config, REVIEW, context())).resolves.toBeUndefined();
  });

  it("gets a new token once when Trustpilot refuses the cached one", async () => {
    const { api, config } = await trustpilot();
    await trustpilotReplyAdapter.post(config, REVIEW, "Dziękujemy", context());
    api.failNext("expired-token");
    await trustpilotReplyAdapter.post(config, REVIEW, "Dziękujemy raz jeszcze", context());
    expect(api.tokensIssued()).toBe(2);
    expect(api.apiCalls().map((call) => call.status)).toEqual([201, 401, 201]);
  });

  it("words each refusal with Trustpilot's own message and the right code", async () => {
    const { api, config } = await trustpilot();
    api.failNext("bad-request");
    const rejected = await odzewFailure(trustpilotReplyAdapter.post(config, REVIEW, "Tekst", context()));
    expect(rejected).toMatchObject({ code: "REPLY_REJECTED", retryable: false, context: { status: 400 } });
    expect(rejected.message).toBe("Trustpilot refused the reply (HTTP 400): Bad request: The reply message is empty or contains content that is not allowed");

    expect(await odzewFailure(trustpilotReplyAdapter.post(config, "5e3de1b45fb06f0001790000", "Tekst", context()))).toMatchObject({
      code: "REPLY_NOT_FOUND",
      message: "Trustpilot has no such review (HTTP 404): Not found: Review 5e3de1b45fb06f0001790000 was not found",
    });
    api.failNext("forbidden");
    const forbidden = await odzewFailure(trustpilotReplyAdapter.post(config, REVIEW, "Tekst", context()));
    expect(forbidden).toMatchObject({ code: "REPLY_FORBIDDEN", retryable: false });
    expect(forbidden.message).toMatch(/admin rights/);

    api.failNext("rate-limit");
    const limited = await odzewFailure(trustpilotReplyAdapter.post(config, REVIEW, "Tekst", context()));
    expect(limited).toMatchObject({ code: "REPLY_RATE_LIMITED", retryable: true, context: { retryAfterMs: 1000 } });

    api.failNext("server-error");
    expect(await odzewFailure(trustpilotReplyAdapter.post(config, REVIEW, "Tekst", context()))).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true });
    expect(await trustpilotReplyAdapter.current(config, REVIEW, context())).toBeUndefined();

    const tooLong = await odzewFailure(trustpilotReplyAdapter.post(config, REVIEW, "x".repeat(TRUSTPILOT_REPLY_MAX + 1), context()));
    expect(tooLong).toMatchObject({ code: "REPLY_REJECTED" });
  });

  it("a 5xx after Trustpilot stored the reply is unclear, and current then shows it", async () => {
    const { api, config } = await trustpilot();
    api.failNext("server-error-after-store");
    const error = await odzewFailure(trustpilotReplyAdapter.post(config, REVIEW, "Dziękujemy za opinię", context()));
    expect(error).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true, context: { status: 502 } });
    expect((await trustpilotReplyAdapter.current(config, REVIEW, context()))?.text).toBe("Dziękujemy za opinię");
  });

  it("refused credentials are REPLY_AUTH naming the variables; missing ones REPLY_NOT_CONFIGURED; never a secret in words", async () => {
    const { config } = await trustpilot();
    const wrong = await odzewFailure(
      trustpilotReplyAdapter.post(config, REVIEW, "Tekst", context({ secret: (name) => (name === "TRUSTPILOT_API_SECRET" ? "not-the-secret-9f" : SECRETS[name]) })),
    );
    expect(wrong).toMatchObject({ code: "REPLY_AUTH", retryable: false });
    expect(wrong.message).toMatch(/refused the API key and secret in TRUSTPILOT_API_KEY \/ TRUSTPILOT_API_SECRET \(HTTP 401\): invalid_client: ClientId is Invalid/);
    expect(wrong.message).not.toContain("not-the-secret-9f");
    for (const value of Object.values(SECRETS)) expect(wrong.message).not.toContain(value);

    const badKey = await odzewFailure(
      trustpilotReplyAdapter.current(config, REVIEW, context({ secret: (name) => (name === "TRUSTPILOT_API_KEY" ? "not-the-key-77" : SECRETS[name]) })),
    );
    expect(badKey).toMatchObject({ code: "REPLY_AUTH" });
    expect(badKey.message).toBe("Trustpilot refused the credentials (HTTP 401): Unauthorized: Invalid ApiKey; check the API key in TRUSTPILOT_API_KEY");

    const missing = await odzewFailure(trustpilotReplyAdapter.current(config, REVIEW, context({ secret: () => undefined })));
    expect(missing).toMatchObject({ code: "REPLY_NOT_CONFIGURED", context: { variable: "TRUSTPILOT_API_KEY" } });
  });

  it("refuses a review of another business unit", async () => {
    const { config } = await trustpilot([{ id: REVIEW, stars: 5, text: "Super", createdAt: "2026-11-20T08:15:00Z", businessUnitId: "4bd6a890000064000500ffff" }]);
    const error = await odzewFailure(trustpilotReplyAdapter.current(config, REVIEW, context()));
    expect(error).toMatchObject({ code: "REPLY_FORBIDDEN" });
    expect(error.message).toMatch(/belongs to another business unit/);
  });

  it("the trustpilot source's native id is the review id the API answers to", async () => {
    const page = `<html><body><script id="__NEXT_DATA__" type="application/json">${JSON.stringify({
      props: {
        pageProps: {
          businessUnit: { displayName: "Żuraw" },
          reviews: [{ id: REVIEW, rating: 2, text: "Długo czekałem na zwrot", dates: { publishedDate: "2026-11-20T08:15:00.000Z" }, consumer: { displayName: "Jan" } }],
          filters: { pagination: { currentPage: 1, totalPages: 1 } },
        },
      },
    })}</script></body></html>`;
    const site = await startFixtureServer((_request, response) => response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page));
    try {
      const polled = await trustpilotAdapter.poll(trustpilotSourceSchema.parse({ ...source(), url: `${site.url}/review/zuraw.pl` }), testPollContext(logger));
      const nativeId = polled.mentions[0]?.nativeId ?? "";
      const { config } = await trustpilot();
      await trustpilotReplyAdapter.post(config, nativeId, "Dziękujemy", context());
      expect((await trustpilotReplyAdapter.current(config, nativeId, context()))?.text).toBe("Dziękujemy");
    } finally {
      await site.close();
    }
  });
});
