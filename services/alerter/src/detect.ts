import type { AlertsFile, SourceAlert } from "@odzew/schema";

export interface Baseline {
  mean: number;
  sd: number;
  threshold: number;
  /** Days of the baseline on which the brand × source had any mention. */
  days: number;
}

export type Verdict =
  /** At or above the threshold: a crisis may be starting. */
  | { kind: "spike"; count: number; baseline: Baseline }
  /** Below it. */
  | { kind: "calm"; count: number; baseline: Baseline }
  /** Too little history to tell; never read as calm. */
  | { kind: "unknown"; count: number; reason: string };

/** Population mean and standard deviation. */
export function meanAndSd(values: number[]): { mean: number; sd: number } {
  if (values.length === 0) return { mean: 0, sd: 0 };
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, sd: Math.sqrt(variance) };
}

/**
 * Is the count in the current window a spike against the same window on each of the past days?
 * `history[d]` is the count in the window d+1 days ago (0 where there was none); `activeDays` on
 * how many of those whole days the brand × source had any mention at all (a quiet source has
 * empty hours, yet a history). The threshold is mean + k·σ of the history, never below `minCount`.
 */
export function judge(count: number, history: number[], activeDays: number, spike: AlertsFile["spike"]): Verdict {
  if (activeDays < spike.minBaselineDays) {
    return { kind: "unknown", count, reason: `only ${activeDays} of the past ${history.length} days have mentions (needs ${spike.minBaselineDays})` };
  }
  const { mean, sd } = meanAndSd(history);
  const threshold = Math.max(spike.minCount, mean + spike.k * sd);
  const baseline = { mean: round(mean), sd: round(sd), threshold: round(threshold), days: activeDays };
  return count >= threshold ? { kind: "spike", count, baseline } : { kind: "calm", count, baseline };
}

export type Transition = "open" | "keep" | "resolve" | "none";

/**
 * What to do with an alert given what was recorded and the new verdict: open once when a spike
 * starts, keep it (no new message) while it lasts, resolve it when the count is back below the
 * threshold. An unknown verdict changes nothing: it is neither a new crisis nor the end of one.
 */
export function transition(open: boolean, verdict: Verdict["kind"]): Transition {
  if (verdict === "spike") return open ? "keep" : "open";
  if (verdict === "calm") return open ? "resolve" : "none";
  return "none";
}

/**
 * One brand × source × sentiment at one look: the verdict and what to do with its alert. A source
 * whose collector reports a health problem is not judged at all: a silent source does not end a
 * crisis, a flood of retried pages does not start one.
 */
export function decide(input: {
  count: number;
  history: number[];
  activeDays: number;
  spike: AlertsFile["spike"];
  /** The source's health alert, if its collector reports one. */
  sourceAlert: SourceAlert | undefined;
  /** Whether a spike alert for it is open. */
  open: boolean;
}): { verdict: Verdict; step: Transition } {
  if (input.sourceAlert) {
    return { verdict: { kind: "unknown", count: input.count, reason: `the source's collector reports ${input.sourceAlert.code}` }, step: "none" };
  }
  const verdict = judge(input.count, input.history, input.activeDays, input.spike);
  return { verdict, step: transition(input.open, verdict.kind) };
}

const round = (value: number) => Math.round(value * 100) / 100;
