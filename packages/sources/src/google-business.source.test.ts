import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { googleBusinessSourceSchema, mentionId, rawMentionSchema } from "@odzew/schema";
import { startFixtureServer, testLogger, type FixtureRequest } from "@odzew/testing";
import { googleBusinessAdapter, originalComment } from "./google-business.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("google-business-source");
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const fixture = (name: string) => readFileSync(new URL(`./fixtures/google-business/${name}`, import.meta.url), "utf8");
const TOKEN = (JSON.parse(fixture("token.json")) as { access_token: string }).access_token;
const PAGE_2_TOKEN = (JSON.parse(fixture("reviews-page-1.json")) as { nextPageToken: string }).nextPageToken;
const LOCATION = "accounts/106829418375218463105/locations/3582916647103849176";

// Access tokens are cached per client and refresh token for the whole process: each test
// gets its own refresh token so that none sees another's cached token.
let tests = 0;
let SECRETS: Record<string, string> = {};
beforeEach(() => {
  tests += 1;
  SECRETS = {
    GBP_CLIENT_ID: "1234567890-odzew.apps.googleusercontent.com",
    GBP_CLIENT_SECRET: "GOCSPX-fixture-secret",
    GBP_REFRESH_TOKEN: `1//0fixture-refresh-token-${tests}`,
  };
});
const secret = (name: string) => SECRETS[name];

interface Scenario {
  /** The token endpoint's answer: status and body. */
  token?: () => [number, string];
  /** The reviews API's answer for an access token and a page token ("" for the first page). */
  reviews?: (accessToken: string, pageToken: string) => [number, string];
}

/** A local Google: the OAuth token endpoint at /token and the Business Profile API at /v4/…. */
async function google(scenario: Scenario = {}) {
  const forms: URLSearchParams[] = [];
  const server = await startFixtureServer(async (request: FixtureRequest, response: ServerResponse) => {
    const json = (status: number, body: string) => response.writeHead(status, { "content-type": "application/json; charset=UTF-8" }).end(body);
    const url = new URL(request.path, "http://fixture");
    if (request.method === "POST" && url.pathname === "/token") {
      let body = "";
      for await (const chunk of response.req) body += String(chunk);
      forms.push(new URLSearchParams(body));
      return json(...(scenario.token?.() ?? [200, fixture("token.json")]));
    }
    if (request.method === "GET" && url.pathname === `/v4/${LOCATION}/reviews`) {
      const accessToken = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
      const pageToken = url.searchParams.get("pageToken") ?? "";
      if (scenario.reviews) return json(...scenario.reviews(accessToken, pageToken));
      if (accessToken !== TOKEN) return json(401, fixture("error-401.json"));
      return json(200, fixture(pageToken === PAGE_2_TOKEN ? "reviews-page-2.json" : "reviews-page-1.json"));
    }
    return json(404, '{"error":{"code":404,"message":"Not found","status":"NOT_FOUND"}}');
  });
  servers.push(server);
  const tokenRequests = () => server.requests.filter((request) => request.path === "/token");
  const apiRequests = () => server.requests.filter((request) => request.path.startsWith("/v4/"));
  return { ...server, forms, tokenRequests, apiRequests };
}

const source = (url: string, overrides: Record<string, unknown> = {}) =>
  googleBusinessSourceSchema.parse({
    id: "zuraw-lodz",
    type: "google-business",
    brands: ["zuraw"],
    schedule: "0 * * * *",
    accountId: "106829418375218463105",
    locationId: "3582916647103849176",
    oauth: { clientIdEnv: "GBP_CLIENT_ID", clientSecretEnv: "GBP_CLIENT_SECRET", refreshTokenEnv: "GBP_REFRESH_TOKEN" },
    baseUrl: url,
    tokenUrl: `${url}/token`,
    ...overrides,
  });

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, { secret, ...overrides });

describe("google business source", () => {
  it("exchanges the refresh token, then reads every page with the bearer token and pageToken", async () => {
    const server = await google();
    const result = await googleBusinessAdapter.poll(source(server.url), context());

    // The token exchange: a form POST of the three secrets and the grant type.
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.tokenRequests()[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(server.forms[0]!)).toEqual({
      client_id: SECRETS.GBP_CLIENT_ID,
      client_secret: SECRETS.GBP_CLIENT_SECRET,
      refresh_token: SECRETS.GBP_REFRESH_TOKEN,
      grant_type: "refresh_token",
    });
    // Both pages with the access token, the second by its page token, newest updates first.
    const api = server.apiRequests();
    expect(api.map((request) => request.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(api[0]?.path).toBe(`/v4/${LOCATION}/reviews?pageSize=50&orderBy=updateTime%20desc`);
    expect(api[1]?.path).toBe(`/v4/${LOCATION}/reviews?pageSize=50&pageToken=${encodeURIComponent(PAGE_2_TOKEN)}&orderBy=updateTime%20desc`);

    expect(result).toMatchObject({ pages: 2, requests: 3, parsed: 5, stoppedBy: "last-page" });
    expect(result.mentions).toHaveLength(4);
    for (const mention of result.mentions) rawMentionSchema.parse(mention);
  });

  it("maps stars, replies, reviewers, translations and stars-only reviews the way a user reads them", async () => {
    const server = await google();
    const { mentions, problems } = await googleBusinessAdapter.poll(source(server.url), context());
    const byId = new Map(mentions.map((mention) => [mention.nativeId, mention]));

    expect(byId.get("AbFvOqnV1kR4sXg0kWl9bq2Rj8tT5mYp")).toEqual({
      schemaVersion: 1,
      id: mentionId("zuraw-lodz", "AbFvOqnV1kR4sXg0kWl9bq2Rj8tT5mYp"),
      source: { id: "zuraw-lodz", type: "google-business" },
      nativeId: "AbFvOqnV1kR4sXg0kWl9bq2Rj8tT5mYp",
      author: { name: "Agnieszka Wróbel" },
      text: "Odbiór osobisty w sklepie przy Piotrkowskiej – towar czekał, obsługa bardzo miła.\nPolecam!",
      rating: { value: 5, original: 5, scaleMin: 1, scaleMax: 5 },
      publishedAt: "2026-11-24T16:42:11.518Z", // createTime, nanoseconds cut to milliseconds
      collectedAt: "2026-11-25T12:00:00.000Z",
      reply: { text: "Dziękujemy, Pani Agnieszko! Do zobaczenia w Żurawiu.", publishedAt: "2026-11-24T18:03:40.120Z" },
      brandHints: ["zuraw"],
    });
    // Google's translation is dropped: the reviewer's own (Ukrainian) words remain.
    expect(byId.get("AbFvOqkP3wY8cN2dHs7LzEe0uQ4rXv1B")).toMatchObject({
      text: "Швидка доставка, але коробка була трохи пошкоджена.",
      rating: { value: 4, original: 4 },
      author: { name: "Олена Коваль" },
    });
    // Stars only, anonymous: still a mention, with an empty text and no made-up author.
    const starsOnly = byId.get("AbFvOqm7Tq0aLp5GxY3nRk9wZs2eHc6D");
    expect(starsOnly).toMatchObject({ text: "", rating: { value: 2, original: 2 } });
    expect(starsOnly?.author).toBeUndefined();
    expect(byId.get("AbFvOqlR8uJ1cV4bMx6Qt2yWn0oKe3Fg")).toMatchObject({
      rating: { value: 1, original: 1 },
      publishedAt: "2026-11-10T20:31:07.004Z", // written then, answered later: createTime, not updateTime
      reply: { text: expect.stringContaining("oddzwonimy dziś"), publishedAt: "2026-11-12T08:00:00.000Z" },
    });
    // A review without any time is reported, not dated by us.
    expect(problems).toEqual([{ page: expect.stringContaining("pageToken="), reason: expect.stringContaining("AbFvOqjH5nB9xK2mVt8Rc1sLw4pYd7Ue has no readable createTime") }]);
  });

  it("keeps the access token until shortly before it expires", async () => {
    const server = await google();
    await googleBusinessAdapter.poll(source(server.url), context());
    const second = await googleBusinessAdapter.poll(source(server.url), context());
    expect(server.tokenRequests()).toHaveLength(1);
    expect(second.requests).toBe(2); // the two pages only

    // A token that lives one second serves the pages of one poll, but not a poll a second later.
    const shortLived = await google({
      token: () => [200, JSON.stringify({ access_token: TOKEN, expires_in: 1, token_type: "Bearer" })],
    });
    await googleBusinessAdapter.poll(source(shortLived.url), context());
    expect(shortLived.tokenRequests()).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await googleBusinessAdapter.poll(source(shortLived.url), context());
    expect(shortLived.tokenRequests()).toHaveLength(2);
  });

  it("replaces a cached token that Google revoked early, once", async () => {
    let current = TOKEN;
    const server = await google({
      token: () => [200, JSON.stringify({ access_token: current, expires_in: 3599 })],
      reviews: (accessToken, pageToken) =>
        accessToken === current
          ? [200, fixture(pageToken === PAGE_2_TOKEN ? "reviews-page-2.json" : "reviews-page-1.json")]
          : [401, fixture("error-401.json")],
    });
    await googleBusinessAdapter.poll(source(server.url), context());
    current = "ya29.a0AeDClZB-odzew-fixture-token-2";
    const result = await googleBusinessAdapter.poll(source(server.url), context());
    expect(result.mentions).toHaveLength(4);
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.apiRequests().at(-1)?.headers.authorization).toBe(`Bearer ${current}`);
  });

  it("fails a 403 at once with an error that says what to check, without retrying", async () => {
    const server = await google({ reviews: () => [403, fixture("error-403.json")] });
    await expect(googleBusinessAdapter.poll(source(server.url), context())).rejects.toMatchObject({
      code: "SOURCE_HTTP",
      retryable: false,
      message: expect.stringMatching(/HTTP 403.*refresh token in GBP_REFRESH_TOKEN must be an owner or manager.*PERMISSION_DENIED/),
    });
    expect(server.apiRequests()).toHaveLength(1);
  });

  it("fails a 401 on a fresh token without looping", async () => {
    const server = await google({ reviews: () => [401, fixture("error-401.json")] });
    await expect(googleBusinessAdapter.poll(source(server.url), context())).rejects.toMatchObject({
      code: "SOURCE_HTTP",
      retryable: false,
      message: expect.stringContaining("HTTP 401"),
    });
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.apiRequests()).toHaveLength(1);
  });

  it("says which secret to renew when Google refuses the refresh token", async () => {
    const server = await google({ token: () => [400, fixture("token-invalid-grant.json")] });
    await expect(googleBusinessAdapter.poll(source(server.url), context())).rejects.toMatchObject({
      code: "SOURCE_HTTP",
      retryable: false,
      message: expect.stringMatching(/HTTP 400.*GBP_REFRESH_TOKEN is expired or revoked.*invalid_grant/),
    });
    expect(server.apiRequests()).toHaveLength(0);
  });

  it("names the missing environment variable before sending anything", async () => {
    const server = await google();
    const without = (missing: string) => (name: string) => (name === missing ? undefined : SECRETS[name]);
    for (const missing of ["GBP_CLIENT_ID", "GBP_CLIENT_SECRET", "GBP_REFRESH_TOKEN"]) {
      await expect(googleBusinessAdapter.poll(source(server.url), context({ secret: without(missing) }))).rejects.toMatchObject({
        code: "CONFIG_INVALID",
        message: expect.stringContaining(missing),
      });
    }
    expect(server.requests).toHaveLength(0);
  });

  it("fails an unexpected answer with SOURCE_PARSE, not a TypeError", async () => {
    for (const body of ['{"reviews":{"name":"x"}}', "<html><body>Proxy login</body></html>", "[]"]) {
      const server = await google({ reviews: () => [200, body] });
      await expect(googleBusinessAdapter.poll(source(server.url), context())).rejects.toMatchObject({ code: "SOURCE_PARSE" });
    }
    // A location without reviews answers {}: nothing new, no error.
    const empty = await google({ reviews: () => [200, "{}"] });
    expect((await googleBusinessAdapter.poll(source(empty.url), context())).mentions).toEqual([]);
  });

  it("stops at the first review it has seen, even when an old review was edited to the top", async () => {
    const page = JSON.parse(fixture("reviews-page-1.json")) as { reviews: { reviewId: string; updateTime: string }[]; nextPageToken?: string };
    // The review of 22 Nov was edited today: Google lists it first (updateTime desc).
    const edited = page.reviews.splice(1, 1)[0]!;
    edited.updateTime = "2026-11-25T08:00:00Z";
    page.reviews.unshift(edited);
    const server = await google({ reviews: () => [200, JSON.stringify(page)] });
    const seen = new Set(["AbFvOqkP3wY8cN2dHs7LzEe0uQ4rXv1B", "AbFvOqm7Tq0aLp5GxY3nRk9wZs2eHc6D"]);

    const result = await googleBusinessAdapter.poll(source(server.url), context({ mode: "incremental", seen }));
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["AbFvOqnV1kR4sXg0kWl9bq2Rj8tT5mYp"]);
    expect(result.stoppedBy).toBe("seen");
    expect(server.apiRequests()).toHaveLength(1); // page 2 is not read
  });
});

describe("originalComment", () => {
  it("keeps the reviewer's words of a comment Google translated, whichever comes first", () => {
    expect(originalComment("(Translated by Google) Great shop\n\n(Original)\nŚwietny sklep")).toBe("Świetny sklep");
    expect(originalComment("(Original)\nŚwietny sklep\n\n(Translated by Google)\nGreat shop")).toBe("Świetny sklep");
    expect(originalComment("Świetny sklep\n\n(Translated by Google)\nGreat shop")).toBe("Świetny sklep");
    expect(originalComment("(Translated by Google) Great shop")).toBe("Great shop");
    expect(originalComment("Napisałem (Original) w środku zdania")).toBe("Napisałem (Original) w środku zdania");
  });
});
