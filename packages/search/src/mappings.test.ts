import { describe, expect, it } from "vitest";
import { indexNames, sliceFilter } from "./mappings.ts";

describe("index layout", () => {
  it("puts a mention in the monthly index of its publication date, always the same one", () => {
    const names = indexNames("odzew");
    expect(names.indexFor("2026-03-31T23:59:59.000Z")).toBe("odzew-mentions-2026.03");
    expect(names.teamAlias("cx")).toBe("odzew-team-cx");
    expect(names.pattern).toBe("odzew-mentions-*");
  });

  it("turns a team's slice into an engine filter that requires every given part", () => {
    expect(sliceFilter({})).toEqual({ match_all: {} });
    expect(sliceFilter({ brands: ["zuraw"], languages: ["pl"], window: "30d" })).toEqual({
      bool: {
        filter: [
          { terms: { "brands.id": ["zuraw"] } },
          { terms: { lang: ["pl"] } },
          { range: { publishedAt: { gte: "now-30d/d" } } },
        ],
      },
    });
  });
});
