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

const BUILD = "categoriespages-consumersite-2026.11.3";
const DATA_PATH = `/_next/data/${BUILD}/pl-PL/review/zuraw.pl.json`;

/** What Next.js answers on a page's data route: the `props` of its `__NEXT_DATA__` as plain JSON. */
function dataRouteAnswer(html: string): string {
  const script = /<script id="__NEXT_DATA__" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (script === undefined) throw new Error("the fixture has no __NEXT_DATA__");
  const data: unknown = JSON.parse(script);
  if (typeof data !== "object" || data === null || !("props" in data)) throw new Error("the fixture's __NEXT_DATA__ has no props");
  return JSON.stringify(data.props);
}

/**
 * `/review/zuraw.pl?page=N` and its data route `/_next/data/<buildId>/pl-PL/review/zuraw.pl.json?page=N`:
 * the page number picks the fixture; page 1 has no `page` parameter.
 */
function company(pages: Record<string, string>): FixtureHandler {
  return (request, response) => {
    const url = new URL(request.path, "http://fixture");
    const name = pages[url.searchParams.get("page") ?? "1"];
    if (name !== undefined && url.pathname === "/review/zuraw.pl") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(fixture(name));
    } else if (name !== undefined && url.pathname === DATA_PATH) {
      response.writeHead(200, { "content-type": "application/json" }).end(dataRouteAnswer(fixture(name)));
    } else {
      response.writeHead(404).end();
    }
  };
}

const TWO_PAGES = { "1": "page-1.html", "2": "page-2.html" };
const ORDER = ["6743a1f09c2e5b0012f4a101", "6741b2e18d3f4a0013e5b202", "673fc3d27e4a3b0014d6c303", "673ad4c36f5b2c0015c7d404", "6736e5b45e6c1d0016b8e505"];

describe("trustpilot source", () => {
  it("reads every review across ?page=N pages from the embedded __NEXT_DATA__, newest first", async () => {
    const server = await serve(company(TWO_PAGES));
    const result = await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context());

    expect(result).toMatchObject({ pages: 2, requests: 2, parsed: 5, problems: [], stoppedBy: "last-page" });
    // Asked newest first: Trustpilot's default order is "most relevant". Page 2 through the
    // data route of the build page 1 named.
    expect(server.requests.map((request) => request.path)).toEqual(["/review/zuraw.pl?sort=recency&languages=all", `${DATA_PATH}?sort=recency&languages=all&page=2`]);
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

  it("asks for the reviews in every language, not only the ones in the country site's own", async () => {
    // pl.trustpilot.com can show only the Polish reviews unless asked for all: scrapers of it add
    // `?languages=all` (e.g. an Apify client's companyDomain "<domain>?languages=all", a PHP
    // reader of fr.trustpilot.com/review/<domain>?languages=all; code indexed 2024–2026), and the
    // page data names the filter in `filters.selected.languages`. This server filters like that.
    const server = await serve((request, response) => {
      const url = new URL(request.path, "http://fixture");
      if (url.pathname !== "/review/zuraw.pl" || url.searchParams.has("page")) return response.writeHead(404).end();
      const languages = url.searchParams.get("languages") ?? "pl";
      const html = fixture("page-1.html").replace(/(<script id="__NEXT_DATA__" type="application\/json">)([\s\S]*?)(<\/script>)/, (_match, open: string, json: string, close: string) => {
        const data = JSON.parse(json) as { props: { pageProps: { reviews: { language: string }[]; filters: { selected: { languages: string }; pagination: { totalPages: number } } } } };
        const pageProps = data.props.pageProps;
        if (languages !== "all") pageProps.reviews = pageProps.reviews.filter((review) => review.language === languages);
        pageProps.filters.selected.languages = languages;
        pageProps.filters.pagination.totalPages = 1;
        return `${open}${JSON.stringify(data)}${close}`;
      });
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
    });
    const result = await trustpilotAdapter.poll(source(`${server.url}/review/zuraw.pl`), context());
    expect(server.requests.map((request) => request.path)).toEqual(["/review/zuraw.pl?sort=recency&languages=all"]);
    // The English review of a customer from the UK is heard too.
    expect(result.mentions.map((mention) => [mention.nativeId, mention.lang])).toEqual([
      [ORDER[0], "pl"],
      [ORDER[1], "pl"],
      [ORDER[2], "en"],
    ]);
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
      message: expect.stringMatching(/\/review\/zuraw\.pl\?sort=recency&languages=all: the page's __NEXT_DATA__ is not valid JSON/),
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

  describe("through the Next.js data route", () => {
    /** The company's pages as served by build `build.id` (the page names it; its data route answers only for it). */
    function deployed(build: { id: string }, answers: { data?: (page: string) => { status: number; headers?: Record<string, string>; body: string } } = {}): FixtureHandler {
      return (request, response) => {
        const url = new URL(request.path, "http://fixture");
        const name = TWO_PAGES[(url.searchParams.get("page") ?? "1") as "1" | "2"];
        if (name !== undefined && url.pathname === "/review/zuraw.pl") {
          response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(fixture(name).replace(BUILD, build.id));
          return;
        }
        if (name !== undefined && url.pathname === `/_next/data/${build.id}/pl-PL/review/zuraw.pl.json`) {
          const answer = answers.data?.(name) ?? { status: 200, headers: { "content-type": "application/json" }, body: dataRouteAnswer(fixture(name)) };
          response.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
        response.writeHead(404).end();
      };
    }
    const paths = (server: { requests: { path: string }[] }) => server.requests.map((request) => request.path);

    it("reads a page from the route's JSON exactly as from the page", async () => {
      // Serve page 2's route with the captured answer, not one derived from the page.
      const captured = await serve((request, response) =>
        request.path.startsWith(DATA_PATH)
          ? response.writeHead(200, { "content-type": "application/json" }).end(fixture("data-page-2.json"))
          : company(TWO_PAGES)(request, response),
      );
      const fromPages = await serve((request, response) =>
        request.path.startsWith("/_next/") ? response.writeHead(404).end() : company(TWO_PAGES)(request, response),
      );
      const routed = await trustpilotAdapter.poll(source(`${captured.url}/review/zuraw.pl`), context());
      const paged = await trustpilotAdapter.poll(source(`${fromPages.url}/review/zuraw.pl`), context());

      expect(paths(captured)).toEqual(["/review/zuraw.pl?sort=recency&languages=all", `${DATA_PATH}?sort=recency&languages=all&page=2`]);
      expect(routed.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
      const origin = (url: string) => url.replaceAll(captured.url, "ORIGIN").replaceAll(fromPages.url, "ORIGIN");
      expect(JSON.parse(origin(JSON.stringify(routed.mentions)))).toEqual(JSON.parse(origin(JSON.stringify(paged.mentions))));
    });

    it("remembers the build for the source: the next poll reads even page 1 through the route", async () => {
      const server = await serve(deployed({ id: BUILD }));
      const tp = source(`${server.url}/review/zuraw.pl`);
      await trustpilotAdapter.poll(tp, context());
      const second = await trustpilotAdapter.poll(tp, context({ mode: "incremental", seen: new Set([ORDER[0]!]) }));

      expect(second).toMatchObject({ mentions: [], stoppedBy: "seen", requests: 1 });
      expect(paths(server).slice(2)).toEqual([`${DATA_PATH}?sort=recency&languages=all`]);
    });

    it("takes a 404 on the route for a new build: reads the page once and goes on with the new build id", async () => {
      const build = { id: BUILD };
      const server = await serve(deployed(build));
      const tp = source(`${server.url}/review/zuraw.pl`);
      await trustpilotAdapter.poll(tp, context());
      build.id = "categoriespages-consumersite-2026.11.4";
      const result = await trustpilotAdapter.poll(tp, context());

      expect(result.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
      expect(result.requests).toBe(3);
      expect(paths(server).slice(2)).toEqual([
        `${DATA_PATH}?sort=recency&languages=all`,
        "/review/zuraw.pl?sort=recency&languages=all",
        "/_next/data/categoriespages-consumersite-2026.11.4/pl-PL/review/zuraw.pl.json?sort=recency&languages=all&page=2",
      ]);
    });

    it("falls back to the page when the route answers something else, and leaves the route alone until the build changes", async () => {
      // A proxy or CDN in between answering the route with a page of its own.
      const server = await serve(deployed({ id: BUILD }, { data: () => ({ status: 200, headers: { "content-type": "text/html" }, body: "<html><body>Przerwa techniczna</body></html>" }) }));
      const tp = source(`${server.url}/review/zuraw.pl`);
      const first = await trustpilotAdapter.poll(tp, context());
      const second = await trustpilotAdapter.poll(tp, context());

      expect(first.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
      expect(second.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
      expect(paths(server)).toEqual([
        "/review/zuraw.pl?sort=recency&languages=all",
        `${DATA_PATH}?sort=recency&languages=all&page=2`,
        "/review/zuraw.pl?sort=recency&languages=all&page=2",
        "/review/zuraw.pl?sort=recency&languages=all",
        "/review/zuraw.pl?sort=recency&languages=all&page=2",
      ]);
    });

    it("fails the poll on a bot wall at the route instead of trying the page behind the same wall", async () => {
      const wall = { status: 403, headers: { "cf-mitigated": "challenge", server: "cloudflare", "content-type": "text/html" }, body: "<title>Just a moment...</title>" };
      const server = await serve(deployed({ id: BUILD }, { data: () => wall }));
      const tp = source(`${server.url}/review/zuraw.pl`);
      await expect(trustpilotAdapter.poll(tp, context())).rejects.toMatchObject({ code: "SOURCE_HTTP", context: { status: 403, botWall: { vendor: "Cloudflare" } } });
      expect(paths(server)).toEqual(["/review/zuraw.pl?sort=recency&languages=all", `${DATA_PATH}?sort=recency&languages=all&page=2`]);
    });
  });
});
