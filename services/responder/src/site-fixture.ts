import type { IncomingMessage, ServerResponse } from "node:http";
import { startFixtureServer } from "@odzew/testing";

/**
 * A shop's review site speaking the site reply protocol (see `site.reply.ts` in packages/sources),
 * for the responder's tests: reviews and their replies in memory, the bearer token checked, the
 * error bodies `{"error": "…"}` in Polish as a Polish shop writes them, and faults to script into
 * the next write (PUT or DELETE):
 *
 * - `reject`: 400 with the site's reason, nothing stored;
 * - `unavailable`: 503, nothing stored;
 * - `accept-then-5xx`: the reply is stored, then 502 (the unclear case);
 * - `rate-limit`: 429 with `Retry-After: 1`, nothing stored;
 * - `accept-then-hang`: the reply is stored and no answer ever comes (a responder killed mid-send).
 *
 * `failNextRead` scripts a 429 or 503 into the next GETs.
 */
export type SiteFault = "reject" | "unavailable" | "accept-then-5xx" | "rate-limit" | "accept-then-hang";

export interface SiteRequest {
  method: string;
  /** The review id from the path, decoded. */
  reviewId: string;
  authorized: boolean;
  /** PUT: the text sent. */
  text?: string;
  /** What the site answered (0 while it hangs). */
  status: number;
}

export interface SiteReply {
  text: string;
  updatedAt: string;
}

export async function startSiteFixture(options: { token: string; reviewIds: string[]; maxLength?: number; rejectReason?: string }) {
  const maxLength = options.maxLength ?? 1000;
  const reviews = new Map<string, SiteReply | null>(options.reviewIds.map((id) => [id, null]));
  const faults: SiteFault[] = [];
  const readFaults: ("rate-limit" | "unavailable")[] = [];
  const requests: SiteRequest[] = [];
  const hanging: ServerResponse[] = [];

  const answer = (response: ServerResponse, entry: SiteRequest, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    entry.status = status;
    if (body === undefined) response.writeHead(status, headers).end();
    else response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
  };

  const server = await startFixtureServer(async (request, response) => {
    const match = /^\/api\/reviews\/([^/?]+)\/reply$/.exec(request.path);
    if (!match?.[1]) return response.writeHead(404, { "content-type": "application/json" }).end('{"error":"Nie ma takiej strony"}');
    const reviewId = decodeURIComponent(match[1]);
    const body = await readBody(response.req);
    const entry: SiteRequest = { method: request.method, reviewId, authorized: request.headers.authorization === `Bearer ${options.token}`, status: 0 };
    requests.push(entry);
    if (!entry.authorized) return answer(response, entry, 401, { error: "Nieprawidłowy token" });
    if (!reviews.has(reviewId)) return answer(response, entry, 404, { error: "Nie ma takiej opinii" });

    if (request.method === "GET") {
      const readFault = readFaults.shift();
      if (readFault === "rate-limit") return answer(response, entry, 429, { error: "Za dużo żądań" }, { "retry-after": "1" });
      if (readFault === "unavailable") return answer(response, entry, 503, { error: "Przerwa techniczna, spróbuj za chwilę" });
      return answer(response, entry, 200, { reply: reviews.get(reviewId) ?? null });
    }
    const fault = request.method === "PUT" || request.method === "DELETE" ? faults.shift() : undefined;
    if (fault === "reject") return answer(response, entry, 400, { error: options.rejectReason ?? "Odpowiedź zawiera niedozwolone słowa" });
    if (fault === "unavailable") return answer(response, entry, 503, { error: "Przerwa techniczna, spróbuj za chwilę" });
    if (fault === "rate-limit") return answer(response, entry, 429, { error: "Za dużo żądań" }, { "retry-after": "1" });

    if (request.method === "DELETE") {
      reviews.set(reviewId, null);
      return answer(response, entry, 204);
    }
    if (request.method !== "PUT") return answer(response, entry, 405, { error: "Metoda niedozwolona" });
    let text: unknown;
    try {
      text = (JSON.parse(body) as { text?: unknown }).text;
    } catch {
      return answer(response, entry, 400, { error: "Treść nie jest poprawnym JSON-em" });
    }
    if (typeof text !== "string" || text.trim() === "") return answer(response, entry, 400, { error: "Odpowiedź nie może być pusta" });
    entry.text = text;
    if (text.length > maxLength) return answer(response, entry, 400, { error: `Odpowiedź ma ${text.length} znaków, a może mieć najwyżej ${maxLength}` });
    const reply = { text, updatedAt: new Date().toISOString() };
    reviews.set(reviewId, reply);
    if (fault === "accept-then-5xx") return answer(response, entry, 502, { error: "Bad gateway" });
    if (fault === "accept-then-hang") {
      hanging.push(response);
      return;
    }
    return answer(response, entry, 200, { reply });
  });

  return {
    url: server.url,
    /** The `reply.url` of an html source pointing here. */
    replyUrl: `${server.url}/api/reviews/{id}/reply`,
    requests,
    /** Requests that changed (or tried to change) a reply. */
    writes: () => requests.filter((request) => request.method === "PUT" || request.method === "DELETE"),
    reply: (reviewId: string) => reviews.get(reviewId) ?? undefined,
    failNext(...kinds: SiteFault[]) {
      faults.push(...kinds);
    },
    /** Faults for the next reads (GET): a 429 or a 503, nothing else changes. */
    failNextRead(...kinds: ("rate-limit" | "unavailable")[]) {
      readFaults.push(...kinds);
    },
    async close() {
      for (const response of hanging.splice(0)) response.destroy();
      await server.close();
    },
  };
}

export type SiteFixture = Awaited<ReturnType<typeof startSiteFixture>>;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
