import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { htmlSourceSchema, mentionId } from "@odzew/schema";
import { useFixtureServers, testLogger } from "@odzew/testing";
import { HttpClient } from "./http-client.ts";
import { htmlAdapter } from "./html.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("html-source");
const serve = useFixtureServers();

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, overrides);

interface Review {
  id: string;
  stars: number;
  text: string;
  author: string;
  date: string;
}

/** A review page written the way Polish shops write them: star count in an attribute, a date like 12.03.2026. */
function reviewPage(reviews: Review[], next?: string, charset = "utf-8"): string {
  return `<!DOCTYPE html><html lang="pl"><head><meta charset="${charset}"><title>Opinie</title></head><body>
  <div class="lista-opinii">
  ${reviews
    .map(
      (review) => `<div class="opinia" data-id="${review.id}">
      <div class="ocena" data-gwiazdki="${review.stars}">${"★".repeat(review.stars)}</div>
      <p class="tekst">${review.text}</p>
      <span class="autor">${review.author}</span> <span class="data">${review.date}</span>
    </div>`,
    )
    .join("\n")}
  </div>${next ? `<a class="dalej" href="${next}">dalej</a>` : ""}</body></html>`;
}

const source = (url: string, overrides: Record<string, unknown> = {}) =>
  htmlSourceSchema.parse({
    id: "sklep-test",
    type: "html",
    brands: ["zuraw"],
    schedule: "*/5 * * * *",
    url,
    selectors: {
      item: "div.opinia",
      id: "@data-id",
      text: "p.tekst",
      author: "span.autor",
      date: "span.data",
      rating: "div.ocena@data-gwiazdki",
      nextPage: "a.dalej@href",
    },
    ...overrides,
  });

const REVIEWS: Review[] = [
  { id: "101", stars: 5, text: "Zażółć gęślą jaźń — wszystko dotarło szybko.", author: "Łucja", date: "12.03.2026" },
  { id: "102", stars: 1, text: "Paczka zaginęła, obsługa nie odpisuje.", author: "Mirosław", date: "11 marca 2026" },
  { id: "103", stars: 4, text: "Dobra cena, dostawa dzień później niż obiecano.", author: "Ewa", date: "2026-03-10 18:30" },
];

describe("html source", () => {
  it("reads every review across pages, with rating, author, date and a deterministic id", async () => {
    const server = await serve((request, response) => {
      const page = request.path.includes("strona=2") ? 2 : 1;
      const body = page === 1 ? reviewPage(REVIEWS.slice(0, 2), "/opinie?strona=2") : reviewPage(REVIEWS.slice(2));
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
    });
    const result = await htmlAdapter.poll(source(`${server.url}/opinie`), context());
    expect(result.pages).toBe(2);
    expect(result.problems).toEqual([]);
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["101", "102", "103"]);
    const [first, second, third] = result.mentions;
    expect(first).toMatchObject({
      id: mentionId("sklep-test", "101"),
      text: "Zażółć gęślą jaźń — wszystko dotarło szybko.",
      author: { name: "Łucja" },
      rating: { value: 5, original: 5, scaleMin: 1, scaleMax: 5 },
      brandHints: ["zuraw"],
    });
    expect(first?.publishedAt.slice(0, 10)).toBe("2026-03-12");
    expect(second?.publishedAt.slice(0, 10)).toBe("2026-03-11");
    expect(third?.publishedAt).toBe("2026-03-10T17:30:00.000Z");
  });

  it("decodes windows-1250 and ISO-8859-2 pages byte-exact", async () => {
    for (const charset of ["windows-1250", "iso-8859-2"]) {
      const server = await serve((_request, response) => {
        response
          .writeHead(200, { "content-type": "text/html" })
          .end(iconv.encode(reviewPage([REVIEWS[0]!], undefined, charset), charset));
      });
      const result = await htmlAdapter.poll(source(`${server.url}/`), context());
      expect(result.mentions[0]?.text).toBe("Zażółć gęślą jaźń — wszystko dotarło szybko.".replace("—", charset === "iso-8859-2" ? "?" : "—"));
      expect(result.mentions[0]?.author?.name).toBe("Łucja");
    }
  });

  it("waits as long as a 429's Retry-After asks, then reads the page", async () => {
    let calls = 0;
    const server = await serve((_request, response) => {
      calls += 1;
      if (calls === 1) response.writeHead(429, { "retry-after": "1" }).end();
      else response.writeHead(200, { "content-type": "text/html" }).end(reviewPage(REVIEWS));
    });
    const started = Date.now();
    const result = await htmlAdapter.poll(source(`${server.url}/`), context());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.mentions).toHaveLength(3);
    expect(server.requests).toHaveLength(2);
  });

  it("fails a 403 at once with an error that says so, without hammering the site", async () => {
    const server = await serve((_request, response) => response.writeHead(403).end("Forbidden"));
    await expect(htmlAdapter.poll(source(`${server.url}/`), context())).rejects.toMatchObject({
      code: "SOURCE_HTTP",
      retryable: false,
      message: expect.stringContaining("HTTP 403"),
    });
    expect(server.requests).toHaveLength(1);
  });

  it("stops a next-page loop and never returns a review twice when pagination shifts", async () => {
    const server = await serve((request, response) => {
      // Page 2 repeats the last review of page 1 (a new review pushed it down) and links back to page 1.
      const body = request.path.includes("strona=2")
        ? reviewPage([REVIEWS[1]!, REVIEWS[2]!], "/opinie?strona=1")
        : reviewPage(REVIEWS.slice(0, 2), "/opinie?strona=2");
      response.writeHead(200, { "content-type": "text/html" }).end(body);
    });
    const result = await htmlAdapter.poll(source(`${server.url}/opinie?strona=1`), context());
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["101", "102", "103"]);
    expect(server.requests).toHaveLength(2);
  });

  it("stores plain text: scripts and markup in a review never reach the mention", async () => {
    const hostile: Review = {
      id: "666",
      stars: 1,
      text: 'Uwaga<script>alert("xss")</script> na <b>oszustów</b><img src=x onerror="alert(1)">!',
      author: "<i>anonim</i>",
      date: "01.02.2026",
    };
    const server = await serve((_request, response) => response.writeHead(200).end(reviewPage([hostile])));
    const [mention] = (await htmlAdapter.poll(source(`${server.url}/`), context())).mentions;
    expect(mention?.text).toBe("Uwaga na oszustów!");
    expect(mention?.author?.name).toBe("anonim");
  });

  it("reports items it cannot read instead of skipping them silently", async () => {
    const server = await serve((_request, response) =>
      response.writeHead(200).end(reviewPage([REVIEWS[0]!, { ...REVIEWS[1]!, date: "wczoraj" }])),
    );
    const result = await htmlAdapter.poll(source(`${server.url}/`), context());
    expect(result.mentions).toHaveLength(1);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.reason).toContain('found "wczoraj"');
  });

  it("reads the shop's answer under a review, its line breaks kept, and nothing for reviews without one", async () => {
    // A shop page as they are written: the answer in its own block, lines split by <br> and
    // paragraphs, some markup inside, the source's own line breaks and indentation between words.
    const page = `<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"></head><body>
      <div class="opinia" data-id="201">
        <div class="ocena" data-gwiazdki="2"></div>
        <p class="tekst">Dostawa trwała dwa tygodnie.</p>
        <span class="autor">Marek</span> <span class="data">12.03.2026</span>
        <div class="odpowiedz">
          <strong>Odpowiedź sklepu</strong> <time datetime="2026-03-13T09:15:00+01:00">13.03.2026</time>
          <div class="odpowiedz-tresc">Dzień dobry, Panie Marku,<br>
            przepraszamy za <b>opóźnienie</b> &mdash; kurier
            zgubił paczkę.<br><br>
            <p>Pozdrawiamy,</p><p>zespół <a href="/o-nas">Żurawia</a> &lt;3</p>
            <script>track("reply")</script>
          </div>
        </div>
      </div>
      <div class="opinia" data-id="202">
        <div class="ocena" data-gwiazdki="5"></div>
        <p class="tekst">Wszystko w porządku.</p>
        <span class="autor">Ola</span> <span class="data">11.03.2026</span>
      </div>
      <div class="opinia" data-id="203">
        <div class="ocena" data-gwiazdki="4"></div>
        <p class="tekst">Dobrze.</p>
        <span class="autor">Ewa</span> <span class="data">10.03.2026</span>
        <div class="odpowiedz"><div class="odpowiedz-tresc">Dziękujemy!</div></div>
      </div>
    </body></html>`;
    const server = await serve((_request, response) => response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page));
    const withReplies = source(`${server.url}/`, {
      selectors: {
        item: "div.opinia",
        id: "@data-id",
        text: "p.tekst",
        author: "span.autor",
        date: "span.data",
        rating: "div.ocena@data-gwiazdki",
        reply: "div.odpowiedz-tresc",
        replyDate: "div.odpowiedz time@datetime",
      },
    });
    const result = await htmlAdapter.poll(withReplies, context());
    expect(result.problems).toEqual([]);
    const [answered, unanswered, undated] = result.mentions;
    expect(answered?.reply).toEqual({
      text: "Dzień dobry, Panie Marku,\nprzepraszamy za opóźnienie — kurier zgubił paczkę.\n\nPozdrawiamy,\n\nzespół Żurawia <3",
      publishedAt: "2026-03-13T08:15:00.000Z",
    });
    // The review's own text and date are the review's, not the answer's.
    expect(answered).toMatchObject({ text: "Dostawa trwała dwa tygodnie.", author: { name: "Marek" } });
    expect(answered?.publishedAt.slice(0, 10)).toBe("2026-03-12");
    expect(unanswered).not.toHaveProperty("reply");
    // An answer without a date is still an answer.
    expect(undated?.reply).toEqual({ text: "Dziękujemy!" });

    // Without the selector, answers are not read (and nothing else changes).
    const without = await htmlAdapter.poll(source(`${server.url}/`, { selectors: { ...withReplies.selectors, reply: undefined, replyDate: undefined } }), context());
    expect(without.mentions.map((mention) => mention.reply)).toEqual([undefined, undefined, undefined]);
    expect(without.mentions.map((mention) => mention.text)).toEqual(result.mentions.map((mention) => mention.text));
  });

  it("takes a review of stars only, without words, and still reports an item with neither text nor stars", async () => {
    const server = await serve((_request, response) =>
      response.writeHead(200).end(
        `<html><body>
          <div class="opinia" data-id="301"><div class="ocena" data-gwiazdki="5"></div><span class="autor">Anna</span> <span class="data">12.03.2026</span></div>
          <div class="opinia" data-id="302"><span class="autor">Nikt</span> <span class="data">12.03.2026</span></div>
        </body></html>`,
      ),
    );
    const result = await htmlAdapter.poll(source(`${server.url}/`), context());
    expect(result.mentions).toHaveLength(1);
    expect(result.mentions[0]).toMatchObject({ nativeId: "301", text: "", rating: { value: 5 }, author: { name: "Anna" } });
    expect(result.problems.map((problem) => problem.reason)).toEqual(['item 302 has no text (selector "p.tekst")']);
  });

  it("refuses a response larger than the size limit", async () => {
    const server = await serve((_request, response) => response.writeHead(200).end("x".repeat(2 * 1024 * 1024)));
    const small = new HttpClient({ logger, minIntervalMsPerHost: 0, maxBytes: 1024 * 1024, allowPrivateHosts: true });
    await expect(htmlAdapter.poll(source(`${server.url}/`), context({ http: small }))).rejects.toThrow(/larger than/);
  });
});
