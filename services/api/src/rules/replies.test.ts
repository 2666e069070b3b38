import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { dryRun } from "@odzew/replies";
import { repliesFileSchema, teamSchema, type WorkflowState } from "@odzew/schema";
import { projectMention, ruleMentionOf as ruleMention, type MentionDocument } from "@odzew/search";
import { sampleEnrichedMention } from "@odzew/testing";
import {
  dryRunCounts,
  dryRunItem,
  measuresRange,
  measuresRefusal,
  previewOf,
  replyTarget,
  replyVia,
  rulesOfTeam,
  templatesOfTeam,
  textPreview,
} from "./replies.ts";

const team = (fields: Record<string, unknown> = {}) => teamSchema.parse({ id: "service", name: "Obsługa", keys: [{ env: "K" }], view: "full", actions: ["workflow", "reply"], ...fields });

const file = repliesFileSchema.parse({
  templates: [
    { id: "thanks-pl", name: "Podziękowanie", lang: "pl", text: "Dziękujemy, {author|Drogi Kliencie}!" },
    { id: "thanks-en", name: "Thanks", lang: "en", text: "Thank you, {author|dear customer}!" },
    { id: "zuraw-pl", name: "Żuraw", lang: "pl", brand: "zuraw", text: "Zespół {brand} dziękuje!" },
    { id: "obca-pl", name: "Obca", lang: "pl", brand: "obca", text: "Obca marka dziękuje." },
  ],
  rules: [
    { id: "thank-5", team: "service", when: { ratings: [5], noText: true }, templates: ["thanks-pl", "thanks-en"] },
    { id: "other", team: "pr", when: { ratings: [5] }, templates: ["thanks-pl"] },
  ],
});

describe("who reads the reply measures", () => {
  it("a full-view team with reply or workflow; a pseudonymous team never, and the refusal says why", () => {
    expect(measuresRefusal(team())).toBeUndefined();
    expect(measuresRefusal(team({ actions: ["workflow"] }))).toBeUndefined();
    expect(measuresRefusal(team({ actions: ["alerts"] }))).toContain("actions: [reply] or [workflow]");
    expect(measuresRefusal(team({ view: "pseudonymous", actions: ["workflow"] }))).toContain("pseudonymous view");
    expect(measuresRefusal(team({ hide: ["workflow"] }))).toContain("hide: [workflow]");
  });
});

describe("a team's templates and rules", () => {
  it("the templates of its slice's brands (and the general ones) in its slice's languages", () => {
    expect(templatesOfTeam(file, team({ slice: { brands: ["zuraw"] } })).map((template) => template.id)).toEqual(["thanks-pl", "thanks-en", "zuraw-pl"]);
    expect(templatesOfTeam(file, team({ slice: { brands: ["zuraw"], languages: ["pl"] } })).map((template) => template.id)).toEqual(["thanks-pl", "zuraw-pl"]);
    expect(templatesOfTeam(file, team()).map((template) => template.id)).toEqual(["thanks-pl", "thanks-en", "zuraw-pl", "obca-pl"]);
  });

  it("only the rules that work for the team", () => {
    expect(rulesOfTeam(file, team()).map((rule) => rule.id)).toEqual(["thank-5"]);
  });
});

describe("the preview of a reply", () => {
  it("counts characters as a person does (an emoji is one) and says how far over the store's limit it is", () => {
    const text = `${"a".repeat(348)}👍👍👍`;
    expect(text.length).toBe(354);
    expect(previewOf({ text }, { canReply: true, maxLength: 350, canDelete: false })).toEqual({ text, length: 351, limit: 350, over: 1, missing: [] });
    expect(previewOf({ text: "Dziękujemy!" }, { canReply: true, maxLength: 350, canDelete: false }).over).toBe(0);
  });

  it("has no limit where the agent answers there, and names the variables a template could not fill", () => {
    expect(previewOf({ text: "Dzięki, {product}", missing: ["product"] }, { canReply: false, reason: "no API" })).toEqual({ text: "Dzięki, {product}", length: 17, over: 0, missing: ["product"] });
    expect(replyVia({ canReply: false, reason: "no API" })).toBe("there");
    expect(replyVia({ canReply: true, maxLength: 10, canDelete: true })).toBe("odzew");
  });
});

describe("the mention a reply is about", () => {
  const stored = sampleEnrichedMention({ sourceId: "sklep", nativeId: "r-1" });
  const workflow: WorkflowState = { status: "claimed", assignee: "ola", notes: 0, updatedAt: stored.publishedAt, history: [] };

  it("takes the workflow as located even when the team hides it, so the reply's state still decides", () => {
    const hides = team({ hide: ["workflow"] });
    const doc: MentionDocument = { ...stored, workflow };
    const view = projectMention(doc, hides);
    expect(view).not.toHaveProperty("workflow");
    expect(replyTarget(view, { workflow })).toMatchObject({ id: stored.id, nativeId: "r-1", source: { id: "sklep" }, workflow: { assignee: "ola" } });
  });

  it("is none for the pseudonymous view, which never replies", () => {
    const cx = team({ view: "pseudonymous", actions: ["workflow"] });
    expect(replyTarget(projectMention(stored, cx), { workflow })).toBeUndefined();
    expect(ruleMention(projectMention(stored, cx))).toBeUndefined();
  });
});

describe("measures range", () => {
  const now = new Date("2026-11-29T12:00:00Z");
  it("defaults to the last 30 days; a date is its whole day", () => {
    expect(measuresRange({}, now)).toEqual({ from: "2026-10-30T12:00:00.000Z", to: "2026-11-29T12:00:00.000Z" });
    expect(measuresRange({ from: "2026-11-01", to: "2026-11-02" }, now)).toEqual({ from: "2026-11-01T00:00:00.000Z", to: "2026-11-02T23:59:59.999Z" });
  });
});

describe("a dry run's lines", () => {
  const now = new Date("2026-11-29T12:00:00Z");
  const random = seededRandom(11);

  it("say for every mention what the rule would have done, with the review shortened, and the counts add up", () => {
    const mentions = Array.from({ length: 40 }, (_, index) => {
      const rating = 1 + Math.floor(random() * 5);
      const withText = random() < 0.5;
      const { title, ...sample } = sampleEnrichedMention({ sourceId: "sklep", nativeId: `r-${index}` });
      return {
        ...sample,
        ...(withText ? { title } : {}),
        publishedAt: new Date(now.getTime() - index * 3_600_000).toISOString(),
        rating: { value: rating, original: rating, scaleMin: 1, scaleMax: 5 },
        text: withText ? "Bardzo dobra obsługa, paczka przyszła szybko i była dobrze zapakowana, polecam wszystkim znajomym i rodzinie bez wahania." : "",
        lang: "pl",
        personalData: [],
        priority: { score: 10, level: "low" as const, reasons: [] },
      };
    });
    const service = team();
    const views = mentions.map((mention) => projectMention(mention, service));
    const judged = views.map((view) => ruleMention(view)).filter((mention) => mention !== undefined);
    expect(judged).toHaveLength(40);
    const entries = dryRun(file.rules[0]!, judged, { team: service, templates: file.templates });
    const texts = new Map(mentions.map((mention) => [mention.id, mention.text]));
    const items = entries.map((entry) => dryRunItem(entry, texts.get(entry.mentionId) ?? ""));
    for (const item of items) {
      const mention = mentions.find((candidate) => candidate.id === item.mentionId)!;
      const thanked = mention.rating.value === 5 && mention.text === "";
      expect(item.verdict, `${mention.rating.value}★ "${mention.text.slice(0, 10)}"`).toBe(thanked ? "draft" : "skip");
      if (thanked) expect(item.text).toBe("Dziękujemy, Anna K.!");
      else expect(item.reason).toBeTruthy();
      expect([...item.preview].length).toBeLessThanOrEqual(121);
    }
    const counts = dryRunCounts(items);
    expect(counts.send + counts.draft + counts.skip).toBe(40);
    expect(counts.draft).toBe(mentions.filter((mention) => mention.rating.value === 5 && mention.text === "").length);
  });

  it("shortens a review at a word, with an ellipsis, and folds its line breaks", () => {
    expect(textPreview("Krótko.\n\nI na temat.")).toBe("Krótko. I na temat.");
    const long = "słowo ".repeat(40);
    const preview = textPreview(long, 20);
    expect(preview).toBe("słowo słowo słowo…");
  });
});
