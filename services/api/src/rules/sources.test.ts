import { describe, expect, it } from "vitest";
import { teamSchema, type TeamConfig } from "@odzew/schema";
import { sourceStatuses, type SourceStatus } from "./sources.ts";

const team = (fields: Partial<Record<string, unknown>> = {}): TeamConfig =>
  teamSchema.parse({ id: "t", name: "T", keys: [{ env: "K" }], slice: { brands: ["zuraw"] }, view: "full", ...fields });

const AT = "2026-11-27T10:00:00.000Z";

describe("sources", () => {
  const cursor = (alert: boolean) => ({
    schemaVersion: 1 as const,
    sourceId: "opineo",
    seen: [],
    backfilled: true,
    updatedAt: AT,
    health: {
      maxParsed: 1,
      requests: 1,
      httpErrors: 1,
      consecutiveFailures: 1,
      lastError: "HTTP 403 at https://x.example/?token=abc",
      ...(alert ? { alert: { code: "BLOCKED" as const, message: "403 at https://x.example/?token=abc", since: AT } } : {}),
    },
  });
  const sources: SourceStatus[] = [
    { id: "opineo", type: "opineo", brands: ["zuraw"], cursor: cursor(true) },
    { id: "ceneo", type: "ceneo", brands: ["zuraw"], cursor: cursor(false) },
    { id: "obca-sklep", type: "opineo", brands: ["obca"] },
    { id: "new-source", type: "ceneo" },
  ];

  it("lists the sources of the team's slice with their status, never-polled ones included", () => {
    const seen = sourceStatuses(sources, team());
    expect(seen.map((source) => [source.id, source.status])).toEqual([
      ["opineo", "alert"],
      ["ceneo", "ok"],
      ["new-source", "never-polled"],
    ]);
    expect(seen[2]).toEqual({ id: "new-source", type: "ceneo", status: "never-polled", health: null, backfilled: false, updatedAt: null });
  });

  it("redacts collector errors for the full view and keeps them from the pseudonymous one", () => {
    expect(JSON.stringify(sourceStatuses(sources, team()))).not.toContain("token=abc");
    const cx = sourceStatuses(sources, team({ view: "pseudonymous" }));
    expect(cx[0]!.health).not.toHaveProperty("lastError");
    expect(JSON.stringify(cx)).not.toContain("x.example");
  });
});
