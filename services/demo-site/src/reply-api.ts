import { timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * The demo shop's reply API, the protocol of a site's own review system that Odzew's `site`
 * reply adapter speaks (see the html source's `reply:` block):
 *
 * - `GET /api/reviews/{id}/reply` → 200 `{"reply": null}` or `{"reply": {"text", "updatedAt"}}`;
 * - `PUT` the same path with `{"text": "…"}` → 200 `{"reply": {…}}`; 400 `{"error"}` for an
 *   empty or too long text;
 * - `DELETE` → 204 (also when there was no reply);
 * - 404 `{"error": "Nie ma takiej opinii"}` for an unknown review, 401 without the right
 *   `Authorization: Bearer <token>`, 503 when the site has no token configured at all.
 *
 * The rules here are pure; site.ts does the HTTP.
 */

/** The longest reply the shop accepts, in characters (Unicode code points). */
export const REPLY_MAX_CHARS = 1000;

export const REPLY_PATH = /^\/api\/reviews\/([^/]+)\/reply$/;

export const replyBodySchema = z.object({ text: z.string() });

export type ReplyTextCheck = { ok: true; text: string } | { ok: false; error: string };

/** What the shop stores of a submitted text: line endings unified, outer whitespace trimmed; refused when empty or too long. */
export function checkReplyText(body: unknown): ReplyTextCheck {
  const parsed = replyBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: 'Treść żądania musi być obiektem JSON {"text": "…"}' };
  const text = parsed.data.text.replace(/\r\n?/g, "\n").trim();
  if (text === "") return { ok: false, error: "Odpowiedź nie może być pusta" };
  const length = [...text].length;
  if (length > REPLY_MAX_CHARS) {
    return { ok: false, error: `Odpowiedź może mieć najwyżej ${REPLY_MAX_CHARS} znaków, a ma ${length} (o ${length - REPLY_MAX_CHARS} za dużo)` };
  }
  return { ok: true, text };
}

export type ReplyAuth = { ok: true } | { ok: false; status: 401 | 503; error: string; challenge?: string };

/**
 * Whether a request's Authorization header carries the site's reply token (compared in constant
 * time). A 401 carries the `WWW-Authenticate` challenge of RFC 6750 §3: without credentials just
 * the scheme and realm, with a wrong token `error="invalid_token"` too.
 */
export function checkReplyAuth(authorization: string | undefined, token: string | undefined): ReplyAuth {
  if (!token) {
    return { ok: false, status: 503, error: "Odpowiedzi są wyłączone: sklep nie ma ustawionego tokenu (DEMO_SITE_REPLY_TOKEN)" };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const given = Buffer.from(match?.[1] ?? "", "utf8");
  const expected = Buffer.from(token, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    const realm = 'Bearer realm="odpowiedzi"';
    return {
      ok: false,
      status: 401,
      error: "Brak lub nieprawidłowy token: wyślij nagłówek Authorization: Bearer <token>",
      challenge: match ? `${realm}, error="invalid_token"` : realm,
    };
  }
  return { ok: true };
}

/** The review id of a reply path (`{id}` is URL-encoded), or undefined when the path is not one. */
export function replyPathId(pathname: string): string | undefined {
  const match = REPLY_PATH.exec(pathname);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}
