import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { blueskySourceSchema, mentionId, rawMentionSchema, sourceConfigSchema } from "@odzew/schema";
import { testLogger, useFixtureServers, type FixtureRequest } from "@odzew/testing";
import { blueskyAdapter } from "./bluesky.source.ts";
import { HttpClient } from "./http-client.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("bluesky-source");
const serve = useFixtureServers();
const fixture = (name: string) => readFileSync(new URL(`./fixtures/bluesky/${name}`, import.meta.url), "utf8");

const SEARCH = "/xrpc/app.bsky.feed.searchPosts";
const SESSION = "/xrpc/com.atproto.server.createSession";
const APP_PASSWORD = "abcd-efgh-ijkl-mnop";
const ACCESS_JWT = (JSON.parse(fixture("create-session.json")) as { accessJwt: string }).accessJwt;

const uri = (did: string, rkey: string) => `at://${did}/app.bsky.feed.post/${rkey}`;
const ANIA = uri("did:plc:w4xbfzo7kqfes5zb7r6qv3rw", "3m6dq7wkzqs2c");
const CRANE_BIRD = uri("did:plc:ewvi7nxzyoun6zhxrhs64oiz", "3m6dm4hq2xk2y");
const ALT_TEXT = uri("did:plc:z72i7hdynmk6r22z27h6tvur", "3m6dkzb4ywc2f");
const MAREK = uri("did:plc:ragtjsm2j2vknwkz3zp4oxrd", "3m6dhr6cbuk2a");
const TAKEN_DOWN = uri("did:plc:3jpt2mvvsumj2r7eqk4gzzjz", "3m6cvq7tjzc2m");
const INVALID_HANDLE = uri("did:plc:vwzwgnygau7ed7b7wt5ux7y2", "3m6cswd4ahs2o");

type Answer = [number, string, Record<string, string>?];

/** The search pages in order: no cursor → page 1, cursor 3 → page 2, cursor 6 → page 3. */
function pages(request: FixtureRequest): Answer {
  const cursor = new URL(request.path, "http://fixture").searchParams.get("cursor");
  const name = cursor === null ? "search-page-1.json" : cursor === "3" ? "search-page-2.json" : cursor === "6" ? "search-page-3.json" : undefined;
  return name ? [200, fixture(name)] : [400, '{"error":"InvalidRequest","message":"bad cursor"}'];
}

/** A local AppView/PDS: searchPosts answered by `search`, createSession by `session`. */
async function bluesky(search: (request: FixtureRequest) => Answer = pages, session: (request: FixtureRequest) => Answer = () => [200, fixture("create-session.json")]) {
  return serve((request, response) => {
    const path = request.path.split("?")[0];
    const [status, body, headers] = path === SEARCH ? search(request) : path === SESSION && request.method === "POST" ? session(request) : [404, '{"error":"MethodNotImplemented","message":"Method Not Implemented"}'];
    const type = body.startsWith("<") ? "text/html" : "application/json; charset=utf-8";
    response.writeHead(status, { "content-type": type, ...headers }).end(body);
  });
}

const source = (baseUrl: string, overrides: Record<string, unknown> = {}) =>
  blueskySourceSchema.parse({ id: "zuraw-bluesky", type: "bluesky", brands: ["zuraw"], schedule: "*/15 * * * *", query: "Żuraw", lang: "pl", pageSize: 3, baseUrl, ...overrides });

const signedIn = (service: string, overrides: Record<string, unknown> = {}) => source(service, { baseUrl: undefined, auth: { service }, ...overrides });

const secrets = (name: string) => (name === "BLUESKY_IDENTIFIER" ? "zuraw-ksiegarnia.bsky.social" : name === "BLUESKY_APP_PASSWORD" ? APP_PASSWORD : undefined);
const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, { secret: secrets, ...overrides });

const searchParams = (request: FixtureRequest | undefined) => Object.fromEntries(new URL(request?.path ?? "/", "http://fixture").searchParams);
const caught = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe("bluesky source", () => {
  it("reads the search newest first, page after page by cursor, each post once, as mentions with link, author, language and reach", async () => {
    const server = await bluesky();
    const result = await blueskyAdapter.poll(source(server.url), context());

    expect(server.requests.map((request) => [request.method, searchParams(request)])).toEqual([
      ["GET", { q: "Żuraw", sort: "latest", limit: "3", lang: "pl" }],
      ["GET", { q: "Żuraw", sort: "latest", limit: "3", lang: "pl", cursor: "3" }],
      ["GET", { q: "Żuraw", sort: "latest", limit: "3", lang: "pl", cursor: "6" }],
    ]);
    // The post shifted onto page 2 by a newer one is delivered once; the taken-down one is reported.
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual([ANIA, CRANE_BIRD, ALT_TEXT, MAREK, INVALID_HANDLE]);
    expect(result).toMatchObject({ pages: 3, requests: 3, stoppedBy: "last-page" });
    expect(result.problems.map((problem) => problem.reason)).toEqual([`post ${TAKEN_DOWN} was taken down or hidden by Bluesky's moderation (label !takedown)`]);
    for (const mention of result.mentions) rawMentionSchema.parse(mention);

    const byId = new Map(result.mentions.map((mention) => [mention.nativeId, mention]));
    expect(byId.get(ANIA)).toEqual({
      schemaVersion: 1,
      id: mentionId("zuraw-bluesky", ANIA),
      source: { id: "zuraw-bluesky", type: "bluesky" },
      nativeId: ANIA,
      url: "https://bsky.app/profile/ania-czyta.bsky.social/post/3m6dq7wkzqs2c",
      author: { name: "Ania Kowalska 📚", profileUrl: "https://bsky.app/profile/ania-czyta.bsky.social" },
      text: "Kupiłam w księgarni Żuraw na Piotrkowskiej nowego Twardocha, obsługa przemiła i paczka z zamówienia online przyszła w jeden dzień. Polecam! #Łódź",
      lang: "pl",
      publishedAt: "2026-11-25T11:40:12.504Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      // 12 likes + 3 reposts + 1 quote; the 2 replies are conversation, not reach.
      reach: { votes: 16 },
      brandHints: ["zuraw"],
    });
    // "żuraw" the bird: delivered as Bluesky found it, for the brand's context/exclude rules to judge.
    expect(byId.get(CRANE_BIRD)).toMatchObject({ text: expect.stringContaining("Pierwszy żuraw tej jesieni"), reach: { votes: 101 } });
    // An image-only post: its alt text is what mentions the brand.
    expect(byId.get(ALT_TEXT)).toMatchObject({
      text: "Paragon z księgarni Żuraw: zwrot pieniędzy za uszkodzoną książkę wciąż nie przyszedł",
      author: { name: "ola-k.bsky.social" },
    });
    // An author whose handle does not verify: linked by DID; a post dated in the future by its client: dated when Bluesky indexed it.
    expect(byId.get(INVALID_HANDLE)).toMatchObject({
      url: "https://bsky.app/profile/did%3Aplc%3Avwzwgnygau7ed7b7wt5ux7y2/post/3m6cswd4ahs2o",
      author: { name: "Kasia" },
      lang: "pl",
      publishedAt: "2026-11-24T18:30:05.000Z",
    });
  });

  it("stops at the first post it has seen, in one request", async () => {
    const server = await bluesky();
    const result = await blueskyAdapter.poll(source(server.url), context({ mode: "incremental", seen: new Set([CRANE_BIRD]) }));
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual([ANIA]);
    expect(result).toMatchObject({ stoppedBy: "seen", requests: 1 });
  });

  it("never delivers a seen post again nor any post twice, whatever was seen before (seeded)", async () => {
    const server = await bluesky();
    const all = [ANIA, CRANE_BIRD, ALT_TEXT, MAREK, INVALID_HANDLE];
    const random = seededRandom(13);
    for (let round = 0; round < 12; round++) {
      const seen = new Set(all.filter(() => random() < 0.4));
      const mode = random() < 0.5 ? "incremental" : "backfill";
      const result = await blueskyAdapter.poll(source(server.url), context({ mode, seen }));
      const ids = result.mentions.map((mention) => mention.nativeId);
      expect(new Set(ids).size).toBe(ids.length);
      if (mode === "incremental") {
        expect(ids.filter((id) => seen.has(id))).toEqual([]);
        // Newest first up to the first seen post.
        const firstSeen = all.findIndex((id) => seen.has(id));
        expect(ids).toEqual(firstSeen === -1 ? all : all.slice(0, firstSeen));
      } else {
        expect(ids).toEqual(all);
      }
    }
  });

  it("searches each of the terms (a phrase in quotes) and delivers a post found by two of them once", async () => {
    const server = await bluesky((request) => (searchParams(request).cursor ? [200, fixture("search-empty.json")] : [200, fixture("search-page-1.json")]));
    const result = await blueskyAdapter.poll(source(server.url, { query: undefined, terms: ["Żuraw", "księgarnia Żuraw"] }), context());
    expect(server.requests.filter((request) => !searchParams(request).cursor).map((request) => searchParams(request).q)).toEqual(["Żuraw", '"księgarnia Żuraw"']);
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual([ANIA, CRANE_BIRD, ALT_TEXT]);
    expect(result.lanes).toHaveLength(2);
  });

  it("reads one page from the public AppView, which refuses cursors to anonymous callers, and says when posts may have been missed", async () => {
    const server = await bluesky();
    // The public AppView's name, answered by the fixture server.
    const http = new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, allowPrivateHosts: true, resolveHost: () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]) });
    const publicView = source(`http://public.api.bsky.app:${new URL(server.url).port}`);
    const first = await blueskyAdapter.poll(publicView, context({ http }));
    expect(first).toMatchObject({ pages: 1, requests: 1, stoppedBy: "last-page" });
    expect(first.mentions.map((mention) => mention.nativeId)).toEqual([ANIA, CRANE_BIRD, ALT_TEXT]);
    expect(searchParams(server.requests[0])).not.toHaveProperty("cursor");

    const behind = await blueskyAdapter.poll(publicView, context({ http, mode: "incremental", seen: new Set([MAREK]) }));
    expect(behind.mentions).toHaveLength(3);
    expect(behind.problems).toEqual([{ page: expect.any(String), reason: expect.stringContaining("older new posts may have been missed; poll more often or set auth") }]);
  });

  it("tells an anonymous caller refused by the AppView (403) to sign in, without retrying", async () => {
    const server = await bluesky(() => [403, fixture("public-403.html")]);
    const error = await caught(blueskyAdapter.poll(source(server.url), context()));
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: false, message: expect.stringContaining("HTTP 403") });
    expect((error as Error).message).toContain("set auth (an app password in BLUESKY_APP_PASSWORD");
    expect(server.requests).toHaveLength(1);
  });

  it("hands a rate limit (429 with Retry-After) back as retryable with when to try again", async () => {
    const server = await bluesky(() => [429, fixture("error-429-rate-limit.json"), { "retry-after": "120", "ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": "1795608120" }]);
    const error = await caught(blueskyAdapter.poll(source(server.url), context()));
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: true, context: { status: 429, retryAfterMs: 120_000 } });
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a query Bluesky cannot parse, naming what to fix", async () => {
    const server = await bluesky(() => [400, fixture("error-400-bad-query.json")]);
    const error = await caught(blueskyAdapter.poll(source(server.url, { query: '"Żuraw' }), context()));
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: false });
    expect((error as Error).message).toContain("BadQueryString: could not parse query");
    expect((error as Error).message).toContain("check the source's query/terms");
  });

  it("ends the reading where the search refuses to page deeper (400 on a cursor), keeping what it read", async () => {
    const server = await bluesky((request) => (searchParams(request).cursor === "6" ? [400, '{"error":"InvalidRequest","message":"disallowed size/offset parameters"}'] : pages(request)));
    const result = await blueskyAdapter.poll(source(server.url), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual([ANIA, CRANE_BIRD, ALT_TEXT, MAREK]);
    expect(result.stoppedBy).toBe("last-page");
    expect(result.problems.map((problem) => problem.reason)).toContain(
      "Bluesky's search refused to page further (HTTP 400) (InvalidRequest: disallowed size/offset parameters): older posts cannot be read through search",
    );
  });

  it("signs in with the app password once, searches with the session (paging), and reuses it in the next poll", async () => {
    const server = await bluesky();
    const config = signedIn(server.url);
    const result = await blueskyAdapter.poll(config, context());
    expect(server.requests.map((request) => request.path.split("?")[0])).toEqual([SESSION, SEARCH, SEARCH, SEARCH]);
    for (const request of server.requests.slice(1)) expect(request.headers.authorization).toBe(`Bearer ${ACCESS_JWT}`);
    expect(result).toMatchObject({ requests: 4, pages: 3 });
    expect(result.mentions).toHaveLength(5);

    await blueskyAdapter.poll(config, context({ mode: "incremental", seen: new Set([ANIA]) }));
    expect(server.requests.filter((request) => request.path === SESSION)).toHaveLength(1);
  });

  it("signs in again when the cached session has expired (400 ExpiredToken), once per poll", async () => {
    let refusals = 0;
    const server = await bluesky((request) => {
      if (refusals > 0 && request.headers.authorization) {
        refusals -= 1;
        return [400, fixture("error-400-expired-token.json")];
      }
      return pages(request);
    });
    const config = signedIn(server.url);
    const signIns = () => server.requests.filter((request) => request.path === SESSION).length;
    const poll = () => blueskyAdapter.poll(config, context({ mode: "incremental", seen: new Set([CRANE_BIRD]) }));
    await poll();
    expect(signIns()).toBe(1);

    refusals = 1;
    const renewed = await poll();
    expect(renewed.mentions.map((mention) => mention.nativeId)).toEqual([ANIA]);
    expect(signIns()).toBe(2);

    // The renewed session is refused too: no loop, a clear error naming the variable.
    refusals = Number.POSITIVE_INFINITY;
    const error = await caught(poll());
    expect(signIns()).toBe(3);
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: false, context: { variable: "BLUESKY_APP_PASSWORD" } });
    expect((error as Error).message).toContain("create a new app password and put it in BLUESKY_APP_PASSWORD");
  });

  it("fails a revoked app password (401) at once, naming the variable to renew and never showing the password", async () => {
    const server = await bluesky(pages, () => [401, fixture("error-401-create-session.json")]);
    const error = await caught(blueskyAdapter.poll(signedIn(server.url, { auth: { service: server.url, appPasswordEnv: "ZURAW_BSKY_APP_PASSWORD" } }), context({ secret: (name) => (name === "ZURAW_BSKY_APP_PASSWORD" ? APP_PASSWORD : secrets(name)) })));
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: false, context: { status: 401, variable: "ZURAW_BSKY_APP_PASSWORD" } });
    expect((error as Error).message).toContain("Invalid identifier or password");
    expect((error as Error).message).toContain("create a new app password (Settings → Privacy and security → App passwords) and put it in ZURAW_BSKY_APP_PASSWORD");
    expect((error as Error).message).not.toContain(APP_PASSWORD);
    expect(server.requests.filter((request) => request.path.startsWith(SEARCH))).toHaveLength(0);
  });

  it("names a missing app password variable before sending anything", async () => {
    const server = await bluesky();
    const error = await caught(blueskyAdapter.poll(signedIn(server.url), context({ secret: () => undefined })));
    expect(error).toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("BLUESKY_IDENTIFIER") });
    expect(server.requests).toHaveLength(0);
  });

  it("skips deleted, blocked and unreadable posts with a problem each, never a crash", async () => {
    const page = JSON.parse(fixture("search-page-1.json")) as { posts: Record<string, unknown>[] };
    page.posts.splice(1, 0, { uri: uri("did:plc:ragtjsm2j2vknwkz3zp4oxrd", "3m6dgzzzzzz2a"), notFound: true });
    page.posts.splice(2, 0, { uri: uri("did:plc:ragtjsm2j2vknwkz3zp4oxrd", "3m6dgyyyyyy2a"), blocked: true, author: { did: "did:plc:ragtjsm2j2vknwkz3zp4oxrd" } });
    const broken = structuredClone(page.posts[0]!);
    broken.uri = "at://did:plc:w4xbfzo7kqfes5zb7r6qv3rw/app.bsky.feed.like/3m6dq7wkzqs3c";
    page.posts.push(broken, { uri: uri("did:plc:w4xbfzo7kqfes5zb7r6qv3rw", "3m6dq7wkzqs4c"), cid: "x", author: {}, indexedAt: "2026-11-25T08:00:00Z" });
    delete (page as { cursor?: string }).cursor;
    const server = await bluesky(() => [200, JSON.stringify(page)]);
    const result = await blueskyAdapter.poll(source(server.url), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual([ANIA, CRANE_BIRD, ALT_TEXT]);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      expect.stringContaining("was deleted (notFound)"),
      expect.stringContaining("blocks or is blocked"),
      expect.stringContaining("has no at:// URI of an app.bsky.feed.post"),
      expect.stringContaining("has no record text"),
    ]);
  });

  it("reports an answer without a posts list as a changed format, and one that is not JSON as a parse error", async () => {
    const changed = await bluesky(() => [200, '{"feed":[],"cursor":"3"}']);
    const result = await blueskyAdapter.poll(source(changed.url), context());
    expect(result).toMatchObject({ mentions: [], parsed: 1, problems: [{ reason: expect.stringContaining('without a "posts" list') }] });

    const html = await bluesky(() => [200, "<!DOCTYPE html><title>Bluesky</title>"]);
    await expect(blueskyAdapter.poll(source(html.url), context())).rejects.toMatchObject({ code: "SOURCE_PARSE" });
  });

  it("takes either a query or terms in sources.yaml, with a message saying so", () => {
    const base = { id: "zuraw-bluesky", type: "bluesky", schedule: "*/15 * * * *" };
    expect(sourceConfigSchema.safeParse({ ...base, query: "Żuraw" }).success).toBe(true);
    const both = sourceConfigSchema.safeParse({ ...base, query: "Żuraw", terms: ["Żuraw"] });
    expect(both.error?.issues[0]?.message).toContain("give either query (one search) or terms");
    expect(sourceConfigSchema.safeParse({ ...base }).success).toBe(false);
    expect(sourceConfigSchema.safeParse({ ...base, query: "Żuraw", pageSize: 101 }).error?.issues[0]?.message).toContain("at most 100 posts");
  });
});
