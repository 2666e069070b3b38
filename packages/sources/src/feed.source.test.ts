import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { feedSourceSchema, mentionId, rawMentionSchema } from "@odzew/schema";
import { useFixtureServers, testLogger } from "@odzew/testing";
import { feedAdapter, withoutTracking } from "./feed.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("feed-source");
const serve = useFixtureServers();

/** The fixture's bytes as they are on disk (the Polish news feed is stored in ISO-8859-2). */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/feed/${name}`, import.meta.url));

/** Serve one file with the content type feeds usually come with: no charset, so the XML declaration decides. */
const serveFile = (name: string, contentType = "application/rss+xml") =>
  serve((_request, response) => response.writeHead(200, { "content-type": contentType }).end(fixture(name)));

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, overrides);

const source = (url: string, overrides: Record<string, unknown> = {}) =>
  feedSourceSchema.parse({ id: "prasa-test", type: "feed", brands: ["zuraw"], schedule: "*/15 * * * *", url, ...overrides });

const NEWS_NEWEST = "https://gazeta-nadwislanska.example.pl/gospodarka/zuraw-magazyn-lodz,12345.html";
const NEWS_OLDER = "https://gazeta-nadwislanska.example.pl/gospodarka/opoznienia-przesylek,12301.html";

describe("feed source", () => {
  it("reads an ISO-8859-2 RSS 2.0 feed of a Polish news site with its diacritics intact", async () => {
    const server = await serveFile("polish-news-iso-8859-2.xml");
    const result = await feedAdapter.poll(source(`${server.url}/rss/gospodarka.xml`), context());

    expect(result).toMatchObject({ pages: 1, requests: 1, parsed: 2, problems: [], stoppedBy: "last-page" });
    const [newest, older] = result.mentions.map((mention) => rawMentionSchema.parse(mention));
    expect(newest).toMatchObject({
      id: mentionId("prasa-test", NEWS_NEWEST),
      source: { id: "prasa-test", type: "feed" },
      nativeId: NEWS_NEWEST,
      url: NEWS_NEWEST,
      title: 'Żuraw otwiera magazyn pod Łodzią. "Dostawy skrócą się o dzień"',
      text: "Sieć sklepów Żuraw uruchomiła centrum logistyczne w Strykowie. Klienci z południa Polski dostaną paczki szybciej – zapewnia zarząd.",
      author: { name: "Małgorzata Źródlana" },
      lang: "pl", // <language>pl-PL</language>
      publishedAt: "2026-11-25T09:15:00.000Z", // Wed, 25 Nov 2026 10:15:00 +0100
      collectedAt: "2026-11-25T12:00:00.000Z",
      brandHints: ["zuraw"],
    });
    expect(newest?.rating).toBeUndefined();
    expect(older).toMatchObject({
      nativeId: NEWS_OLDER,
      text: "Zażółć gęślą jaźń: czytelnicy piszą o paczkach, które utknęły w sortowni.",
      author: { name: "Jerzy Gęślik" },
    });
  });

  it("reads an Atom feed: HTML titles and content as plain text, published before updated, relative links resolved", async () => {
    const server = await serveFile("blog-atom.xml", "application/atom+xml; charset=utf-8");
    const result = await feedAdapter.poll(source(`${server.url}/feed.atom`), context());

    expect(result.problems).toEqual([]);
    const [comparison, returns] = result.mentions.map((mention) => rawMentionSchema.parse(mention));
    expect(comparison).toMatchObject({
      nativeId: "tag:zakupy-kasi.example.pl,2026:post-412",
      url: "https://zakupy-kasi.example.pl/2026/11/zuraw-porownanie/",
      title: "Zamówiłam w Żurawiu i w konkurencji – porównanie",
      // The full content, not the summary, with its paragraphs on their own lines.
      text: "Obie paczki zamówiłam w poniedziałek.\nŻuraw dowiózł we wtorek, konkurencja w piątek.",
      author: { name: "Katarzyna Nowak" },
      lang: "pl", // xml:lang
      publishedAt: "2026-11-23T07:30:00.000Z", // <published>, not the later <updated>
    });
    expect(returns).toMatchObject({
      url: "https://zakupy-kasi.example.pl/2026/11/zwroty/",
      text: "Masz 14 dni na odstąpienie od umowy.",
      publishedAt: "2026-11-16T18:00:00.000Z", // only <updated> is given
    });
  });

  it("reads an RSS 1.0 (RDF) feed with Dublin Core dates, authors and language", async () => {
    const server = await serveFile("news-rdf.xml", "application/rdf+xml");
    const [mention] = (await feedAdapter.poll(source(`${server.url}/rss`), context())).mentions;
    expect(rawMentionSchema.parse(mention)).toMatchObject({
      nativeId: "https://portal.example.cz/clanek/77", // no guid in RSS 1.0: the link
      title: "Řetězec Žuraw vstupuje na český trh",
      author: { name: "Jana Dvořáková" },
      lang: "cs",
      publishedAt: "2026-11-24T06:00:00.000Z",
    });
  });

  it("stores plain text: markup, entities and a <script> in a forum post never reach the mention", async () => {
    const server = await serveFile("forum-rss.xml");
    const result = await feedAdapter.poll(source(`${server.url}/sklepy.rss`), context());
    const scam = result.mentions.find((mention) => mention.nativeId === "forum-konsumenta-p5610");
    expect(scam?.text).toBe("Strona zuraw-promocje to oszustwo & wyłudzenie!\nZgłosiłem do CERT\u2011u.");
    for (const mention of result.mentions) {
      expect(mention.text).not.toMatch(/<|document\.cookie|evil\.example|color:red|onerror/);
    }
  });

  it("sorts items newest first, reports an undated item instead of inventing a date, and prefers the configured language", async () => {
    const server = await serveFile("forum-rss.xml");
    // The forum software says en-US (its default); the source knows better.
    const result = await feedAdapter.poll(source(`${server.url}/sklepy.rss`, { lang: "pl-PL" }), context());

    expect(result.mentions.map((mention) => [mention.nativeId, mention.publishedAt])).toEqual([
      ["forum-konsumenta-p5610", "2026-11-23T21:45:00.000Z"],
      ["https://forum-konsumenta.example.pl/watek/870#p5500", "2026-11-22T12:30:00.000Z"], // no guid: the link
      ["forum-konsumenta-p5521", "2026-11-21T09:00:00.000Z"],
    ]);
    expect(result.parsed).toBe(4);
    expect(result.problems).toEqual([
      { page: `${server.url}/sklepy.rss`, reason: expect.stringMatching(/forum-konsumenta-p5611 has no date/) },
    ]);
    expect(result.mentions.every((mention) => mention.lang === "pl")).toBe(true);
    expect(result.mentions.find((mention) => mention.nativeId === "forum-konsumenta-p5521")?.author).toEqual({ name: "Bogdan K." });
    for (const mention of result.mentions) rawMentionSchema.parse(mention);
  });

  it("reads a Medium feed: content:encoded only, the guid's /p/<id> as the id, the link without its ?source= tracking", async () => {
    const server = await serveFile("medium-rss.xml", "text/xml; charset=UTF-8");
    const result = await feedAdapter.poll(source(`${server.url}/feed/@pawel.zieba`, { lang: "pl" }), context());
    expect(result.problems).toEqual([]);
    const [story] = result.mentions.map((mention) => rawMentionSchema.parse(mention));
    expect(story).toMatchObject({
      nativeId: "https://medium.com/p/4f2a9c1b7e3d",
      url: "https://medium.com/@pawel.zieba/jak-zuraw-zgubil-moja-paczke-4f2a9c1b7e3d",
      title: "Jak Żuraw zgubił moją paczkę (i jak ją odzyskałem)",
      text: "Jak Żuraw zgubił moją paczkę\nPaczka utknęła w sortowni na sześć dni.\nDopiero czat z konsultantem pomógł.",
      author: { name: "Paweł Zięba" },
      publishedAt: "2026-11-24T21:14:40.000Z", // pubDate, not the later atom:updated
    });
  });

  it("reads a Substack feed: the post, not its subtitle, without the subscribe box's call to action", async () => {
    const server = await serveFile("substack-rss.xml", "application/xml; charset=utf-8");
    const result = await feedAdapter.poll(source(`${server.url}/feed`), context());
    expect(result.problems).toEqual([]);
    const [post] = result.mentions.map((mention) => rawMentionSchema.parse(mention));
    expect(post).toMatchObject({
      nativeId: "https://koszyktygodnia.substack.com/p/47-zuraw-tnie-ceny",
      url: "https://koszyktygodnia.substack.com/p/47-zuraw-tnie-ceny",
      title: "#47: Żuraw tnie ceny, ale czy dowozi?",
      text: "Trzy zamówienia, trzy różne terminy.\nNajszybciej dotarła paczka z Łodzi.",
      author: { name: "Ewa Lis" },
      lang: "pl",
      publishedAt: "2026-11-25T06:00:31.000Z",
    });
  });

  it("reads a Discourse forum feed without the lines Discourse adds under each topic, in whatever language", async () => {
    const server = await serveFile("discourse-latest-rss.xml");
    const result = await feedAdapter.poll(source(`${server.url}/latest.rss`, { lang: "pl" }), context());
    expect(result.problems).toEqual([]);
    const [topic] = result.mentions.map((mention) => rawMentionSchema.parse(mention));
    expect(topic).toMatchObject({
      nativeId: "forum-konsumenta.example.pl-topic-4512",
      url: "https://forum-konsumenta.example.pl/t/zuraw-paczka-uszkodzona-reklamacja-odrzucona/4512",
      title: "Żuraw – paczka uszkodzona, reklamacja odrzucona",
      // Not "3 posty - 3 uczestników" nor "Przeczytaj cały temat"; a link of the author's own stays.
      text: "Kurier zostawił karton z wgniecionym rogiem, czajnik pęknięty.\nŻuraw odrzucił reklamację, bo „nie spisano protokołu”.\nCzy ktoś miał podobnie? Więcej w wątku o protokołach.",
      author: { name: "kasia_z_lodzi" },
      publishedAt: "2026-11-24T18:05:41.000Z",
    });
  });

  it("shows links without feed campaign parameters, and keeps every other parameter", () => {
    expect(withoutTracking("https://blog.example.pl/wpis?id=5&utm_source=rss&utm_medium=rss&utm_campaign=wpis")).toBe("https://blog.example.pl/wpis?id=5");
    expect(withoutTracking("https://medium.com/@a/b-1f2e?source=rss-3c1f0a2b9d7e------2")).toBe("https://medium.com/@a/b-1f2e");
    // A site's own "source" parameter is part of its address.
    expect(withoutTracking("https://forum.example.pl/t/5?source=mobile")).toBe("https://forum.example.pl/t/5?source=mobile");
    expect(withoutTracking("https://blog.example.pl/wpis/")).toBe("https://blog.example.pl/wpis/");
  });

  it("gives an item with neither guid nor link a stable id from its title and date", async () => {
    const item = (title: string) =>
      `<item><title>${title}</title><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate><description>Treść</description></item>`;
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${item("Pierwszy")}${item("Drugi")}</channel></rss>`;
    const server = await serve((_request, response) => response.writeHead(200, { "content-type": "text/xml" }).end(body));
    const first = await feedAdapter.poll(source(`${server.url}/`), context());
    const second = await feedAdapter.poll(source(`${server.url}/`), context());
    const ids = first.mentions.map((mention) => mention.nativeId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(second.mentions.map((mention) => mention.nativeId)).toEqual(ids);
  });

  it("fails a page that is not a feed with a clear SOURCE_PARSE error, not a crash", async () => {
    for (const [body, type] of [
      [fixture("not-a-feed.html"), "text/html"],
      [Buffer.from('{"items":[]}'), "application/json"],
      [Buffer.from(""), "application/rss+xml"],
    ] as const) {
      const server = await serve((_request, response) => response.writeHead(200, { "content-type": type }).end(body));
      const url = `${server.url}/rss/gospodarka.xml`;
      await expect(feedAdapter.poll(source(url), context())).rejects.toMatchObject({
        name: "OdzewError",
        code: "SOURCE_PARSE",
        retryable: false,
        message: expect.stringContaining(`${url} is not a readable RSS or Atom feed`),
      });
    }
  });

  it("costs one request and yields nothing when every item was seen; yields only what is new otherwise", async () => {
    const server = await serveFile("polish-news-iso-8859-2.xml");
    const url = `${server.url}/rss/gospodarka.xml`;

    const unchanged = await feedAdapter.poll(source(url), context({ mode: "incremental", seen: new Set([NEWS_NEWEST, NEWS_OLDER]) }));
    expect(unchanged).toMatchObject({ mentions: [], requests: 1, pages: 1, stoppedBy: "seen" });
    expect(server.requests).toHaveLength(1);

    const oneNew = await feedAdapter.poll(source(url), context({ mode: "incremental", seen: new Set([NEWS_OLDER]) }));
    expect(oneNew.mentions.map((mention) => mention.nativeId)).toEqual([NEWS_NEWEST]);
    expect(oneNew.stoppedBy).toBe("seen");
  });
});
