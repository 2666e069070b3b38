import { redactUrls } from "@odzew/core";
import { durationMs, type Alert, type AlertsFile, type SourceAlert } from "@odzew/schema";
import { alertKeys, owedWebhooks, type AlertBook, type AlertDraft } from "./book.ts";

/**
 * The alert rules: which alert fires for which counts and windows, and which ends. A spike is a
 * count in the last window of at least mean + k·σ of the same window on each of the past days
 * (never below `minCount`, never judged on too little history or on a source whose collector is
 * in trouble); a high-reach mention raises one alert while it is news; a collector in trouble
 * raises one source-health alert while it lasts. An alert is opened once, kept quiet while it
 * lasts (that is the cooldown: no second message for the same crisis) and resolved after. Pure:
 * every function takes the alert book and what the queries counted, and says what to do.
 */

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

/** Counts of one period: `brand|source` → total and per sentiment. */
export type PeriodCounts = Map<string, { total: number; sentiment: Map<string, number> }>;

/** What the engine counted for one look: the window now, the same window on each past day, and the whole past days. */
export interface LookCounts {
  current: PeriodCounts;
  /** history[d]: the window d+1 days ago. */
  history: PeriodCounts[];
  /** `brand|source` → on how many of the past days it had any mention at all. */
  activeDays: Map<string, number>;
}

/** What to do with one alert: open it (from a draft), or resolve it with a message. */
export type AlertStep = { kind: "open"; key: string; draft: AlertDraft } | { kind: "resolve"; key: string; alert: Alert; message: string };

/**
 * Collectors in trouble, source by source (in order of the source id): one alert while the
 * source's health alert lasts, resolved when it is gone. The collector's message may quote the
 * address it failed on: tokens in it are taken out.
 */
export function sourceHealthSteps(book: AlertBook, health: ReadonlyMap<string, SourceAlert | undefined>, now: Date): AlertStep[] {
  const steps: AlertStep[] = [];
  for (const [source, problem] of [...health].sort(([a], [b]) => a.localeCompare(b))) {
    const key = alertKeys.sourceHealth(source);
    const current = book.get(key);
    if (problem && current?.status !== "open") {
      steps.push({
        kind: "open",
        key,
        draft: {
          key,
          kind: "source-health",
          source,
          code: problem.code,
          message: `Source ${source} cannot be read (${problem.code}): ${redactUrls(problem.message)}. Its counts mean nothing until it is fixed.`,
          openedAt: now.toISOString(),
          mentions: [],
        },
      });
    } else if (!problem && current?.status === "open") {
      steps.push({ kind: "resolve", key, alert: current, message: `Source ${source} is read again.` });
    }
  }
  return steps;
}

/** One brand × source × sentiment at one look: its verdict, and the alert to open or resolve. */
export interface SpikeStep {
  /** `brand|source|sentiment`. */
  watched: string;
  brand: string;
  source: string;
  sentiment: string;
  key: string;
  verdict: Verdict;
  step: { kind: "open"; count: number; baseline: Baseline } | { kind: "resolve"; alert: Alert; message: string } | { kind: "none" };
}

/**
 * Spikes per brand × source × sentiment, in key order: every one with mentions of a watched
 * sentiment in the window now, and every one whose spike alert is open (so that it can end).
 */
export function spikeSteps(book: AlertBook, counts: LookCounts, health: ReadonlyMap<string, SourceAlert | undefined>, spike: AlertsFile["spike"]): SpikeStep[] {
  const watched = new Set<string>();
  for (const [pair, pairCounts] of counts.current) {
    for (const sentiment of spike.sentiments) if ((pairCounts.sentiment.get(sentiment) ?? 0) > 0) watched.add(`${pair}|${sentiment}`);
  }
  for (const alert of book.values()) if (alert.kind === "spike" && alert.status === "open") watched.add(`${alert.brand}|${alert.source}|${alert.sentiment}`);

  return [...watched].sort().map((entry): SpikeStep => {
    const [brand, source, sentiment] = entry.split("|") as [string, string, string];
    const pair = `${brand}|${source}`;
    const key = alertKeys.spike(brand, source, sentiment);
    const recorded = book.get(key);
    const { verdict, step } = decide({
      count: counts.current.get(pair)?.sentiment.get(sentiment) ?? 0,
      history: counts.history.map((period) => period.get(pair)?.sentiment.get(sentiment) ?? 0),
      activeDays: counts.activeDays.get(pair) ?? 0,
      spike,
      sourceAlert: health.get(source),
      open: recorded?.status === "open",
    });
    const base = { watched: entry, brand, source, sentiment, key, verdict };
    if (step === "open" && verdict.kind === "spike") return { ...base, step: { kind: "open", count: verdict.count, baseline: verdict.baseline } };
    if (step === "resolve" && recorded && verdict.kind === "calm") {
      const message = `Over: ${verdict.count} ${sentiment} mentions of ${brand} on ${source} in the last ${spike.window} (threshold ${verdict.baseline.threshold}).`;
      return { ...base, step: { kind: "resolve", alert: recorded, message } };
    }
    return { ...base, step: { kind: "none" } };
  });
}

/** A spike alert to open, with the mentions behind it and their languages (as the queries found them). */
export function spikeDraft(
  spikeStep: SpikeStep & { step: { kind: "open" } },
  found: { mentions: Alert["mentions"]; languages: string[] },
  window: string,
  now: Date,
): AlertDraft {
  const { brand, source, sentiment, key } = spikeStep;
  const { count, baseline } = spikeStep.step;
  return {
    key,
    kind: "spike",
    brand,
    source,
    sentiment,
    languages: found.languages,
    window,
    count,
    baseline,
    message:
      `${capitalise(sentiment)} spike: ${count} ${sentiment} mentions of ${brand} on ${source} in the last ${window} ` +
      `(usually ${baseline.mean} ± ${baseline.sd}; threshold ${baseline.threshold})`,
    openedAt: now.toISOString(),
    mentions: found.mentions,
  };
}

/** A mention at or over the reach threshold, as the queries found it. */
export interface LoudMention {
  mention: Alert["mentions"][number];
  /** The first of its brands the alerts watch, if any. */
  brand: string | undefined;
  source: string;
  lang: string;
}

/** High-reach mentions: each raises one alert, ever (in the order found); one already in the book is not raised again. */
export function reachSteps(book: AlertBook, loud: readonly LoudMention[], now: Date): AlertStep[] {
  const steps: AlertStep[] = [];
  const seen = new Set<string>();
  for (const { mention, brand, source, lang } of loud) {
    const key = alertKeys.reach(mention.id);
    if (book.has(key) || seen.has(key)) continue;
    seen.add(key);
    steps.push({
      kind: "open",
      key,
      draft: {
        key,
        kind: "reach",
        ...(brand ? { brand } : {}),
        source,
        ...(mention.sentiment ? { sentiment: mention.sentiment } : {}),
        languages: [lang],
        message: `High-reach mention${brand ? ` of ${brand}` : ""} on ${source}: reach ${mention.reach}${mention.sentiment ? `, ${mention.sentiment}` : ""}`,
        openedAt: now.toISOString(),
        mentions: [mention],
      },
    });
  }
  return steps;
}

/** Open reach alerts whose mention was published longer ago than the lookback: no longer news, resolved. */
export function reachResolutions(book: AlertBook, now: Date, reach: AlertsFile["reach"]): AlertStep[] {
  const lookbackMs = durationMs(reach.lookback);
  const steps: AlertStep[] = [];
  for (const alert of book.values()) {
    if (alert.kind !== "reach" || alert.status !== "open") continue;
    const published = Date.parse(alert.mentions[0]?.publishedAt ?? "");
    if (published < now.getTime() - lookbackMs) {
      steps.push({ kind: "resolve", key: alert.key, alert, message: `${alert.message} (published over ${reach.lookback} ago: no longer news)` });
    }
  }
  return steps;
}

/**
 * Open alerts a webhook could not take last time (or a crash came between recording and
 * sending), other than those this look already handled: sent again, only to the webhooks still
 * owed them.
 */
export function redeliveries(book: AlertBook, handled: ReadonlySet<string>, webhooks: readonly string[]): Alert[] {
  return [...book.values()].filter((alert) => alert.status === "open" && !handled.has(alert.key) && owedWebhooks(alert, webhooks).length > 0);
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
