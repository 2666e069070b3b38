import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, deleteTopics } from "@odzew/kafka";
import { topicSpecs, type ReplyState, type WorkflowState } from "@odzew/schema";
import { createTestStore, demoRun, runTs, stackEnv, testLogger, uniquePrefix, waitFor, type DemoRun, type RunningProcess } from "@odzew/testing";

/** The reviews the demo site starts with. */
const SEED_REVIEWS = 8;

interface ReplyView {
  replyVia: "odzew" | "there";
  capability: { canReply: boolean; maxLength?: number; canDelete?: boolean; reason?: string };
  reply?: ReplyState;
  approval: boolean;
  templates: { id: string; name: string; lang: string; preview: { text: string; length: number; limit?: number; over: number; missing: string[] } }[];
}

interface MentionItem {
  id: string;
  nativeId: string;
  text: string;
  author?: { name: string };
  workflow?: WorkflowState;
}

/**
 * The demo as a new user runs it (`odzew run --demo`): the demo shop, the pipeline and the
 * responder as real processes on the real broker and engine, with the demo's own configuration
 * (config/demo/*: the shop's reply endpoint and selectors, the service team allowed to reply,
 * the reply templates and the rule). A review answered through the API appears under its review
 * on the demo shop, and is confirmed in Odzew once the shop's page is read again.
 */
describe("answering a demo review from Odzew", () => {
  const prefix = uniquePrefix("e2e-reply");
  let keys: DemoRun["keys"];
  let replyToken: string;
  let run: RunningProcess;
  let apiBase: string;
  let siteBase: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ({ keys, replyToken, apiBase, siteBase, env } = await demoRun(prefix, "e2e-author-key-0123456789"));
    const setup = runTs("services/cli/src/index.ts", ["setup"], env);
    expect(await setup.exited, setup.stderr()).toBe(0);

    run = runTs("services/cli/src/index.ts", ["run", "demo-site", "indexer", "enricher", "collector", "scheduler", "api", "responder"], env);
    try {
      await waitFor("the API to be ready", async () => (await fetch(`${apiBase}/readyz`)).ok, { timeoutMs: 90_000 });
      await waitFor(`the ${SEED_REVIEWS} seed reviews searchable`, async () => (await search("size=100")).total >= SEED_REVIEWS, { timeoutMs: 90_000 });
    } catch (error) {
      throw new Error(`${String(error)}\nodzew run said:\n${run.stderr().slice(-6_000)}`, { cause: error });
    }
  }, 240_000);

  afterAll(async () => {
    const code = await run?.stop();
    expect(code, "odzew run exits cleanly on SIGTERM").toBe(0);
    const kafka = createKafka({ brokers: stackEnv().brokers, clientId: "e2e-reply-cleanup" }, testLogger("e2e-reply"));
    await deleteTopics(kafka, topicSpecs(prefix).map((spec) => spec.name));
    const { cleanup } = await createTestStore(prefix);
    await cleanup();
  }, 60_000);

  const headers = () => ({ authorization: `Bearer ${keys.service}`, "content-type": "application/json" });
  const search = async (query: string) => {
    const response = await fetch(`${apiBase}/api/v1/mentions?${query}`, { headers: headers() });
    expect(response.status).toBe(200);
    return (await response.json()) as { total: number; items: MentionItem[] };
  };
  const replyView = async (id: string): Promise<ReplyView> => {
    const response = await fetch(`${apiBase}/api/v1/mentions/${id}/reply`, { headers: headers() });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as ReplyView;
  };
  const act = (id: string, body: Record<string, unknown>) =>
    fetch(`${apiBase}/api/v1/mentions/${id}/reply`, { method: "POST", headers: headers(), body: JSON.stringify(body) });
  /** What the shop's reply API shows for a review, read as the responder reads it. */
  const shopReply = async (nativeId: string) => {
    const response = await fetch(`${siteBase}/api/reviews/${encodeURIComponent(nativeId)}/reply`, { headers: { authorization: `Bearer ${replyToken}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { reply: { text: string; updatedAt: string } | null }).reply;
  };

  it("posts a reply written in Odzew to the demo shop once, under its review, and confirms it when the collector finds it there, page 2 included", async () => {
    const review = await waitFor("Marek's review about the slow delivery", async () => (await search("size=100")).items.find((item) => item.author?.name === "Marek_z_Łodzi"));

    // What the composer shows: Odzew answers this source itself, up to the shop's 1000 characters,
    // with the delivery apology among the templates, rendered for this review.
    const view = await replyView(review.id);
    expect(view).toMatchObject({ replyVia: "odzew", capability: { canReply: true, maxLength: 1000, canDelete: true }, approval: false });
    expect(view.reply).toBeUndefined();
    expect(view.templates.map((template) => template.id)).toContain("delivery-sorry-pl");

    // Over the shop's limit: refused before anything is sent, with the limit in words.
    const tooLong = await act(review.id, { action: "send", text: "ż".repeat(1001), actor: "Ola" });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain("1000");

    const text = "Dzień dobry, Marku,\nprzepraszamy za długą dostawę. Prosimy o numer zamówienia na sklep@zuraw.example.\nZespół Żurawia";
    const sent = await act(review.id, { action: "send", text, actor: "Ola" });
    expect(sent.status, await sent.clone().text()).toBe(202);
    expect(await sent.json()).toMatchObject({ queued: true });

    // On the shop: through its reply API and on the page, under the review, line by line.
    const onShop = await waitFor("the reply on the demo shop", async () => {
      const shown = await shopReply(review.nativeId);
      return shown?.text === text ? shown : undefined;
    }, { timeoutMs: 60_000 });
    expect(Date.parse(onShop.updatedAt)).not.toBeNaN();
    let page = "";
    for (let strona = 1; strona <= 2 && !page.includes(`data-opinia-id="${review.nativeId}"`); strona++) {
      page = await (await fetch(`${siteBase}/opinie?strona=${strona}`)).text();
    }
    const article = page.slice(page.indexOf(`data-opinia-id="${review.nativeId}"`)).split("</article>")[0]!;
    expect(article).toContain('<div class="odpowiedz">');
    expect(article).toContain("Dzień dobry, Marku,<br>");

    // In Odzew: sent, by Ola.
    const afterSend = await waitFor("the reply sent in Odzew", async () => {
      const reply = (await replyView(review.id)).reply;
      return reply && (reply.status === "sent" || reply.status === "confirmed") ? reply : undefined;
    }, { timeoutMs: 60_000 });
    expect(afterSend).toMatchObject({ version: 1, text, sentBy: "Ola", draftedBy: "Ola", channel: "api" });

    // Marek's review is on the second page, below where an incremental poll stops. Once the shop
    // accepted the reply, the responder asked the collector to look for it (a `confirm` collect
    // job): the collector reads down to the review and sees the answer there, with no backfill.
    const confirmed = await waitFor("the reply confirmed in Odzew", async () => {
      const reply = (await replyView(review.id)).reply;
      return reply?.status === "confirmed" ? reply : undefined;
    }, { timeoutMs: 90_000 });
    expect(confirmed).toMatchObject({ version: 1, text, sentBy: "Ola" });
    expect(Date.parse(confirmed.confirmedAt ?? "")).not.toBeNaN();

    // Posted once: one sent event in the mention's history, and the shop shows that one text.
    const mention = (await (await fetch(`${apiBase}/api/v1/mentions/${review.id}`, { headers: headers() })).json()) as MentionItem;
    expect(mention.workflow?.history.filter((entry) => entry.type === "reply-sent")).toHaveLength(1);
    expect(mention.workflow?.status).toBe("answered");
    expect((await shopReply(review.nativeId))?.text).toBe(text);
  });

  it("confirms by itself a reply under a review on the shop's first page: the next scheduled poll reads it there", async () => {
    // The newest seed review: on the first page, where an incremental poll stops at the first
    // review it has seen and reads the rest of that page for answers that appeared.
    const review = await waitFor("Ewa's review", async () => (await search("size=100")).items.find((item) => item.author?.name === "Ewa Nowicka"));
    const text = "Dziękujemy, Pani Ewo! Cieszymy się, że zwrot poszedł sprawnie.";
    const sent = await act(review.id, { action: "send", text, actor: "Jan" });
    expect(sent.status, await sent.clone().text()).toBe(202);
    await waitFor("the reply on the demo shop", async () => (await shopReply(review.nativeId))?.text === text, { timeoutMs: 60_000 });

    const confirmed = await waitFor("the reply confirmed without a backfill", async () => {
      const reply = (await replyView(review.id)).reply;
      return reply?.status === "confirmed" ? reply : undefined;
    }, { timeoutMs: 60_000 });
    expect(confirmed).toMatchObject({ version: 1, text, sentBy: "Jan" });
  });

  it("pre-drafts the demo rule's thanks for a 5-star review without words, for an agent to send", async () => {
    const published = await fetch(`${siteBase}/api/reviews`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ author: "Anna K.", rating: 5 }),
    });
    expect(published.status).toBe(201);
    const { id: nativeId } = (await published.json()) as { id: string };

    const review = await waitFor("the stars-only review in the API", async () => (await search("size=100")).items.find((item) => item.nativeId === nativeId), { timeoutMs: 60_000 });
    expect(review.text).toBe("");

    const drafted = await waitFor("the rule's draft", async () => {
      const reply = (await replyView(review.id)).reply;
      return reply?.status === "draft" ? reply : undefined;
    }, { timeoutMs: 60_000 });
    expect(drafted).toMatchObject({ rule: "thanks-5-stars", template: "thanks-5-pl" });
    expect(drafted.text).toContain("Dziękujemy za pięć gwiazdek");
    // Drafted, not sent: nothing on the shop until an agent sends it.
    expect(await shopReply(nativeId)).toBeNull();
  });
});
