import { describe, expect, it } from "vitest";
import { teamSchema } from "@odzew/schema";
import type { Alert } from "@odzew/schema";
import { SEARCH_LIMITS, countSearchTerms, parseSearchText, teamQuery } from "./query.ts";
import { allocate, mergeBuckets, pickSample } from "./team-search.ts";
import { redactUrls } from "@odzew/core";
import { alertInSlice, hiddenFilters, projectAlert, projectMention, projectSourceHealth, sourceFilter } from "./view.ts";

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

  it("shows the pseudonymous view the source type, never the source id", () => {
    const seen = projectMention({ ...doc, source: { id: "opineo-sklep", type: "opineo" } }, team("pseudonymous"));
    expect(seen.source).toEqual({ type: "opineo" });
    expect(sourceFilter(team("pseudonymous")).excludes).toContain("source.id");
    expect(projectMention({ ...doc, source: { id: "opineo-sklep", type: "opineo" } }, team("full")).source).toEqual({ id: "opineo-sklep", type: "opineo" });
  });

  it("never serves a link that is not http(s), in either view", () => {
    for (const url of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "vbscript:x", "not a url"]) {
      const seen = projectMention({ ...doc, url, author: { name: "A", profileUrl: url } }, team("full"));
      expect(seen, url).not.toHaveProperty("url");
      expect(seen.author, url).toEqual({ name: "A" });
    }
    expect(projectMention(doc, team("full")).url).toBe(doc.url);
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

describe("collector errors and alerts", () => {
  it("takes userinfo, query strings and fragments out of URLs in any text", () => {
    expect(redactUrls("GET https://user:pass@api.example.com/v1/places?key=SECRET&x=1 failed: 403")).toBe("GET https://…@api.example.com/v1/places?key=…&x=… failed: 403");
    expect(redactUrls("see http://opinie.example.pl/sklep.")).toBe("see http://opinie.example.pl/sklep.");
    expect(redactUrls("no url here")).toBe("no url here");
  });

  it("shows a source's health: redacted to the full view, code and generic words to others", () => {
    const health = {
      maxParsed: 1,
      requests: 1,
      httpErrors: 1,
      consecutiveFailures: 1,
      lastError: "HTTP 403 at https://x.example/a?token=abc",
      alert: { code: "BLOCKED" as const, message: "blocked at https://x.example/a?token=abc", since: "2026-11-27T10:00:00.000Z" },
    };
    expect(projectSourceHealth(health, team("full"))).toMatchObject({ lastError: "HTTP 403 at https://x.example/a?token=…", alert: { message: "blocked at https://x.example/a?token=…" } });
    const cx = projectSourceHealth(health, team("pseudonymous"));
    expect(cx).not.toHaveProperty("lastError");
    expect(cx.alert).toEqual({ code: "BLOCKED", since: health.alert.since, message: expect.not.stringContaining("x.example") });
  });

  const alert = (fields: Partial<Alert>): Alert => ({
    schemaVersion: 1,
    key: "k",
    kind: "spike",
    status: "open",
    message: "m",
    openedAt: "2026-11-27T10:00:00.000Z",
    updatedAt: "2026-11-27T10:00:00.000Z",
    mentions: [],
    delivered: true,
    ...fields,
  });
  const now = new Date("2026-11-28T10:00:00.000Z");
  const anySource = () => true;

  it("shows an alert only to a team whose whole slice it lies in", () => {
    const spike = alert({ brand: "zuraw", source: "opineo", sentiment: "negative", languages: ["pl"] });
    expect(alertInSlice(spike, { brands: ["zuraw"], languages: ["pl", "en"], sentiment: ["negative"], window: "7d" }, now, anySource)).toBe(true);
    expect(alertInSlice(spike, { brands: ["obca"] }, now, anySource)).toBe(false);
    expect(alertInSlice(spike, { sources: ["ceneo"] }, now, anySource)).toBe(false);
    expect(alertInSlice(spike, { sentiment: ["positive"] }, now, anySource)).toBe(false);
    expect(alertInSlice(spike, { languages: ["en"] }, now, anySource)).toBe(false);
    expect(alertInSlice({ ...spike, languages: ["pl", "de"] }, { languages: ["pl"] }, now, anySource)).toBe(false);
    expect(alertInSlice({ ...spike, languages: undefined }, { languages: ["pl"] }, now, anySource)).toBe(false);
    expect(alertInSlice({ ...spike, openedAt: "2026-01-01T00:00:00.000Z" }, { window: "30d" }, now, anySource)).toBe(false);
    // Without a brand: only for a team without a brand restriction.
    const unbranded = alert({ kind: "reach", source: "opineo", sentiment: "negative", languages: ["pl"] });
    expect(alertInSlice(unbranded, {}, now, anySource)).toBe(true);
    expect(alertInSlice(unbranded, { brands: ["zuraw"] }, now, anySource)).toBe(false);
    // Source health follows the source's visibility.
    const blocked = alert({ kind: "source-health", source: "opineo", code: "BLOCKED" });
    expect(alertInSlice(blocked, { brands: ["zuraw"], languages: ["pl"] }, now, (source) => source === "opineo")).toBe(true);
    expect(alertInSlice(blocked, { brands: ["zuraw"] }, now, () => false)).toBe(false);
  });

  it("projects an alert: the team's own view of its mentions, and no collector message outside the full view", () => {
    const blocked = alert({ kind: "source-health", source: "opineo", message: "Source opineo cannot be read (BLOCKED): 403 from https://x.example/?key=1. Its counts…" });
    expect(projectAlert(blocked, team("pseudonymous"), new Map()).message).not.toContain("x.example");
    expect(projectAlert(blocked, team("full"), new Map()).message).toContain("https://x.example/?key=…");
    const spike = alert({ mentions: [{ id: "m1", text: "bozena@example.pl", url: "https://x", publishedAt: "2026-11-27T10:00:00.000Z" }, { id: "m2", text: "t", publishedAt: "2026-11-27T10:00:00.000Z" }] });
    const seen = projectAlert(spike, team("pseudonymous"), new Map([["m1", { id: "m1", text: "[e-mail]" }]]));
    expect(seen.mentions).toEqual([{ id: "m1", text: "[e-mail]" }]);
  });
});
