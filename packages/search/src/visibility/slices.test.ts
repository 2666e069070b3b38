import { describe, expect, it } from "vitest";
import { redactUrls } from "@odzew/core";
import { teamSchema, type Alert } from "@odzew/schema";
import { alertInSlice, projectAlert, projectSourceHealth, sourceVisible } from "./slices.ts";

const team = (view: "full" | "pseudonymous", extra: Record<string, unknown> = {}) =>
  teamSchema.parse({ id: "t", name: "T", keys: [{ env: "K" }], slice: { brands: ["zuraw"], window: "90d" }, view, ...extra });

describe("sources", () => {
  it("shows a team the sources of its slice that serve one of its brands (or any brand)", () => {
    const zuraw = team("full");
    expect(sourceVisible(zuraw, { id: "opineo", brands: ["zuraw"] })).toBe(true);
    expect(sourceVisible(zuraw, { id: "opineo", brands: ["obca"] })).toBe(false);
    expect(sourceVisible(zuraw, { id: "opineo" })).toBe(true);
    expect(sourceVisible(zuraw, { id: "opineo", brands: [] })).toBe(true);
    const limited = team("full", { slice: { sources: ["ceneo"] } });
    expect(sourceVisible(limited, { id: "opineo" })).toBe(false);
    expect(sourceVisible(limited, { id: "ceneo", brands: ["obca"] })).toBe(true);
  });
});

describe("collector errors and alerts", () => {
  it("takes userinfo, query strings and fragments out of URLs in any text", () => {
    expect(redactUrls("GET https://user:pass@api.example.com/v1/places?key=SECRET&x=1 failed: 403")).toBe("GET https://…@api.example.com/v1/places?key=…&x=… failed: 403");
    expect(redactUrls("see http://opinie.example.pl/sklep.")).toBe("see http://opinie.example.pl/sklep.");
    expect(redactUrls("no url here")).toBe("no url here");
  });

  it("shows a source's health: redacted to the full view, code and generic words to others", () => {
    const health = {
      maxParsed: 1,
      requests: 1,
      httpErrors: 1,
      consecutiveFailures: 1,
      lastError: "HTTP 403 at https://x.example/a?token=abc",
      alert: { code: "BLOCKED" as const, message: "blocked at https://x.example/a?token=abc", since: "2026-11-27T10:00:00.000Z" },
    };
    expect(projectSourceHealth(health, team("full"))).toMatchObject({ lastError: "HTTP 403 at https://x.example/a?token=…", alert: { message: "blocked at https://x.example/a?token=…" } });
    const cx = projectSourceHealth(health, team("pseudonymous"));
    expect(cx).not.toHaveProperty("lastError");
    expect(cx.alert).toEqual({ code: "BLOCKED", since: health.alert.since, message: expect.not.stringContaining("x.example") });
  });

  const alert = (fields: Partial<Alert>): Alert => ({
    schemaVersion: 1,
    key: "k",
    kind: "spike",
    status: "open",
    message: "m",
    openedAt: "2026-11-27T10:00:00.000Z",
    updatedAt: "2026-11-27T10:00:00.000Z",
    mentions: [],
    delivered: true,
    ...fields,
  });
  const now = new Date("2026-11-28T10:00:00.000Z");
  const anySource = () => true;

  it("shows an alert only to a team whose whole slice it lies in", () => {
    const spike = alert({ brand: "zuraw", source: "opineo", sentiment: "negative", languages: ["pl"] });
    expect(alertInSlice(spike, { brands: ["zuraw"], languages: ["pl", "en"], sentiment: ["negative"], window: "7d" }, now, anySource)).toBe(true);
    expect(alertInSlice(spike, { brands: ["obca"] }, now, anySource)).toBe(false);
    expect(alertInSlice(spike, { sources: ["ceneo"] }, now, anySource)).toBe(false);
    expect(alertInSlice(spike, { sentiment: ["positive"] }, now, anySource)).toBe(false);
    expect(alertInSlice(spike, { languages: ["en"] }, now, anySource)).toBe(false);
    expect(alertInSlice({ ...spike, languages: ["pl", "de"] }, { languages: ["pl"] }, now, anySource)).toBe(false);
    expect(alertInSlice({ ...spike, languages: undefined }, { languages: ["pl"] }, now, anySource)).toBe(false);
    expect(alertInSlice({ ...spike, openedAt: "2026-01-01T00:00:00.000Z" }, { window: "30d" }, now, anySource)).toBe(false);
    // Without a brand: only for a team without a brand restriction.
    const unbranded = alert({ kind: "reach", source: "opineo", sentiment: "negative", languages: ["pl"] });
    expect(alertInSlice(unbranded, {}, now, anySource)).toBe(true);
    expect(alertInSlice(unbranded, { brands: ["zuraw"] }, now, anySource)).toBe(false);
    // Source health follows the source's visibility.
    const blocked = alert({ kind: "source-health", source: "opineo", code: "BLOCKED" });
    expect(alertInSlice(blocked, { brands: ["zuraw"], languages: ["pl"] }, now, (source) => source === "opineo")).toBe(true);
    expect(alertInSlice(blocked, { brands: ["zuraw"] }, now, () => false)).toBe(false);
  });

  it("projects an alert: the team's own view of its mentions, and no collector message outside the full view", () => {
    const blocked = alert({ kind: "source-health", source: "opineo", message: "Source opineo cannot be read (BLOCKED): 403 from https://x.example/?key=1. Its counts…" });
    expect(projectAlert(blocked, team("pseudonymous"), new Map()).message).not.toContain("x.example");
    expect(projectAlert(blocked, team("full"), new Map()).message).toContain("https://x.example/?key=…");
    const spike = alert({ mentions: [{ id: "m1", text: "bozena@example.pl", url: "https://x", publishedAt: "2026-11-27T10:00:00.000Z" }, { id: "m2", text: "t", publishedAt: "2026-11-27T10:00:00.000Z" }] });
    const seen = projectAlert(spike, team("pseudonymous"), new Map([["m1", { id: "m1", text: "[e-mail]" }]]));
    expect(seen.mentions).toEqual([{ id: "m1", text: "[e-mail]" }]);
  });
});
