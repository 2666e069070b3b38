import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OdzewError, seededRandom } from "@odzew/core";
import { mentionId, rawMentionSchema, youtubeSourceSchema } from "@odzew/schema";
import { testLogger, useFixtureServers, type FixtureRequest } from "@odzew/testing";
import { testPollContext } from "./test-context.ts";
import { charge, googleRefusal, nextPacificMidnight, quotaDay, unitsLeft, youtubeAdapter, type QuotaEntry } from "./youtube.source.ts";

const logger = testLogger("youtube-source");
const serve = useFixtureServers();
const fixture = (name: string) => readFileSync(new URL(`./fixtures/youtube/${name}`, import.meta.url), "utf8");

const CHANNEL = "UCzR4wRk5xQ1fG0vZuRaW7pQ";
const PAGE_TOKEN = "QURTSl9pMkxqcDZ3SG5yV0xfTm9QOHdHd0RzSE9QdWZ3YjZtRmx0NmpxOXRUZ1pFUQ";
/** Every test has its own key: the quota account is kept per key. */
let keys = 0;
const newKey = () => `AIzaSyYouTubeFixtureKey-${++keys}-0123456789abcdef`;

type Answer = [number, string, Record<string, string>?];

/** A local YouTube Data API: the fixtures by the documented query parameters, or what a test scripts. */
async function youtube(script: (request: FixtureRequest, url: URL) => Answer | undefined = () => undefined) {
  return serve((request, response) => {
    const url = new URL(request.path, "http://fixture");
    const [status, body, headers] = script(request, url) ?? standard(url);
    response.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers }).end(body);
  });
}

function standard(url: URL): Answer {
  const query = url.searchParams;
  if (url.pathname === "/youtube/v3/search") return [200, fixture("search-videos.json")];
  if (url.pathname !== "/youtube/v3/commentThreads") return [404, '{"error":{"code":404,"message":"Not Found"}}'];
  if (query.get("allThreadsRelatedToChannelId") === CHANNEL) {
    return [200, fixture(query.get("pageToken") === PAGE_TOKEN ? "channel-threads-page2.json" : "channel-threads-page1.json")];
  }
  switch (query.get("videoId")) {
    case "Vmx3JqW8pLk":
      return [200, fixture("video-review-threads.json")];
    case "Hq2LkT9sYw0":
      return [200, fixture("video-birds-threads.json")];
    case "Dc8NvB4rTe1":
      return [403, fixture("error-403-comments-disabled.json")];
    case "k3Rp9XwQz1A":
      // The brand's own video: its threads as the channel's second page lists them.
      return [200, fixture("channel-threads-page2.json")];
    default:
      return [404, fixture("error-404-video-not-found.json")];
  }
}

const source = (url: string, overrides: Record<string, unknown> = {}) =>
  youtubeSourceSchema.parse({ id: "zuraw-youtube", type: "youtube", brands: ["zuraw"], schedule: "*/30 * * * *", channelId: CHANNEL, baseUrl: url, ...overrides });

const context = (apiKey: string, overrides: Parameters<typeof testPollContext>[1] = {}) =>
  testPollContext(logger, { secret: (name) => (name === "YOUTUBE_API_KEY" ? apiKey : undefined), ...overrides });

const errorOf = async (promise: Promise<unknown>): Promise<OdzewError> => {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OdzewError)) throw new Error(`expected an OdzewError, got ${String(error)}`);
  return error;
};

describe("youtube source: the brand's channel", () => {
  it("reads every comment thread of the channel newest first, page by page, with the key in a header only", async () => {
    const key = newKey();
    const server = await youtube();
    const result = await youtubeAdapter.poll(source(server.url), context(key));

    expect(server.requests).toHaveLength(2);
    const first = new URL(server.requests[0]?.path ?? "", "http://fixture");
    expect(first.pathname).toBe("/youtube/v3/commentThreads");
    expect(Object.fromEntries(first.searchParams)).toEqual({
      part: "snippet,replies",
      allThreadsRelatedToChannelId: CHANNEL,
      order: "time",
      maxResults: "100",
      textFormat: "plainText",
    });
    expect(new URL(server.requests[1]?.path ?? "", "http://fixture").searchParams.get("pageToken")).toBe(PAGE_TOKEN);
    for (const request of server.requests) {
      expect(request.headers["x-goog-api-key"]).toBe(key);
      expect(request.path).not.toContain(key);
    }

    expect(result).toMatchObject({ pages: 2, requests: 2, parsed: 5, stoppedBy: "last-page" });
    expect(result.mentions.map((mention) => [mention.nativeId, mention.publishedAt])).toEqual([
      ["UgxT1bW3Yq5Zr8Nd2Lp4AaABAg", "2026-11-24T18:02:11.000Z"],
      ["UgyH4nM8vR2sK6pW9qJ3AaABAg", "2026-11-23T09:30:00.000Z"],
      ["UgzK2dP7wQ1xL5mT8rN4AaABAg", "2026-11-20T15:45:12.000Z"],
      ["UgwR5tY8uI1oP4aS7dF2AaABAg", "2026-11-15T11:00:00.000Z"],
    ]);
    for (const mention of result.mentions) rawMentionSchema.parse(mention);
    // A comment deleted since it was listed (no text left) is reported, not delivered empty.
    expect(result.problems).toEqual([{ page: expect.stringContaining("pageToken="), reason: "comment UgxM3nB6vC9xZ2lK5jH8AaABAg has no text (deleted or hidden since it was listed)" }]);

    expect(result.mentions[0]).toEqual({
      schemaVersion: 1,
      id: mentionId("zuraw-youtube", "UgxT1bW3Yq5Zr8Nd2Lp4AaABAg"),
      source: { id: "zuraw-youtube", type: "youtube" },
      nativeId: "UgxT1bW3Yq5Zr8Nd2Lp4AaABAg",
      url: "https://www.youtube.com/watch?v=k3Rp9XwQz1A&lc=UgxT1bW3Yq5Zr8Nd2Lp4AaABAg",
      author: { name: "@AnnaZielinska", profileUrl: "http://www.youtube.com/@AnnaZielinska" },
      text: "Kupiłam w Żurawiu wiertarkę udarową, po miesiącu nadal jak nowa. Polecam!",
      publishedAt: "2026-11-24T18:02:11.000Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      // 12 likes: the comment's reach.
      reach: { helpful: 12 },
      // The channel's own answer, not the fan's reply before it.
      reply: { text: "Dziękujemy! Zapraszamy ponownie do Żurawia.", author: "@ZurawNarzedzia", publishedAt: "2026-11-24T19:15:40.000Z" },
      brandHints: ["zuraw"],
    });
    expect(result.mentions[0]?.rating).toBeUndefined();
    expect(result.mentions[1]).toMatchObject({ reach: { helpful: 3 }, url: "https://www.youtube.com/watch?v=Pq7sLm2Nx8B&lc=UgyH4nM8vR2sK6pW9qJ3AaABAg" });
    expect(result.mentions[1]?.reply).toBeUndefined();
  });

  it("stops at the first comment it has seen, in one request", async () => {
    const server = await youtube();
    const seen = new Set(["UgzK2dP7wQ1xL5mT8rN4AaABAg", "UgwR5tY8uI1oP4aS7dF2AaABAg"]);
    const result = await youtubeAdapter.poll(source(server.url), context(newKey(), { mode: "incremental", seen }));
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["UgxT1bW3Yq5Zr8Nd2Lp4AaABAg", "UgyH4nM8vR2sK6pW9qJ3AaABAg"]);
    expect(result).toMatchObject({ requests: 1, stoppedBy: "seen" });
  });

  it("fails with SOURCE_PARSE when the answer is not a comment thread list", async () => {
    const server = await youtube(() => [200, '{"kind":"youtube#commentThreadListResponse","items":{"changed":true}}']);
    expect(await errorOf(youtubeAdapter.poll(source(server.url), context(newKey())))).toMatchObject({ code: "SOURCE_PARSE" });
  });
});

describe("youtube source: videos found by a search", () => {
  it("searches for the brand's newest videos and reads each one's comments, skipping disabled and deleted ones", async () => {
    const server = await youtube();
    const result = await youtubeAdapter.poll(
      source(server.url, { channelId: undefined, search: { query: "Żuraw|zuraw.pl", maxVideos: 5, lang: "pl", country: "pl" } }),
      context(newKey()),
    );

    const search = new URL(server.requests[0]?.path ?? "", "http://fixture");
    expect(search.pathname).toBe("/youtube/v3/search");
    expect(Object.fromEntries(search.searchParams)).toEqual({
      part: "snippet",
      type: "video",
      order: "date",
      maxResults: "5",
      q: "Żuraw|zuraw.pl",
      relevanceLanguage: "pl",
      regionCode: "PL",
    });
    // Without channelId, the brand channel's video found by the search is read like the others.
    const videos = server.requests.slice(1).map((request) => new URL(request.path, "http://fixture").searchParams.get("videoId"));
    expect(videos).toEqual(["Vmx3JqW8pLk", "Hq2LkT9sYw0", "Dc8NvB4rTe1", "k3Rp9XwQz1A", "Gn5Hb6Vc7Xz"]);

    const byId = new Map(result.mentions.map((mention) => [mention.nativeId, mention]));
    expect(byId.get("UgzA1sD2fG3hJ4kL5zX6AaABAg")).toMatchObject({
      text: "Mam tę wiertarkę z Żurawia od roku i bateria trzyma świetnie.",
      url: "https://www.youtube.com/watch?v=Vmx3JqW8pLk&lc=UgzA1sD2fG3hJ4kL5zX6AaABAg",
      reach: { helpful: 7 },
      // The video's title, its entities decoded.
      details: { subject: "Test wiertarki z Żurawia 'Pro 18V' – czy warto?" },
    });
    // The crane the bird: delivered as found; the brand's context rules decide it is not Żuraw the shop.
    expect(byId.get("UgwZ8xC7vB6nM5aS4dF3AaABAg")).toMatchObject({ text: expect.stringContaining("Piękny żuraw"), details: { subject: "Żuraw nad Biebrzą o świcie – ptaki Polski" } });
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      'comments are turned off on video Dc8NvB4rTe1 ("Zakupy w Żurawiu #shorts"): skipped',
      "comment UgxM3nB6vC9xZ2lK5jH8AaABAg has no text (deleted or hidden since it was listed)",
      'video Gn5Hb6Vc7Xz ("Unboxing: zamówienie z zuraw.pl") is gone (deleted or made private since the search found it): skipped',
    ]);
    for (const mention of result.mentions) rawMentionSchema.parse(mention);
  });

  it("leaves the brand's own videos to the channel lane and delivers each comment once", async () => {
    const server = await youtube();
    const result = await youtubeAdapter.poll(source(server.url, { search: { query: "Żuraw" } }), context(newKey()));
    const videos = server.requests.flatMap((request) => new URL(request.path, "http://fixture").searchParams.getAll("videoId"));
    expect(videos).not.toContain("k3Rp9XwQz1A");
    const ids = result.mentions.map((mention) => mention.nativeId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(4 + 2 + 1);
  });
});

describe("youtube source: quota", () => {
  it("spends no more than dailyQuota, and resumes on the next Pacific day", async () => {
    const key = newKey();
    const server = await youtube();
    // 2 pages of the channel (2 units) + the search (100) + 1 video: 103.
    const configured = source(server.url, { search: { query: "Żuraw" }, dailyQuota: 103 });
    const first = await youtubeAdapter.poll(configured, context(key));
    const videos = server.requests.flatMap((request) => new URL(request.path, "http://fixture").searchParams.getAll("videoId"));
    expect(videos).toEqual(["Vmx3JqW8pLk"]);
    expect(first.problems.map((problem) => problem.reason)).toContain(
      "the comments of 3 videos found by the search were not read: today's quota budget (dailyQuota 103) is spent; they are read after midnight Pacific time",
    );
    expect(first.mentions).toHaveLength(4 + 2);

    // Spent: the next poll the same Pacific day sends nothing and says when it resumes.
    const before = server.requests.length;
    const later = new Date("2026-11-26T07:30:00.000Z"); // 23:30 in Los Angeles, still 25 November there
    const spent = await errorOf(youtubeAdapter.poll(configured, context(key, { now: later })));
    expect(spent.message).toContain("the daily quota is spent");
    expect(spent.message).toContain("collection resumes after midnight Pacific time");
    expect(spent).toMatchObject({ retryable: true, context: { retryAfterMs: 30 * 60_000 } });
    expect(server.requests).toHaveLength(before);

    // After midnight in Los Angeles the budget is whole again.
    const nextDay = await youtubeAdapter.poll(configured, context(key, { now: new Date("2026-11-26T08:00:01.000Z"), mode: "incremental", seen: new Set(first.mentions.map((mention) => mention.nativeId)) }));
    expect(server.requests.length).toBeGreaterThan(before);
    expect(nextDay.mentions.map((mention) => mention.nativeId)).toContain("UgwZ8xC7vB6nM5aS4dF3AaABAg");
  });

  it("cuts a lane short at the units left and skips the search it cannot afford, keeping what it read", async () => {
    const server = await youtube();
    const result = await youtubeAdapter.poll(source(server.url, { search: { query: "Żuraw" }, dailyQuota: 1 }), context(newKey()));
    expect(server.requests).toHaveLength(1);
    expect(result.mentions).toHaveLength(3);
    expect(result.lanes?.[0]?.head).toMatchObject({ stoppedBy: "page-limit", next: expect.stringContaining(`pageToken=${PAGE_TOKEN}`) });
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      'the search for "Żuraw" was not made: it costs 100 units and 0 of today\'s 1 (dailyQuota) are left; it runs again after midnight Pacific time',
    ]);
  });

  it("reports Google's quotaExceeded as the spent daily quota, retryable at midnight Pacific time, without retrying", async () => {
    const key = newKey();
    const server = await youtube(() => [403, fixture("error-403-quota-exceeded.json")]);
    const error = await errorOf(youtubeAdapter.poll(source(server.url), context(key)));
    expect(error.message).toMatch(/^YouTube: the daily quota is spent \(Google answered quotaExceeded for the key's project\); collection resumes after midnight Pacific time/);
    // 2026-11-25T12:00Z is 04:00 PST; midnight PST is 08:00Z the next day.
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: true, context: { status: 403, reason: "quotaExceeded", retryAfterMs: 20 * 3_600_000 } });
    expect(server.requests).toHaveLength(1);
    // Other sources on the same key do not ask again today.
    await errorOf(youtubeAdapter.poll(source(server.url, { id: "zuraw-youtube-2" }), context(key)));
    expect(server.requests).toHaveLength(1);
  });

  it("keeps the channel's comments when Google's quota runs out at the search, and then waits for the reset", async () => {
    const key = newKey();
    const server = await youtube((_request, url) => (url.pathname === "/youtube/v3/search" ? [403, fixture("error-403-quota-exceeded.json")] : undefined));
    const configured = source(server.url, { search: { query: "Żuraw" } });
    const result = await youtubeAdapter.poll(configured, context(key));
    expect(result.mentions).toHaveLength(4);
    expect(result.problems.map((problem) => problem.reason)).toContain(
      "YouTube: the daily quota is spent (Google answered quotaExceeded for the key's project); collection resumes after midnight Pacific time (2026-11-26T08:00:00.000Z); the rest of this poll was left for then",
    );
    const asked = server.requests.length;
    expect(await errorOf(youtubeAdapter.poll(configured, context(key)))).toMatchObject({ retryable: true, context: { retryAfterMs: 20 * 3_600_000 } });
    expect(server.requests).toHaveLength(asked);
  });

  it("knows the Pacific day and its midnight in winter (PST) and summer (PDT), across the clock changes", () => {
    expect(quotaDay(new Date("2026-01-15T07:59:59Z"))).toBe("2026-01-14");
    expect(quotaDay(new Date("2026-01-15T08:00:00Z"))).toBe("2026-01-15");
    expect(nextPacificMidnight(new Date("2026-01-15T12:00:00Z")).toISOString()).toBe("2026-01-16T08:00:00.000Z");
    expect(quotaDay(new Date("2026-07-15T06:59:59Z"))).toBe("2026-07-14");
    expect(nextPacificMidnight(new Date("2026-07-15T12:00:00Z")).toISOString()).toBe("2026-07-16T07:00:00.000Z");
    // 8 March 2026, clocks go forward at 2:00: that midnight is still PST, the next one PDT.
    expect(nextPacificMidnight(new Date("2026-03-07T20:00:00Z")).toISOString()).toBe("2026-03-08T08:00:00.000Z");
    expect(nextPacificMidnight(new Date("2026-03-08T12:00:00Z")).toISOString()).toBe("2026-03-09T07:00:00.000Z");
    // 1 November 2026, clocks go back at 2:00: that midnight is PDT, the next one PST.
    expect(nextPacificMidnight(new Date("2026-10-31T20:00:00Z")).toISOString()).toBe("2026-11-01T07:00:00.000Z");
    expect(nextPacificMidnight(new Date("2026-11-01T12:00:00Z")).toISOString()).toBe("2026-11-02T08:00:00.000Z");
  });

  it("keeps the account of units: never more than the quota left, and a new day starts whole (property)", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      const quota = 1 + Math.floor(random() * 500);
      let entry: QuotaEntry | undefined;
      let day = 0;
      let spentToday = 0;
      for (let step = 0; step < 200; step++) {
        if (random() < 0.05) {
          day += 1;
          spentToday = 0;
          expect(unitsLeft(entry, `d${day}`, quota)).toBe(quota);
        }
        const units = random() < 0.1 ? 100 : 1;
        const left = unitsLeft(entry, `d${day}`, quota);
        expect(left).toBe(Math.max(0, quota - spentToday));
        // The adapter charges only what is left.
        if (left >= units) {
          entry = charge(entry, `d${day}`, units);
          spentToday += units;
        }
        expect(unitsLeft(entry, `d${day}`, quota)).toBeGreaterThanOrEqual(0);
        expect(spentToday).toBeLessThanOrEqual(quota);
      }
    }
    // The moment of the reset is always after the instant and at most 25 hours on.
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 86_400_000));
      const reset = nextPacificMidnight(at);
      expect(reset.getTime()).toBeGreaterThan(at.getTime());
      expect(reset.getTime() - at.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
      expect(quotaDay(reset)).not.toBe(quotaDay(at));
      expect(quotaDay(new Date(reset.getTime() - 1))).toBe(quotaDay(at));
    }
  });
});

describe("youtube source: refusals", () => {
  it("names the variable to renew when the key is invalid (400) or the credentials are refused (401), and never shows the key", async () => {
    for (const [status, name] of [
      [400, "error-400-key-invalid.json"],
      [401, "error-401-unauthenticated.json"],
    ] as const) {
      const key = newKey();
      const server = await youtube(() => [status, fixture(name)]);
      const error = await errorOf(youtubeAdapter.poll(source(server.url, { apiKeyEnv: "YOUTUBE_API_KEY" }), context(key)));
      expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: false, context: { status, variable: "YOUTUBE_API_KEY" } });
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain("put it in YOUTUBE_API_KEY");
      expect(error.message).not.toContain(key);
      expect(server.requests).toHaveLength(1);
    }
  });

  it("hands a 429 with Retry-After on as retryable with retryAfterMs", async () => {
    const server = await youtube(() => [429, '{"error":{"code":429,"message":"Too many requests"}}', { "retry-after": "120" }]);
    const error = await errorOf(youtubeAdapter.poll(source(server.url), context(newKey())));
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: true, context: { status: 429, retryAfterMs: 120_000 } });
  });

  it("says which channel YouTube does not know", async () => {
    const server = await youtube(() => [404, '{"error":{"code":404,"message":"The channel identified by the allThreadsRelatedToChannelId parameter could not be found.","errors":[{"reason":"channelNotFound"}]}}']);
    const error = await errorOf(youtubeAdapter.poll(source(server.url), context(newKey())));
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining(`check channelId ${CHANNEL}`) });
  });

  it("names the missing key variable before sending anything", async () => {
    const server = await youtube();
    const error = await errorOf(youtubeAdapter.poll(source(server.url, { apiKeyEnv: "YT_KEY_ZURAW" }), context("", { secret: () => undefined })));
    expect(error).toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("YT_KEY_ZURAW") });
    expect(server.requests).toHaveLength(0);
  });

  it("reads the reason and message of an error body the HTTP client cut short", () => {
    const cut = fixture("error-403-comments-disabled.json").replace(/\s+/g, " ").slice(0, 300);
    expect(googleRefusal(cut)).toEqual({
      reasons: [],
      message: "The video identified by the videoId parameter has disabled comments.",
    });
    expect(googleRefusal(fixture("error-403-quota-exceeded.json")).reasons).toEqual(["quotaExceeded"]);
  });
});

describe("youtube source config", () => {
  it("needs a channel or a search", () => {
    const parsed = youtubeSourceSchema.safeParse({ id: "yt", type: "youtube", schedule: "0 * * * *" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain("give channelId");
    expect(youtubeSourceSchema.safeParse({ id: "yt", type: "youtube", schedule: "0 * * * *", channelId: "UCshort" }).error?.issues[0]?.message).toContain("UC followed by 22");
    expect(youtubeSourceSchema.parse({ id: "yt", type: "youtube", schedule: "0 * * * *", search: { query: "Żuraw" } })).toMatchObject({
      apiKeyEnv: "YOUTUBE_API_KEY",
      dailyQuota: 10_000,
      search: { maxVideos: 10 },
    });
  });
});
