import { describe, expect, it } from "vitest";
import {
  htmlSourceSchema,
  replyCommandSchema,
  replyRuleSchema,
  replyTemplateSchema,
  teamSchema,
  workflowEventSchema,
  type EnrichedMention,
  type WorkflowState,
} from "@odzew/schema";
import { sampleEnrichedMention } from "@odzew/testing";
import { planRuleReplies, ruleEventId, type RuleSetup } from "./rule-runner.ts";

const NOW = new Date("2026-11-29T12:00:00.000Z");

const team = (replies: { autoSend?: boolean; approval?: boolean } = {}) =>
  teamSchema.parse({ id: "obsluga", name: "Obsługa klienta", keys: [{ env: "KEY" }], view: "full", actions: ["workflow", "reply", "approve"], replies });

const setup = (overrides: Partial<RuleSetup> = {}, mode: "draft" | "send" = "draft", replies: { autoSend?: boolean; approval?: boolean } = {}): RuleSetup => ({
  rules: [replyRuleSchema.parse({ id: "thanks-5-stars", team: "obsluga", when: { ratings: [5], noText: true }, templates: ["thanks-5-pl", "thanks-5-en"], mode })],
  templates: [
    replyTemplateSchema.parse({ id: "thanks-5-pl", name: "Dziękujemy", lang: "pl", text: "Dzień dobry, {author|Drogi Kliencie}! Dziękujemy za pięć gwiazdek dla {brand}." }),
    replyTemplateSchema.parse({ id: "thanks-5-en", name: "Thanks", lang: "en", text: "Hello {author|there}, thank you for the five stars for {brand}!" }),
  ],
  teams: [team(replies)],
  sources: [
    htmlSourceSchema.parse({
      id: "sklep-zuraw",
      type: "html",
      schedule: "* * * * *",
      url: "https://sklep.example/opinie",
      selectors: { item: ".o", id: "@data-id", text: ".t", date: "time" },
      reply: { url: "https://sklep.example/api/reviews/{id}/reply", tokenEnv: "SHOP_REPLY_TOKEN" },
    }),
  ],
  brandName: (id) => (id === "zuraw" ? "Żuraw" : undefined),
  ...overrides,
});

/** A 5★ review without text, yesterday, safe to answer. */
const starsOnly = (nativeId: string, overrides: Partial<EnrichedMention> = {}) =>
  sampleEnrichedMention({
    sourceId: "sklep-zuraw",
    nativeId,
    text: "",
    title: undefined,
    author: { name: "Anna K." },
    publishedAt: "2026-11-28T09:00:00.000Z",
    priority: { score: 0, level: "low", reasons: [] },
    ...overrides,
  });

describe("planRuleReplies", () => {
  it("drafts a thank-you in Polish for a 5★ review without text, as rule:<id>, with no command", () => {
    const mention = starsOnly("op-1");
    const plan = planRuleReplies(setup(), [mention], new Map(), new Map(), NOW);
    expect(plan.commands).toEqual([]);
    expect(plan.events).toHaveLength(1);
    const [drafted] = plan.events.map((event) => workflowEventSchema.parse(event));
    expect(drafted).toMatchObject({
      type: "reply-drafted",
      actor: "rule:thanks-5-stars",
      team: "obsluga",
      mentionId: mention.id,
      eventId: ruleEventId("thanks-5-stars", mention.id, 1, 0),
      reply: { version: 1, rule: "thanks-5-stars", template: "thanks-5-pl", text: "Dzień dobry, Anna K.! Dziękujemy za pięć gwiazdek dla Żuraw." },
    });
    expect(plan.acted).toEqual([{ ruleId: "thanks-5-stars", mentionId: mention.id, mode: "draft" }]);
  });

  it("queues the reply for the responder where the team lets rules send: the command, then the events", () => {
    const mention = starsOnly("op-2", { lang: "en", author: { name: "John" } });
    const plan = planRuleReplies(setup({}, "send", { autoSend: true }), [mention], new Map(), new Map(), NOW);
    expect(plan.commands.map((command) => replyCommandSchema.parse(command))).toEqual([
      expect.objectContaining({
        mentionId: mention.id,
        nativeId: "op-2",
        requestedBy: "rule:thanks-5-stars",
        rule: "thanks-5-stars",
        text: "Hello John, thank you for the five stars for Żuraw!",
        attempt: 0,
      }),
    ]);
    expect(plan.events.map((event) => event.type)).toEqual(["reply-drafted", "reply-queued"]);
  });

  it("decides the same events and keys when the mention comes again before the index shows them", () => {
    const mention = starsOnly("op-3");
    const config = setup({}, "send", { autoSend: true });
    const first = planRuleReplies(config, [mention], new Map(), new Map(), NOW);
    const again = planRuleReplies(config, [mention], new Map(), first.throttles, new Date(NOW.getTime() + 60_000));
    expect(again.events.map((event) => event.eventId)).toEqual(first.events.map((event) => event.eventId));
    expect(again.commands.map((command) => command.idempotencyKey)).toEqual(first.commands.map((command) => command.idempotencyKey));
  });

  it("leaves alone a review that has a reply, is urgent, has text, or is too old", () => {
    const answered: WorkflowState = {
      status: "answered",
      updatedAt: "2026-11-28T10:00:00.000Z",
      notes: 0,
      history: [],
      reply: {
        version: 1,
        status: "sent",
        operation: "post",
        channel: "api",
        text: "Dziękujemy!",
        draftedBy: "ania",
        draftedAt: "2026-11-28T10:00:00.000Z",
        failures: 0,
      },
    };
    const withReply = starsOnly("op-4");
    const mentions = [
      withReply,
      starsOnly("op-5", { priority: { score: 90, level: "urgent", reasons: ["urgency: UOKiK"] } }),
      starsOnly("op-6", { text: "Oszustwo, zgłaszam do UOKiK" }),
      starsOnly("op-7", { publishedAt: "2026-10-01T09:00:00.000Z" }),
    ];
    const plan = planRuleReplies(setup(), mentions, new Map([[withReply.id, answered]]), new Map(), NOW);
    expect(plan.events).toEqual([]);
    expect(plan.commands).toEqual([]);
  });

  it("writes one reply per mention even when it arrives twice in a chunk", () => {
    const mention = starsOnly("op-8");
    const plan = planRuleReplies(setup(), [mention, mention], new Map(), new Map(), NOW);
    expect(plan.events).toHaveLength(1);
  });

  it("gives a new version's events new ids after a rule draft was discarded", () => {
    const mention = starsOnly("op-9");
    const discarded: WorkflowState = {
      status: "open",
      updatedAt: "2026-11-28T10:00:00.000Z",
      notes: 0,
      history: [],
      reply: { version: 1, status: "discarded", operation: "post", channel: "api", text: "x", draftedBy: "rule:thanks-5-stars", draftedAt: "2026-11-28T10:00:00.000Z", failures: 0 },
    };
    const plan = planRuleReplies(setup(), [mention], new Map([[mention.id, discarded]]), new Map(), NOW);
    expect(plan.events.map((event) => [event.eventId, event.reply?.version])).toEqual([[ruleEventId("thanks-5-stars", mention.id, 2, 0), 2]]);
  });

  it("keeps rule event ids within 100 characters", () => {
    const id = ruleEventId("r".repeat(63), "0123456789abcdef0123456789abcdef", 12, 1);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(id).toBe(ruleEventId("r".repeat(63), "0123456789abcdef0123456789abcdef", 12, 1));
  });
});
