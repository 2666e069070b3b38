import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ceneoSourceSchema, mentionId, rawMentionSchema } from "@odzew/schema";
import { useFixtureServers, testLogger, type FixtureHandler } from "@odzew/testing";
import { ceneoAdapter } from "./ceneo.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("ceneo-source");
const serve = useFixtureServers();

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, overrides);
const fixture = (name: string) => readFileSync(new URL(`./fixtures/ceneo/${name}`, import.meta.url), "utf8");

const source = (url: string) =>
  ceneoSourceSchema.parse({ id: "ceneo-czajnik", type: "ceneo", brands: ["zuraw"], schedule: "0 * * * *", url });

/** A Ceneo product: `/<id>` shows the first reviews, `/<id>/opinie-2` the next ones. */
function product(pages: Record<string, string>): FixtureHandler {
  return (request, response) => {
    const page = pages[request.path.split("#")[0]!];
    if (page === undefined) response.writeHead(404).end();
    else response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(fixture(page));
  };
}

const TWO_PAGES = { "/156781234": "page-1.html", "/156781234/opinie-2": "page-2.html" };
const ORDER = ["17500231", "17499120", "17498004", "17490555", "17480777"];

describe("ceneo source", () => {
  it("reads every review across two pages: half stars, verdict, pros and cons, votes, purchase and the shop's answer", async () => {
    const server = await serve(product(TWO_PAGES));
    const result = await ceneoAdapter.poll(source(`${server.url}/156781234#tab=reviews`), context());

    expect(result).toMatchObject({ pages: 2, requests: 2, parsed: 5, problems: [], stoppedBy: "last-page" });
    expect(server.requests.map((request) => request.path)).toEqual(["/156781234", "/156781234/opinie-2"]);
    // The highlighted copy of an old review at the top of page 1 is not read as the newest.
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
    for (const mention of result.mentions) expect(rawMentionSchema.parse(mention)).toEqual(mention);

    const [first, second, third, fourth, fifth] = result.mentions;
    expect(first).toEqual({
      schemaVersion: 1,
      id: mentionId("ceneo-czajnik", "17500231"),
      source: { id: "ceneo-czajnik", type: "ceneo" },
      nativeId: "17500231",
      url: `${server.url}/156781234#17500231`,
      author: { name: "Łucja K." },
      title: "Polecam",
      text: "Gotuje wodę w niecałe dwie minuty.\nObudowa nie nagrzewa się, filtr łatwo wyjąć do mycia.",
      rating: { value: 5, original: 5, scaleMin: 1, scaleMax: 5 },
      lang: "pl",
      publishedAt: "2026-11-24T17:42:10.000Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      reach: { helpful: 4, votes: 5 },
      // The shop's answer, not the question another user asked under the review.
      reply: { text: "Dziękujemy za opinię!\nPobór mocy to 2200 W.", author: "Żuraw.pl", publishedAt: "2026-11-25T07:15:30.000Z" },
      details: {
        verifiedPurchase: true,
        pros: ["szybko się gotuje", "cicha praca"],
        cons: ["krótki przewód"],
        subject: "Czajnik elektryczny Żuraw ZK-17 1,7 l",
      },
      brandHints: ["zuraw"],
    });
    expect(second).toMatchObject({
      author: { name: "m...z" },
      title: "Nie polecam",
      rating: { value: 1.5, original: 1.5, scaleMin: 1, scaleMax: 5 },
      reach: { helpful: 0, votes: 2 },
      details: { verifiedPurchase: false, cons: ["przecieka po tygodniu", "plastikowy posmak wody"] },
    });
    expect(second?.reply).toBeUndefined();
    expect(second?.text).toBe("Po tygodniu zaczął przeciekać spod podstawy. Reklamacja w toku.");
    expect(third).toMatchObject({ rating: { value: 4.5, original: 4.5 }, details: { verifiedPurchase: true } });
    expect(third?.details?.pros).toBeUndefined();
    expect(fourth).toMatchObject({ rating: { value: 4, original: 4 }, details: { pros: ["cena"] } });
    expect(fifth?.title).toBeUndefined(); // no verdict given
    expect(fifth?.publishedAt).toBe("2026-11-15T06:45:12.000Z");
  });

  it("stops at the first review it has seen, after one request", async () => {
    const server = await serve(product(TWO_PAGES));
    const result = await ceneoAdapter.poll(
      source(`${server.url}/156781234`),
      // 17480777 is seen and highlighted at the top of page 1; the poll must not stop there.
      context({ mode: "incremental", seen: new Set(["17498004", "17480777"]) }),
    );
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["17500231", "17499120"]);
    expect(result.stoppedBy).toBe("seen");
    expect(server.requests).toHaveLength(1);
  });

  it("delivers a review once when a new review pushed it onto page 2", async () => {
    const server = await serve(product({ "/156781234": "page-1.html", "/156781234/opinie-2": "page-2-shifted.html" }));
    const result = await ceneoAdapter.poll(source(`${server.url}/156781234`), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
    expect(result.parsed).toBe(6);
  });

  it("follows the numbered /opinie-2 link when there is no 'next' button", async () => {
    const server = await serve(product({ "/156781234": "page-1-numbered.html", "/156781234/opinie-2": "page-2.html" }));
    const result = await ceneoAdapter.poll(source(`${server.url}/156781234`), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(ORDER);
    expect(server.requests.map((request) => request.path)).toEqual(["/156781234", "/156781234/opinie-2"]);
  });

  it("reads a changed layout as zero reviews instead of crashing, so the collector can raise an alert", async () => {
    const server = await serve(product({ "/156781234": "changed-layout.html" }));
    const result = await ceneoAdapter.poll(source(`${server.url}/156781234`), context());
    expect(result).toMatchObject({ mentions: [], parsed: 0, pages: 1, problems: [], stoppedBy: "last-page" });
  });

  it("stores plain text: scripts, frames and markup in a review never reach the mention", async () => {
    const server = await serve(product({ "/156781234": "hostile.html" }));
    const [mention] = (await ceneoAdapter.poll(source(`${server.url}/156781234`), context())).mentions;
    expect(mention?.text).toBe("Uwaga na oszustów!");
    expect(mention?.author?.name).toBe("anonim");
    expect(mention?.details?.cons).toEqual(["kliknij tutaj"]);
  });

  it("reports reviews it cannot read, with the reason, and keeps the readable ones", async () => {
    const server = await serve(product({ "/156781234": "broken-items.html" }));
    const result = await ceneoAdapter.poll(source(`${server.url}/156781234`), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["17490555"]);
    expect(result.parsed).toBe(4);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      "a Ceneo review has no id (no data-entry-id on div.js_product-review)",
      'Ceneo review 17500500 has no readable date (time[datetime], found "")',
      "Ceneo review 17500400 has no text (div.user-post__text)",
    ]);
  });
});
