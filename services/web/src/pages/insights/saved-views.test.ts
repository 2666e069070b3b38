import { describe, expect, it } from "vitest";
import { SAVED_VIEWS_MAX, parseSavedViews, savedViewsKey, serializeSavedViews, viewNameProblem, withSavedView, withoutSavedView, type SavedView } from "./saved-views.ts";

const view = (name: string, query = "range=30d&seed=a"): SavedView => ({ name, query, savedAt: "2026-11-29T10:00:00.000Z" });

describe("saved views", () => {
  it("reads back what it stored, per team", () => {
    const views = [view("Dostawa negatywne", "range=7d&sentiment=negative&topic=delivery"), view("Miesiąc")];
    expect(parseSavedViews(serializeSavedViews(views))).toEqual(views);
    expect(savedViewsKey("cx")).not.toBe(savedViewsKey("pr"));
  });

  it("reads nothing, damage or another format as no views, and drops damaged entries", () => {
    expect(parseSavedViews(null)).toEqual([]);
    expect(parseSavedViews("{not json")).toEqual([]);
    expect(parseSavedViews(JSON.stringify({ version: 2, views: [view("x")] }))).toEqual([]);
    expect(parseSavedViews(JSON.stringify({ version: 1, views: [view("ok"), { name: "", query: "", savedAt: "" }, 42, null] }))).toEqual([view("ok")]);
  });

  it("puts a new view first, replaces one of the same name, keeps at most the limit", () => {
    const views = withSavedView(withSavedView([view("A"), view("B")], view("B", "range=7d")), view(" C "));
    expect(views.map((saved) => [saved.name, saved.query])).toEqual([
      ["C", "range=30d&seed=a"],
      ["B", "range=7d"],
      ["A", "range=30d&seed=a"],
    ]);
    expect(withoutSavedView(views, "B").map((saved) => saved.name)).toEqual(["C", "A"]);
    let many: SavedView[] = [];
    for (let index = 0; index < SAVED_VIEWS_MAX + 5; index++) many = withSavedView(many, view(`v${index}`));
    expect(many).toHaveLength(SAVED_VIEWS_MAX);
    expect(many[0]!.name).toBe(`v${SAVED_VIEWS_MAX + 4}`);
  });

  it("says why a name cannot be saved", () => {
    expect(viewNameProblem("  ")).toBe("empty");
    expect(viewNameProblem("x".repeat(81))).toBe("long");
    expect(viewNameProblem("Raport grudzień")).toBeUndefined();
  });
});
