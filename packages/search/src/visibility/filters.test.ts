import { describe, expect, it } from "vitest";
import { HIDEABLE_FIELDS } from "@odzew/schema";
import { assertVisible, hiddenFilters, seesAssignee } from "./filters.ts";

describe("filters a view forbids", () => {
  it("forbids the pseudonymous view source ids and assignees, and every view what it hides", () => {
    expect([...hiddenFilters({ view: "pseudonymous", hide: [] }).keys()].sort()).toEqual(["assignee", "source"]);
    expect(hiddenFilters({ view: "full", hide: [] }).size).toBe(0);
    expect([...hiddenFilters({ view: "full", hide: ["workflow", "rating", "priority"] }).keys()].sort()).toEqual(["assignee", "priority", "rating", "status"]);
    expect(() => assertVisible({ view: "full", hide: ["reach"] }, "reach", "sort=reach")).toThrow("sort=reach: not allowed: this team does not see reach (hide: [reach])");
    expect(() => assertVisible({ view: "full", hide: ["rating"] }, "rating", "rating_min")).toThrow("rating_min: not allowed: this team does not see ratings (hide: [rating]), so it can be neither filtered, grouped nor sorted by");
    expect(() => assertVisible({ view: "full", hide: [] }, "source", "source")).not.toThrow();
  });

  it("tells who sees assignees: the full view only, unless it hides the workflow", () => {
    for (const hidden of HIDEABLE_FIELDS) expect(seesAssignee({ view: "full", hide: [hidden] }), hidden).toBe(hidden !== "workflow");
    expect(seesAssignee({ view: "pseudonymous", hide: [] })).toBe(false);
  });
});
