import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mentionId, rawMentionSchema, trustpilotSourceSchema } from "@odzew/schema";
import { useFixtureServers, testLogger, type FixtureHandler } from "@odzew/testing";
import { trustpilotAdapter } from "./trustpilot.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("trustpilot-source");
const serve = useFixtureServers();

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, overrides);
const fixture = (name: string) => readFileSync(new URL(`./fixtures/trustpilot/${name}`, import.meta.url), "utf8");

const source = (url: string) =>
  trustpilotSourceSchema.parse({ id: "tp-zuraw", type: "trustpilot", brands: ["zuraw"], schedule: "15 * * * *", url });

/** `/review/zuraw.pl?page=N`: the page number picks the fixture; page 1 has no `page` parameter. */
function company(pages: Record<string, string>): FixtureHandler {
  return (request, response) => {
    const url = new URL(request.path, "http://fixture");
    const page = url.pathname === "/review/zuraw.pl" ? pages[url.searchParams.get("page") ?? "1"] : undefined;
    if (page === undefined) response.writeHead(404).end();
    else response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(fixture(page));
  };
}

const TWO_PAGES = { "1": "page-1.html", "2": "page-2.html" };
const ORDER = ["6743a1f09c2e5b0012f4a101", "6741b2e18d3f4a0013e5b202", "673fc3d27e4a3b0014d6c303", "673ad4c36f5b2c0015c7d404", "6736e5b45e6c1d0016b8e505"];

describe("trustpilot source", () => {
  it("reads every review across ?page=N pages from the embedded __NEXT_DATA__, newest first", async () => {
    const server = await serve(company(TWO_PAGES));
    const result = await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context());

    expect(result).toMatchObject({ pages: 2, requests: 2, parsed: 5, problems: [], stoppedBy: "last-page" });
    // Asked newest first: Trustpilot's default order is "most relevant".
    expect(server.requests.map((request) => request.path)).toEqual(["/review/zuraw.pl?sort=recency", "/review/zuraw.pl?sort=recency&page=2"]);
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
    for (const mention of result.mentions) expect(rawMentionSchema.parse(mention)).toEqual(mention);

    const [first, second, third, fourth] = result.mentions;
    expect(first).toEqual({
      schemaVersion: 1,
      id: mentionId("tp-zuraw", ORDER[0]!),
      source: { id: "tp-zuraw", type: "trustpilot" },
      nativeId: ORDER[0],
      url: `${server.url}/reviews/${ORDER[0]}`,
      author: { name: "Łucja Kowalska", profileUrl: `${server.url}/users/5f1a2b3c4d5e6f7a8b9c0d11` },
      title: "Szybko i bez problemów",
      // "&" arrives escaped as \u0026 in the page's data, the way Next.js writes it.
      text: "Zamówienie przyszło następnego dnia.\nWszystko dobrze zapakowane & zgodne z opisem.",
      rating: { value: 5, original: 5, scaleMin: 1, scaleMax: 5 },
      lang: "pl",
      publishedAt: "2026-11-24T17:42:10.000Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      reach: { helpful: 3 },
      reply: { text: "Dziękujemy za opinię, Łucjo!", author: "Żuraw.pl", publishedAt: "2026-11-25T07:15:00.000Z" },
      details: { verifiedPurchase: true, subject: "Żuraw.pl" },
      brandHints: ["zuraw"],
    });
    expect(second).toMatchObject({ rating: { value: 1 }, reach: { helpful: 0 }, details: { verifiedPurchase: false } });
    expect(second?.reply).toBeUndefined();
    expect(third).toMatchObject({ lang: "en", title: "Good shop, slow courier", rating: { value: 4 } });
    expect(fourth?.reply).toEqual({ text: "Przepraszamy za opóźnienie zwrotu.", author: "Żuraw.pl", publishedAt: "2026-11-19T09:00:00.000Z" });
  });

  it("keeps the sort and filters of a configured URL", async () => {
    const server = await serve(company({ "1": "page-2.html" }));
    await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl?languages=all&sort=recency`), context());
    expect(server.requests.map((request) => request.path)).toEqual(["/review/zuraw.pl?languages=all&sort=recency"]);
  });

  it("stops at the first review it has seen, after one request", async () => {
    const server = await serve(company(TWO_PAGES));
    const result = await trustpilotAdapter.poll(
      source(`${server.url}/review/zuraw.pl`),
      context({ mode: "incremental", seen: new Set([ORDER[2]!]) }),
    );
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(ORDER.slice(0, 2));
    expect(result.stoppedBy).toBe("seen");
    expect(server.requests).toHaveLength(1);
  });

  it("delivers a review once when a new review pushed it onto page 2", async () => {
    const server = await serve(company({ "1": "page-1.html", "2": "page-2-shifted.html" }));
    const result = await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
    expect(result.parsed).toBe(6);
  });

  it("reads a page without __NEXT_DATA__ as zero reviews and one problem that says why, so the collector alerts at once", async () => {
    const server = await serve(company({ "1": "no-next-data.html" }));
    const result = await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context());
    expect(result.mentions).toEqual([]);
    expect(result.parsed).toBe(1);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.reason).toContain('no <script id="__NEXT_DATA__">');
  });

  it("reads page data without a reviews list as zero reviews and one problem, without crashing", async () => {
    const server = await serve(company({ "1": "no-reviews-list.html" }));
    const result = await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context());
    expect(result.mentions).toEqual([]);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      "__NEXT_DATA__ has no reviews list (props.pageProps.reviews): Trustpilot changed its page data",
    ]);
    expect(result.stoppedBy).toBe("last-page");
  });

  it("fails with SOURCE_PARSE, naming the page, when the data is cut off", async () => {
    const server = await serve(company({ "1": "truncated-data.html" }));
    await expect(trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context())).rejects.toMatchObject({
      name: "OdzewError",
      code: "SOURCE_PARSE",
      retryable: true,
      message: expect.stringMatching(/\/review\/zuraw\.pl\?sort=recency: the page's __NEXT_DATA__ is not valid JSON/),
    });
  });

  it("stores plain text: markup typed into a review never reaches the mention, and '<3' or 'a < b' stay", async () => {
    const server = await serve(company({ "1": "hostile.html" }));
    const [hostile, hearts] = (await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context())).mentions;
    // A "</script>" inside the data does not end the script: Next.js escapes "<" as \u003c.
    expect(hostile?.text).toBe("Uwaga na oszustów!");
    expect(hostile?.title).toBe("Uwaga");
    expect(hostile?.author?.name).toBe("Hacker");
    expect(hostile?.reply?.text).toBe("Prosimy o kontakt\npod numerem zamówienia.");
    expect(hearts?.title).toBe("Serce <3");
    expect(hearts?.text).toBe("Sklep <3 polecam, cena < 100 zł i dostawa > oczekiwania");
  });

  it("reports reviews it cannot read, with the reason, and keeps the readable ones", async () => {
    const server = await serve(company({ "1": "broken-items.html" }));
    const result = await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual([ORDER[3]]);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      "a Trustpilot review has no id (props.pageProps.reviews[].id)",
      'Trustpilot review 6744f7a1b2c3d40017a9f608 has no readable date (dates.publishedDate, found "")',
      "Trustpilot review 6744f7a1b2c3d40017a9f609 has no text",
    ]);
  });
});
