import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mentionId, rawMentionSchema, xSourceSchema } from "@odzew/schema";
import { odzewFailure, startXApi, testLogger, useFixtureServers, type XPostSeed } from "@odzew/testing";
import { HttpClient } from "./http-client.ts";
import { testPollContext } from "./test-context.ts";
import { X_RATE_LIMIT_WINDOW_MS, X_USAGE_CAP_WAIT_MS, readSearchPage, searchUrl, sinceIdFor, snowflakeTime, xAdapter } from "./x.source.ts";

const logger = testLogger("x-source");
const serve = useFixtureServers();
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/x/${name}`, import.meta.url), "utf8"));

const TOKEN = "AAAAAAAAAAAAAAAAAAAAAZuraw%2FbearerTokenForTests2026";
const NOW = new Date("2026-11-25T12:00:00.000Z");
const COLLECTED = NOW.toISOString();
const QUERY = '("Żuraw" OR zuraw.pl) lang:pl -is:retweet';

const source = (overrides: Record<string, unknown> = {}) => xSourceSchema.parse({ id: "x-zuraw", type: "x", schedule: "*/15 * * * *", query: QUERY, ...overrides });

/** A snowflake id for a time: X's ids say when a post was made. */
function snowflake(at: number, sequence: number): string {
  return (((BigInt(at) - 1_288_834_974_657n) << 22n) | BigInt(sequence)).toString();
}

describe("x: reading recent search's answers", () => {
  it("a post becomes a mention with its author, link, language and reach (likes + reposts + quotes, the author's followers)", () => {
    const page = readSearchPage(fixture("search-page.json"), "https://api.x.com/2/tweets/search/recent?query=x", source(), COLLECTED);
    const [complaint, long, emoji] = page.mentions;
    expect(complaint).toEqual({
      schemaVersion: 1,
      id: mentionId("x-zuraw", "2125525218096054273"),
      source: { id: "x-zuraw", type: "x" },
      nativeId: "2125525218096054273",
      url: "https://x.com/kasia_czyta/status/2125525218096054273",
      author: { name: "Kasia czyta", profileUrl: "https://x.com/kasia_czyta" },
      text: "Znowu czekam tydzień na paczkę z @ZurawKsiegarnia. Co się dzieje? #Żuraw",
      lang: "pl",
      publishedAt: "2026-11-25T09:41:17.000Z",
      collectedAt: COLLECTED,
      reach: { votes: 37, followers: 15234 },
      brandHints: [],
    });
    for (const mention of page.mentions) rawMentionSchema.parse(mention);
    // A long post: its full text, not the truncated one.
    expect(long?.text).toBe("Long thoughts about Żuraw bookshop in Łódź: the reportage shelf is the best in town, and the staff know every title.");
    // A suspended author: the post stands, without an author; "zxx" (no language) is not a language.
    expect(emoji).toMatchObject({ url: "https://x.com/i/web/status/2125499729310646275", reach: { votes: 0 } });
    expect(emoji).not.toHaveProperty("author");
    expect(emoji).not.toHaveProperty("lang");
    expect(page.problems).toEqual([{ page: expect.any(String), reason: "X could not include the author 4242 (User has been suspended: [4242].): deleted, suspended or protected" }]);
    expect(new URL(page.next ?? "").searchParams.get("next_token")).toBe("b26v89c19zqg8o3fpzbkk1mvy0zfa6xs8ty6zmf3a4sn1");
  });

  it("an empty answer is the last page; an answer without meta is a changed format", () => {
    expect(readSearchPage({ meta: { result_count: 0 } }, "https://api.x.com/s", source(), COLLECTED)).toEqual({ url: "https://api.x.com/s", mentions: [], problems: [], next: undefined });
    expect(readSearchPage({ statuses: [] }, "https://api.x.com/s", source(), COLLECTED).problems?.[0]?.reason).toContain("format changed");
  });

  it("since_id is the newest post seen, while recent search still reaches it", () => {
    const recent = snowflake(Date.parse("2026-11-24T10:00:00Z"), 1);
    const newer = snowflake(Date.parse("2026-11-25T10:00:00Z"), 2);
    expect(snowflakeTime(newer)).toBe(Date.parse("2026-11-25T10:00:00Z"));
    expect(sinceIdFor(new Set([recent, newer, "t3_abc"]), NOW)).toBe(newer);
    expect(sinceIdFor(new Set([snowflake(Date.parse("2026-11-17T10:00:00Z"), 1)]), NOW)).toBeUndefined();
    expect(sinceIdFor(new Set(), NOW)).toBeUndefined();
  });

  it("refuses a page size X does not allow, saying what it allows", () => {
    expect(xSourceSchema.safeParse({ id: "x", type: "x", schedule: "0 * * * *", query: "Żuraw", pageSize: 5 }).error?.issues[0]?.message).toContain("max_results 10–100");
  });
});

/** `count` posts a minute apart, the newest at 11:59, by two authors. */
function posts(count: number): XPostSeed[] {
  return Array.from({ length: count }, (_, index) => {
    const at = NOW.getTime() - 60_000 * (count - index);
    return {
      id: snowflake(at, index),
      text: `Post ${index + 1} o księgarni Żuraw`,
      createdAt: new Date(at).toISOString(),
      authorId: index % 2 === 0 ? "1001" : "1002",
      lang: "pl",
      metrics: { retweet_count: 1, reply_count: 5, like_count: index, quote_count: 0 },
    };
  });
}

async function xApi(count = 150) {
  return startXApi({
    bearerToken: TOKEN,
    serve,
    posts: posts(count),
    users: [
      { id: "1001", name: "Kasia czyta", username: "kasia_czyta", followers: 15_234 },
      { id: "1002", name: "Tomek", username: "tomek_ldz", followers: 12 },
    ],
  });
}

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, { now: NOW, secret: (name) => (name === "X_BEARER_TOKEN" ? TOKEN : undefined), ...overrides });
const once = new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, timeoutMs: 5_000, allowPrivateHosts: true });

describe("x source against a local recent search", () => {
  it("asks for the fields it maps, pages with next_token and delivers every post newest first, the token only in the header", async () => {
    const api = await xApi();
    const result = await xAdapter.poll(source({ baseUrl: api.url }), context());

    expect(result.mentions).toHaveLength(150);
    expect(result.mentions[0]?.text).toBe("Post 150 o księgarni Żuraw");
    expect(result.mentions[0]).toMatchObject({ author: { name: "Tomek" }, reach: { votes: 150, followers: 12 } });
    expect(result.mentions.at(-1)?.text).toBe("Post 1 o księgarni Żuraw");
    expect(result).toMatchObject({ pages: 2, requests: 2, stoppedBy: "last-page" });

    const [first, second] = api.requests.map((request) => new URL(request.path, "http://x.test"));
    expect(first?.pathname).toBe("/2/tweets/search/recent");
    expect(Object.fromEntries(first?.searchParams ?? [])).toEqual({
      query: QUERY,
      max_results: "100",
      "tweet.fields": "created_at,public_metrics,lang,author_id,note_tweet",
      expansions: "author_id",
      "user.fields": "name,username,public_metrics",
    });
    expect(second?.searchParams.get("next_token")).toBeTruthy();
    for (const request of api.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.path).not.toContain("AAAAAAAA");
    }
  });

  it("an incremental poll searches only after the newest post seen (since_id), so X bills no post twice; the lane stays the same", async () => {
    const api = await xApi();
    const config = source({ baseUrl: api.url });
    const all = (await xAdapter.poll(config, context())).mentions.map((mention) => mention.nativeId);
    const seen = new Set(all.slice(3));

    const result = await xAdapter.poll(config, context({ mode: "incremental", seen }));
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(all.slice(0, 3));
    const last = new URL(api.requests.at(-1)?.path ?? "", "http://x.test");
    expect(last.searchParams.get("since_id")).toBe(all[3]);
    // The lane is known by its first page without since_id: a catch-up finds it from poll to poll.
    expect(result.lanes?.[0]?.lane).toBe(searchUrl(config));

    const again = await xAdapter.poll(config, context({ mode: "incremental", seen: new Set(all) }));
    expect(again.mentions).toEqual([]);
    expect(again.requests).toBe(1);
  });

  it("a regenerated bearer token stops the source, naming the variable and never the token", async () => {
    const api = await xApi();
    api.revoke();
    const error = await odzewFailure(xAdapter.poll(source({ baseUrl: api.url }), context()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("HTTP 401");
    expect(error.message).toContain("X_BEARER_TOKEN");
    expect(error.message).not.toContain(TOKEN);
  });

  it("429: retryable after the 15-minute window; a spent monthly cap after a day", async () => {
    const api = await xApi();
    api.failNext("rate-limit");
    const limited = await odzewFailure(xAdapter.poll(source({ baseUrl: api.url }), context({ http: once })));
    expect(limited.retryable).toBe(true);
    // X's x-rate-limit-reset (a Unix time 15 minutes ahead) is the wait.
    expect(limited.context.retryAfterMs).toBeGreaterThan(X_RATE_LIMIT_WINDOW_MS - 5_000);
    expect(limited.context.retryAfterMs).toBeLessThanOrEqual(X_RATE_LIMIT_WINDOW_MS);
    expect(limited.message).toContain("collection resumes in 15 min");

    api.failNext("usage-cap");
    const capped = await odzewFailure(xAdapter.poll(source({ baseUrl: api.url }), context({ http: once })));
    expect(capped.retryable).toBe(true);
    expect(capped.context.retryAfterMs).toBe(X_USAGE_CAP_WAIT_MS);
    expect(capped.message).toContain("monthly cap of posts read is spent");
  });

  it("an access level without search says a paid plan is needed; a query X refuses names the query", async () => {
    const api = await xApi();
    api.failNext("not-enrolled");
    const forbidden = await odzewFailure(xAdapter.poll(source({ baseUrl: api.url }), context()));
    expect(forbidden.retryable).toBe(false);
    expect(forbidden.message).toContain("needs a paid plan");

    const invalid = await odzewFailure(xAdapter.poll(source({ baseUrl: api.url, query: `Żuraw ${"x".repeat(600)}` }), context()));
    expect(invalid.retryable).toBe(false);
    expect(invalid.message).toContain("check the query of source x-zuraw");
    expect(invalid.context.status).toBe(400);
  });

  it("a suspended author's posts are delivered without the author, and reported", async () => {
    const api = await xApi(20);
    api.suspendUser("1002");
    const result = await xAdapter.poll(source({ baseUrl: api.url }), context());
    expect(result.mentions).toHaveLength(20);
    expect(result.mentions.filter((mention) => mention.author === undefined)).toHaveLength(10);
    expect(result.problems.map((problem) => problem.reason)).toEqual(["X could not include the author 1002 (User has been suspended: [1002].): deleted, suspended or protected"]);
  });

  it("a missing token is a configuration error naming its variable", async () => {
    const api = await xApi();
    const error = await odzewFailure(xAdapter.poll(source({ baseUrl: api.url, bearerTokenEnv: "ZURAW_X_TOKEN" }), context()));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain("ZURAW_X_TOKEN");
    expect(api.requests).toHaveLength(0);
  });
});
