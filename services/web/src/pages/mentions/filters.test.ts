import { describe, expect, it } from "vitest";
import { filterParams, joinPages, narrowed, readFilters, searchPath, sortsFor } from "./filters.ts";

describe("the mentions view's filters in the address", () => {
  it("reads every filter a link carries and asks the API for exactly that", () => {
    const { filters, problems } = readFilters(
      new URLSearchParams("q=dostawa%20kurier&source=demo-zuraw&sentiment=negative&rating_min=2&topic=delivery&lang=pl&brand=zuraw&from=2026-01-01&to=2026-02-01&sort=oldest"),
    );
    expect(problems).toEqual([]);
    expect(filters).toEqual({ q: "dostawa kurier", source: "demo-zuraw", sentiment: "negative", rating_min: 2, topic: "delivery", lang: "pl", brand: "zuraw", from: "2026-01-01", to: "2026-02-01", sort: "oldest" });
    const asked = new URLSearchParams(searchPath(filters).split("?")[1]);
    expect(Object.fromEntries(asked)).toEqual({
      q: "dostawa kurier",
      source: "demo-zuraw",
      sentiment: "negative",
      rating_min: "2",
      topic: "delivery",
      lang: "pl",
      brand: "zuraw",
      from: "2026-01-01",
      to: "2026-02-01",
      sort: "oldest",
      size: "20",
    });
  });

  it("asks for the next page with the cursor, unchanged, and the same filters", () => {
    const path = searchPath({ sentiment: "positive" }, "WzE3MDAwMDAwMDAwMDAsImFiYyJd");
    expect(path).toBe("/mentions?sentiment=positive&size=20&after=WzE3MDAwMDAwMDAwMDAsImFiYyJd");
  });

  it("names what a hand-edited link got wrong instead of sending it", () => {
    const { filters, problems } = readFilters(new URLSearchParams("sentiment=angry&rating_min=9&lang=Polish&from=2026-02-30&source=Demo%20Shop&sort=random&brand=zuraw"));
    expect(filters).toEqual({ brand: "zuraw" });
    expect(problems.map((problem) => [problem.name, problem.expected])).toEqual([
      ["source", "id"],
      ["sentiment", "sentiment"],
      ["rating_min", "stars"],
      ["lang", "lang"],
      ["from", "date"],
      ["sort", "sort"],
    ]);
  });

  it("drops a date range that ends before it starts, and a search text longer than the API takes", () => {
    const { filters, problems } = readFilters(new URLSearchParams(`from=2026-03-01&to=2026-02-01&q=${"a".repeat(501)}`));
    expect(filters).toEqual({ from: "2026-03-01" });
    expect(problems.map((problem) => problem.expected)).toEqual(["long", "range"]);
  });

  it("writes every filter name back, empty ones too, so changing one view to another clears the rest", () => {
    expect(filterParams({ q: "x" })).toEqual({ q: "x", source: undefined, sentiment: undefined, rating_min: undefined, topic: undefined, lang: undefined, brand: undefined, from: undefined, to: undefined, sort: undefined });
    expect(narrowed({ sort: "newest" })).toBe(false);
    expect(narrowed({ topic: "delivery" })).toBe(true);
  });

  it("shows a mention once when pages overlap at the seam", () => {
    expect(joinPages([[{ id: "a" }, { id: "b" }], [{ id: "b" }, { id: "c" }]]).map((mention) => mention.id)).toEqual(["a", "b", "c"]);
  });
});

describe("the orders a team is offered", () => {
  it("leaves out an order by a field the team does not see", () => {
    expect(sortsFor([])).toContain("reach");
    expect(sortsFor(["rating"])).not.toContain("rating-asc");
    expect(sortsFor(["rating"])).not.toContain("rating-desc");
    expect(sortsFor(["reach", "priority"])).toEqual(["newest", "oldest", "relevance", "rating-asc", "rating-desc"]);
  });
});
