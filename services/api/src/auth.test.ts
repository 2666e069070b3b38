import { describe, expect, it } from "vitest";
import type { TeamConfig } from "@odzew/schema";
import { hashKey, resolveTeamKeys } from "./auth.ts";

const team = (id: string, keys: TeamConfig["keys"]): TeamConfig => ({ id, name: id, keys, slice: {} });

describe("team keys", () => {
  it("maps each key's hash to its team, from a hash or an environment variable", () => {
    const keys = resolveTeamKeys(
      [team("pr", [{ sha256: hashKey("pr-key-0123456789") }]), team("cx", [{ env: "CX_KEY" }])],
      { CX_KEY: "cx-key-0123456789" },
      "teams.yaml",
    );
    expect(keys.get(hashKey("pr-key-0123456789"))?.id).toBe("pr");
    expect(keys.get(hashKey("cx-key-0123456789"))?.id).toBe("cx");
    expect(keys.get(hashKey("guess"))).toBeUndefined();
  });

  it("refuses a missing or short key variable and a key shared by two teams", () => {
    expect(() => resolveTeamKeys([team("pr", [{ env: "NOPE" }])], {}, "teams.yaml")).toThrow(
      "teams.yaml: teams[0].keys[0]: environment variable NOPE is not set",
    );
    expect(() => resolveTeamKeys([team("pr", [{ env: "SHORT" }])], { SHORT: "abc" }, "teams.yaml")).toThrow(/shorter than 16/);
    const shared = { sha256: hashKey("same-key-0123456789") };
    expect(() => resolveTeamKeys([team("pr", [shared]), team("cx", [shared])], {}, "teams.yaml")).toThrow(
      /teams\[1\]\.keys\[0\]: the same key is also given to team "pr"/,
    );
  });
});
