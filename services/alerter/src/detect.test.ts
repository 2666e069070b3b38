import { describe, expect, it } from "vitest";
import { alertsFileSchema } from "@odzew/schema";
import { decide, judge, meanAndSd, transition } from "./detect.ts";

const spike = alertsFileSchema.parse({}).spike; // 60m, 14 days, k = 3, at least 5, 7 active days

describe("spike detection", () => {
  it("computes the baseline's mean and standard deviation", () => {
    expect(meanAndSd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: 2 });
    expect(meanAndSd([])).toEqual({ mean: 0, sd: 0 });
  });

  it("calls a count above mean + 3σ of the same hour on past days a spike, and one below it calm", () => {
    // A busy app that hears about ten negative reviews in this hour on a usual day.
    const history = [8, 12, 10, 10, 9, 11, 10, 8, 12, 10, 10, 9, 11, 10];
    const burst = judge(14, history, 14, spike);
    expect(burst.kind).toBe("spike");
    if (burst.kind === "spike") expect(burst.baseline).toEqual({ mean: 10, sd: 1.2, threshold: 13.59, days: 14 });
    expect(judge(13, history, 14, spike).kind).toBe("calm");
  });

  it("needs at least the minimum count, however quiet the baseline", () => {
    // mean 0 and σ 0: without a floor, a single review would be a "crisis".
    const quiet = new Array(14).fill(0);
    expect(judge(1, quiet, 10, spike).kind).toBe("calm");
    expect(judge(4, quiet, 10, spike).kind).toBe("calm");
    expect(judge(5, quiet, 10, spike).kind).toBe("spike");
  });

  it("gives no verdict without enough history, rather than calm or crisis", () => {
    const verdict = judge(40, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2], 2, spike);
    expect(verdict.kind).toBe("unknown");
    if (verdict.kind === "unknown") expect(verdict.reason).toContain("only 2 of the past 14 days");
  });

  it("opens an alert once per spike, keeps it quiet while it lasts, and resolves it after", () => {
    expect(transition(false, "spike")).toBe("open");
    expect(transition(true, "spike")).toBe("keep");
    expect(transition(true, "calm")).toBe("resolve");
    expect(transition(false, "calm")).toBe("none");
    // Unknown (or a source in trouble) is neither a new crisis nor the end of one.
    expect(transition(true, "unknown")).toBe("none");
    expect(transition(false, "unknown")).toBe("none");
  });
});

describe("a look at one brand × source × sentiment", () => {
  const blocked = { code: "BLOCKED" as const, message: "HTTP 403 twice in a row", since: "2026-11-27T14:10:00.000Z" };
  const history = [8, 12, 10, 10, 9, 11, 10, 8, 12, 10, 10, 9, 11, 10];

  it("never judges a source whose collector reports a health problem: no crisis, and no calm that ends one", () => {
    // 40 angry reviews would be a crisis, but the collector is retrying pages it already read.
    const flood = decide({ count: 40, history, activeDays: 14, spike, sourceAlert: blocked, open: false });
    expect(flood).toEqual({ verdict: { kind: "unknown", count: 40, reason: "the source's collector reports BLOCKED" }, step: "none" });
    // A blocked source falls silent; its open crisis is not over for that.
    const silence = decide({ count: 0, history, activeDays: 14, spike, sourceAlert: { ...blocked, code: "LAYOUT_CHANGED" }, open: true });
    expect(silence.step).toBe("none");
    // The same counts on a healthy source.
    expect(decide({ count: 40, history, activeDays: 14, spike, sourceAlert: undefined, open: false }).step).toBe("open");
    expect(decide({ count: 0, history, activeDays: 14, spike, sourceAlert: undefined, open: true }).step).toBe("resolve");
  });

  it("judges a quiet source by its whole days: empty hours in the baseline are history, not its absence", () => {
    // A shop with a few reviews a day: this hour was empty on most past days, yet it had reviews every day.
    const quiet = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0];
    const burst = decide({ count: 9, history: quiet, activeDays: 14, spike, sourceAlert: undefined, open: false });
    expect(burst.verdict).toMatchObject({ kind: "spike", count: 9, baseline: { mean: 0.21, sd: 0.41, threshold: 5, days: 14 } });
    expect(burst.step).toBe("open");
  });

  it("fires again for a new spike after the last one was resolved, and only once per spike", () => {
    const looks = [14, 16, 15, 9, 8, 22, 25, 10];
    let open = false;
    const steps: string[] = [];
    for (const count of looks) {
      const { step } = decide({ count, history, activeDays: 14, spike, sourceAlert: undefined, open });
      steps.push(step);
      if (step === "open") open = true;
      if (step === "resolve") open = false;
    }
    expect(steps).toEqual(["open", "keep", "keep", "resolve", "none", "open", "keep", "resolve"]);
  });
});
