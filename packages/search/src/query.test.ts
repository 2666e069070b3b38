import { describe, expect, it } from "vitest";
import { teamSchema } from "@odzew/schema";
import { parseSearchText, teamQuery } from "./query.ts";
import { allocate } from "./team-search.ts";
import { projectMention, sourceFilter } from "./view.ts";

const team = (view: "full" | "pseudonymous", extra: Record<string, unknown> = {}) =>
  teamSchema.parse({ id: "t", name: "T", keys: [{ env: "K" }], slice: { brands: ["zuraw"], window: "90d" }, view, ...extra });

/** Every query type that appears anywhere in a clause tree. */
function queryTypes(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => queryTypes(item, found));
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      found.add(key);
      queryTypes(child, found);
    }
  }
  return found;
}

describe("search text", () => {
  it("turns allow-listed field:value parts into exact filters, negated with a minus", () => {
    const parsed = parseSearchText('dostawa brand:Zuraw -sentiment:positive topic:"delivery"', "full");
    expect(parsed.filter).toEqual([{ term: { "brands.id": "zuraw" } }, { term: { topics: "delivery" } }]);
    expect(parsed.mustNot).toEqual([{ term: { "sentiment.label": "positive" } }]);
    expect(JSON.stringify(parsed.must)).toContain('"query":"dostawa"');
  });

  it("leaves unknown fields as plain words and never builds regex, wildcard, prefix, fuzzy or script queries", () => {
    for (const text of ["_index:* /.*/ dost* dost~2", '{"script":{"source":"x"}}', "text.keyword:/a.*/ author.name:*", "((((a", "\\"]) {
      const types = queryTypes(parseSearchText(text, "pseudonymous"));
      for (const forbidden of ["regexp", "wildcard", "prefix", "fuzzy", "script", "query_string"]) expect(types.has(forbidden), text).toBe(false);
      const flags = JSON.stringify(parseSearchText(text, "full").must);
      if (flags !== "[]") expect(flags).toContain('"flags":"AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE"');
    }
    expect(parseSearchText("author:Kowalski", "full").filter).toEqual([]);
  });

  it("searches the masked copy where it exists in the pseudonymous view", () => {
    const [clause] = parseSearchText("reklamacja", "pseudonymous").must;
    const text = JSON.stringify(clause);
    expect(text).toContain('"masked.text"');
    expect(text).toContain('"must_not":[{"exists":{"field":"masked.text"}}]');
    expect(JSON.stringify(parseSearchText("reklamacja", "full").must)).not.toContain("masked");
  });

  it("refuses text that is too long or has too many parts, with the limit", () => {
    expect(() => parseSearchText("a".repeat(501), "full")).toThrow(/at most 500 characters/);
    expect(() => parseSearchText(Array.from({ length: 65 }, (_, index) => `w${index}`).join(" "), "full")).toThrow(/at most 64 words/);
    expect(() => parseSearchText(Array.from({ length: 21 }, () => "brand:x").join(" "), "full")).toThrow(/at most 20 field:value parts/);
  });

  it("puts the team's slice first in bool.filter, whatever the request filters say", () => {
    const query = teamQuery(team("full"), { brand: ["obca"], q: "brand:obca" }) as { bool: { filter: unknown[] } };
    expect(query.bool.filter[0]).toEqual({ bool: { filter: [{ terms: { "brands.id": ["zuraw"] } }, { range: { publishedAt: { gte: "now-90d/d" } } }] } });
    expect(query.bool.filter).toContainEqual({ terms: { "brands.id": ["obca"] } });
  });
});

describe("views", () => {
  const doc = {
    id: "a".repeat(32),
    nativeId: "r-1",
    url: "https://opinie.example.pl/r-1",
    author: { name: "Bożena Świątek" },
    authorPseudonym: "a_0123456789abcdef",
    title: "Reklamacja",
    text: "Proszę o kontakt: bozena@example.pl",
    masked: { title: "Reklamacja", text: "Proszę o kontakt: [e-mail]" },
    reply: { text: "Pani Bożeno, odezwiemy się." },
    details: { pros: ["tel. 601 234 567"], verifiedPurchase: true },
    workflow: { status: "answered", assignee: "ola@zuraw.pl", notes: 0, updatedAt: "2026-11-27T10:00:00.000Z", history: [] },
    sampleKey: 12345,
  };

  it("shows the pseudonymous view masked text, a pseudonym and whether there is a reply, nothing personal", () => {
    const seen = projectMention(doc, team("pseudonymous"));
    expect(seen).toEqual({
      id: doc.id,
      authorPseudonym: doc.authorPseudonym,
      title: "Reklamacja",
      text: "Proszę o kontakt: [e-mail]",
      hasReply: true,
      details: { verifiedPurchase: true },
      workflow: { status: "answered", notes: 0, updatedAt: "2026-11-27T10:00:00.000Z" },
    });
    expect(sourceFilter(team("pseudonymous")).excludes).toEqual(expect.arrayContaining(["author", "url", "reply.text", "workflow.history"]));
  });

  it("shows the full view everything but internals, minus what the team hides", () => {
    const seen = projectMention(doc, team("full", { hide: ["reply", "url"] }));
    expect(seen.author).toEqual({ name: "Bożena Świątek" });
    expect(seen.text).toBe(doc.text);
    expect(seen).not.toHaveProperty("reply");
    expect(seen).not.toHaveProperty("url");
    expect(seen).not.toHaveProperty("masked");
    expect(seen).not.toHaveProperty("sampleKey");
  });
});

describe("sample allocation", () => {
  it("shares n out in proportion by largest remainder, never more than a stratum holds", () => {
    expect(allocate([34, 21, 7], 20)).toEqual([11, 7, 2]);
    expect(allocate([1, 1, 100], 10)).toEqual([0, 0, 10]);
    expect(allocate([2, 50], 30)).toEqual([1, 29]);
    expect(allocate([3, 3], 10)).toEqual([3, 3]);
    expect(allocate([], 5)).toEqual([]);
  });
});
