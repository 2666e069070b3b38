import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlSourceSchema, opineoSourceSchema, replyCommandSchema, repliesFileSchema, workflowEventSchema, type EnrichedMention, type WorkflowEvent } from "@odzew/schema";
import { readTopic } from "@odzew/testing";
import { canaries, seededMention, startApiFixture, type ApiFixture } from "./test-support.ts";

/**
 * Answering reviews through the API, on the real broker and engine: the outbox gets a command
 * only when a reply may go out (after a second person's approval where the team needs it), once;
 * the steps land on the workflow topic; the pseudonymous view and other teams' mentions never
 * get near a reply; a text too long for the store is refused with its limit.
 */
const now = new Date();
const site = (index: number, overrides: Partial<EnrichedMention> = {}) =>
  seededMention(700 + index, now, { source: { id: "sklep-www", type: "html" }, author: { name: "Marta Nowak" }, ...overrides });
/** A review of stars only: no title, no text. */
function starsOnly(mention: EnrichedMention): EnrichedMention {
  const { title: _title, ...rest } = mention;
  return rest;
}
const mentions = {
  approval: site(0),
  draftSend: site(1),
  tooLong: site(2),
  preview: site(3, { rating: { value: 5, original: 5, scaleMin: 1, scaleMax: 5 } }),
  pseudonymous: site(4),
  manual: seededMention(710, now, { source: { id: "opineo-sklep", type: "opineo" } }),
  thankless: starsOnly(site(5, { text: "", rating: { value: 5, original: 5, scaleMin: 1, scaleMax: 5 }, priority: { score: 5, level: "low", reasons: [] } })),
};
const rival = canaries(now).rival;

const replies = repliesFileSchema.parse({
  templates: [
    { id: "thanks-pl", name: "Podziękowanie", lang: "pl", text: "Dziękujemy, {author|Drogi Kliencie}! Zespół {brand}", suggest: { ratings: [4, 5] } },
    { id: "sorry-pl", name: "Przeprosiny", lang: "pl", text: "{author|Szanowni Państwo}, przepraszamy. {agent}, {brand}", suggest: { sentiment: ["negative"] } },
    { id: "thanks-en", name: "Thanks", lang: "en", text: "Thank you, {author|dear customer}!" },
  ],
  rules: [{ id: "thank-5-stars", team: "service", when: { ratings: [5], noText: true }, templates: ["thanks-pl", "thanks-en"] }],
});

describe("replies through the API, on the real broker and engine", () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await startApiFixture("replies", [...Object.values(mentions), rival], {
      replies,
      sources: [
        {
          id: "sklep-www",
          type: "html",
          brands: ["zuraw"],
          config: htmlSourceSchema.parse({
            id: "sklep-www",
            type: "html",
            url: "https://sklep.example.pl/opinie",
            brands: ["zuraw"],
            schedule: "*/15 * * * *",
            selectors: { item: ".opinia", id: "@data-id", text: ".tresc", date: "time@datetime" },
            reply: { url: "https://sklep.example.pl/api/reviews/{id}/reply", tokenEnv: "SKLEP_REPLY_TOKEN", maxLength: 1000 },
          }),
        },
        {
          id: "opineo-sklep",
          type: "opineo",
          brands: ["zuraw"],
          config: opineoSourceSchema.parse({ id: "opineo-sklep", type: "opineo", url: "https://www.opineo.pl/opinie/sklep-example-pl", brands: ["zuraw"], schedule: "*/15 * * * *" }),
        },
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await api?.cleanup();
  });

  /**
   * The outbox's commands for one mention (its key), as the responder would read them. The API
   * answers 202 only after the broker acknowledged the command, so what is there is all there is.
   */
  async function commandsFor(mentionId: string) {
    const messages = await readTopic(api.pipeline.kafka, api.pipeline.topics.replies, { minMessages: 0, quietMs: 1_000 });
    return messages.filter((message) => message.key === mentionId).map((message) => replyCommandSchema.parse(message.value));
  }

  /** The workflow events of one mention on the workflow topic. */
  async function eventsFor(mentionId: string, count: number): Promise<WorkflowEvent[]> {
    const messages = await readTopic(api.pipeline.kafka, api.pipeline.topics.workflowEvents, { minMessages: count });
    return messages.filter((message) => message.key === mentionId).map((message) => workflowEventSchema.parse(message.value));
  }

  /** What the indexer does with the events: fold them into the mention. */
  async function fold(events: WorkflowEvent[]) {
    const outcome = await api.store.applyWorkflow(events);
    expect(outcome.rejected).toEqual([]);
    await api.store.refresh();
  }

  it("with approval on, a reply waits for a second person: no command before, exactly one after", async () => {
    const id = mentions.approval.id;
    const sent = await api.post(`/mentions/${id}/reply`, "desk", { action: "send", text: "Dziękujemy za opinię, kurier już jedzie.", actor: "ola@zuraw.pl" });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body.queued).toBe(false);
    expect(sent.body.events.map((event: WorkflowEvent) => event.type)).toEqual(["reply-drafted"]);
    await fold(sent.body.events);
    expect(await commandsFor(id)).toEqual([]);

    const waiting = await api.get(`/mentions/${id}/reply`, "desk");
    expect(waiting.status).toBe(200);
    expect(waiting.body).toMatchObject({ approval: true, replyVia: "odzew", reply: { status: "awaiting-approval", draftedBy: "ola@zuraw.pl" } });

    const self = await api.post(`/mentions/${id}/reply`, "desk", { action: "approve", actor: "ola@zuraw.pl" });
    expect(self.status).toBe(409);
    expect(self.body.error.message).toContain("someone other than you");
    // The service team may reply but not approve.
    const noRight = await api.post(`/mentions/${id}/reply`, "service", { action: "approve", actor: "jan@zuraw.pl" });
    expect(noRight.status).toBe(403);
    expect(await commandsFor(id)).toEqual([]);

    const approved = await api.post(`/mentions/${id}/reply`, "desk", { action: "approve", actor: "jan@zuraw.pl" });
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    expect(approved.body.events.map((event: WorkflowEvent) => event.type)).toEqual(["reply-approved", "reply-queued"]);
    await fold(approved.body.events);
    const again = await api.post(`/mentions/${id}/reply`, "desk", { action: "approve", actor: "jan@zuraw.pl" });
    expect(again.status).toBe(409);

    const commands = await commandsFor(id);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({
      operation: "post",
      version: 1,
      text: "Dziękujemy za opinię, kurier już jedzie.",
      draftedBy: "ola@zuraw.pl",
      approvedBy: "jan@zuraw.pl",
      team: "desk",
      source: { id: "sklep-www", type: "html" },
      nativeId: mentions.approval.nativeId,
    });
    const state = await api.get(`/mentions/${id}/reply`, "desk");
    expect(state.body.reply).toMatchObject({ status: "queued", draftedBy: "ola@zuraw.pl", approvedBy: "jan@zuraw.pl" });
  });

  it("a draft, then send: exactly one command on the outbox and the steps on the workflow topic", async () => {
    const id = mentions.draftSend.id;
    const drafted = await api.post(`/mentions/${id}/reply`, "service", { action: "draft", text: "Przepraszamy za opóźnienie, sprawdzamy przesyłkę.", actor: "ola@zuraw.pl" });
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(202);
    expect(drafted.body.queued).toBe(false);
    await fold(drafted.body.events);
    expect(await commandsFor(id)).toEqual([]);

    const sent = await api.post(`/mentions/${id}/reply`, "service", { action: "send", actor: "ola@zuraw.pl" });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body.queued).toBe(true);
    const commands = await commandsFor(id);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ text: "Przepraszamy za opóźnienie, sprawdzamy przesyłkę.", requestedBy: "ola@zuraw.pl", idempotencyKey: `${id}:v1:post`, attempt: 0 });

    const events = await eventsFor(id, 2);
    expect(events.map((event) => event.type)).toEqual(["reply-drafted", "reply-queued"]);
    expect(events[1]?.reply).toMatchObject({ version: 1, idempotencyKey: `${id}:v1:post` });
  });

  it("refuses a text longer than the store takes, with the limit and by how much", async () => {
    const response = await api.post(`/mentions/${mentions.tooLong.id}/reply`, "service", { action: "send", text: "a".repeat(1_001), actor: "ola@zuraw.pl" });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain("at most 1000");
    expect(response.body.error.message).toContain("by 1 character");
    const forged = await api.post(`/mentions/${mentions.tooLong.id}/reply`, "service", { action: "send", text: "Dziękujemy!", actor: "rule:thank-5-stars" });
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toContain("actor: `rule:` names a reply rule");
    expect(await commandsFor(mentions.tooLong.id)).toEqual([]);
  });

  it("shows where a review without a reply API is answered, and records a reply written there", async () => {
    const id = mentions.manual.id;
    const view = await api.get(`/mentions/${id}/reply`, "service");
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ replyVia: "there", capability: { canReply: false }, answer: { replyVia: "there" } });
    const listed = await api.get(`/mentions/${id}`, "service");
    expect(listed.body.answer).toMatchObject({ replyVia: "there" });

    const send = await api.post(`/mentions/${id}/reply`, "service", { action: "send", text: "Dziękujemy!", actor: "ola@zuraw.pl" });
    expect(send.status).toBe(400);
    expect(send.body.error.message).toContain("answer there and record it");
    const recorded = await api.post(`/mentions/${id}/reply`, "service", { action: "record", text: "Dziękujemy, odpisaliśmy na Opineo.", actor: "ola@zuraw.pl" });
    expect(recorded.status).toBe(202);
    expect(recorded.body).toMatchObject({ queued: false, events: [{ type: "reply-recorded", reply: { channel: "manual" } }] });
    expect(await commandsFor(id)).toEqual([]);

    // Folded, it counts as the review's first reply, by the agent who wrote it there.
    await fold(recorded.body.events);
    const measures = await api.get("/replies/measures", "service");
    expect(measures.status, JSON.stringify(measures.body)).toBe(200);
    expect(measures.body.sources.find((source: { source: string }) => source.source === "opineo-sklep")).toMatchObject({ reviews: 1, answered: 1 });
    expect(measures.body.agents).toContainEqual(expect.objectContaining({ agent: "ola@zuraw.pl", replies: 1 }));
    expect((await api.get("/replies/measures", "pr")).status).toBe(403);
  });

  it("suggests templates rendered for the mention and previews them against the store's limit", async () => {
    const id = mentions.preview.id;
    const view = await api.get(`/mentions/${id}/reply`, "service");
    expect(view.status).toBe(200);
    expect(view.body.templates[0]).toMatchObject({ id: "thanks-pl", preview: { text: "Dziękujemy, Marta Nowak! Zespół Żuraw", limit: 1000, over: 0, missing: [] } });
    expect(view.body.templates.map((template: { id: string }) => template.id)).not.toContain("thanks-en");

    const preview = await api.post("/replies/preview", "service", { mentionId: id, template: "sorry-pl", actor: "Ola" });
    expect(preview.body).toEqual({ text: "Marta Nowak, przepraszamy. Ola, Żuraw", length: 37, limit: 1000, over: 0, missing: [] });
    const long = await api.post("/replies/preview", "service", { mentionId: id, text: "ż".repeat(1_005) });
    expect(long.body).toMatchObject({ length: 1_005, limit: 1000, over: 5 });
    const unknown = await api.post("/replies/preview", "service", { mentionId: id, template: "nope" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('no template "nope"');
  });

  it("dry-runs a rule over the team's last 30 days: the 5-star review without text would be thanked, the others skipped with a reason", async () => {
    const rules = await api.get("/reply-rules", "service");
    expect(rules.body.rules.map((rule: { id: string }) => rule.id)).toEqual(["thank-5-stars"]);
    const run = await api.post("/reply-rules/thank-5-stars/dry-run", "service", { days: 30 });
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    const thanked = run.body.items.find((item: { mentionId: string }) => item.mentionId === mentions.thankless.id);
    expect(thanked).toMatchObject({ verdict: "draft", template: "thanks-pl", text: "Dziękujemy, Marta Nowak! Zespół Żuraw", source: "sklep-www" });
    const other = run.body.items.find((item: { mentionId: string }) => item.mentionId === mentions.tooLong.id);
    expect(other).toMatchObject({ verdict: "skip", reason: expect.any(String) });
    expect(run.body.counts.draft + run.body.counts.send + run.body.counts.skip).toBe(run.body.items.length);
    expect((await api.post("/reply-rules/nope/dry-run", "service", {})).status).toBe(404);
  });

  it("gives a pseudonymous team nothing on any reply route", async () => {
    const id = mentions.pseudonymous.id;
    const calls = [
      () => api.get(`/mentions/${id}/reply`, "cxops"),
      () => api.post(`/mentions/${id}/reply`, "cxops", { action: "send", text: "Dzień dobry", actor: "jan" }),
      () => api.post(`/mentions/${id}/reply`, "cxops", { action: "record", text: "Dzień dobry", actor: "jan" }),
      () => api.post("/replies/preview", "cxops", { mentionId: id, text: "Dzień dobry" }),
      () => api.get("/reply-templates", "cxops"),
      () => api.get("/reply-rules", "cxops"),
      () => api.post("/reply-rules/thank-5-stars/dry-run", "cxops", { days: 30 }),
      () => api.get("/replies/measures", "cxops"),
    ];
    for (const call of calls) {
      const response = await call();
      expect([403, 404], JSON.stringify(response.body)).toContain(response.status);
      expect(JSON.stringify(response.body)).not.toContain("Marta Nowak");
    }
    expect(await commandsFor(id)).toEqual([]);
  });

  it("answers 404 for another team's mention, as if it did not exist", async () => {
    expect((await api.get(`/mentions/${rival.id}/reply`, "service")).status).toBe(404);
    const post = await api.post(`/mentions/${rival.id}/reply`, "service", { action: "send", text: "Dzień dobry", actor: "ola" });
    expect(post.status).toBe(404);
    expect((await api.post("/replies/preview", "service", { mentionId: rival.id, text: "Dzień dobry" })).status).toBe(404);
    expect(await commandsFor(rival.id)).toEqual([]);
  });
});
