import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { SORTS, decodeCursor, encodeCursor, type SortName } from "./team-search.ts";

/** A sort value the engine could return for a sort key. */
function valueFor(key: string, random: () => number): unknown {
  switch (key) {
    case "publishedAt":
      return Math.floor(random() * 2_000_000_000_000);
    case "id":
      return Math.floor(random() * 1e15).toString(16).padStart(32, "0");
    case "_score":
      return random() * 20;
    default:
      return random() < 0.2 ? (random() < 0.5 ? "Infinity" : "-Infinity") : random() * 100;
  }
}

const keysOf = (sort: SortName) => SORTS[sort].map((entry) => Object.keys(entry)[0]!);

describe("page cursors", () => {
  it("give back the sort values of the page's last hit, for every sort (seeded cases)", () => {
    const random = seededRandom(42);
    const sorts = Object.keys(SORTS) as SortName[];
    for (let round = 0; round < 300; round++) {
      const sort = sorts[Math.floor(random() * sorts.length)]!;
      const values = keysOf(sort).map((key) => valueFor(key, random));
      expect(decodeCursor(encodeCursor(sort, values), sort)).toEqual(values);
    }
  });

  it("refuse a cursor of another sort, a forged or truncated one, with a message that says what to pass", () => {
    const cursor = encodeCursor("newest", [1_700_000_000_000, "a".repeat(32)]);
    expect(() => decodeCursor(cursor, "oldest")).toThrow(/invalid cursor: pass the `next` value of the previous page unchanged, with the same sort/);
    expect(() => decodeCursor(cursor.slice(0, 10), "newest")).toThrow(/invalid cursor/);
    expect(() => decodeCursor("not-base64-json", "newest")).toThrow(/invalid cursor/);
    const forged = (values: unknown[]) => Buffer.from(JSON.stringify({ s: "newest", v: values }), "utf8").toString("base64url");
    expect(() => decodeCursor(forged([{ script: "x" }, "a"]), "newest")).toThrow(/invalid cursor/);
    expect(() => decodeCursor(forged([1.5, "a"]), "newest")).toThrow(/invalid cursor/);
    expect(() => decodeCursor(forged([1, "a".repeat(65)]), "newest")).toThrow(/invalid cursor/);
    expect(() => decodeCursor(forged([1]), "newest")).toThrow(/invalid cursor/);
  });
});
