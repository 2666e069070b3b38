import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { mentionId, opineoSourceSchema, rawMentionSchema } from "@odzew/schema";
import { useFixtureServers, testLogger, type FixtureHandler } from "@odzew/testing";
import { opineoAdapter } from "./opineo.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("opineo-source");
const serve = useFixtureServers();

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, overrides);
const fixture = (name: string) => readFileSync(new URL(`./fixtures/opineo/${name}`, import.meta.url), "utf8");

const source = (url: string) =>
  opineoSourceSchema.parse({ id: "opineo-zuraw", type: "opineo", brands: ["zuraw"], schedule: "*/30 * * * *", url });

/** Opineo's shop pages: `/opinie/<shop>` is page 1, `/opinie/<shop>/2` page 2. */
function shop(pages: Record<string, string>): FixtureHandler {
  return (request, response) => {
    const path = request.path.split("#")[0]!;
    const page = pages[path];
    if (page === undefined) response.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end("<h1>404</h1>");
    else response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(fixture(page));
  };
}

const TWO_PAGES = { "/opinie/zuraw-pl": "page-1.html", "/opinie/zuraw-pl/2": "page-2.html" };

describe("opineo source", () => {
  it("reads every review across two pages with rating, verification, pros and cons, votes and the shop's answer", async () => {
    const server = await serve(shop(TWO_PAGES));
    const result = await opineoAdapter.poll(source(`${server.url}/opinie/zuraw-pl`), context());

    expect(result).toMatchObject({ pages: 2, requests: 2, parsed: 5, problems: [], stoppedBy: "last-page" });
    expect(server.requests.map((request) => request.path)).toEqual(["/opinie/zuraw-pl", "/opinie/zuraw-pl/2"]);
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["9120451", "9118877", "9117002", "9110340", "9104411"]);
    for (const mention of result.mentions) expect(rawMentionSchema.parse(mention)).toEqual(mention);

    const [first, second, third] = result.mentions;
    expect(first).toEqual({
      schemaVersion: 1,
      id: mentionId("opineo-zuraw", "9120451"),
      source: { id: "opineo-zuraw", type: "opineo" },
      nativeId: "9120451",
      url: `${server.url}/opinia/9120451`,
      author: { name: "Łucja" },
      text: "Zamówienie dotarło następnego dnia, paczka świetnie zabezpieczona.\nNa pewno wrócę po więcej.",
      // Opineo scores shops 0–10: 10/10 is the top of the 1–5 scale.
      rating: { value: 5, original: 10, scaleMin: 0, scaleMax: 10 },
      lang: "pl",
      publishedAt: "2026-11-24T17:42:00.000Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      reach: { helpful: 3, votes: 4 },
      reply: { text: "Dziękujemy za opinię i zapraszamy ponownie!", author: "Żuraw.pl", publishedAt: "2026-11-25T07:15:00.000Z" },
      details: { verifiedPurchase: true, pros: ["szybka wysyłka", "dobre ceny"], cons: ["mały wybór kolorów"], subject: "Żuraw.pl" },
      brandHints: ["zuraw"],
    });
    expect(second).toMatchObject({
      author: { name: "Mirosław" },
      text: "Kurier przyjechał dwa dni po terminie.\nKontakt ze sklepem utrudniony – nikt nie odbiera telefonu.",
      rating: { value: 2, original: 2.5, scaleMin: 0, scaleMax: 10 },
      reach: { helpful: 0, votes: 0 },
      details: { verifiedPurchase: false },
    });
    expect(second?.reply).toBeUndefined();
    expect(second?.details?.pros).toBeUndefined();
    expect(third).toMatchObject({ rating: { value: 4, original: 7.5 }, details: { verifiedPurchase: true } });
    expect(third?.reach).toBeUndefined();
    expect(result.mentions[3]?.publishedAt).toBe("2026-11-18T11:00:00.000Z");
  });

  it("stops at the first review it has seen, after one request", async () => {
    const server = await serve(shop(TWO_PAGES));
    const result = await opineoAdapter.poll(
      source(`${server.url}/opinie/zuraw-pl`),
      context({ mode: "incremental", seen: new Set(["9118877"]) }),
    );
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["9120451"]);
    expect(result.stoppedBy).toBe("seen");
    expect(server.requests).toHaveLength(1);
  });

  it("delivers a review once when a new review pushed it onto page 2", async () => {
    const server = await serve(shop({ "/opinie/zuraw-pl": "page-1.html", "/opinie/zuraw-pl/2": "page-2-shifted.html" }));
    const result = await opineoAdapter.poll(source(`${server.url}/opinie/zuraw-pl`), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["9120451", "9118877", "9117002", "9110340", "9104411"]);
    expect(result.parsed).toBe(6);
  });

  it("reads a changed layout as zero reviews instead of crashing, so the collector can raise an alert", async () => {
    const server = await serve(shop({ "/opinie/zuraw-pl": "changed-layout.html" }));
    const result = await opineoAdapter.poll(source(`${server.url}/opinie/zuraw-pl`), context());
    expect(result).toMatchObject({ mentions: [], parsed: 0, pages: 1, problems: [], stoppedBy: "last-page" });
  });

  it("stores plain text: scripts, styles and markup in a review never reach the mention", async () => {
    const server = await serve(shop({ "/opinie/zuraw-pl": "hostile.html" }));
    const [mention] = (await opineoAdapter.poll(source(`${server.url}/opinie/zuraw-pl`), context())).mentions;
    expect(mention?.text).toBe("Uwaga na oszustów!");
    expect(mention?.author?.name).toBe("anonim");
    expect(mention?.rating).toEqual({ value: 1, original: 0, scaleMin: 0, scaleMax: 10 });
  });

  it("reports reviews it cannot read, with the reason, and keeps the readable ones", async () => {
    const server = await serve(shop({ "/opinie/zuraw-pl": "broken-items.html" }));
    const result = await opineoAdapter.poll(source(`${server.url}/opinie/zuraw-pl`), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["9110340"]);
    expect(result.parsed).toBe(4);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      'an Opineo review has no id (no "/opinia/<id>" link in div.revz_container)',
      'Opineo review 9121500 has no readable date (span.revz_date, found "wczoraj")',
      "Opineo review 9121400 has no text (div.revz_txt)",
    ]);
    expect(result.problems[0]?.page).toBe(`${server.url}/opinie/zuraw-pl`);
  });

  it("reads a windows-1250 page byte-exact, whether the charset is in the header or only in the page", async () => {
    const body = iconv.encode(fixture("windows-1250.html"), "windows-1250");
    expect(body.includes(Buffer.from("Zażółć", "utf8"))).toBe(false); // really not UTF-8 on the wire
    for (const contentType of ["text/html; charset=windows-1250", "text/html"]) {
      const server = await serve((_request, response) => response.writeHead(200, { "content-type": contentType }).end(body));
      const [mention] = (await opineoAdapter.poll(source(`${server.url}/opinie/lakowa-pl`), context())).mentions;
      expect(mention?.text).toBe("Zażółć gęślą jaźń — ŻÓŁW, źdźbło, łódź i „cudzysłów” dotarły w całości.");
      expect(mention?.author?.name).toBe("Józef Żółkiewski");
      // 3 October is summer time in Warsaw (CEST, UTC+2): "14:05" there is 12:05 UTC.
      expect(mention?.publishedAt).toBe("2026-10-03T12:05:00.000Z");
      expect(mention?.details).toEqual({
        verifiedPurchase: false,
        pros: ["świeże pieczywo, uprzejmość obsługi"],
        subject: "Łąkowa Spółdzielnia",
      });
      expect(mention?.reply).toEqual({
        text: "Dziękujemy! Pozdrawiamy z Łodzi.",
        author: "Łąkowa Spółdzielnia",
        publishedAt: "2026-10-04T07:00:00.000Z" /* 09:00 in Warsaw, summer time */,
      });
    }
  });
});
