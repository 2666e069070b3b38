import { describe, expect, it } from "vitest";
import { alertsFileSchema } from "@odzew/schema";
import { judge, meanAndSd, transition } from "./detect.ts";

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
