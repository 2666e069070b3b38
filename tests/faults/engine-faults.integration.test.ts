import { describe, expect, it } from "vitest";
import { engineFaults } from "./scenarios/engine-faults.ts";
import { resultText } from "./scenarios/table.ts";

describe("fault suite: the search engine refuses, blocks and drops writes", () => {
  it("dead-letters exactly the documents the mapping refuses and loses nothing else", async () => {
    const result = await engineFaults({ mentionsPerPhase: 100 });
    console.log(resultText(result));
    expect(result.findings).toEqual([]);
    expect(result.figures).toMatchObject({ lost: 0, duplicated: 0, "dead letters not refused by the mapping": 0, "refusals not dead-lettered": 0 });
  }, 300_000);
});
