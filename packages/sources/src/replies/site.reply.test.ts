import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { htmlSourceSchema } from "@odzew/schema";
import { testLogger, useFixtureServers, type FixtureRequest } from "@odzew/testing";
import { HttpClient } from "../http-client.ts";
import type { ReplyContext } from "./adapter.ts";
import { replyAdapterFor, replyCapability } from "./registry.ts";
import { siteReplyAdapter, siteReplyUrl } from "./site.reply.ts";

const logger = testLogger("site-reply");
const serve = useFixtureServers();
const TOKEN = "site-reply-token-5f2b9c";

const source = (baseUrl: string, reply: Record<string, unknown> | null = { url: `${baseUrl}/api/reviews/{id}/reply`, tokenEnv: "SHOP_REPLY_TOKEN" }, network = { allowPrivate: true }) =>
  htmlSourceSchema.parse({
    id: "sklep-zuraw",
    type: "html",
    schedule: "*/15 * * * *",
    url: `${baseUrl}/opinie`,
    selectors: { item: ".opinia", id: "@data-id", text: ".tresc", date: "time@datetime" },
    network,
    ...(reply ? { reply } : {}),
  });

/** What the responder gives an adapter: a client that tries once (it decides about retries itself). */
const context = (overrides: Partial<ReplyContext> = {}): ReplyContext => ({
  http: new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, timeoutMs: 5_000 }),
  secret: (name) => (name === "SHOP_REPLY_TOKEN" ? TOKEN : undefined),
  now: new Date("2026-11-29T12:00:00.000Z"),
  ...overrides,
});

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** A site answering each request with the next scripted answer, recording what it was asked (bodies included). */
async function site(answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>) {
  const seen: Seen[] = [];
  const server = await serve(async (request: FixtureRequest, response: ServerResponse) => {
    const body = await readBody(response.req);
    seen.push({
      method: request.method,
      path: request.path,
      authorization: request.headers.authorization,
      contentType: request.headers["content-type"],
      body,
    });
    const answer = answers.shift() ?? { status: 500, body: { error: "no more answers scripted" } };
    const json = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    response.writeHead(answer.status, { ...(json ? { "content-type": "application/json; charset=utf-8" } : {}), ...answer.headers }).end(json);
  });
  return { url: server.url, seen };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

describe("site reply adapter", () => {
  it("is the reply adapter of html sources, able to reply only when the source has a reply endpoint", () => {
    const withEndpoint = source("http://127.0.0.1:1");
    expect(replyAdapterFor(withEndpoint)).toBe(siteReplyAdapter);
    expect(replyCapability(withEndpoint)).toEqual({ canReply: true, maxLength: 1000, canDelete: true });
    expect(replyCapability(source("http://127.0.0.1:1", { url: "http://127.0.0.1:1/r/{id}", tokenEnv: "T", maxLength: 500, canDelete: false }))).toEqual({
      canReply: true,
      maxLength: 500,
      canDelete: false,
    });
    const without = replyCapability(source("http://127.0.0.1:1", null));
    expect(without).toMatchObject({ canReply: false });
    expect(without.canReply === false && without.reason).toMatch(/reply: \{ url, tokenEnv \}/);
  });

  it("refuses a reply URL without {id} when the sources file is read", () => {
    const result = htmlSourceSchema.safeParse({
      id: "x",
      type: "html",
      schedule: "* * * * *",
      url: "https://shop.example/opinie",
      selectors: { item: ".o", id: "@data-id", text: ".t", date: "time" },
      reply: { url: "https://shop.example/api/reviews/reply", tokenEnv: "SHOP_REPLY_TOKEN" },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["reply", "url"], message: expect.stringContaining("{id}") });
  });

  it("reads the current reply with the bearer token, the review id URL-encoded in the path", async () => {
    const shop = await site([
      { status: 200, body: { reply: null } },
      { status: 200, body: { reply: { text: "Dziękujemy za opinię!", updatedAt: "2026-11-29T10:00:00.000Z" } } },
    ]);
    const config = source(shop.url);
    expect(siteReplyUrl(config, "op/12 ą")).toBe(`${shop.url}/api/reviews/op%2F12%20%C4%85/reply`);

    await expect(siteReplyAdapter.current(config, "op/12 ą", context())).resolves.toBeUndefined();
    await expect(siteReplyAdapter.current(config, "op-13", context())).resolves.toEqual({
      text: "Dziękujemy za opinię!",
      updatedAt: "2026-11-29T10:00:00.000Z",
    });
    expect(shop.seen.map(({ method, path, authorization }) => ({ method, path, authorization }))).toEqual([
      { method: "GET", path: "/api/reviews/op%2F12%20%C4%85/reply", authorization: `Bearer ${TOKEN}` },
      { method: "GET", path: "/api/reviews/op-13/reply", authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it("posts the text as JSON with PUT and returns what the site now shows", async () => {
    const shop = await site([{ status: 200, body: { reply: { text: "Dzień dobry, dziękujemy!", updatedAt: "2026-11-29T12:00:01.000Z" } } }]);
    const shown = await siteReplyAdapter.post(source(shop.url), "op-1", "Dzień dobry, dziękujemy!", context());
    expect(shown).toEqual({ text: "Dzień dobry, dziękujemy!", updatedAt: "2026-11-29T12:00:01.000Z" });
    expect(shop.seen).toEqual([
      {
        method: "PUT",
        path: "/api/reviews/op-1/reply",
        authorization: `Bearer ${TOKEN}`,
        contentType: "application/json",
        body: JSON.stringify({ text: "Dzień dobry, dziękujemy!" }),
      },
    ]);
  });

  it("reads what the site shows after a PUT answered 204 without a body", async () => {
    const shop = await site([{ status: 204 }, { status: 200, body: { reply: { text: "Dziękujemy!", updatedAt: "2026-11-29T12:00:02.000Z" } } }]);
    await expect(siteReplyAdapter.post(source(shop.url), "op-1", "Dziękujemy!", context())).resolves.toEqual({ text: "Dziękujemy!", updatedAt: "2026-11-29T12:00:02.000Z" });
    expect(shop.seen.map((request) => request.method)).toEqual(["PUT", "GET"]);
  });

  it("deletes with DELETE (204), and refuses to when the source says canDelete: false", async () => {
    const shop = await site([{ status: 204 }]);
    await expect(siteReplyAdapter.remove(source(shop.url), "op-1", context())).resolves.toBeUndefined();
    expect(shop.seen.map((request) => `${request.method} ${request.path}`)).toEqual(["DELETE /api/reviews/op-1/reply"]);

    const noDelete = source(shop.url, { url: `${shop.url}/api/reviews/{id}/reply`, tokenEnv: "SHOP_REPLY_TOKEN", canDelete: false });
    await expect(siteReplyAdapter.remove(noDelete, "op-1", context())).rejects.toMatchObject({ code: "REPLY_FORBIDDEN", retryable: false });
    expect(shop.seen).toHaveLength(1);
  });

  it.each([
    { status: 400, body: { error: "Odpowiedź jest za długa (1200 znaków, najwyżej 1000)" }, code: "REPLY_REJECTED", retryable: false, words: "Odpowiedź jest za długa (1200 znaków, najwyżej 1000)" },
    { status: 401, body: { error: "Zły token" }, code: "REPLY_AUTH", retryable: false, words: "SHOP_REPLY_TOKEN" },
    { status: 403, body: { error: "Brak uprawnień" }, code: "REPLY_FORBIDDEN", retryable: false, words: "Brak uprawnień" },
    { status: 404, body: { error: "Nie ma takiej opinii" }, code: "REPLY_NOT_FOUND", retryable: false, words: "Nie ma takiej opinii" },
    { status: 503, body: { error: "Przerwa techniczna" }, code: "REPLY_UNAVAILABLE", retryable: true, words: "Przerwa techniczna" },
    { status: 502, body: "<html>Bad gateway</html>", code: "REPLY_UNAVAILABLE", retryable: true, words: "Bad gateway" },
  ])("maps HTTP $status to $code with the site's words, after one request", async ({ status, body, code, retryable, words }) => {
    const shop = await site([{ status, body }]);
    const failure = siteReplyAdapter.post(source(shop.url), "op-1", "Dziękujemy", context());
    await expect(failure).rejects.toMatchObject({ code, retryable, context: { status } });
    await expect(failure).rejects.toThrow(words);
    await expect(failure).rejects.not.toThrow(TOKEN);
    // A PUT is never repeated inside the adapter: the responder decides (after asking `current`).
    expect(shop.seen).toHaveLength(1);
  });

  it("reports a 429's Retry-After for the responder to honour", async () => {
    const shop = await site([{ status: 429, body: { error: "Za dużo żądań" }, headers: { "retry-after": "30" } }]);
    await expect(siteReplyAdapter.post(source(shop.url), "op-1", "Dziękujemy", context())).rejects.toMatchObject({
      code: "REPLY_RATE_LIMITED",
      retryable: true,
      message: expect.stringContaining("30 s"),
      context: { retryAfterMs: 30_000 },
    });
  });

  it("treats an answer that is not the protocol's as unclear (retryable), never as done", async () => {
    const shop = await site([{ status: 200, body: "<html>OK</html>" }, { status: 200, body: { ok: true } }]);
    await expect(siteReplyAdapter.post(source(shop.url), "op-1", "Dziękujemy", context())).rejects.toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true });
    await expect(siteReplyAdapter.current(source(shop.url), "op-1", context())).rejects.toMatchObject({ code: "REPLY_UNAVAILABLE" });
  });

  it("says which variable to set when the token is missing, without calling the site", async () => {
    const shop = await site([]);
    await expect(siteReplyAdapter.post(source(shop.url), "op-1", "Dziękujemy", context({ secret: () => undefined }))).rejects.toMatchObject({
      code: "REPLY_NOT_CONFIGURED",
      retryable: false,
      message: expect.stringContaining("SHOP_REPLY_TOKEN"),
    });
    expect(shop.seen).toEqual([]);
  });

  it("refuses a private address unless the source allows it, saying how", async () => {
    const shop = await site([]);
    const closed = source(shop.url, null, { allowPrivate: false });
    const config = htmlSourceSchema.parse({ ...closed, reply: { url: `${shop.url}/api/reviews/{id}/reply`, tokenEnv: "SHOP_REPLY_TOKEN" } });
    await expect(siteReplyAdapter.current(config, "op-1", context())).rejects.toMatchObject({
      code: "REPLY_NOT_CONFIGURED",
      message: expect.stringContaining("allowPrivate"),
    });
    expect(shop.seen).toEqual([]);
  });

  it("reports a site that does not answer as unclear", async () => {
    const config = source("http://127.0.0.1:9");
    await expect(siteReplyAdapter.post(config, "op-1", "Dziękujemy", context())).rejects.toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true });
  });
});
