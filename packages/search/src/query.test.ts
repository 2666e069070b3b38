import { describe, expect, it } from "vitest";
import { teamSchema } from "@odzew/schema";
import { SEARCH_LIMITS, countSearchTerms, parseSearchText, teamQuery } from "./query.ts";
import { allocate, mergeBuckets, pickSample } from "./team-search.ts";
import { hiddenFilters } from "./visibility/index.ts";

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

  it("counts every alternative, operator and tokenizer word against the cap, not only spaces", () => {
    expect(countSearchTerms("a|a|a")).toBe(5);
    expect(countSearchTerms("a,b,c")).toBe(3);
    expect(countSearchTerms('"dostawa kurier" -cena')).toBe(6);
    expect(countSearchTerms("Zażółć gęślą jaźń")).toBe(3);
    expect(countSearchTerms("漢字")).toBe(2);
    for (const text of [Array.from({ length: 40 }, () => "a").join("|"), Array.from({ length: 70 }, () => "a").join(","), `text:${Array.from({ length: 40 }, () => "a").join("|")}`]) {
      expect(() => parseSearchText(text, "full"), text.slice(0, 10)).toThrow(/at most 64 words/);
      expect(() => parseSearchText(text, "pseudonymous"), text.slice(0, 10)).toThrow(/at most 64 words/);
    }
    // At the cap: the most clauses a search may make stays under the engine's 1024.
    const atCap = Array.from({ length: 32 }, (_, index) => `w${index}`).join("|");
    expect(countSearchTerms(atCap)).toBeLessThanOrEqual(SEARCH_LIMITS.words);
    expect(() => parseSearchText(atCap, "pseudonymous")).not.toThrow();
    expect(SEARCH_LIMITS.clauses).toBeLessThan(1024);
  });

  it("refuses filters, field parts, sorts and groups on fields the team's view hides", () => {
    const cx = team("pseudonymous");
    expect(() => teamQuery(cx, { source: ["opineo-sklep"] })).toThrow(/source: not allowed: the pseudonymous view does not show source ids/);
    expect(() => teamQuery(cx, { q: "source:opineo-sklep dostawa" })).toThrow(/q: source:: not allowed/);
    expect(() => teamQuery(team("full", { hide: ["rating"] }), { ratingMax: 2 })).toThrow(/hide: \[rating\]/);
    expect(() => teamQuery(team("full", { hide: ["workflow"] }), { q: "status:claimed" })).toThrow(/hide: \[workflow\]/);
    expect([...hiddenFilters(cx).keys()].sort()).toEqual(["assignee", "source"]);
    expect(hiddenFilters(team("full")).size).toBe(0);
    // The full view may.
    expect(() => teamQuery(team("full"), { source: ["opineo-sklep"], q: "source:opineo-sklep" })).not.toThrow();
  });

  it("puts the team's slice first in bool.filter, whatever the request filters say", () => {
    const query = teamQuery(team("full"), { brand: ["obca"], q: "brand:obca" }) as { bool: { filter: unknown[] } };
    expect(query.bool.filter[0]).toEqual({ bool: { filter: [{ terms: { "brands.id": ["zuraw"] } }, { range: { publishedAt: { gte: "now-90d/d" } } }] } });
    expect(query.bool.filter).toContainEqual({ terms: { "brands.id": ["obca"] } });
  });
});

describe("timeline buckets", () => {
  it("lays the counts over every bucket of the range, empty ones included, in order", () => {
    const layout = [1, 2, 3, 4].map((day) => ({ key: day * 86_400_000, key_as_string: `d${day}`, doc_count: 0 }));
    const counted = [
      { key: 2 * 86_400_000, key_as_string: "d2", doc_count: 5 },
      { key: 4 * 86_400_000, key_as_string: "d4", doc_count: 1 },
    ];
    expect(mergeBuckets(layout, counted).map((bucket) => `${bucket.key_as_string}:${bucket.doc_count}`)).toEqual(["d1:0", "d2:5", "d3:0", "d4:1"]);
    expect(mergeBuckets([], counted)).toEqual(counted);
    expect(mergeBuckets(layout.slice(0, 1), counted).map((bucket) => bucket.key_as_string)).toEqual(["d1", "d2", "d4"]);
  });
});

describe("sample picks", () => {
  const hit = (id: string) => ({ _id: id, _source: { id } });
  it("takes each stratum's share in order, skips what an earlier stratum took, and names strata that ran out", () => {
    const picked = pickSample([
      { key: { topic: "a" }, want: 2, hits: [hit("1"), hit("2"), hit("3")], complete: false },
      { key: { topic: "b" }, want: 2, hits: [hit("2"), hit("4")], complete: false },
      { key: { topic: "c" }, want: 1, hits: [], complete: true },
    ]);
    expect(picked.items.map((item) => item.hit._id)).toEqual(["1", "2", "4"]);
    // b lost mention 2 to a and has read only from the seed's point on: it needs the wrap-round part.
    expect(picked.short).toEqual([1]);
    const again = pickSample([
      { key: { topic: "a" }, want: 2, hits: [hit("1"), hit("2"), hit("3")], complete: false },
      { key: { topic: "b" }, want: 2, hits: [hit("2"), hit("4"), hit("0")], complete: true },
    ]);
    expect(again.items.map((item) => item.hit._id)).toEqual(["1", "2", "4", "0"]);
    expect(again.short).toEqual([]);
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
