import { seededRandom } from "@odzew/core";
import { servicePriority } from "@odzew/nlp";
import { replyRuleSchema, teamSchema, type ReplyCapability, type ReplyRule, type ReplyTemplate, type TeamConfig, type WorkflowState } from "@odzew/schema";
import { describe, expect, it } from "vitest";
import { dryRun, judgeRule, ruleTemplateFor, type RuleContext, type RuleMention } from "./rules.ts";
import { THROTTLE_WINDOW_MS, type ThrottleState } from "./throttle.ts";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const HOUR = 3_600_000;

const TEMPLATES: ReplyTemplate[] = [
  { id: "thanks-pl", name: "Podziękowanie", lang: "pl", text: "Dziękujemy, {author}, za {rating} gwiazdek!" },
  { id: "thanks-en", name: "Thanks", lang: "en", text: "Thank you for the {rating} stars, {author|dear customer}!" },
  { id: "thanks-zuraw-pl", name: "Żuraw dziękuje", brand: "zuraw", lang: "pl", text: "{brand} dziękuje za opinię!" },
  { id: "thanks-long-pl", name: "Długie", lang: "pl", text: "Dziękujemy! ".repeat(40) },
];

function team(replies: { approval?: boolean; autoSend?: boolean } = {}, actions: TeamConfig["actions"] = ["workflow", "reply"]): TeamConfig {
  return teamSchema.parse({ id: "obsluga", name: "Obsługa", keys: [{ env: "ODZEW_KEY" }], view: "full", actions, replies });
}

function rule(fields: Partial<Omit<ReplyRule, "when">> & { when?: ReplyRule["when"] } = {}): ReplyRule {
  return replyRuleSchema.parse({ id: "thanks-5-stars", team: "obsluga", when: { ratings: [5] }, templates: ["thanks-pl", "thanks-en"], ...fields });
}

let counter = 0;
/** A review as the enricher leaves it: its priority computed by the real priority rules of @odzew/nlp. */
function review(fields: Partial<RuleMention> & { stars?: number; at?: string } = {}): RuleMention {
  const { stars = 5, at = "2026-11-20T10:00:00.000Z", ...rest } = fields;
  const text = rest.text ?? "";
  const sentiment = rest.sentiment !== undefined ? rest.sentiment : { label: stars >= 4 ? ("positive" as const) : stars <= 2 ? ("negative" as const) : ("neutral" as const), score: (stars - 3) / 2, model: "stars", basis: "rating" as const };
  counter += 1;
  return {
    id: counter.toString(16).padStart(32, "0"),
    source: { id: "play-app", type: "google-play" },
    nativeId: `gp:${counter}`,
    publishedAt: at,
    lang: "pl",
    text,
    rating: { value: stars, original: stars, scaleMin: 1, scaleMax: 5 },
    sentiment,
    ratingMismatch: false,
    brands: [],
    topics: [],
    personalData: [],
    author: { name: "Marta" },
    priority: servicePriority({ rating: stars, sentiment, text, publishedAt: at, now: new Date(at), hasReply: rest.reply !== undefined }),
    ...rest,
  };
}

function context(fields: Partial<RuleContext> = {}): RuleContext {
  return { team: team(), templates: TEMPLATES, now: NOW, ...fields };
}

const verdictOf = (r: ReplyRule, mention: RuleMention, ctx: RuleContext = context()) => judgeRule(r, mention, ctx).verdict;

describe("judgeRule: who gets a reply", () => {
  it("thanks a 5★ review without text in Polish", () => {
    expect(verdictOf(rule({ when: { ratings: [5], noText: true } }), review())).toEqual({ kind: "reply", mode: "draft", template: "thanks-pl", text: "Dziękujemy, Marta, za 5 gwiazdek!" });
  });

  it("never calls an anonymous author by the store's placeholder", () => {
    const verdict = verdictOf(rule(), review({ author: { name: "Użytkownik Google" } }));
    expect(verdict).toMatchObject({ kind: "reply", text: "Dziękujemy za 5 gwiazdek!" });
  });

  it("does not answer a 5★ review that threatens UOKiK", () => {
    const mention = review({ text: "Oszustwo, zgłaszam do UOKiK" });
    expect(mention.priority?.reasons).toEqual(expect.arrayContaining(["urgency: oszustwo", "urgency: UOKiK"]));
    expect(verdictOf(rule(), mention)).toEqual({ kind: "skip", reason: expect.stringMatching(/^urgency words \((UOKiK, oszustwo|oszustwo, UOKiK)\): an agent answers it$/) });
  });

  it("answers an English review in English when an English template exists, and skips it otherwise", () => {
    const english = review({ lang: "en", text: "Great app", author: { name: "A Google user" } });
    expect(verdictOf(rule(), english)).toEqual({ kind: "reply", mode: "draft", template: "thanks-en", text: "Thank you for the 5 stars, dear customer!" });
    expect(verdictOf(rule({ templates: ["thanks-pl"] }), english)).toEqual({
      kind: "skip",
      reason: "no template of the rule is in en for this brand; add one (templates: thanks-pl)",
    });
  });

  it("prefers the brand's own template and names the brand", () => {
    const r = rule({ templates: ["thanks-pl", "thanks-zuraw-pl"] });
    const mention = review({ brands: [{ id: "zuraw", via: "source" }] });
    expect(verdictOf(r, mention, context({ brandName: (id) => (id === "zuraw" ? "Żuraw" : undefined) }))).toMatchObject({ template: "thanks-zuraw-pl", text: "Żuraw dziękuje za opinię!" });
    expect(ruleTemplateFor(r, review(), TEMPLATES)?.id).toBe("thanks-pl");
  });
});

describe("judgeRule: each condition", () => {
  const cases: [string, ReplyRule["when"], Partial<RuleMention> & { stars?: number }, string | undefined][] = [
    ["ratings", { ratings: [5] }, { stars: 4 }, "4★ is not one of the rule's ratings (5)"],
    ["no rating at all", { ratings: [5] }, { rating: undefined }, "no star rating; the rule answers ratings 5"],
    ["languages", { languages: ["pl"] }, { lang: "de" }, "language de is not one of pl"],
    ["sources", { sources: ["opineo-shop"] }, {}, "source play-app is not one of opineo-shop"],
    ["sentiment", { sentiment: ["positive"] }, { stars: 3 }, "sentiment neutral is not one of positive"],
    ["topics", { topics: ["dostawa"] }, { topics: ["cena"] }, "none of the topics dostawa (it is about cena)"],
    ["noText", { noText: true }, { text: "Super!" }, "the review has text; the rule answers reviews with stars only (noText)"],
    ["noText and a title (App Store)", { noText: true }, { title: "Rewelacja" }, "the review has a title; the rule answers reviews with stars only (noText)"],
    ["noText: false", { noText: false }, { text: "  " }, "the review has no text; the rule answers reviews with text (noText: false)"],
    ["maxLength", { maxLength: 10 }, { text: "Bardzo dobra aplikacja" }, "the text is 22 characters long; the rule answers at most 10 (maxLength)"],
    ["all met", { ratings: [5], languages: ["pl"], sources: ["play-app"], sentiment: ["positive"], topics: ["cena"], maxLength: 30 }, { topics: ["cena"], text: "Dobra cena" }, undefined],
  ];
  for (const [name, when, fields, reason] of cases) {
    it(name, () => {
      const verdict = verdictOf(rule({ when }), review(fields));
      if (reason === undefined) expect(verdict.kind).toBe("reply");
      else expect(verdict).toEqual({ kind: "skip", reason });
    });
  }
});

describe("judgeRule: never", () => {
  const sentReply: WorkflowState = {
    status: "answered",
    updatedAt: "2026-11-20T11:00:00.000Z",
    notes: 0,
    history: [],
    reply: { version: 1, status: "sent", operation: "post", channel: "api", text: "Dzięki", draftedBy: "ala", draftedAt: "2026-11-20T11:00:00.000Z", failures: 0 },
  };
  const cases: [string, Partial<RuleMention> & { stars?: number; at?: string }, string][] = [
    ["a rating the text contradicts", { ratingMismatch: true }, "the stars and the text disagree (rating mismatch): an agent answers it"],
    ["personal data", { personalData: ["phone", "order"] }, "the review contains personal data (phone, order): an agent answers it"],
    ["a reply at the source", { reply: { text: "Dziękujemy!" } }, "already answered at the source"],
    ["a reply in Odzew", { workflow: sentReply }, "already has a reply in Odzew (version 1, sent)"],
    ["an old review (backfill)", { at: "2026-11-10T10:00:00.000Z" }, "published 10 days ago; the rule answers reviews of the last 7 days (maxAgeDays)"],
    ["a review not scored for urgency", { priority: undefined }, "the review has no priority yet (enriched before urgency words were looked for): an agent reads it"],
    [
      "a review an agent claimed",
      { workflow: { status: "claimed", assignee: "ala", updatedAt: "2026-11-20T11:00:00.000Z", notes: 0, history: [] } },
      "claimed by ala: they answer it",
    ],
  ];
  for (const [name, fields, reason] of cases) {
    it(name, () => expect(verdictOf(rule(), review(fields))).toEqual({ kind: "skip", reason }));
  }

  it("a reply counts whatever its date (a store's clock ahead of ours)", () => {
    expect(verdictOf(rule(), review({ reply: { text: "Dzięki", publishedAt: "2026-11-20T13:00:00.000Z" } }))).toEqual({ kind: "skip", reason: "already answered at the source" });
  });

  it("a discarded reply in Odzew does not count", () => {
    const discarded: WorkflowState = { ...sentReply, status: "open", reply: { version: 1, status: "discarded", operation: "post", channel: "api", text: "Dzięki", draftedBy: "ala", draftedAt: "2026-11-20T11:00:00.000Z", failures: 0 } };
    expect(verdictOf(rule(), review({ workflow: discarded })).kind).toBe("reply");
  });

  it("a disabled rule, another team's rule, a team without reply", () => {
    expect(verdictOf(rule({ enabled: false }), review())).toEqual({ kind: "skip", reason: "the rule is disabled (enabled: false)" });
    expect(verdictOf(rule({ team: "marketing" }), review()).kind).toBe("skip");
    expect(verdictOf(rule(), review(), context({ team: team({}, ["workflow"]) }))).toEqual({ kind: "skip", reason: "team obsluga may not reply (no reply action)" });
  });

  it("a template that gives more than the store takes", () => {
    const play: ReplyCapability = { canReply: true, maxLength: 350, canDelete: true };
    expect(verdictOf(rule({ templates: ["thanks-long-pl"] }), review(), context({ capability: () => play }))).toEqual({
      kind: "skip",
      reason: "template thanks-long-pl: the reply is 479 characters long; Google Play accepts at most 350: shorten it by 129 characters",
    });
  });

  it("a template variable the review has no value for", () => {
    const templates = [...TEMPLATES, { id: "product-pl", name: "Produkt", lang: "pl", text: "Dziękujemy za opinię o {product}" }];
    expect(verdictOf(rule({ templates: ["product-pl"] }), review(), context({ templates }))).toEqual({
      kind: "skip",
      reason: "template product-pl needs {product}, which this review does not have; give a fallback ({name|…})",
    });
  });
});

describe("judgeRule: sending", () => {
  const sending = rule({ mode: "send", perSourcePerHour: 2 });
  const play: ReplyCapability = { canReply: true, maxLength: 350, canDelete: true };

  it("sends only when the team allows automatic sending and needs no approval; otherwise drafts and says why", () => {
    expect(verdictOf(sending, review(), context({ team: team({ autoSend: true }) }))).toMatchObject({ kind: "reply", mode: "send" });
    expect(verdictOf(sending, review(), context({ team: team({ autoSend: false }) }))).toMatchObject({
      mode: "draft",
      reason: "team obsluga does not allow automatic sending (replies.autoSend: false): drafted for an agent",
    });
    expect(verdictOf(sending, review(), context({ team: team({ autoSend: true, approval: true }) }))).toMatchObject({
      mode: "draft",
      reason: "team obsluga requires approval of every reply: drafted for an agent",
    });
    const opineo: ReplyCapability = { canReply: false, reason: "Opineo has no reply API" };
    expect(verdictOf(sending, review(), context({ team: team({ autoSend: true }), capability: () => opineo }))).toMatchObject({ mode: "draft", reason: expect.stringContaining("answer there") });
    expect(verdictOf(sending, review(), context({ team: team({ autoSend: true }), capability: () => play }))).toMatchObject({ mode: "send" });
  });

  it("past perSourcePerHour it drafts; another source still sends", () => {
    let throttle: ThrottleState = {};
    const modes: string[] = [];
    for (const minute of [0, 5, 10]) {
      const judged = judgeRule(sending, review(), context({ team: team({ autoSend: true }), now: new Date(NOW.getTime() + minute * 60_000), throttle }));
      throttle = judged.throttle;
      modes.push(judged.verdict.kind === "reply" ? judged.verdict.mode : "skip");
      if (minute === 10) expect(judged.verdict).toMatchObject({ reason: "already 2 automatic replies to play-app in the last hour (perSourcePerHour: 2): drafted instead" });
    }
    expect(modes).toEqual(["send", "send", "draft"]);
    const other = review({ source: { id: "maps", type: "google-business" } });
    expect(judgeRule(sending, other, context({ team: team({ autoSend: true }), now: new Date(NOW.getTime() + 10 * 60_000), throttle })).verdict).toMatchObject({ mode: "send" });
  });
});

describe("dryRun", () => {
  it("over 30 days: oldest first, the throttle as it would have been, the never-cases skipped", () => {
    const random = seededRandom(42);
    const start = Date.parse("2026-10-21T00:00:00.000Z");
    const mentions: RuleMention[] = [];
    for (let i = 0; i < 300; i++) {
      const at = new Date(start + Math.floor(random() * 30 * 24 * HOUR)).toISOString();
      const stars = 1 + Math.floor(random() * 5);
      const roll = random();
      const text = roll < 0.5 ? "" : roll < 0.6 ? "Oszustwo, zgłaszam do UOKiK" : "Dobra aplikacja";
      mentions.push(review({ at, stars, text, source: { id: random() < 0.7 ? "play-app" : "maps", type: "google-play" } }));
    }
    // A burst: eight 5★ reviews without text within 40 minutes on one source.
    for (let i = 0; i < 8; i++) mentions.push(review({ at: new Date(start + 10 * 24 * HOUR + i * 5 * 60_000).toISOString() }));
    // Answered later by an agent: the rule would have come first. Answered at the source, date unknown: it counts.
    const later = review({ at: "2026-11-01T10:00:00.000Z", workflow: { status: "answered", updatedAt: "2026-11-02T10:00:00.000Z", notes: 0, history: [], reply: { version: 1, status: "sent", operation: "post", channel: "api", text: "Dzięki", draftedBy: "ala", draftedAt: "2026-11-02T09:00:00.000Z", failures: 0 } } });
    const undated = review({ at: "2026-11-01T11:00:00.000Z", reply: { text: "Dzięki!" } });
    mentions.push(later, undated);

    // Tried before it is switched on: a disabled rule's dry run shows what it would do.
    const r = rule({ mode: "send", perSourcePerHour: 3, when: { ratings: [5], noText: true }, enabled: false });
    const entries = dryRun(r, [...mentions].reverse(), { team: team({ autoSend: true }), templates: TEMPLATES });

    expect(entries).toHaveLength(mentions.length);
    const times = entries.map((entry) => Date.parse(entry.publishedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const sent = entries.filter((entry) => entry.verdict.kind === "reply" && entry.verdict.mode === "send");
    for (const entry of sent) {
      const t = Date.parse(entry.publishedAt);
      const inHour = sent.filter((other) => other.sourceId === entry.sourceId && Date.parse(other.publishedAt) >= t && Date.parse(other.publishedAt) < t + THROTTLE_WINDOW_MS);
      expect(inHour.length).toBeLessThanOrEqual(3);
    }
    const burst = entries.filter((entry) => Date.parse(entry.publishedAt) >= start + 10 * 24 * HOUR && Date.parse(entry.publishedAt) < start + 10 * 24 * HOUR + HOUR && entry.sourceId === "play-app");
    expect(burst.filter((entry) => entry.verdict.kind === "reply" && entry.verdict.mode === "draft").length).toBeGreaterThanOrEqual(5);

    for (const entry of entries) {
      const mention = mentions.find((candidate) => candidate.id === entry.mentionId);
      if (mention?.text.includes("UOKiK")) expect(entry.verdict.kind).toBe("skip");
      if (entry.verdict.kind === "reply") expect(mention?.rating?.value).toBe(5);
    }
    expect(entries.find((entry) => entry.mentionId === later.id)?.verdict).toMatchObject({ kind: "reply", mode: "send" });
    expect(entries.find((entry) => entry.mentionId === undated.id)?.verdict).toEqual({ kind: "skip", reason: "already answered at the source" });
    expect(sent.length).toBeGreaterThan(10);
  });
});
