import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appStoreSourceSchema, mentionId, rawMentionSchema } from "@odzew/schema";
import { useFixtureServers, testLogger, type FixtureHandler } from "@odzew/testing";
import { appStoreAdapter } from "./app-store.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("app-store-source");
const serve = useFixtureServers();

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, overrides);
const fixture = (name: string) => readFileSync(new URL(`./fixtures/app-store/${name}`, import.meta.url), "utf8");

const APP_ID = "1481234567";
const source = (baseUrl: string, overrides: Record<string, unknown> = {}) =>
  appStoreSourceSchema.parse({
    id: "zuraw-ios",
    type: "app-store",
    brands: ["zuraw"],
    schedule: "*/30 * * * *",
    appId: APP_ID,
    countries: ["pl"],
    baseUrl,
    ...overrides,
  });

/** Serves the feed by country and page from fixture files; anything else is an empty page. */
function feedServer(pages: Record<string, string>): FixtureHandler {
  return (request, response) => {
    const match = /^\/(\w\w)\/rss\/customerreviews\/page=(\d+)\/id=(\d+)\/sortby=mostrecent\/json$/.exec(request.path);
    if (!match || match[3] !== APP_ID) return response.writeHead(404).end();
    const name = pages[`${match[1]}/${match[2]}`] ?? "empty.json";
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(fixture(name));
  };
}

const FULL = { "pl/1": "pl-page-1.json", "pl/2": "pl-page-2.json", "gb/1": "gb-page-1.json" };

describe("app store source", () => {
  it("reads every page of every configured country, newest first, with all the fields Apple gives", async () => {
    const server = await serve(feedServer(FULL));
    const result = await appStoreAdapter.poll(source(server.url, { countries: ["pl", "gb"] }), context());

    expect(server.requests.map((request) => request.path)).toEqual([
      `/pl/rss/customerreviews/page=1/id=${APP_ID}/sortby=mostrecent/json`,
      `/pl/rss/customerreviews/page=2/id=${APP_ID}/sortby=mostrecent/json`,
      `/gb/rss/customerreviews/page=1/id=${APP_ID}/sortby=mostrecent/json`,
    ]);
    expect(result).toMatchObject({ requests: 3, pages: 3, parsed: 8, problems: [], stoppedBy: "last-page" });
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual([
      "14672093518", "14671877402", "14669120733", "14668001946", "14660345120", "14655998877", "14671502299", "14650001234",
    ]);
    for (const mention of result.mentions) expect(() => rawMentionSchema.parse(mention)).not.toThrow();

    const [first] = result.mentions;
    expect(first).toEqual({
      schemaVersion: 1,
      id: mentionId("zuraw-ios", "14672093518"),
      source: { id: "zuraw-ios", type: "app-store" },
      nativeId: "14672093518",
      url: `https://itunes.apple.com/pl/review?id=${APP_ID}&type=Purple%20Software`,
      author: { name: "Grzegorz Brzęczyszczykiewicz", profileUrl: "https://itunes.apple.com/pl/reviews/id1098765432" },
      title: "Logowanie nie działa po aktualizacji",
      text:
        "Od wczoraj po aktualizacji do 5.14 aplikacja zawiesza się na ekranie logowania.\n" +
        "Face ID nie reaguje, a kod PIN jest odrzucany. Przelew na czynsz utknął — proszę o pilną poprawkę!",
      rating: { value: 1, original: 1, scaleMin: 1, scaleMax: 5 },
      // Apple writes Cupertino time (-08:00 in November); stored in UTC.
      publishedAt: "2026-11-25T07:41:07.000Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      reach: { votes: 9, helpful: 7 },
      details: { country: "pl", appVersion: "5.14.0" },
      brandHints: ["zuraw"],
    });
    expect(first?.lang).toBeUndefined(); // the feed does not say
    const fromUk = result.mentions.find((mention) => mention.nativeId === "14671502299");
    expect(fromUk?.details).toEqual({ country: "gb", appVersion: "5.14.0" });
    expect(fromUk?.author?.name).toBe("Paweł w Londynie");
  });

  it("stops at the first review it has seen, after one request", async () => {
    const server = await serve(feedServer(FULL));
    const seen = new Set(["14669120733"]);
    const result = await appStoreAdapter.poll(source(server.url), context({ mode: "incremental", seen }));
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["14672093518", "14671877402"]);
    expect(result.stoppedBy).toBe("seen");
    expect(server.requests).toHaveLength(1);
  });

  it("skips the entry that describes the app itself (old format) without calling it a problem", async () => {
    const server = await serve(feedServer({ "pl/1": "old-format-page-1.json" }));
    const result = await appStoreAdapter.poll(source(server.url), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["14672093518", "14671877402"]);
    expect(result.problems).toEqual([]);
    expect(result.mentions.some((mention) => mention.text.includes("Żuraw Bank"))).toBe(false);
  });

  it("reads a page whose only review Apple wrote as an object instead of a list", async () => {
    const single = JSON.parse(fixture("gb-page-1.json")) as { feed: { entry: unknown[] } };
    const body = JSON.stringify({ feed: { ...single.feed, entry: single.feed.entry[0] } });
    const server = await serve((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end(body));
    const result = await appStoreAdapter.poll(source(server.url), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["14671502299"]);
  });

  it("takes a feed without entries as an app without reviews: nothing found, nothing wrong, one request", async () => {
    const server = await serve(feedServer({}));
    const result = await appStoreAdapter.poll(source(server.url), context());
    expect(result).toMatchObject({ mentions: [], parsed: 0, problems: [], requests: 1, stoppedBy: "last-page" });
  });

  it("never reads past Apple's 10-page cap, whatever the feed's links claim", async () => {
    const page = JSON.parse(fixture("pl-page-2.json")) as { feed: Record<string, unknown> & { entry: Record<string, unknown>[] } };
    const server = await serve((request, response) => {
      const n = Number(/page=(\d+)/.exec(request.path)?.[1]);
      // Every page has fresh reviews and a "last" link pointing at page 15.
      const entry = page.feed.entry.map((item, index) => ({ ...item, id: { label: `${1000 + n * 10 + index}` } }));
      const link = JSON.parse(JSON.stringify(page.feed.link).replaceAll("page=2/", "page=15/")) as unknown;
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ feed: { ...page.feed, entry, link } }));
    });
    const result = await appStoreAdapter.poll(source(server.url, { limits: { maxPages: 10, backfillPages: 50, maxItemsPerPoll: 1000 } }), context());
    expect(server.requests).toHaveLength(10);
    expect(result.mentions).toHaveLength(20);
    expect(result.stoppedBy).toBe("last-page");
  });

  it("reports reviews it cannot read, with the reason, and keeps the rest", async () => {
    const page = JSON.parse(fixture("pl-page-2.json")) as { feed: { entry: Record<string, unknown>[] } };
    const [good, noDate] = page.feed.entry;
    const body = JSON.stringify({
      feed: { ...page.feed, entry: [good, { ...noDate, updated: undefined }, { ...good, id: { label: "" }, content: undefined }] },
    });
    const server = await serve((request, response) =>
      response.writeHead(200).end(request.path.includes("/page=1/") ? body : fixture("empty.json")),
    );
    const result = await appStoreAdapter.poll(source(server.url), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["14660345120"]);
    expect(server.requests).toHaveLength(2); // page 2 is empty: the end
    expect(result.parsed).toBe(3);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      'review 14655998877 has no readable date (updated.label "")',
      "entry #3 has no id.label",
    ]);
  });

  it("notices a changed format: entries in another shape are problems, a page that is not the feed is an error", async () => {
    // Entries without Apple's {label} wrappers: every one is reported, none becomes a mention.
    const reshaped = JSON.stringify({ feed: { entry: [{ id: "14672093518", rating: 5, content: "Świetna" }, { id: "14671877402" }] } });
    let server = await serve((_request, response) => response.writeHead(200).end(reshaped));
    const result = await appStoreAdapter.poll(source(server.url), context());
    expect(result.mentions).toEqual([]);
    expect(result.parsed).toBe(2);
    expect(result.problems).toHaveLength(2);
    expect(server.requests).toHaveLength(1); // no point reading on

    server = await serve((_request, response) => response.writeHead(200).end(JSON.stringify({ data: [{ type: "user-reviews" }] })));
    await expect(appStoreAdapter.poll(source(server.url), context())).rejects.toMatchObject({
      code: "SOURCE_PARSE",
      message: expect.stringContaining('has no "feed" object'),
    });

    server = await serve((_request, response) =>
      response.writeHead(200, { "content-type": "text/html" }).end("<!DOCTYPE html><html><body>Nie znaleziono</body></html>"),
    );
    await expect(appStoreAdapter.poll(source(server.url), context())).rejects.toMatchObject({
      code: "SOURCE_PARSE",
      message: expect.stringContaining("is not JSON"),
    });
  });

  it("waits as long as a 429's Retry-After asks, then reads the feed", async () => {
    const feed = feedServer({ "pl/1": "gb-page-1.json" });
    let calls = 0;
    const server = await serve((request, response) => {
      calls += 1;
      if (calls === 1) return response.writeHead(429, { "retry-after": "1" }).end();
      return feed(request, response);
    });
    const started = Date.now();
    const result = await appStoreAdapter.poll(source(server.url), context());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.mentions).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it("reads the other countries when one storefront does not sell the app (404), says which, and fails only when every storefront refuses", async () => {
    const notSold: FixtureHandler = (request, response) => {
      if (request.path.startsWith("/de/")) return response.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return feedServer(FULL)(request, response);
    };
    const server = await serve(notSold);
    const result = await appStoreAdapter.poll(source(server.url, { countries: ["de", "pl", "gb"] }), context());
    expect(result.mentions).toHaveLength(8);
    expect(result.problems).toEqual([
      {
        page: `${server.url}/de/rss/customerreviews/page=1/id=${APP_ID}/sortby=mostrecent/json`,
        reason: 'the DE storefront refused the app\'s reviews (HTTP 404): the app may not be sold there; remove "de" from countries if it never is',
      },
    ]);
    // Its lane is accounted for, so a catch-up it had is not dropped.
    expect(result.lanes?.map((lane) => lane.lane.split("/")[3])).toEqual(["de", "pl", "gb"]);

    const nowhere = await serve((_request, response) => response.writeHead(404).end("Not Found"));
    await expect(appStoreAdapter.poll(source(nowhere.url, { countries: ["de", "at"] }), context())).rejects.toMatchObject({ code: "SOURCE_HTTP", message: expect.stringContaining("HTTP 404") });
  });

  it("fails a 403 at once with an error that says so", async () => {
    const server = await serve((_request, response) => response.writeHead(403).end("Forbidden"));
    await expect(appStoreAdapter.poll(source(server.url, { countries: ["pl", "gb"] }), context())).rejects.toMatchObject({
      code: "SOURCE_HTTP",
      retryable: false,
      message: expect.stringContaining("HTTP 403"),
    });
    expect(server.requests).toHaveLength(1);
  });
});
