import { describe, expect, it } from "vitest";
import { filtersFromParams, needsActor, paramsOf, parseRating, queueQueryOf, slaQueryOf, type InboxFilters } from "./filters.ts";

const ID = "0123456789abcdef0123456789abcdef";

describe("the inbox's filters in the address", () => {
  it("reads every filter from the address and writes the same address back", () => {
    const params = new URLSearchParams({ source: "demo-zuraw", rating: "1-2", topic: "delivery", lang: "pl", status: "claimed", open: ID, assignee: "Ola" });
    const filters = filtersFromParams(params);
    expect(filters).toEqual({ source: "demo-zuraw", rating: { min: 1, max: 2 }, topic: "delivery", lang: "pl", assignee: "Ola", mine: false, status: "claimed", open: ID });
    expect(paramsOf(filters)).toEqual({ source: "demo-zuraw", rating: "1-2", topic: "delivery", lang: "pl", assignee: "Ola", mine: undefined, status: "claimed", open: ID });
  });

  it("keeps the defaults out of the address", () => {
    const filters = filtersFromParams(new URLSearchParams());
    expect(filters).toEqual({ mine: false, status: "unanswered" });
    expect(Object.values(paramsOf(filters)).filter((value) => value !== undefined)).toEqual([]);
  });

  it("leaves out what the API would refuse, instead of failing the view", () => {
    const filters = filtersFromParams(new URLSearchParams({ source: "Bad Source!", rating: "5-1", lang: "polish", status: "everything", open: "x" }));
    expect(filters).toEqual({ mine: false, status: "unanswered" });
    expect(parseRating("0")).toBeUndefined();
    expect(parseRating("4")).toEqual({ min: 4, max: 4 });
  });

  it("asks the queue for the agent's own reviews with \"mine\", and for nobody's without a name", () => {
    const mine: InboxFilters = { mine: true, assignee: "Someone", status: "unanswered", rating: { min: 4, max: 5 } };
    expect(queueQueryOf(mine, " Ola ", 20)).toEqual({ source: undefined, topic: undefined, lang: undefined, rating_min: 4, rating_max: 5, status: "unanswered", assignee: "Ola", size: 20 });
    expect(paramsOf(mine).assignee).toBeUndefined();
    expect(paramsOf(mine).mine).toBe("1");
    expect(needsActor(mine, "")).toBe(true);
    expect(needsActor(mine, "Ola")).toBe(false);
    expect(queueQueryOf({ ...mine, mine: false }, "Ola", 20).assignee).toBe("Someone");
    expect(slaQueryOf(mine)).not.toHaveProperty("status");
  });
});
