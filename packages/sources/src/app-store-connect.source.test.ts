import { describe, expect, it } from "vitest";
import { OdzewError } from "@odzew/core";
import { appStoreConnectSourceSchema, mentionId, rawMentionSchema } from "@odzew/schema";
import { testLogger, useAppStoreConnectApi, type AppStoreConnectApi, type FixtureCustomerReview } from "@odzew/testing";
import { signAppStoreConnectJwt, readAppStoreConnectPrivateKey } from "./app-store-connect-jwt.ts";
import { appStoreConnectAdapter, appleError, territoryCountry } from "./app-store-connect.source.ts";
import { HttpClient } from "./http-client.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("app-store-connect-source");
const appStoreConnect = useAppStoreConnectApi();

const TERRITORIES = ["POL", "DEU", "GBR", "USA"] as const;

/** `count` reviews, newest first, one every 37 minutes; every third one answered. */
function reviews(count: number, territoryOf: (index: number) => string = (index) => TERRITORIES[index % TERRITORIES.length] ?? "POL"): FixtureCustomerReview[] {
  const newest = Date.parse("2026-11-25T10:00:00.000Z");
  return Array.from({ length: count }, (_, index) => ({
    id: `0000${String(index).padStart(4, "0")}-b08c-0014-729e-fbd500000000`,
    rating: (index % 5) + 1,
    title: `Tytuł ${index}`,
    body: `Opinia numer ${index}: aplikacja działa ${index % 2 === 0 ? "świetnie" : "wolno"}.`,
    reviewerNickname: `Klient ${index}`,
    createdDate: new Date(newest - index * 37 * 60_000).toISOString(),
    territory: territoryOf(index),
    ...(index % 3 === 0
      ? { response: { id: `resp-${index}`, responseBody: `Dziękujemy, Kliencie ${index}!`, lastModifiedDate: new Date(newest - index * 37 * 60_000 + 3_600_000).toISOString(), state: "PUBLISHED" as const } }
      : {}),
  }));
}

function sourceFor(api: AppStoreConnectApi, overrides: Record<string, unknown> = {}) {
  return appStoreConnectSourceSchema.parse({
    id: "zuraw-ios-connect",
    type: "app-store-connect",
    brands: ["zuraw"],
    appId: api.appId,
    schedule: "*/30 * * * *",
    baseUrl: api.url,
    limits: { maxPages: 10, backfillPages: 20, maxItemsPerPoll: 5000 },
    ...overrides,
  });
}

const context = (api: AppStoreConnectApi, overrides: Parameters<typeof testPollContext>[1] = {}) =>
  testPollContext(logger, { secret: (name) => api.env[name], ...overrides });

async function pollError(promise: Promise<unknown>): Promise<OdzewError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OdzewError)) throw new Error(`expected an OdzewError, got ${String(error)}`);
  return error;
}

describe("app-store-connect source", () => {
  it("reads every review newest first across pages of 200, with territory, rating and the developer's response", async () => {
    // 620 reviews, 560 of them from Poland: more than the public feed's 500 per country.
    const api = await appStoreConnect({ reviews: reviews(620, (index) => (index < 560 ? "POL" : "DEU")) });
    const result = await appStoreConnectAdapter.poll(sourceFor(api), context(api));

    expect(result.problems).toEqual([]);
    expect(result.mentions).toHaveLength(620);
    expect(result.mentions.filter((mention) => mention.details?.country === "pl")).toHaveLength(560);
    expect(result.pages).toBe(4);
    expect(result.stoppedBy).toBe("last-page");
    const dates = result.mentions.map((mention) => Date.parse(mention.publishedAt));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));

    const first = api.requests[0];
    expect(first?.path).toBe(`/v1/apps/${api.appId}/customerReviews`);
    expect(first?.query).toMatchObject({ sort: "-createdDate", limit: "200", include: "response" });
    // Every page after the first is the `links.next` Apple gave, cursor and all.
    expect(api.requests.slice(1).every((request) => request.query.cursor !== undefined)).toBe(true);
    expect(api.requests.every((request) => request.authorized)).toBe(true);

    const answered = result.mentions[0];
    expect(answered).toMatchObject({
      id: mentionId("zuraw-ios-connect", "00000000-b08c-0014-729e-fbd500000000"),
      source: { id: "zuraw-ios-connect", type: "app-store-connect" },
      nativeId: "00000000-b08c-0014-729e-fbd500000000",
      author: { name: "Klient 0" },
      title: "Tytuł 0",
      text: "Opinia numer 0: aplikacja działa świetnie.",
      rating: { value: 1, original: 1, scaleMin: 1, scaleMax: 5 },
      publishedAt: "2026-11-25T10:00:00.000Z",
      reply: { text: "Dziękujemy, Kliencie 0!", publishedAt: "2026-11-25T11:00:00.000Z" },
      details: { country: "pl" },
      url: `https://apps.apple.com/pl/app/id${api.appId}?see-all=reviews`,
      brandHints: ["zuraw"],
    });
    expect(result.mentions[1]?.reply).toBeUndefined();
    for (const mention of result.mentions) expect(rawMentionSchema.safeParse(mention).success).toBe(true);
  });

  it("stops at the first review it has seen before", async () => {
    const api = await appStoreConnect({ reviews: reviews(450) });
    const all = reviews(450);
    const seen = new Set(all.slice(250).map((review) => review.id));
    const result = await appStoreConnectAdapter.poll(sourceFor(api), context(api, { mode: "incremental", seen }));

    expect(result.stoppedBy).toBe("seen");
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(all.slice(0, 250).map((review) => review.id));
    expect(api.requests).toHaveLength(2);
  });

  it("keeps the time zone of createdDate and reads a review with a title only", async () => {
    const api = await appStoreConnect({
      reviews: [
        { id: "a", rating: 4, title: "Dobra", body: "", reviewerNickname: "Ola", createdDate: "2026-11-25T03:10:34-08:00", territory: "GBR" },
        { id: "b", rating: 2, title: "", body: "", createdDate: "2026-11-24T03:10:34-08:00", territory: "XXX" },
      ],
    });
    const result = await appStoreConnectAdapter.poll(sourceFor(api), context(api));
    expect(result.mentions).toHaveLength(1);
    expect(result.mentions[0]).toMatchObject({ text: "Dobra", publishedAt: "2026-11-25T11:10:34.000Z", details: { country: "gb" } });
    expect(result.mentions[0]?.title).toBeUndefined();
    expect(result.problems).toEqual([{ page: expect.stringContaining("/customerReviews") as unknown, reason: "review b has neither a body nor a title" }]);
  });

  it("signs a fresh token once when Apple refuses the cached one", async () => {
    const api = await appStoreConnect({ reviews: reviews(3) });
    await appStoreConnectAdapter.poll(sourceFor(api), context(api)); // caches a token
    api.failNext("unauthorized");
    const result = await appStoreConnectAdapter.poll(sourceFor(api), context(api));
    expect(result.mentions).toHaveLength(3);
    expect(api.requests.map((request) => request.status)).toEqual([200, 401, 200]);
  });

  it("says which key settings to check when Apple refuses the key", async () => {
    const api = await appStoreConnect({ reviews: reviews(3) });
    const other = await appStoreConnect();
    // The issuer and key ID of one key, the .p8 of another: Apple cannot verify the signature.
    const env: Record<string, string> = { ...api.env, APP_STORE_CONNECT_KEY_FILE: other.keyFile };
    const error = await pollError(appStoreConnectAdapter.poll(sourceFor(api), context(api, { secret: (name) => env[name] })));
    expect(error.code).toBe("SOURCE_HTTP");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("App Store Connect refused the API key");
    expect(error.message).toContain("NOT_AUTHORIZED: Authentication credentials are missing or invalid.");
    expect(error.message).toContain("APP_STORE_CONNECT_ISSUER_ID");
    expect(error.message).toContain("clock");
    expect(api.requests).toHaveLength(2);
  });

  it("reports Apple's rate limit with its Retry-After, and an unknown app by its id", async () => {
    const api = await appStoreConnect({ reviews: reviews(3) });
    api.failNext("rate-limit", { retryAfterSeconds: 600 });
    const limited = await pollError(appStoreConnectAdapter.poll(sourceFor(api), context(api)));
    expect(limited.retryable).toBe(true);
    expect(limited.context.retryAfterMs).toBe(600_000);
    expect(limited.message).toContain("RATE_LIMIT_EXCEEDED");

    const unknown = await pollError(appStoreConnectAdapter.poll(sourceFor(api, { appId: "999" }), context(api)));
    expect(unknown.message).toContain("App Store Connect knows no app 999");
    expect(unknown.retryable).toBe(false);
  });

  it("names the variable that is missing before any request", async () => {
    const api = await appStoreConnect();
    const error = await pollError(appStoreConnectAdapter.poll(sourceFor(api), context(api, { secret: () => undefined })));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain("APP_STORE_CONNECT_ISSUER_ID");
    expect(api.requests).toHaveLength(0);
  });
});

describe("the App Store Connect fixture", () => {
  it("refuses an expired token with Apple's NOT_AUTHORIZED body", async () => {
    const api = await appStoreConnect();
    const privateKey = await readAppStoreConnectPrivateKey(api.keyFile);
    const expired = signAppStoreConnectJwt({ issuerId: api.issuerId, keyId: api.keyId, privateKey }, Date.now() - 30 * 60_000);
    const http = new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, allowPrivateHosts: true });
    const error = await pollError(http.request("GET", `${api.url}/v1/apps/${api.appId}/customerReviews`, { headers: { authorization: `Bearer ${expired.token}` } }));
    expect(error.context.status).toBe(401);
    expect(appleError(error.context.body)).toMatchObject({ status: "401", code: "NOT_AUTHORIZED" });
  });
});

describe("territoryCountry", () => {
  it("turns Apple's alpha-3 territories into lowercase alpha-2 countries", () => {
    expect(["POL", "DEU", "GBR", "USA", "CHE", "KOR", "XKS", "usa"].map(territoryCountry)).toEqual(["pl", "de", "gb", "us", "ch", "kr", "xk", "us"]);
    expect(territoryCountry("XXX")).toBeUndefined();
  });
});

describe("appleError", () => {
  it("reads a whole error body, and one the HTTP client cut at 300 characters", () => {
    const body = JSON.stringify({ errors: [{ id: "x", status: "409", code: "ENTITY_ERROR.ATTRIBUTE.INVALID", title: "An attribute value is invalid.", detail: "The responseBody is too long" }] });
    expect(appleError(body)).toEqual({ status: "409", code: "ENTITY_ERROR.ATTRIBUTE.INVALID", title: "An attribute value is invalid.", detail: "The responseBody is too long" });
    expect(appleError(body.slice(0, 150))).toMatchObject({ status: "409", code: "ENTITY_ERROR.ATTRIBUTE.INVALID", title: "An attribute value is invalid." });
    expect(appleError("<html>Bad gateway</html>")).toBeUndefined();
  });
});
