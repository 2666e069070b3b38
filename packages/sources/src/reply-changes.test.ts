import { describe, expect, it } from "vitest";
import { htmlSourceSchema, type SourceCursor } from "@odzew/schema";
import { testLogger, useFixtureServers } from "@odzew/testing";
import { replyFingerprint } from "./adapter.ts";
import { REPLY_FINGERPRINT_LIMIT, afterSuccess, emptyCursor, pollInputs } from "./cursor.ts";
import { htmlAdapter } from "./html.source.ts";
import { testPollContext } from "./test-context.ts";

/**
 * A reply sent from Odzew is confirmed when the collector sees it at the source. Reviews already
 * delivered are not read again by an incremental poll, except the rest of the page where the
 * poll stops: there a review whose reply appeared, changed or went is delivered again.
 */
const logger = testLogger("reply-changes");
const serve = useFixtureServers();

interface Review {
  id: string;
  text: string;
  reply?: string;
}

const page = (reviews: Review[]) => `<!doctype html><html lang="pl"><head><meta charset="utf-8"></head><body>
${reviews
  .map(
    (review) => `<article class="opinia" data-id="${review.id}">
  <p class="tresc">${review.text}</p><time datetime="2026-11-2${review.id.slice(-1)}T10:00:00Z"></time>
  ${review.reply ? `<div class="odpowiedz"><p>${review.reply}</p></div>` : ""}
</article>`,
  )
  .join("\n")}</body></html>`;

const sourceAt = (url: string) =>
  htmlSourceSchema.parse({
    id: "sklep-odpowiedzi",
    type: "html",
    schedule: "*/5 * * * *",
    url,
    selectors: { item: "article.opinia", id: "@data-id", text: "p.tresc", date: "time@datetime", reply: "div.odpowiedz p" },
  });

async function pollOnce(url: string, cursor: SourceCursor, now: Date) {
  const source = sourceAt(url);
  const mode = cursor.backfilled ? "incremental" : "backfill";
  const inputs = pollInputs(cursor, source.limits, mode);
  const result = await htmlAdapter.poll(source, testPollContext(logger, { seen: inputs.seen, replies: inputs.replies, mode, now }));
  return { result, cursor: afterSuccess(cursor, result, { startedAt: now, now, mode, limits: source.limits }) };
}

describe("replies seen at the source", () => {
  it("delivers a seen review again when its reply appears, changes or goes, and only then", async () => {
    const reviews: Review[] = [
      { id: "r3", text: "Dostawa na czas." },
      { id: "r2", text: "Paczka uszkodzona." },
      { id: "r1", text: "Polecam." },
    ];
    const server = await serve((_request, response) => response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(reviews)));
    const now = new Date("2026-11-29T12:00:00Z");
    let cursor = emptyCursor("sklep-odpowiedzi", now);

    const first = await pollOnce(server.url, cursor, now);
    expect(first.result.mentions.map((mention) => mention.nativeId)).toEqual(["r3", "r2", "r1"]);
    cursor = first.cursor;

    // Nothing changed: nothing delivered.
    const quiet = await pollOnce(server.url, cursor, now);
    expect(quiet.result.mentions).toEqual([]);
    cursor = quiet.cursor;

    // The shop answered r2 (the reply Odzew sent): r2 comes again, with the reply; r3 and r1 do not.
    reviews[1] = { ...reviews[1]!, reply: "Przepraszamy, wysłaliśmy nową paczkę." };
    const answered = await pollOnce(server.url, cursor, now);
    expect(answered.result.mentions.map((mention) => [mention.nativeId, mention.reply?.text])).toEqual([["r2", "Przepraszamy, wysłaliśmy nową paczkę."]]);
    expect(answered.result.replyChanges).toBe(1);
    expect(answered.cursor.health.lastNew).toBe(0);
    cursor = answered.cursor;
    expect((await pollOnce(server.url, cursor, now)).result.mentions).toEqual([]);

    // Whitespace the site adds around the same text is no change; an edited reply is.
    reviews[1] = { ...reviews[1]!, reply: "  Przepraszamy,\n wysłaliśmy   nową paczkę. " };
    expect((await pollOnce(server.url, cursor, now)).result.mentions).toEqual([]);
    reviews[1] = { ...reviews[1]!, reply: "Przepraszamy, nowa paczka wyszła dziś." };
    const edited = await pollOnce(server.url, cursor, now);
    expect(edited.result.mentions.map((mention) => mention.reply?.text)).toEqual(["Przepraszamy, nowa paczka wyszła dziś."]);
    cursor = edited.cursor;

    // The reply was deleted at the source: delivered once more, without it.
    delete reviews[1]!.reply;
    const deleted = await pollOnce(server.url, cursor, now);
    expect(deleted.result.mentions.map((mention) => [mention.nativeId, mention.reply])).toEqual([["r2", undefined]]);
    expect((await pollOnce(server.url, deleted.cursor, now)).result.mentions).toEqual([]);
  });

  it("a confirm look reads down to the answered review, delivers only what changed, and stops there", async () => {
    // Eight reviews, two a page: the answered one (r3) is on the third page of four.
    const reviews: Review[] = ["r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1"].map((id) => ({ id, text: `Opinia ${id}.` }));
    const requested: string[] = [];
    const server = await serve((request, response) => {
      const pageNumber = Number(new URL(request.path, "http://x").searchParams.get("p") ?? "1");
      requested.push(String(pageNumber));
      const shown = reviews.slice((pageNumber - 1) * 2, pageNumber * 2);
      const next = pageNumber * 2 < reviews.length ? `<a class="dalej" href="?p=${pageNumber + 1}">dalej</a>` : "";
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(shown).replace("</body>", `${next}</body>`));
    });
    const source = htmlSourceSchema.parse({
      ...sourceAt(server.url),
      selectors: { ...sourceAt(server.url).selectors, nextPage: "a.dalej@href" },
    });
    const now = new Date("2026-11-29T12:00:00Z");
    const first = await htmlAdapter.poll(source, testPollContext(logger, { mode: "backfill", now }));
    expect(first.mentions).toHaveLength(8);
    const cursor = afterSuccess(emptyCursor(source.id, now), first, { startedAt: now, now, mode: "backfill", limits: source.limits });

    // Odzew answered r3; an incremental poll stops on page 1 and never sees it.
    reviews[5] = { ...reviews[5]!, reply: "Dziękujemy za opinię!" };
    const inputs = pollInputs(cursor, source.limits, "incremental");
    const incremental = await htmlAdapter.poll(source, testPollContext(logger, { seen: inputs.seen, replies: inputs.replies, mode: "incremental", now }));
    expect(incremental.mentions).toEqual([]);

    // The responder's confirm job: read like a backfill, looking for r3.
    requested.length = 0;
    const look = await htmlAdapter.poll(
      source,
      testPollContext(logger, { seen: inputs.seen, replies: inputs.replies, mode: "backfill", lookFor: new Set(["r3"]), now }),
    );
    expect(look.mentions.map((mention) => [mention.nativeId, mention.reply?.text])).toEqual([["r3", "Dziękujemy za opinię!"]]);
    expect(requested).toEqual(["1", "2", "3"]);
    const after = afterSuccess(cursor, look, { startedAt: now, now, mode: "backfill", limits: source.limits });
    expect(after.resume).toBeUndefined();
    expect(after.health.lastNew).toBe(0);
    expect(after.seen.slice(0, 8).sort()).toEqual(["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"]);
  });

  it("keeps fingerprints only of ids the cursor still remembers, newest first, within the limit", () => {
    const now = new Date("2026-11-29T12:00:00Z");
    const mention = (id: number) => ({
      schemaVersion: 1 as const,
      id: id.toString(16).padStart(32, "0"),
      source: { id: "s", type: "html" as const },
      nativeId: `n${id}`,
      text: "t",
      publishedAt: now.toISOString(),
      collectedAt: now.toISOString(),
      brandHints: [],
      reply: { text: `odpowiedź ${id}` },
    });
    const mentions = Array.from({ length: REPLY_FINGERPRINT_LIMIT + 20 }, (_, index) => mention(index));
    const limits = { maxPages: 10, backfillPages: 20, maxItemsPerPoll: 100_000 };
    const next = afterSuccess(emptyCursor("s", now), { mentions, requests: 1, pages: 1, parsed: mentions.length, problems: [], stoppedBy: "last-page" }, { startedAt: now, now, mode: "backfill", limits });
    const kept = Object.keys(next.replies ?? {});
    expect(kept).toHaveLength(REPLY_FINGERPRINT_LIMIT);
    expect(kept[0]).toBe("n0");
    expect(next.replies?.n0).toBe(replyFingerprint({ text: "odpowiedź 0" }));
    expect(replyFingerprint(undefined)).toBe("");
    expect(replyFingerprint({ text: "  " })).toBe("");
  });
});
