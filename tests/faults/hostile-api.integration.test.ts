import { describe, expect, it } from "vitest";
import { hostileApi } from "./scenarios/hostile-api.ts";
import { resultText } from "./scenarios/table.ts";

describe("fault suite: hostile API requests", () => {
  it("never answers 5xx and never shows a mention outside the team's slice or view", async () => {
    const result = await hostileApi({ requestsPerTeam: 250, slice: 500 });
    console.log(resultText(result));
    expect(result.findings).toEqual([]);
    expect(result.figures).toMatchObject({ "5xx": 0, "cross-team": 0, "cross-view": 0 });
  }, 240_000);
});
