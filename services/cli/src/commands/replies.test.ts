import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { dryRun } from "@odzew/replies";
import { repliesFileSchema, teamSchema } from "@odzew/schema";
import { projectMention, ruleMentionOf } from "@odzew/search";
import { sampleEnrichedMention } from "@odzew/testing";
import { dryRunTable, oneLine, parseRepliesArgs, templatesTable } from "./replies.ts";

describe("odzew replies: arguments", () => {
  it("dry-run needs --rule, takes --days from 1 to 90 (default 30); templates takes nothing", () => {
    expect(parseRepliesArgs(["dry-run", "--rule", "thanks"])).toEqual({ ok: true, options: { subcommand: "dry-run", rule: "thanks", days: 30 } });
    expect(parseRepliesArgs(["dry-run", "--rule", "thanks", "--days", "7"])).toEqual({ ok: true, options: { subcommand: "dry-run", rule: "thanks", days: 7 } });
    expect(parseRepliesArgs(["dry-run"])).toEqual({ ok: false, reason: "replies dry-run needs --rule ID (a rule id from the replies file)" });
    expect(parseRepliesArgs(["dry-run", "--rule", "x", "--days", "120"])).toEqual({ ok: false, reason: '--days takes a whole number from 1 to 90, not "120"' });
    expect(parseRepliesArgs(["dry-run", "--rule", "x", "--day", "3"])).toEqual({ ok: false, reason: "unknown option --day for replies dry-run; replies dry-run takes --rule VALUE, --days VALUE" });
    expect(parseRepliesArgs(["templates"])).toEqual({ ok: true, options: { subcommand: "templates" } });
    expect(parseRepliesArgs([])).toMatchObject({ ok: false, reason: expect.stringContaining("replies dry-run --rule ID") });
    expect(parseRepliesArgs(["run"])).toMatchObject({ ok: false, reason: expect.stringContaining('(not "run")') });
  });
});

describe("odzew replies: what it prints", () => {
  const team = teamSchema.parse({ id: "service", name: "Obsługa", keys: [{ env: "K" }], view: "full", actions: ["reply"] });
  const file = repliesFileSchema.parse({
    templates: [{ id: "thanks-pl", name: "Podziękowanie", lang: "pl", text: "Dziękujemy, {author|Drogi Kliencie}!" }],
    rules: [{ id: "thank-5", team: "service", when: { ratings: [5], noText: true }, templates: ["thanks-pl"] }],
  });

  it("a dry run as a table: one line per mention with its verdict and reason, and the counts", () => {
    const random = seededRandom(5);
    const mentions = Array.from({ length: 12 }, (_, index) => {
      const stars = 1 + Math.floor(random() * 5);
      // Stars only: no title either.
      const { title: _title, ...sample } = sampleEnrichedMention({ sourceId: "sklep", nativeId: `r-${index}` });
      return {
        ...sample,
        publishedAt: new Date(Date.UTC(2026, 10, 1 + index, 9)).toISOString(),
        rating: { value: stars, original: stars, scaleMin: 1, scaleMax: 5 },
        text: index % 2 === 0 ? "" : "Przesyłka\nna czas,   polecam.",
        author: { name: "Anonim" },
        personalData: [],
        priority: { score: 1, level: "low" as const, reasons: [] },
      };
    });
    const judged = mentions.map((mention) => ruleMentionOf(projectMention(mention, team))).filter((mention) => mention !== undefined);
    expect(judged).toHaveLength(12);
    const lines = dryRunTable(dryRun(file.rules[0]!, judged, { team, templates: file.templates }), new Map(mentions.map((mention) => [mention.id, mention.text])));
    expect(lines[0]).toMatch(/^date\s+source\s+rating\s+verdict\s+reason \/ reply\s+review$/);
    const rows = lines.slice(1, 13);
    mentions.forEach((mention, index) => {
      const row = rows[index]!;
      expect(row.startsWith(`2026-11-${String(1 + index).padStart(2, "0")} 09:00  sklep`)).toBe(true);
      if (mention.rating.value === 5 && mention.text === "") expect(row).toMatch(/draft\s+"Dziękujemy, Drogi Kliencie!"\s+\(no text\)$/);
      else expect(row).toMatch(/skip\s+\S/);
      if (mention.text) expect(row.endsWith("Przesyłka na czas, polecam.")).toBe(true);
    });
    const drafted = mentions.filter((mention) => mention.rating.value === 5 && mention.text === "").length;
    expect(drafted).toBeGreaterThan(0);
    expect(lines.at(-1)).toBe(`12 mentions: 0 would be sent, ${drafted} drafted, ${12 - drafted} skipped`);
  });

  it("the templates as a list, each text on one line", () => {
    const lines = templatesTable(file.templates);
    expect(lines).toEqual(["id         lang  brand  name           text", "thanks-pl  pl    (all)  Podziękowanie  Dziękujemy, {author|Drogi Kliencie}!"]);
    expect(templatesTable([])).toEqual(["no templates in the replies file"]);
    expect(oneLine("a\n\nb  c", 10)).toBe("a b c");
    expect(oneLine("abcdefghijkl", 5)).toBe("abcd…");
  });
});
