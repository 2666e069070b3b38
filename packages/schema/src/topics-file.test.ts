import { describe, expect, it } from "vitest";
import { DEFAULT_TOPIC_LABELS, checkTopicPattern, topicLabelsOf, topicPatternWords, topicsFileSchema } from "./topics-file.ts";

describe("topicsFileSchema", () => {
  it("reads additions, replacements and new topics, lists defaulting to empty", () => {
    const file = topicsFileSchema.parse({
      topics: [
        { id: "delivery", pl: ["furgonetk*"] },
        { id: "price", replace: true, en: ["price*"] },
        { id: "loyalty", pl: ["karta lojalnościowa", "punkt*"], en: ["loyalty*"] },
      ],
    });
    expect(file.topics[1]).toEqual({ id: "price", replace: true, pl: [], en: ["price*"] });
    expect(file.topics[2]?.pl).toEqual(["karta lojalnościowa", "punkt*"]);
  });

  it("rejects bad ids, bad patterns and a topic listed twice, saying where", () => {
    expect(topicsFileSchema.safeParse({ topics: [{ id: "Bad Id", pl: ["x"] }] }).success).toBe(false);
    expect(topicsFileSchema.safeParse({ topics: [{ id: "a", pl: ["ab*"] }] }).success).toBe(false);
    expect(topicsFileSchema.safeParse({ topics: [{ id: "a", pl: ["a*b"] }] }).success).toBe(false);
    expect(topicsFileSchema.safeParse({ topics: [{ id: "a", pl: ["!!!"] }] }).success).toBe(false);
    expect(topicsFileSchema.safeParse({ topics: [{ id: "a", pl: ["one two three four five"] }] }).success).toBe(false);
    const twice = topicsFileSchema.safeParse({ topics: [{ id: "a" }, { id: "a" }] });
    expect(twice.error?.issues[0]).toMatchObject({ message: 'topic "a" is listed twice', path: ["topics", 1, "id"] });
  });
});

describe("topic patterns", () => {
  it("splits a pattern into folded words, keeping the stem marks", () => {
    expect(topicPatternWords("Poczta Polska")).toEqual(["poczta", "polska"]);
    expect(topicPatternWords("śledzeni* przesył*")).toEqual(["sledzeni*", "przesyl*"]);
    expect(topicPatternWords("e-mail*")).toEqual(["e", "mail*"]);
    expect(topicPatternWords("ŁÓDŹ Żółć")).toEqual(["lodz", "zolc"]);
  });

  it("names what is wrong with a pattern", () => {
    expect(checkTopicPattern("dostaw*")).toBeNull();
    expect(checkTopicPattern("czas oczekiwania")).toBeNull();
    expect(checkTopicPattern("ząb*")).toBeNull();
    expect(checkTopicPattern("zł*")).toBe('"zł*": a stem needs at least 3 letters');
    expect(checkTopicPattern("do*stawa")).toBe('"do*stawa": "*" may only end a word');
    expect(checkTopicPattern("?!")).toBe('"?!": no letters or digits');
    expect(checkTopicPattern("jeden dwa trzy cztery pięć")).toBe('"jeden dwa trzy cztery pięć": a phrase has at most 4 words');
  });

  it("labels topics for people: the defaults, a file's label replacing one, one language serving both, no label no entry", () => {
    const file = topicsFileSchema.parse({
      topics: [
        { id: "delivery", label: { pl: "Wysyłka" }, pl: ["furgonetk*"] },
        { id: "loyalty", label: { pl: "Program lojalnościowy", en: "Loyalty programme" }, pl: ["punkt*"] },
        { id: "unnamed", pl: ["coś"] },
      ],
    });
    const labels = new Map(topicLabelsOf(file).map((entry) => [entry.id, entry.label]));
    expect(labels.get("delivery")).toEqual({ pl: "Wysyłka", en: "Wysyłka" });
    expect(labels.get("loyalty")).toEqual({ pl: "Program lojalnościowy", en: "Loyalty programme" });
    expect(labels.get("price")).toEqual(DEFAULT_TOPIC_LABELS.price);
    expect(labels.has("unnamed")).toBe(false);
    expect(new Map(topicLabelsOf().map((entry) => [entry.id, entry.label]))).toEqual(new Map(Object.entries(DEFAULT_TOPIC_LABELS)));
    // A label needs one language at least, and nothing else.
    expect(topicsFileSchema.safeParse({ topics: [{ id: "a", label: {}, pl: ["abc"] }] }).error?.issues[0]?.message).toMatch(/pl, en or both/);
    expect(topicsFileSchema.safeParse({ topics: [{ id: "a", label: { de: "X" }, pl: ["abc"] }] }).success).toBe(false);
  });
});
