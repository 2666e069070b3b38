import { createServer, type IncomingMessage, type Server } from "node:http";
import { z } from "zod";
import type { Logger } from "@odzew/core";
import { LATER_REVIEWS, SEED_REVIEWS, type DemoReview } from "./reviews.ts";

const PAGE_SIZE = 5;

export const newReviewSchema = z.strictObject({
  author: z.string().min(1).max(200),
  title: z.string().min(1).max(300),
  text: z.string().min(1).max(10_000),
  rating: z.number().int().min(1).max(5),
});

export interface DemoSite {
  url: string;
  /** Publish a review as if a customer had just written it. */
  publish(review: z.infer<typeof newReviewSchema>, publishedAt?: Date): DemoReview;
  reviews(): DemoReview[];
  stop(): Promise<void>;
}

/**
 * A stand-in for a Polish review site: an HTML page of reviews, newest first, five per page,
 * with star ratings in a data attribute and a "next page" link. Reviews can be published while
 * it runs (`POST /api/reviews`), and it can publish one by itself every few seconds.
 */
export async function startDemoSite(options: {
  port: number;
  host?: string;
  logger: Logger;
  seed?: boolean;
  /** Publish one of the later reviews every so many milliseconds (0: never). */
  newReviewEveryMs?: number;
}): Promise<DemoSite> {
  const reviews: DemoReview[] = [];
  let counter = 0;
  const publish = (review: z.infer<typeof newReviewSchema>, publishedAt = new Date()): DemoReview => {
    counter += 1;
    const stored: DemoReview = { ...review, id: `r-${1000 + counter}`, publishedAt: publishedAt.toISOString() };
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
      ({ status, type, body }) => res.writeHead(status, { "content-type": type }).end(body),
      (error: unknown) => {
        options.logger.error({ err: error }, "demo site error");
        res.writeHead(500).end();
      },
    );
  });

  async function handle(req: IncomingMessage): Promise<{ status: number; type: string; body: string }> {
    const url = new URL(req.url ?? "/", "http://demo.local");
    if (req.method === "GET" && (url.pathname === "/" || url.pathname === "/opinie")) {
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

function renderPage(reviews: DemoReview[], page: number): string {
  const pages = Math.max(1, Math.ceil(reviews.length / PAGE_SIZE));
  const shown = reviews.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const items = shown
    .map(
      (review) => `
    <article class="opinia" data-opinia-id="${escape(review.id)}">
      <header>
        <span class="gwiazdki" data-ocena="${review.rating}" title="Ocena ${review.rating} na 5">${"★".repeat(review.rating)}${"☆".repeat(5 - review.rating)}</span>
        <h3 class="tytul">${escape(review.title)}</h3>
      </header>
      <p class="tresc">${escape(review.text)}</p>
      <footer>
        <span class="autor">${escape(review.author)}</span>,
        <time datetime="${review.publishedAt}">${formatDate(review.publishedAt)}</time>
      </footer>
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
