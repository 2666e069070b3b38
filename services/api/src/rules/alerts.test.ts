import { describe, expect, it } from "vitest";
import { teamSchema, type Alert, type TeamConfig } from "@odzew/schema";
import { alertMentionIds, alertsForTeam } from "./alerts.ts";

const team = (fields: Partial<Record<string, unknown>> = {}): TeamConfig =>
  teamSchema.parse({ id: "t", name: "T", keys: [{ env: "K" }], slice: { brands: ["zuraw"] }, view: "full", ...fields });

const AT = "2026-11-27T10:00:00.000Z";
const NOW = new Date("2026-11-28T10:00:00.000Z");

describe("alerts", () => {
  const alert = (key: string, fields: Partial<Alert>): Alert => ({
    schemaVersion: 1,
    key,
    kind: "spike",
    status: "open",
    message: key,
    openedAt: AT,
    updatedAt: AT,
    mentions: [],
    delivered: true,
    brand: "zuraw",
    ...fields,
  });

  it("lists the team's alerts open first, then the most recently updated, at most `size`, of the asked status", () => {
    const alerts = [
      alert("a", { status: "resolved", updatedAt: "2026-11-27T12:00:00.000Z" }),
      alert("b", { updatedAt: "2026-11-27T09:00:00.000Z" }),
      alert("c", { updatedAt: "2026-11-27T11:00:00.000Z" }),
      alert("other-brand", { brand: "obca" }),
    ];
    const keys = (listing: Partial<Parameters<typeof alertsForTeam>[2]>) =>
      alertsForTeam(alerts, team(), { now: NOW, sources: [], size: 100, ...listing }).map((shown) => shown.key);
    expect(keys({})).toEqual(["c", "b", "a"]);
    expect(keys({ status: "resolved" })).toEqual(["a"]);
    expect(keys({ size: 2 })).toEqual(["c", "b"]);
  });

  it("shows a source-health alert only to teams that see its source", () => {
    const health = alert("source-health:obca-sklep", { kind: "source-health", source: "obca-sklep", brand: undefined });
    const sources = [{ id: "obca-sklep", brands: ["obca"] }];
    expect(alertsForTeam([health], team(), { now: NOW, sources, size: 10 })).toEqual([]);
    expect(alertsForTeam([health], team({ slice: { brands: ["obca"] } }), { now: NOW, sources, size: 10 })).toHaveLength(1);
  });

  it("names the mentions behind the alerts", () => {
    expect(alertMentionIds([alert("a", { mentions: [{ id: "m1", publishedAt: AT }] }), alert("b", { mentions: [{ id: "m2", publishedAt: AT }] })])).toEqual(["m1", "m2"]);
  });
});
