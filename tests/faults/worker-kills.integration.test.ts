import { describe, expect, it } from "vitest";
import { workerKills } from "./scenarios/worker-kills.ts";
import { resultText } from "./scenarios/table.ts";

describe("fault suite: kill -9 of the enricher and the indexer", () => {
  it("loses and doubles nothing when the workers are killed during a load", async () => {
    const result = await workerKills({ mentions: 2_000, kills: 3 });
    console.log(resultText(result));
    expect(result.findings).toEqual([]);
    expect(result.figures).toMatchObject({ lost: 0, duplicated: 0, "dead letters": 0 });
  }, 240_000);
});
