import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OdzewError } from "@odzew/core";
import { facebookPageSourceSchema, mentionId, rawMentionSchema } from "@odzew/schema";
import { type FacebookCommentSeed, type FacebookPostSeed, odzewFailure, startFacebookGraphApi, testLogger, useFixtureServers } from "@odzew/testing";
import { FACEBOOK_RATE_LIMIT_WAIT_MS, facebookPageAdapter, graphErrorOf, graphTime, nextPageUrl, readComment, readRating } from "./facebook-page.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("facebook-page-source");
const serve = useFixtureServers();
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/facebook/${name}`, import.meta.url), "utf8"));
const list = (name: string): unknown[] => {
  const body = fixture(name);
  return typeof body === "object" && body !== null && "data" in body && Array.isArray(body.data) ? body.data : [];
};

const PAGE_ID = "104523871234567";
const TOKEN = "EAAGm0PX4ZCpsBAPageTokenZuraw2026";
const COLLECTED = "2026-11-25T12:00:00.000Z";

const source = (overrides: Record<string, unknown> = {}) =>
  facebookPageSourceSchema.parse({ id: "fb-zuraw", type: "facebook-page", schedule: "*/15 * * * *", pageId: PAGE_ID, ...overrides });

describe("facebook page: reading the Graph API's answers", () => {
  it("a recommendation becomes a mention with a rating of 5 or 1; an old 1–5 rating stays as it was", () => {
    const [negative, positive, legacy, undated] = list("ratings-page.json").map((rating, index) => readRating(rating, index, source(), COLLECTED));
    expect(negative).toEqual({
      schemaVersion: 1,
      id: mentionId("fb-zuraw", "1234567890123456"),
      source: { id: "fb-zuraw", type: "facebook-page" },
      nativeId: "1234567890123456",
      url: "https://www.facebook.com/1234567890123456",
      author: { name: "Marta Kowalczyk" },
      text: "Zamówienie szło dwa tygodnie, a obsługa nie odpisuje na wiadomości.",
      rating: { value: 1, original: 0, scaleMin: 0, scaleMax: 1 },
      publishedAt: "2026-11-24T18:02:11.000Z",
      collectedAt: COLLECTED,
      brandHints: [],
    });
    rawMentionSchema.parse(negative);
    // A recommendation without a text still says what the customer thinks.
    expect(positive).toMatchObject({ text: "", rating: { value: 5 }, publishedAt: "2026-11-20T07:45:00.000Z" });
    expect(legacy).toMatchObject({ rating: { value: 4, original: 4, scaleMin: 1, scaleMax: 5 } });
    expect(undated).toEqual({ problem: expect.stringContaining("has no readable created_time") });
  });

  it("a comment carries its likes as reach, the post as its subject and the Page's own answer as its reply; the Page's comments are not mentions", () => {
    const [asked, own, sticker, anonymous] = list("comments-page.json").map((comment, index) => readComment(comment, index, source(), COLLECTED, "Nowości listopada"));
    expect(asked).toEqual({
      schemaVersion: 1,
      id: mentionId("fb-zuraw", "104523871234567_882931044561234"),
      source: { id: "fb-zuraw", type: "facebook-page" },
      nativeId: "104523871234567_882931044561234",
      url: "https://www.facebook.com/104523871234567/posts/882912345678901?comment_id=882931044561234",
      author: { name: "Tomasz Nowak" },
      text: "Kiedy wreszcie dostawa do paczkomatu? Czekam na zamówienie od tygodnia.",
      publishedAt: "2026-11-25T09:41:17.000Z",
      collectedAt: COLLECTED,
      reach: { votes: 12 },
      reply: { text: "Panie Tomaszu, sprawdzamy to – prosimy o numer zamówienia w wiadomości.", author: "Księgarnia Żuraw", publishedAt: "2026-11-25T10:02:00.000Z" },
      details: { subject: "Nowości listopada" },
      brandHints: [],
    });
    rawMentionSchema.parse(asked);
    expect(own).toBe("own");
    expect(sticker).toEqual({ problem: expect.stringContaining("has no text") });
    // Without pages_read_user_content Facebook leaves `from` out: the comment stands without an author.
    expect(anonymous).toMatchObject({ text: "Polecam, świetny wybór reportaży.", reach: { votes: 4 } });
    expect(anonymous).not.toHaveProperty("author");
  });

  it("the next page is the source's own URL with the cursor, never Facebook's link with the token in it", () => {
    const current = `https://graph.facebook.com/v21.0/${PAGE_ID}/ratings?fields=created_time&limit=100`;
    const next = nextPageUrl(current, (fixture("ratings-page.json") as { paging: unknown }).paging);
    expect(next).toBeDefined();
    const url = new URL(next ?? "");
    expect(url.origin + url.pathname).toBe(`https://graph.facebook.com/v21.0/${PAGE_ID}/ratings`);
    expect(url.searchParams.get("after")).toBe("MTIzNDU2Nzg5MDEyMzQ1OA==");
    expect(url.searchParams.has("access_token")).toBe(false);
    expect(next).not.toContain("EAAG");
    // Without paging.next the page is the last, even with cursors.
    expect(nextPageUrl(current, (fixture("comments-page.json") as { paging: unknown }).paging)).toBeUndefined();
  });

  it("reads Facebook's times and error bodies", () => {
    expect(graphTime("2026-11-25T09:41:17+0000")).toBe("2026-11-25T09:41:17.000Z");
    expect(graphTime("2026-07-01T01:00:00+0200")).toBe("2026-06-30T23:00:00.000Z");
    expect(graphTime("yesterday")).toBeUndefined();
    const refused = new OdzewError("SOURCE_HTTP", "HTTP 400", { context: { status: 400, body: JSON.stringify(fixture("error-190-revoked.json")) } });
    expect(graphErrorOf(refused)).toMatchObject({ status: 400, code: 190, subcode: 460, type: "OAuthException" });
    // The HTTP client keeps only the start of an error body.
    const cut = new OdzewError("SOURCE_HTTP", "HTTP 400", { context: { status: 400, body: '{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,"fbtr' } });
    expect(graphErrorOf(cut)).toMatchObject({ code: 4, message: "(#4) Application request limit reached" });
  });

  it("refuses a source that reads nothing, or a page id that is not one", () => {
    expect(facebookPageSourceSchema.safeParse({ id: "f", type: "facebook-page", schedule: "0 * * * *", pageId: PAGE_ID, ratings: false, comments: false }).error?.issues[0]?.message).toContain(
      "turn on ratings, comments, or both",
    );
    expect(facebookPageSourceSchema.safeParse({ id: "f", type: "facebook-page", schedule: "0 * * * *", pageId: "zuraw.lodz" }).error?.issues[0]?.message).toContain("numeric id");
  });
});

/** A post with `count` comments by visitors, a minute apart, the newest at `newest`. */
function postWith(id: string, newest: string, count: number): FacebookPostSeed {
  const comments: FacebookCommentSeed[] = Array.from({ length: count }, (_, index) => ({
    id: `${id}_${String(700000 + index)}`,
    createdTime: new Date(Date.parse(newest) - (count - 1 - index) * 60_000).toISOString(),
    message: `Komentarz ${index + 1} o Żurawiu`,
    from: { id: String(5000 + index), name: `Czytelnik ${index + 1}` },
    likeCount: index % 7,
  }));
  return { id, createdTime: new Date(Date.parse(newest) - 86_400_000).toISOString(), message: `Post ${id}`, comments };
}

async function graph() {
  const busy = postWith(`${PAGE_ID}_111`, "2026-11-25T08:00:00.000Z", 130);
  const quiet: FacebookPostSeed = {
    id: `${PAGE_ID}_222`,
    createdTime: "2026-11-25T07:00:00.000Z",
    message: "Spotkanie autorskie w sobotę!",
    comments: [
      {
        id: `${PAGE_ID}_222_1`,
        createdTime: "2026-11-25T09:30:00.000Z",
        message: "O której godzinie? Nie ma tego w wydarzeniu.",
        from: { id: "6001", name: "Ewa" },
        likeCount: 2,
        replies: [{ id: `${PAGE_ID}_222_2`, createdTime: "2026-11-25T09:45:00.000Z", message: "O 17:00, zapraszamy!", from: { id: PAGE_ID, name: "Księgarnia Żuraw" } }],
      },
      { id: `${PAGE_ID}_222_3`, createdTime: "2026-11-25T09:50:00.000Z", message: "Do zobaczenia!", from: { id: PAGE_ID, name: "Księgarnia Żuraw" } },
    ],
  };
  return startFacebookGraphApi({
    pageId: PAGE_ID,
    token: TOKEN,
    serve,
    ratings: [
      { storyId: "5550001", createdTime: "2026-11-24T18:02:11.000Z", recommendation: "negative", text: "Zamówienie szło dwa tygodnie.", reviewer: { id: "71", name: "Marta" } },
      { storyId: "5550002", createdTime: "2026-11-23T10:00:00.000Z", recommendation: "positive", text: "Najlepsza księgarnia w Łodzi." },
    ],
    posts: [busy, quiet],
  });
}

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, { secret: (name) => (name === "FACEBOOK_PAGE_TOKEN" ? TOKEN : undefined), ...overrides });

describe("facebook page source against a local Graph API", () => {
  it("reads the ratings and every comment on the Page's posts, newest first, paging by cursor, with the token only in the header", async () => {
    const api = await graph();
    const result = await facebookPageAdapter.poll(source({ baseUrl: api.url }), context());

    const ratings = result.mentions.filter((mention) => mention.rating);
    expect(ratings.map((mention) => [mention.nativeId, mention.rating?.value])).toEqual([
      ["5550001", 1],
      ["5550002", 5],
    ]);
    const busy = result.mentions.filter((mention) => mention.nativeId.startsWith(`${PAGE_ID}_111_`));
    // 130 comments over two pages (100 + 30), newest first, each once.
    expect(busy).toHaveLength(130);
    expect(busy[0]?.text).toBe("Komentarz 130 o Żurawiu");
    expect(busy.at(-1)?.text).toBe("Komentarz 1 o Żurawiu");
    expect(new Set(busy.map((mention) => mention.nativeId)).size).toBe(130);
    // The Page's own comment is not a mention; its answer in a thread is the comment's reply.
    const quiet = result.mentions.filter((mention) => mention.nativeId.startsWith(`${PAGE_ID}_222_`));
    expect(quiet).toEqual([
      expect.objectContaining({ text: "O której godzinie? Nie ma tego w wydarzeniu.", reply: expect.objectContaining({ text: "O 17:00, zapraszamy!" }), details: { subject: "Spotkanie autorskie w sobotę!" } }),
    ]);
    for (const mention of result.mentions) rawMentionSchema.parse(mention);

    const paths = api.requests.map((request) => new URL(request.path, "http://graph.test"));
    expect(paths.map((url) => url.pathname)).toEqual([
      `/v21.0/${PAGE_ID}/ratings`,
      `/v21.0/${PAGE_ID}/posts`,
      // The newest post first.
      `/v21.0/${PAGE_ID}_222/comments`,
      `/v21.0/${PAGE_ID}_111/comments`,
      `/v21.0/${PAGE_ID}_111/comments`,
    ]);
    expect(paths[2]?.searchParams.get("order")).toBe("reverse_chronological");
    expect(paths[4]?.searchParams.get("after")).toBeTruthy();
    for (const request of api.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.path).not.toContain(TOKEN);
    }
    expect(result).toMatchObject({ requests: 5, pages: 4 });
    expect(result.lanes?.every((lane) => !lane.lane.includes(TOKEN))).toBe(true);
  });

  it("an incremental poll delivers only what is new since the last one, in every lane", async () => {
    const api = await graph();
    const config = source({ baseUrl: api.url });
    const first = await facebookPageAdapter.poll(config, context());
    api.addComment(`${PAGE_ID}_111`, { id: `${PAGE_ID}_111_new`, createdTime: "2026-11-25T11:00:00.000Z", message: "Nowy komentarz", from: { id: "9", name: "Ola" } });
    api.addRating({ storyId: "5550003", createdTime: "2026-11-25T11:30:00.000Z", recommendation: "negative", text: "Nie polecam." });

    const again = await facebookPageAdapter.poll(config, context({ mode: "incremental", seen: new Set(first.mentions.map((mention) => mention.nativeId)) }));
    expect(again.mentions.map((mention) => mention.nativeId)).toEqual(["5550003", `${PAGE_ID}_111_new`]);
    expect(again.pages).toBe(3); // one page per lane: each stopped at the first comment seen before
  });

  it("a revoked Page token stops the source, naming the variable to renew and never the token", async () => {
    const api = await graph();
    api.revoke();
    const error = await odzewFailure(facebookPageAdapter.poll(source({ baseUrl: api.url }), context()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("code 190");
    expect(error.message).toContain("the password of the account that made it was changed");
    expect(error.message).toContain("FACEBOOK_PAGE_TOKEN");
    expect(error.message).not.toContain(TOKEN);
    expect(error.context.variable).toBe("FACEBOOK_PAGE_TOKEN");
  });

  it("Facebook's rate limits (codes 4, 32, 613) are retryable after an hour", async () => {
    for (const code of [4, 32, 613] as const) {
      const api = await graph();
      api.failNext({ kind: "rate-limit", code });
      const error = await odzewFailure(facebookPageAdapter.poll(source({ baseUrl: api.url }), context()));
      expect(error.retryable).toBe(true);
      expect(error.context.retryAfterMs).toBe(FACEBOOK_RATE_LIMIT_WAIT_MS);
      expect(error.message).toMatch(/rate limit is reached; collection resumes in 60 min/);
    }
  });

  it("a post deleted since it was listed is reported and skipped; the other posts are read", async () => {
    const api = await graph();
    let deleted = false;
    // The older post goes while the poll reads the newer one's comments, after the list named it.
    const heartbeat = () => {
      if (!deleted) api.deletePost(`${PAGE_ID}_111`);
      deleted = true;
      return Promise.resolve();
    };
    const result = await facebookPageAdapter.poll(source({ baseUrl: api.url, ratings: false }), context({ heartbeat }));
    expect(result.mentions.map((mention) => mention.text)).toEqual(["O której godzinie? Nie ma tego w wydarzeniu."]);
    expect(result.problems).toEqual([{ page: expect.stringContaining(`/${PAGE_ID}_111/comments`), reason: `post ${PAGE_ID}_111 is gone (deleted since it was listed, code 100): its comments were skipped` }]);
  });

  it("with a Graph API version that no longer has ratings, the poll says so and still reads the comments", async () => {
    const api = await graph();
    const result = await facebookPageAdapter.poll(source({ baseUrl: api.url, apiVersion: "v23.0" }), context());
    expect(result.problems[0]?.reason).toMatch(/^ratings were not read: .*code 12.*apiVersion: v21\.0/);
    expect(result.mentions.filter((mention) => mention.rating)).toEqual([]);
    expect(result.mentions.length).toBe(131);
  });

  it("a token without the permissions says which it needs; a missing one is a configuration error", async () => {
    const api = await graph();
    api.failNext({ kind: "permission" });
    const error = await odzewFailure(facebookPageAdapter.poll(source({ baseUrl: api.url }), context()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("pages_read_engagement and pages_read_user_content");

    const missing = await odzewFailure(facebookPageAdapter.poll(source({ baseUrl: api.url }), context({ secret: () => undefined })));
    expect(missing.code).toBe("CONFIG_INVALID");
    expect(missing.message).toContain("FACEBOOK_PAGE_TOKEN");
  });

  it("a page id Facebook does not know is a non-retryable error naming it", async () => {
    const api = await graph();
    const error = await odzewFailure(facebookPageAdapter.poll(source({ baseUrl: api.url, pageId: "999999999" }), context()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("does not know Page 999999999");
  });
});
