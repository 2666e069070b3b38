import { describe, expect, it } from "vitest";
import { progressLine } from "../rescore.ts";
import { rescoreCommand } from "./rescore.ts";
import { sentimentCommand } from "./sentiment.ts";

describe("sentiment learn, sentiment rollback and rescore arguments", () => {
  it("parses learn and rollback --to VERSION, and names the fix for a bad version", () => {
    expect(sentimentCommand.parse(["learn"])).toEqual({ ok: true, options: { learning: "learn" } });
    expect(sentimentCommand.parse(["learn", "--fast"])).toEqual({ ok: false, reason: "unknown option --fast for sentiment learn; sentiment learn takes no options" });
    expect(sentimentCommand.parse(["rollback", "--to", "3"])).toEqual({ ok: true, options: { learning: "rollback", version: 3 } });
    expect(sentimentCommand.parse(["rollback", "--to", "v2"])).toEqual({ ok: true, options: { learning: "rollback", version: 2 } });
    expect(sentimentCommand.parse(["rollback"])).toEqual({ ok: false, reason: "sentiment rollback needs --to VERSION (a version in ODZEW_MODELS_DIR, e.g. --to 3)" });
    expect(sentimentCommand.parse(["rollback", "--to", "latest"])).toEqual({ ok: false, reason: '--to takes a model version, a whole number from 1 (e.g. --to 3), not "latest"' });
    expect(sentimentCommand.parse(["train", "--input", "r.ndjson", "--out", "m.json"])).toEqual({ ok: true, options: { input: "r.ndjson", out: "m.json" } });
  });

  it("parses rescore [--since DATE] and refuses what is not a date", () => {
    expect(rescoreCommand.parse([])).toEqual({ ok: true, options: {} });
    expect(rescoreCommand.parse(["--since", "2026-03-01"])).toEqual({ ok: true, options: { since: new Date("2026-03-01T00:00:00Z") } });
    expect(rescoreCommand.parse(["--since", "yesterday"])).toEqual({ ok: false, reason: '--since takes a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not "yesterday"' });
    expect(rescoreCommand.parse(["--since", "2026-13-45"])).toMatchObject({ ok: false });
  });

  it("prints progress with count, rate and time left", () => {
    expect(progressLine({ read: 30_000, total: 120_000, published: 29_500, elapsedMs: 10_000 })).toBe(
      "rescored 29,500 mentions, read 30,000 of ~120,000 (25 %), 3,000/s, about 30 s left",
    );
    expect(progressLine({ read: 0, total: 0, published: 0, elapsedMs: 0 })).toBe("rescored 0 mentions, read 0 of ~0, 0/s, time left unknown");
  });
});
