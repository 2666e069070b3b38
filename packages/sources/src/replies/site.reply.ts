import { OdzewError, describeError } from "@odzew/core";
import type { HtmlSourceConfig } from "@odzew/schema";
import type { HttpMethod } from "../http-client.ts";
import type { ReplyAdapter, ReplyContext, StoreReply } from "./adapter.ts";
import { checkReplyText, isRecord, parseStoreJson, scrubSecrets, storeRefusal, unclearReply } from "./common.ts";

/**
 * A site's own reply endpoint (a shop's review system; the demo site speaks it), configured on an
 * html source as `reply: { url: "https://shop.example/api/reviews/{id}/reply", tokenEnv, maxLength, canDelete }`:
 *
 * - `GET url` → 200 `{"reply": null}` or `{"reply": {"text": "…", "updatedAt": "ISO"}}`; 404 `{"error": "…"}`: no such review.
 * - `PUT url` with `{"text": "…"}` → 200 `{"reply": {…}}`; 400 `{"error": "…"}`: the text is refused.
 * - `DELETE url` → 204.
 * - Every request carries `Authorization: Bearer <token>`; 401: the token is wrong; 429 with Retry-After; 5xx.
 *
 * The client's own retries are not relied on: the responder gives a client that tries once and
 * decides itself (a PUT answered with a 5xx may have been stored; it asks `current` first).
 */
export const siteReplyAdapter: ReplyAdapter<HtmlSourceConfig> = {
  capability(source) {
    if (!source.reply) {
      return {
        canReply: false,
        reason: "the site has no reply endpoint configured (reply: { url, tokenEnv } on the source): answer on the review's page and record the reply here",
      };
    }
    return { canReply: true, maxLength: source.reply.maxLength, canDelete: source.reply.canDelete };
  },

  async current(source, nativeId, context) {
    const body = await call(source, nativeId, context, "GET");
    return replyOf(body, source, "GET");
  },

  async post(source, nativeId, text, context) {
    checkReplyText(text, configured(source), siteName(source));
    const body = await call(source, nativeId, context, "PUT", JSON.stringify({ text }));
    // A site answering 204 (as HTTP allows for a PUT) says what it now shows only when asked.
    const reply = body.trim() === "" ? await siteReplyAdapter.current(source, nativeId, context) : replyOf(body, source, "PUT");
    if (!reply) {
      // The site said it stored the reply and then shows none: what it did is unclear.
      throw new OdzewError("REPLY_UNAVAILABLE", `${siteName(source)} answered the reply with {"reply": null}; asking it again what it shows`, {
        retryable: true,
        context: { source: source.id },
      });
    }
    return reply;
  },

  async remove(source, nativeId, context) {
    if (source.reply && !source.reply.canDelete) {
      throw new OdzewError("REPLY_FORBIDDEN", `the source ${source.id} is configured with canDelete: false: delete the reply on the site itself`, {
        context: { source: source.id },
      });
    }
    await call(source, nativeId, context, "DELETE");
  },
};

/** The `reply` of a site's answer; a body that is not the protocol's is an unclear outcome. */
function replyOf(body: string, source: HtmlSourceConfig, method: HttpMethod): StoreReply | undefined {
  const json = parseStoreJson(`${siteName(source)}'s reply endpoint`, method, body);
  const reply = isRecord(json) ? json.reply : undefined;
  if (reply === null) return undefined;
  if (!isRecord(reply) || typeof reply.text !== "string" || (reply.updatedAt !== undefined && typeof reply.updatedAt !== "string")) {
    throw unclearReply(`${siteName(source)}'s reply endpoint`, method, 'its answer is not {"reply": null} or {"reply": {"text": "…", "updatedAt": "…"}}');
  }
  return { text: reply.text, ...(typeof reply.updatedAt === "string" ? { updatedAt: reply.updatedAt } : {}) };
}

/** The endpoint of one review: `{id}` replaced by its native id, URL-encoded. */
export function siteReplyUrl(source: HtmlSourceConfig, nativeId: string): string {
  const reply = configured(source);
  return reply.url.replaceAll("{id}", encodeURIComponent(nativeId));
}

function configured(source: HtmlSourceConfig): NonNullable<HtmlSourceConfig["reply"]> {
  if (!source.reply) {
    throw new OdzewError("REPLY_NOT_CONFIGURED", `the source ${source.id} has no reply endpoint: add reply: { url, tokenEnv } to it in sources.yaml`, {
      context: { source: source.id },
    });
  }
  return source.reply;
}

function siteName(source: HtmlSourceConfig): string {
  try {
    return new URL(configured(source).url.replaceAll("{id}", "x")).host;
  } catch {
    return source.id;
  }
}

async function call(source: HtmlSourceConfig, nativeId: string, context: ReplyContext, method: HttpMethod, body?: string): Promise<string> {
  const reply = configured(source);
  const token = context.secret(reply.tokenEnv)?.trim();
  if (!token) {
    throw new OdzewError(
      "REPLY_NOT_CONFIGURED",
      `the environment variable ${reply.tokenEnv} (the reply token of ${siteName(source)}) is not set: the responder cannot answer the source ${source.id}`,
      { context: { source: source.id, variable: reply.tokenEnv } },
    );
  }
  const url = siteReplyUrl(source, nativeId);
  try {
    const page = await context.http.forSource(source).request(method, url, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return page.text;
  } catch (error) {
    throw replyError(source, method, error, token);
  }
}

/** What the HTTP client's failure means for a reply, with the site's own words. */
function replyError(source: HtmlSourceConfig, method: HttpMethod, error: unknown, token: string): OdzewError {
  const site = siteName(source);
  const base = { source: source.id };
  if (!(error instanceof OdzewError)) {
    return new OdzewError("REPLY_UNAVAILABLE", `${method} to ${site}: ${scrubSecrets(describeError(error), [token], "[token]")}`, { retryable: true, context: base });
  }
  if (error.code === "SOURCE_FORBIDDEN_ADDRESS") {
    return new OdzewError("REPLY_NOT_CONFIGURED", scrubSecrets(error.message, [token], "[token]"), { context: base });
  }
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  if (status === undefined) {
    // No answer at all (network, deadline): the site may have stored the reply.
    return new OdzewError("REPLY_UNAVAILABLE", `${method} to ${site}: no answer (${scrubSecrets(error.message, [token], "[token]")})`, {
      retryable: true,
      cause: error,
      context: base,
    });
  }
  return storeRefusal({
    store: site,
    status,
    said: siteSaid(error.context.body, token),
    retryAfterMs: typeof error.context.retryAfterMs === "number" ? error.context.retryAfterMs : undefined,
    context: base,
    sentences: {
      REPLY_AUTH: `${site} refused the reply token in ${configured(source).tokenEnv} (HTTP 401); set the site's current token there`,
      REPLY_FORBIDDEN: `${site} does not let this token answer this review (HTTP 403)`,
    },
  });
}

/** The site's `{"error": "…"}`, or the start of whatever it answered; never the token. */
function siteSaid(body: unknown, token: string): string | undefined {
  if (typeof body !== "string" || body === "") return undefined;
  let said = body;
  try {
    const json: unknown = JSON.parse(body);
    if (isRecord(json) && typeof json.error === "string") said = json.error;
  } catch {
    // Not JSON: the snippet as it is.
  }
  return scrubSecrets(said, [token], "[token]").slice(0, 300);
}

