import { describe, expect, it } from "vitest";
import { teamSchema, type TeamConfig } from "@odzew/schema";
import { actionRefusal, actionsRefusal, bearerToken, isMentionId } from "./access.ts";

const team = (fields: Partial<Record<string, unknown>> = {}): TeamConfig =>
  teamSchema.parse({ id: "t", name: "T", keys: [{ env: "K" }], slice: { brands: ["zuraw"] }, view: "full", ...fields });

describe("access", () => {
  it("refuses an action the team's configuration does not grant, naming the fix", () => {
    expect(actionRefusal(team({ actions: ["export"] }), "export")).toBeUndefined();
    expect(actionRefusal(team({ actions: ["export"] }), "workflow")).toBe('team "t" may not use workflow; grant it in teams.yaml (actions: [workflow])');
  });

  it("lets a route that takes any of several actions through with one of them, and names them all when none", () => {
    expect(actionsRefusal(team({ actions: ["approve"] }), ["reply", "approve"])).toBeUndefined();
    expect(actionsRefusal(team({ actions: ["export"] }), ["reply", "approve"])).toBe('team "t" may not use reply or approve; grant one of them in teams.yaml (actions: [reply])');
    expect(actionsRefusal(team({ actions: ["export"] }), ["workflow"])).toBe(actionRefusal(team({ actions: ["export"] }), "workflow"));
  });

  it("takes only 32 hex characters for a mention id", () => {
    expect(isMentionId("a".repeat(32))).toBe(true);
    for (const id of ["A".repeat(32), "a".repeat(31), "a".repeat(33), "../../_search", ""]) expect(isMentionId(id), id).toBe(false);
  });

  it("reads the key of a bearer header, and tells a missing header from a malformed one", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer   abc  ")).toBe("abc");
    expect(bearerToken(undefined)).toBeUndefined();
    for (const header of ["Basic abc", "Bearer", "Bearer a b", `Bearer ${"k".repeat(513)}`, ""]) expect(bearerToken(header), header.slice(0, 20)).toBeNull();
  });
});
