import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@odzew/core";
import { REPLY_MAX_CHARS, checkReplyAuth, checkReplyText, replyPathId } from "./reply-api.ts";
import { startDemoSite, type DemoSite } from "./site.ts";

const logger = createLogger({ service: "demo-site-test", level: "silent" });
const TOKEN = "demo-reply-token-0123456789abcdef";

const sites: DemoSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((site) => site.stop()));
});

async function site(replyToken: string | null = TOKEN): Promise<DemoSite> {
  const started = await startDemoSite({ port: 0, logger, newReviewEveryMs: 0, ...(replyToken ? { replyToken } : {}) });
  sites.push(started);
  return started;
}

/** A call of the reply API as Odzew's site adapter makes it. */
async function reply(base: string, id: string, init: { method?: string; text?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  if (init.text !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}/api/reviews/${encodeURIComponent(id)}/reply`, {
    method: init.method ?? "GET",
    headers,
    ...(init.text !== undefined ? { body: JSON.stringify({ text: init.text }) } : {}),
  });
  const raw = await response.text();
  return { status: response.status, headers: response.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined };
}

describe("the demo shop's reply API", () => {
  it("answers a review: no reply, then the reply, shown under the review on the page, then deleted", async () => {
    const shop = await site();
    const review = shop.reviews().find((candidate) => candidate.author === "Marek_z_Łodzi")!;

    expect(await reply(shop.url, review.id)).toMatchObject({ status: 200, body: { reply: null } });

    const text = "Dzień dobry, Marku!\nPrzepraszamy za opóźnienie <i>dostawy</i> & brak odpowiedzi.\r\nZespół Żurawia";
    const put = await reply(shop.url, review.id, { method: "PUT", text });
    expect(put.status).toBe(200);
    const stored = put.body?.reply as { text: string; updatedAt: string };
    expect(stored.text).toBe("Dzień dobry, Marku!\nPrzepraszamy za opóźnienie <i>dostawy</i> & brak odpowiedzi.\nZespół Żurawia");
    expect(Date.parse(stored.updatedAt)).not.toBeNaN();
    expect(await reply(shop.url, review.id)).toMatchObject({ status: 200, body: { reply: stored } });

    // The page shows it under its review, as text (the markup escaped), line by line.
    const page = await (await fetch(`${shop.url}/opinie?strona=2`)).text();
    const article = page.slice(page.indexOf(`data-opinia-id="${review.id}"`)).split("</article>")[0]!;
    expect(article).toContain('<div class="odpowiedz">');
    expect(article).toContain("Odpowiedź sklepu");
    expect(article).toContain("Dzień dobry, Marku!<br>\nPrzepraszamy za opóźnienie &lt;i&gt;dostawy&lt;/i&gt; &amp; brak odpowiedzi.<br>\nZespół Żurawia");
    expect(article).toContain(`<time class="odpowiedz-data" datetime="${stored.updatedAt}">`);
    // Other reviews carry no reply.
    expect(page.match(/class="odpowiedz"/g)).toHaveLength(1);

    // Replacing it keeps one reply.
    expect((await reply(shop.url, review.id, { method: "PUT", text: "Nowa treść" })).body).toMatchObject({ reply: { text: "Nowa treść" } });

    const deleted = await reply(shop.url, review.id, { method: "DELETE" });
    expect(deleted).toMatchObject({ status: 204, body: undefined });
    expect(await reply(shop.url, review.id)).toMatchObject({ status: 200, body: { reply: null } });
    expect(await (await fetch(`${shop.url}/opinie?strona=2`)).text()).not.toContain('class="odpowiedz"');
    // Deleting again is harmless.
    expect((await reply(shop.url, review.id, { method: "DELETE" })).status).toBe(204);
  });

  it("says 404 with its words for an unknown review, and finds ids that need encoding", async () => {
    const shop = await site();
    expect(await reply(shop.url, "r-9999")).toEqual({ status: 404, headers: expect.anything(), body: { error: "Nie ma takiej opinii" } });
    expect((await reply(shop.url, "r-9999", { method: "PUT", text: "Dziękujemy" })).status).toBe(404);
    expect((await reply(shop.url, "a/b c")).status).toBe(404);
  });

  it("refuses an empty or too long text with 400 and the reason, and keeps the reply it had", async () => {
    const shop = await site();
    const id = shop.reviews()[0]!.id;
    await reply(shop.url, id, { method: "PUT", text: "Dziękujemy!" });

    const empty = await reply(shop.url, id, { method: "PUT", text: "  \n " });
    expect(empty).toMatchObject({ status: 400, body: { error: "Odpowiedź nie może być pusta" } });

    const tooLong = await reply(shop.url, id, { method: "PUT", text: "ż".repeat(REPLY_MAX_CHARS + 1) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body?.error).toBe("Odpowiedź może mieć najwyżej 1000 znaków, a ma 1001 (o 1 za dużo)");

    const notText = await reply(shop.url, id, { method: "PUT", text: 42 });
    expect(notText).toMatchObject({ status: 400, body: { error: 'Treść żądania musi być obiektem JSON {"text": "…"}' } });

    // Exactly at the limit, counted in characters (an emoji is one): accepted.
    const atLimit = "👍" + "a".repeat(REPLY_MAX_CHARS - 1);
    expect((await reply(shop.url, id, { method: "PUT", text: atLimit })).status).toBe(200);
    expect((await reply(shop.url, id)).body).toMatchObject({ reply: { text: atLimit } });
  });

  it("answers 401 without the right bearer token, and changes nothing", async () => {
    const shop = await site();
    const id = shop.reviews()[0]!.id;
    const missing = await reply(shop.url, id, { method: "PUT", text: "Dziękujemy", token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="odpowiedzi"');
    expect(missing.body?.error).toContain("Authorization: Bearer");
    const wrong = await reply(shop.url, id, { method: "PUT", text: "Dziękujemy", token: `${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBe('Bearer realm="odpowiedzi", error="invalid_token"');
    expect((await reply(shop.url, id, { token: "wrong" })).status).toBe(401);
    expect((await reply(shop.url, id, { method: "DELETE", token: null })).status).toBe(401);
    expect(shop.reviews().find((review) => review.id === id)?.reply).toBeUndefined();
    // The error never echoes a token.
    expect(JSON.stringify(missing.body)).not.toContain(TOKEN);
  });

  it("refuses every reply when it has no token configured, saying so", async () => {
    const shop = await site(null);
    const answer = await reply(shop.url, shop.reviews()[0]!.id, { method: "PUT", text: "Dziękujemy" });
    expect(answer.status).toBe(503);
    expect(answer.body?.error).toContain("DEMO_SITE_REPLY_TOKEN");
  });

  it("allows only GET, PUT and DELETE on a reply", async () => {
    const shop = await site();
    const response = await fetch(`${shop.url}/api/reviews/${shop.reviews()[0]!.id}/reply`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, PUT, DELETE");
  });
});

describe("the demo shop's page", () => {
  it("shows a stars-only review without an empty title or text", async () => {
    const shop = await site();
    const review = shop.publish({ author: "Anna K.", rating: 5 });
    const page = await (await fetch(`${shop.url}/opinie`)).text();
    const article = page.slice(page.indexOf(`data-opinia-id="${review.id}"`)).split("</article>")[0]!;
    expect(article).toContain('data-ocena="5"');
    expect(article).not.toContain('class="tresc"');
    expect(article).not.toContain('class="tytul"');
  });
});

describe("reply-api rules", () => {
  it("compares the token exactly", () => {
    expect(checkReplyAuth(`Bearer ${TOKEN}`, TOKEN)).toEqual({ ok: true });
    expect(checkReplyAuth(`bearer ${TOKEN}`, TOKEN)).toEqual({ ok: true });
    expect(checkReplyAuth(TOKEN, TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkReplyAuth(undefined, TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkReplyAuth(`Bearer ${TOKEN}`, undefined)).toMatchObject({ ok: false, status: 503 });
  });

  it("trims a text and unifies its line endings", () => {
    expect(checkReplyText({ text: "\r\n Dziękujemy,\r\nZespół \n" })).toEqual({ ok: true, text: "Dziękujemy,\nZespół" });
    expect(checkReplyText(undefined)).toMatchObject({ ok: false });
  });

  it("reads the review id of a reply path", () => {
    expect(replyPathId("/api/reviews/r-1001/reply")).toBe("r-1001");
    expect(replyPathId("/api/reviews/a%2Fb/reply")).toBe("a/b");
    expect(replyPathId("/api/reviews/%E0%A4%A/reply")).toBeUndefined();
    expect(replyPathId("/api/reviews/r-1001")).toBeUndefined();
  });
});

describe("the demo shop's outage switch", () => {
  it("answers its review pages with the status asked for until the outage ends, and refuses other statuses", async () => {
    const shop = await site();
    const put = (body: unknown) => fetch(`${shop.url}/api/outage`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await fetch(`${shop.url}/opinie`)).status).toBe(200);
    expect((await put({ status: 403 })).status).toBe(200);
    const refused = await fetch(`${shop.url}/opinie?strona=2`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Dostęp zabroniony");
    expect((await put({ status: 503 })).status).toBe(200);
    const down = await fetch(`${shop.url}/opinie`);
    expect([down.status, down.headers.get("retry-after")]).toEqual([503, "5"]);
    expect((await put({ status: 200 })).status).toBe(400);
    expect((await fetch(`${shop.url}/api/outage`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${shop.url}/opinie`)).status).toBe(200);
  });
});
