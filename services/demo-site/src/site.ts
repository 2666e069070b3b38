import { createServer, type IncomingMessage, type Server } from "node:http";
import { z } from "zod";
import type { Logger } from "@odzew/core";
import { checkReplyAuth, checkReplyText, replyPathId } from "./reply-api.ts";
import { LATER_REVIEWS, SEED_REVIEWS, type DemoReply, type DemoReview } from "./reviews.ts";

const PAGE_SIZE = 5;

export const newReviewSchema = z.strictObject({
  author: z.string().min(1).max(200),
  /** A customer may leave the title, or the text (stars only), empty. */
  title: z.string().max(300).default(""),
  text: z.string().max(10_000).default(""),
  rating: z.number().int().min(1).max(5),
});

export type NewReview = z.input<typeof newReviewSchema>;

/**
 * An outage of the review pages, to try Odzew's source health in the demo: `PUT /api/outage`
 * with `{"status": 403}` (a refusal, as a bot wall gives), 429 or a 5xx; `DELETE /api/outage` ends it.
 */
export const outageSchema = z.strictObject({ status: z.union([z.literal(403), z.literal(429), z.literal(500), z.literal(502), z.literal(503)]) });

const OUTAGE_PAGES: Record<number, string> = {
  403: "<!doctype html><title>403 Forbidden</title><h1>Dostęp zabroniony</h1>",
  429: "<!doctype html><title>429 Too Many Requests</title><h1>Za dużo zapytań</h1>",
};

export interface DemoSite {
  url: string;
  /** Publish a review as if a customer had just written it. */
  publish(review: NewReview, publishedAt?: Date): DemoReview;
  reviews(): DemoReview[];
  stop(): Promise<void>;
}

/**
 * A stand-in for a Polish review site: an HTML page of reviews, newest first, five per page,
 * with star ratings in a data attribute and a "next page" link. Reviews can be published while
 * it runs (`POST /api/reviews`), and it can publish one by itself every few seconds. The shop
 * answers reviews through its reply API (`/api/reviews/{id}/reply`, see reply-api.ts) with the
 * bearer token `replyToken`; the answer is shown under its review ("Odpowiedź sklepu"). Its
 * review pages can be taken down on request (`/api/outage`, see outageSchema).
 */
export async function startDemoSite(options: {
  port: number;
  host?: string;
  logger: Logger;
  seed?: boolean;
  /** Publish one of the later reviews every so many milliseconds (0: never). */
  newReviewEveryMs?: number;
  /** The reply API's bearer token; without one the site refuses replies (503, saying why). */
  replyToken?: string;
}): Promise<DemoSite> {
  const reviews: DemoReview[] = [];
  let counter = 0;
  let outage: number | undefined;
  const publish = (review: NewReview, publishedAt = new Date()): DemoReview => {
    counter += 1;
    const stored: DemoReview = { ...newReviewSchema.parse(review), id: `r-${1000 + counter}`, publishedAt: publishedAt.toISOString() };
    reviews.unshift(stored);
    return stored;
  };
  if (options.seed ?? true) {
    const now = Date.now();
    // Oldest first, so the newest seed review ends on top.
    SEED_REVIEWS.forEach((review, index) => publish(review, new Date(now - (SEED_REVIEWS.length - index) * 3_600_000 * 7)));
  }

  const server: Server = createServer((req, res) => {
    void handle(req).then(
      ({ status, type, body, headers }) => res.writeHead(status, { ...(type ? { "content-type": type } : {}), ...headers }).end(body),
      (error: unknown) => {
        options.logger.error({ err: error }, "demo site error");
        res.writeHead(500).end();
      },
    );
  });

  async function handle(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? "/", "http://demo.local");
    const replyTo = replyPathId(url.pathname);
    if (replyTo !== undefined) return handleReply(req, replyTo);
    if (url.pathname === "/api/outage") return handleOutage(req);
    if (req.method === "GET" && (url.pathname === "/" || url.pathname === "/opinie")) {
      if (outage !== undefined) {
        const body = OUTAGE_PAGES[outage] ?? "<!doctype html><title>Błąd serwera</title><h1>Sklep chwilowo niedostępny</h1>";
        return { status: outage, type: "text/html; charset=utf-8", body, ...(outage === 429 || outage === 503 ? { headers: { "retry-after": "5" } } : {}) };
      }
      const page = Math.max(1, Number.parseInt(url.searchParams.get("strona") ?? "1", 10) || 1);
      return { status: 200, type: "text/html; charset=utf-8", body: renderPage(reviews, page) };
    }
    if (req.method === "POST" && url.pathname === "/api/reviews") {
      const parsed = newReviewSchema.safeParse(await readJson(req));
      if (!parsed.success) return { status: 400, type: "application/json", body: JSON.stringify({ error: parsed.error.issues }) };
      return { status: 201, type: "application/json", body: JSON.stringify(publish(parsed.data)) };
    }
    if (url.pathname === "/healthz") return { status: 200, type: "application/json", body: '{"status":"ok"}' };
    return { status: 404, type: "text/plain; charset=utf-8", body: "Nie znaleziono" };
  }

  /** Takes the review pages down with the status asked for (PUT), or brings them back (DELETE). */
  async function handleOutage(req: IncomingMessage): Promise<Answer> {
    if (req.method === "DELETE") {
      if (outage !== undefined) options.logger.info({ status: outage }, "the review pages are back");
      outage = undefined;
      return { status: 204, body: "" };
    }
    if (req.method === "GET") return json(200, { outage: outage ?? null });
    if (req.method !== "PUT") return { ...json(405, { error: "Dozwolone metody: GET, PUT, DELETE" }), headers: { allow: "GET, PUT, DELETE" } };
    const parsed = outageSchema.safeParse(await readJson(req));
    if (!parsed.success) return json(400, { error: 'oczekiwano {"status": 403 | 429 | 500 | 502 | 503}' });
    outage = parsed.data.status;
    options.logger.warn({ status: outage }, "the review pages are down on request (DELETE /api/outage brings them back)");
    return json(200, { outage });
  }

  /** The shop's reply API: the protocol in reply-api.ts. */
  async function handleReply(req: IncomingMessage, reviewId: string): Promise<Answer> {
    if (req.method !== "GET" && req.method !== "PUT" && req.method !== "DELETE") {
      return { ...json(405, { error: "Dozwolone metody: GET, PUT, DELETE" }), headers: { allow: "GET, PUT, DELETE" } };
    }
    const auth = checkReplyAuth(req.headers.authorization, options.replyToken);
    if (!auth.ok) {
      return { ...json(auth.status, { error: auth.error }), ...(auth.challenge ? { headers: { "www-authenticate": auth.challenge } } : {}) };
    }
    const review = reviews.find((candidate) => candidate.id === reviewId);
    if (!review) return json(404, { error: "Nie ma takiej opinii" });
    if (req.method === "GET") return json(200, { reply: review.reply ?? null });
    if (req.method === "DELETE") {
      if (review.reply) options.logger.info({ id: review.id }, "the shop deleted its reply");
      delete review.reply;
      return { status: 204, body: "" };
    }
    const checked = checkReplyText(await readJson(req));
    if (!checked.ok) return json(400, { error: checked.error });
    const reply: DemoReply = { text: checked.text, updatedAt: new Date().toISOString() };
    review.reply = reply;
    options.logger.info({ id: review.id, chars: [...reply.text].length }, "the shop answered a review");
    return json(200, { reply });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;

  let next = 0;
  const timer =
    options.newReviewEveryMs && options.newReviewEveryMs > 0
      ? setInterval(() => {
          const review = LATER_REVIEWS[next % LATER_REVIEWS.length];
          next += 1;
          if (review) {
            const stored = publish(review);
            options.logger.info({ id: stored.id, rating: stored.rating }, "a customer wrote a new review");
          }
        }, options.newReviewEveryMs)
      : undefined;

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    publish,
    reviews: () => [...reviews],
    stop: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Answer {
  status: number;
  type?: string;
  body: string;
  headers?: Record<string, string>;
}

const json = (status: number, body: unknown): Answer => ({ status, type: "application/json; charset=utf-8", body: JSON.stringify(body) });

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);

function formatDate(iso: string): string {
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`;
}

/** The shop's answer under its review, line breaks kept, like a real shop's "Odpowiedź sklepu". */
function renderReply(reply: DemoReply): string {
  return `
      <div class="odpowiedz">
        <strong>Odpowiedź sklepu</strong>, <time class="odpowiedz-data" datetime="${reply.updatedAt}">${formatDate(reply.updatedAt)}</time>
        <p class="odpowiedz-tresc">${reply.text.split("\n").map(escape).join("<br>\n")}</p>
      </div>`;
}

function renderPage(reviews: DemoReview[], page: number): string {
  const pages = Math.max(1, Math.ceil(reviews.length / PAGE_SIZE));
  const shown = reviews.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const items = shown
    .map(
      (review) => `
    <article class="opinia" data-opinia-id="${escape(review.id)}">
      <header>
        <span class="gwiazdki" data-ocena="${review.rating}" title="Ocena ${review.rating} na 5">${"★".repeat(review.rating)}${"☆".repeat(5 - review.rating)}</span>
${review.title ? `        <h3 class="tytul">${escape(review.title)}</h3>\n` : ""}      </header>
${review.text ? `      <p class="tresc">${escape(review.text)}</p>\n` : ""}      <footer>
        <span class="autor">${escape(review.author)}</span>,
        <time datetime="${review.publishedAt}">${formatDate(review.publishedAt)}</time>
      </footer>${review.reply ? renderReply(review.reply) : ""}
    </article>`,
    )
    .join("\n");
  const next = page < pages ? `<a class="nastepna" rel="next" href="/opinie?strona=${page + 1}">Następna strona »</a>` : "";
  return `<!doctype html>
<html lang="pl">
<head><meta charset="utf-8"><title>Opinie o księgarni Żuraw — strona ${page}</title></head>
<body>
  <h1>Opinie klientów księgarni Żuraw</h1>
  <p class="podsumowanie">${reviews.length} opinii</p>
  <section class="opinie">${items}
  </section>
  <nav class="stronicowanie">${next}</nav>
</body>
</html>`;
}
