import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { mentionId, rawMentionSchema, redditSourceSchema } from "@odzew/schema";
import { type FixtureRequest, odzewFailure, testLogger, useFixtureServers } from "@odzew/testing";
import { HttpClient } from "./http-client.ts";
import { mentionsAny, queryTerms, redditAdapter } from "./reddit.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("reddit-source");
const serve = useFixtureServers();
const fixture = (name: string) => readFileSync(new URL(`./fixtures/reddit/${name}`, import.meta.url), "utf8");

const CLIENT_ID = "p-jcoLKBynTLew";
const CLIENT_SECRET = "gko_LXELoV07ZBNUXrvWZfzE3aI";
const TOKEN = /"access_token": "([^"]+)"/.exec(fixture("token.json"))?.[1] ?? "";
const USER_AGENT = "server:pl.zuraw.odzew:v1.4.0 (by /u/zuraw_ksiegarnia)";
const QUERY = '"Żuraw" OR "księgarnia Żuraw"';

type Answer = [number, string, Record<string, string>?];

/**
 * A local Reddit: the token endpoint and the OAuth API, answering with the fixtures in Reddit's
 * Listing format, or with whatever a test scripts for the API (`api`) or the token (`token`).
 */
async function reddit(options: { api?: (request: FixtureRequest) => Answer | undefined; token?: () => Answer } = {}) {
  return serve((request, response) => {
    const url = new URL(request.path, "http://fixture");
    const [status, body, headers] = answer(request, url);
    response.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers }).end(body);
  });

  function answer(request: FixtureRequest, url: URL): Answer {
    if (request.method === "POST" && url.pathname === "/api/v1/access_token") return options.token?.() ?? [200, fixture("token.json")];
    if (request.headers.authorization !== `bearer ${TOKEN}`) return [401, fixture("error-401.json")];
    const scripted = options.api?.(request);
    if (scripted) return scripted;
    if (url.pathname === "/search" || url.pathname === "/r/Polska+ksiazki/search") {
      const after = url.searchParams.get("after");
      if (after === null) return [200, fixture("search-page-1.json")];
      if (after === "t3_1h7w9aa") return [200, fixture("search-page-2.json")];
    }
    if (url.pathname === "/r/Polska+ksiazki/comments") return [200, fixture("comments-page-1.json")];
    return [404, '{"message": "Not Found", "error": 404}'];
  }
}

const source = (baseUrl: string, overrides: Record<string, unknown> = {}) =>
  redditSourceSchema.parse({
    id: "reddit-zuraw",
    type: "reddit",
    // brands: [] on purpose: "żuraw" is also a crane; the brand tagger decides with context rules.
    brands: [],
    schedule: "*/15 * * * *",
    query: QUERY,
    userAgent: USER_AGENT,
    baseUrl,
    tokenUrl: `${baseUrl}/api/v1/access_token`,
    ...overrides,
  });

const secrets: Record<string, string> = { REDDIT_CLIENT_ID: CLIENT_ID, REDDIT_CLIENT_SECRET: CLIENT_SECRET };
const context = (overrides: Parameters<typeof testPollContext>[1] = {}) =>
  testPollContext(logger, { secret: (name) => secrets[name], ...overrides });

const apiRequests = (requests: FixtureRequest[]) => requests.filter((request) => request.method === "GET");
const tokenRequests = (requests: FixtureRequest[]) => requests.filter((request) => request.method === "POST");

describe("reddit source", () => {
  it("gets an app-only token with the app's credentials, then searches newest posts with it and Reddit's required User-Agent", async () => {
    const server = await reddit();
    await redditAdapter.poll(source(server.url), context());

    const [token] = tokenRequests(server.requests);
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`);
    expect(token?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(token?.headers["user-agent"]).toBe(USER_AGENT);

    const [first] = apiRequests(server.requests);
    const url = new URL(first?.path ?? "", "http://fixture");
    expect(url.pathname).toBe("/search");
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: QUERY, type: "link", sort: "new", limit: "100", raw_json: "1" });
    expect(first?.headers.authorization).toBe(`bearer ${TOKEN}`);
    expect(first?.headers["user-agent"]).toBe(USER_AGENT);
    for (const request of server.requests) {
      expect(request.path).not.toContain(CLIENT_SECRET);
      expect(request.path).not.toContain(TOKEN);
    }
  });

  it("pages with `after` and delivers the posts newest first, skipping a removed one with a problem", async () => {
    const server = await reddit();
    const result = await redditAdapter.poll(source(server.url), context());

    expect(apiRequests(server.requests).map((request) => new URL(request.path, "http://fixture").searchParams.get("after"))).toEqual([null, "t3_1h7w9aa"]);
    // The token, then two pages.
    expect(result).toMatchObject({ pages: 2, requests: 3, parsed: 6, stoppedBy: "last-page" });
    expect(result.mentions.map((mention) => [mention.nativeId, mention.publishedAt])).toEqual([
      ["t3_1h7zr2k", "2026-11-25T09:41:17.000Z"],
      ["t3_1h7yq0d", "2026-11-25T07:02:55.000Z"], // the crane: the brand tagger's context rules decide
      ["t3_1h7w9aa", "2026-11-24T18:30:00.000Z"],
      ["t3_1h6k3pe", "2026-11-23T15:12:44.000Z"],
      ["t3_1h5q0zz", "2026-11-22T11:05:10.000Z"],
    ]);
    expect(result.problems).toEqual([{ page: expect.stringContaining("/search?"), reason: "Reddit post t3_1h7x5mb was removed (moderator): skipped" }]);
    for (const mention of result.mentions) rawMentionSchema.parse(mention);

    expect(result.mentions[0]).toEqual({
      schemaVersion: 1,
      id: mentionId("reddit-zuraw", "t3_1h7zr2k"),
      source: { id: "reddit-zuraw", type: "reddit" },
      nativeId: "t3_1h7zr2k",
      url: "https://www.reddit.com/r/Polska/comments/1h7zr2k/ksiegarnia_zuraw_na_piotrkowskiej_warto/",
      author: { name: "u/Kasia_czyta", profileUrl: "https://www.reddit.com/user/Kasia_czyta" },
      title: "Księgarnia Żuraw na Piotrkowskiej – warto?",
      text: "Byłam wczoraj w Żurawiu w Łodzi. Obsługa bardzo miła, ale kolejka do kasy trwała 20 minut. Ktoś zamawiał u nich online?",
      publishedAt: "2026-11-25T09:41:17.000Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      reach: { votes: 57 },
      details: { subject: "r/Polska" },
      brandHints: [],
    });
    const byId = new Map(result.mentions.map((mention) => [mention.nativeId, mention]));
    // A link post: its title is all there is.
    expect(byId.get("t3_1h7w9aa")).toMatchObject({ title: "Żuraw otwiera drugą księgarnię w Krakowie", text: "" });
    // The author deleted the account; the post stands, without an author; a negative score is no reach.
    expect(byId.get("t3_1h6k3pe")?.author).toBeUndefined();
    expect(byId.get("t3_1h6k3pe")?.reach).toEqual({ votes: 0 });
  });

  it("stops at the first post seen before, without reading the next page", async () => {
    const server = await reddit();
    const result = await redditAdapter.poll(source(server.url), context({ mode: "incremental", seen: new Set(["t3_1h7w9aa"]) }));

    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["t3_1h7zr2k", "t3_1h7yq0d"]);
    expect(result.stoppedBy).toBe("seen");
    expect(apiRequests(server.requests)).toHaveLength(1);
  });

  it("an incremental poll delivers exactly the posts newer than the first one seen, whichever it is; again, nothing", async () => {
    const server = await reddit();
    const config = source(server.url);
    const all = (await redditAdapter.poll(config, context())).mentions.map((mention) => mention.nativeId);
    const random = seededRandom(1311);
    for (let round = 0; round < 12; round++) {
      const newest = Math.floor(random() * all.length);
      const seen = new Set(all.slice(newest));
      const first = await redditAdapter.poll(config, context({ mode: "incremental", seen }));
      expect(first.mentions.map((mention) => mention.nativeId)).toEqual(all.slice(0, newest));
      const again = await redditAdapter.poll(config, context({ mode: "incremental", seen: new Set(all) }));
      expect(again.mentions).toEqual([]);
    }
  });

  it("with subreddits, searches only there and keeps the newest comments there that contain the query's words", async () => {
    const server = await reddit();
    const result = await redditAdapter.poll(source(server.url, { subreddits: ["Polska", "ksiazki"] }), context());

    const paths = apiRequests(server.requests).map((request) => new URL(request.path, "http://fixture"));
    expect(paths[0]?.pathname).toBe("/r/Polska+ksiazki/search");
    expect(paths[0]?.searchParams.get("restrict_sr")).toBe("true");
    expect(paths.at(-1)?.pathname).toBe("/r/Polska+ksiazki/comments");

    const comments = result.mentions.filter((mention) => mention.nativeId.startsWith("t1_"));
    // The weather comment does not mention Żuraw; the deleted one is reported.
    expect(comments.map((mention) => mention.nativeId)).toEqual(["t1_m0k2x1a", "t1_m0k1v7t"]);
    expect(comments[0]).toMatchObject({
      url: "https://www.reddit.com/r/Polska/comments/1h7zr2k/comment/m0k2x1a/",
      author: { name: "u/Tomek_LDZ" },
      text: "Zamawiałem z Żurawia online, paczka była na drugi dzień. Polecam!",
      reach: { votes: 9 },
      publishedAt: "2026-11-25T10:02:31.000Z",
    });
    expect(comments[0]?.title).toBeUndefined();
    expect(result.problems.map((problem) => problem.reason)).toContain("Reddit comment t1_m0k1z8q was deleted: skipped");
    expect(result.lanes?.map((lane) => new URL(lane.lane).pathname)).toEqual(["/r/Polska+ksiazki/search", "/r/Polska+ksiazki/comments"]);
  });

  it("keeps the token between polls and gets a new one when the API refuses it", async () => {
    let revoked = false;
    const server = await reddit({ api: () => (revoked ? ((revoked = false), [401, fixture("error-401.json")]) : undefined) });
    const config = source(server.url);
    await redditAdapter.poll(config, context());
    await redditAdapter.poll(config, context());
    expect(tokenRequests(server.requests)).toHaveLength(1);

    revoked = true;
    const result = await redditAdapter.poll(config, context());
    expect(tokenRequests(server.requests)).toHaveLength(2);
    expect(result.mentions).toHaveLength(5);
    expect(result.requests).toBe(4); // refused, new token, page 1 again, page 2
  });

  it("revoked credentials: a non-retryable error naming the variables to renew, never the secret", async () => {
    const server = await reddit({ api: () => [401, fixture("error-401.json")] });
    const error = await odzewFailure(redditAdapter.poll(source(server.url), context()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("REDDIT_CLIENT_ID");
    expect(error.message).toContain("REDDIT_CLIENT_SECRET");
    expect(error.message).not.toContain(CLIENT_SECRET);
    expect(error.message).not.toContain(TOKEN);
    expect(tokenRequests(server.requests)).toHaveLength(2); // one new token tried before giving up
  });

  it("refused app credentials at the token endpoint: a non-retryable error naming the variables", async () => {
    const server = await reddit({ token: () => [401, fixture("error-401.json")] });
    const error = await odzewFailure(redditAdapter.poll(source(server.url, { clientIdEnv: "ZURAW_REDDIT_ID", clientSecretEnv: "ZURAW_REDDIT_SECRET" }), context({ secret: (name) => ({ ZURAW_REDDIT_ID: CLIENT_ID, ZURAW_REDDIT_SECRET: CLIENT_SECRET })[name] })));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/Reddit refused the app's credentials .*HTTP 401.*ZURAW_REDDIT_ID.*ZURAW_REDDIT_SECRET/);
    expect(error.message).not.toContain(CLIENT_SECRET);
    expect(apiRequests(server.requests)).toHaveLength(0);
  });

  it("a missing secret is a configuration error naming its variable", async () => {
    const server = await reddit();
    const error = await odzewFailure(redditAdapter.poll(source(server.url), context({ secret: (name) => (name === "REDDIT_CLIENT_ID" ? CLIENT_ID : undefined) })));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain("REDDIT_CLIENT_SECRET");
    expect(server.requests).toHaveLength(0);
  });

  it("429 with Retry-After: retryable, with when to come back", async () => {
    const server = await reddit({
      api: () => [429, fixture("error-429.json"), { "retry-after": "120", "x-ratelimit-remaining": "0.0", "x-ratelimit-used": "100", "x-ratelimit-reset": "120" }],
    });
    const error = await odzewFailure(redditAdapter.poll(source(server.url), context()));
    expect(error.retryable).toBe(true);
    expect(error.context.retryAfterMs).toBe(120_000);
    expect(error.message).toContain("Reddit's rate limit (HTTP 429)");
  });

  it("429 without Retry-After: retryable, back in a minute", async () => {
    const server = await reddit({ api: () => [429, fixture("error-429.json")] });
    const http = new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, timeoutMs: 5_000, allowPrivateHosts: true });
    const error = await odzewFailure(redditAdapter.poll(source(server.url), context({ http })));
    expect(error.retryable).toBe(true);
    expect(error.context.retryAfterMs).toBe(60_000);
  });

  it("a private or banned subreddit: a non-retryable error that says which", async () => {
    const server = await reddit({ api: () => [403, '{"reason": "private", "message": "Forbidden", "error": 403}'] });
    const error = await odzewFailure(redditAdapter.poll(source(server.url, { subreddits: ["Polska", "ksiazki"] }), context()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("r/Polska, r/ksiazki is private, quarantined, banned or does not exist");
  });

  it("a changed format is a layout problem, not a crash; an answer that is not JSON fails the poll", async () => {
    const changed = await reddit({ api: () => [200, fixture("changed-format.json")] });
    const result = await redditAdapter.poll(source(changed.url), context());
    expect(result.mentions).toEqual([]);
    expect(result.problems).toEqual([{ page: expect.stringContaining("/search?"), reason: expect.stringContaining("not a Listing") }]);

    const broken = await reddit({ api: () => [200, "<html>upstream error</html>"] });
    const error = await odzewFailure(redditAdapter.poll(source(broken.url), context()));
    expect(error.code).toBe("SOURCE_PARSE");
  });

  it("refuses a User-Agent that is not in Reddit's required form, saying what it should look like", () => {
    const parsed = redditSourceSchema.safeParse({ id: "r", type: "reddit", schedule: "*/15 * * * *", query: "Żuraw", userAgent: "Mozilla/5.0" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain("(by /u/<your Reddit username>)");
  });
});

describe("query terms for comments", () => {
  it("takes words and phrases, not operators, exclusions or field searches", () => {
    expect(queryTerms('"Żuraw" OR "księgarnia Żuraw" -dźwig NOT budowa subreddit:Polska (zuraw.pl)')).toEqual(["zuraw", "ksiegarnia zuraw", "zuraw.pl"]);
  });

  it("matches regardless of case and Polish letters", () => {
    expect(mentionsAny("Byłem w ŻURAWIU wczoraj", queryTerms("zuraw"))).toBe(true);
    expect(mentionsAny("Księgarnia   żuraw", queryTerms('"ksiegarnia zuraw"'))).toBe(true);
    expect(mentionsAny("Jutro ma padać", queryTerms("Żuraw"))).toBe(false);
  });
});
