import { describe, expect, it } from "vitest";
import { poisonMessages } from "./scenarios/poison.ts";
import { resultText } from "./scenarios/table.ts";

describe("fault suite: poison on the raw topic", () => {
  it("dead-letters every poison message with its reason and never stops a worker", async () => {
    const result = await poisonMessages({ mentions: 1_000, every: 100, burst: 600 });
    console.log(resultText(result));
    expect(result.findings).toEqual([]);
    expect(result.figures).toMatchObject({ "worker exits": 0, "poison missing from the DLQ": 0, "good mentions lost": 0 });
  }, 240_000);
});
