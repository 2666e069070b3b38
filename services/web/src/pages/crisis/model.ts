/**
 * The crisis room's decisions, pure (no DOM, no fetch): the address ↔ the view's state, a range →
 * the timeline's request, a timeline → the chart's series, an alert → its window, its marks on the
 * chart and the mentions behind it. The page loads, calls these and draws.
 */
import { SENTIMENTS, idOrUndefined, isSentiment, type Sentiment } from "../../address.ts";
import type { Timeline, TeamAlert } from "../../types.ts";

export const RANGES = ["24h", "7d", "30d", "90d"] as const;
export type Range = (typeof RANGES)[number];
export type Interval = Timeline["interval"];
export { SENTIMENTS, type Sentiment };
/** The stack's parts: the three labels and the mentions not scored (yet). */
export const STACK = [...SENTIMENTS, "none"] as const;
export type StackPart = (typeof STACK)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RANGE_SPAN: Record<Range, { span: number; interval: Interval }> = {
  "24h": { span: DAY, interval: "hour" },
  "7d": { span: 7 * DAY, interval: "hour" },
  "30d": { span: 30 * DAY, interval: "day" },
  "90d": { span: 90 * DAY, interval: "day" },
};
const INTERVAL_MS: Record<Interval, number> = { hour: HOUR, day: DAY, week: 7 * DAY, month: 31 * DAY };
/** The spike window of the demo and the alerter's default (config/alerts.yaml `spike.window`). */
export const DEFAULT_SPIKE_WINDOW_MS = HOUR;

/** The mentions behind a bar, a segment of it or an alert: what the drill-down lists. */
export interface Drill {
  from: string;
  /** Absent: up to now (an alert still open). */
  to?: string | undefined;
  sentiment?: Sentiment | undefined;
  source?: string | undefined;
  /** The alert drilled into (its key), to mark it in the list. */
  alert?: string | undefined;
}

export interface CrisisState {
  range: Range;
  /** One brand of the slice, or every brand of it. */
  brand?: string | undefined;
  drill?: Drill | undefined;
}

const isRange = (value: string | null): value is Range => value !== null && (RANGES as readonly string[]).includes(value);
const validTime = (value: string | null): value is string => value !== null && value !== "" && !Number.isNaN(Date.parse(value));

/** The view's state from the address (anything unknown or malformed falls back to the default). */
export function parseCrisisState(params: URLSearchParams): CrisisState {
  const range = params.get("range");
  const from = params.get("from");
  const to = params.get("to");
  const sentiment = params.get("sentiment");
  const drill: Drill | undefined = validTime(from)
    ? {
        from,
        to: validTime(to) ? to : undefined,
        sentiment: isSentiment(sentiment) ? sentiment : undefined,
        source: idOrUndefined(params.get("source")),
        alert: params.get("alert") || undefined,
      }
    : undefined;
  return { range: isRange(range) ? range : "24h", brand: idOrUndefined(params.get("brand")), drill };
}

/** The address of a state (the inverse of parseCrisisState). */
export function crisisParams(state: CrisisState): Record<string, string | undefined> {
  return {
    range: state.range,
    brand: state.brand,
    from: state.drill?.from,
    to: state.drill?.to,
    sentiment: state.drill?.sentiment,
    source: state.drill?.source,
    alert: state.drill?.alert,
  };
}

/**
 * The timeline request of a range at `now`: its start aligned to the interval (a whole hour or a
 * whole day in UTC), so asking again within the hour asks the same; the end is the API's (now).
 */
export function rangeWindow(range: Range, now: number): { from: string; interval: Interval } {
  const { span, interval } = RANGE_SPAN[range];
  const size = INTERVAL_MS[interval];
  const from = Math.floor((now - span) / size) * size + size;
  return { from: new Date(from).toISOString(), interval };
}

/** Where a bucket ends (inclusive, the millisecond before the next one starts). */
export function bucketEnd(timeline: Pick<Timeline, "buckets" | "interval">, index: number): string {
  const next = timeline.buckets[index + 1];
  const start = Date.parse(timeline.buckets[index]?.at ?? "");
  const end = next ? Date.parse(next.at) : start + INTERVAL_MS[timeline.interval];
  return new Date(end - 1).toISOString();
}

/** The bucket a moment falls in (the last that starts at or before it); -1 before the first. */
export function bucketIndexOf(timeline: Pick<Timeline, "buckets">, at: string | number): number {
  const time = typeof at === "number" ? at : Date.parse(at);
  let found = -1;
  timeline.buckets.forEach((bucket, index) => {
    if (Date.parse(bucket.at) <= time) found = index;
  });
  return found;
}

/** The drill-down of one bucket, optionally of one sentiment ("none" is every label). */
export function drillForBucket(timeline: Pick<Timeline, "buckets" | "interval">, index: number, part?: StackPart): Drill | undefined {
  const bucket = timeline.buckets[index];
  if (!bucket) return undefined;
  return { from: new Date(Date.parse(bucket.at)).toISOString(), to: bucketEnd(timeline, index), sentiment: part && part !== "none" ? part : undefined };
}

/** A timeline split by sentiment as stacked series: counts per part, per bucket (unscored = the rest). */
export function sentimentSeries(timeline: Pick<Timeline, "buckets">): Record<StackPart, number[]> {
  const series: Record<StackPart, number[]> = { negative: [], neutral: [], positive: [], none: [] };
  for (const bucket of timeline.buckets) {
    let scored = 0;
    for (const label of SENTIMENTS) {
      const count = bucket.by?.[label] ?? 0;
      scored += count;
      series[label].push(count);
    }
    series.none.push(Math.max(0, bucket.count - scored));
  }
  return series;
}

/**
 * A timeline split by brand as shares of voice per bucket (0–1 of the brands' mentions in it; a
 * bucket without mentions has no share: null, a gap in the line, not 0 %).
 */
export function shareSeries(timeline: Pick<Timeline, "buckets">): { brands: string[]; shares: Record<string, (number | null)[]> } {
  const totals = new Map<string, number>();
  for (const bucket of timeline.buckets) for (const [brand, count] of Object.entries(bucket.by ?? {})) totals.set(brand, (totals.get(brand) ?? 0) + count);
  const brands = [...totals].sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b)).map(([brand]) => brand);
  const shares: Record<string, (number | null)[]> = Object.fromEntries(brands.map((brand) => [brand, []]));
  for (const bucket of timeline.buckets) {
    const sum = brands.reduce((total, brand) => total + (bucket.by?.[brand] ?? 0), 0);
    for (const brand of brands) shares[brand]?.push(sum === 0 ? null : (bucket.by?.[brand] ?? 0) / sum);
  }
  return { brands, shares };
}

/** An alert's window ("60m", "2h", "1d", as alerts.yaml writes it) in milliseconds; undefined for none or another form. */
export function durationMsOf(window: string | undefined): number | undefined {
  const match = /^(\d+)([mhd])$/.exec(window ?? "");
  if (!match) return undefined;
  return Number(match[1]) * { m: 60_000, h: HOUR, d: 24 * HOUR }[match[2] as "m" | "h" | "d"];
}

/**
 * The time an alert covers. A spike: its window (the alerter counts the window before the look
 * that opened it: the alert's `window`, else `DEFAULT_SPIKE_WINDOW_MS`; or from its earliest mention if that is earlier) up
 * to when it was resolved, or now while it is open. A high-reach mention: the moment it was
 * published. Source health: from opening to resolution.
 */
export function alertWindow(alert: Pick<TeamAlert, "kind" | "status" | "openedAt" | "resolvedAt" | "mentions" | "window">, fallbackWindowMs = DEFAULT_SPIKE_WINDOW_MS): { from: string; to?: string } {
  const windowMs = durationMsOf(alert.window) ?? fallbackWindowMs;
  const published = alert.mentions.map((mention) => Date.parse(mention.publishedAt ?? "")).filter((time) => !Number.isNaN(time));
  const opened = Date.parse(alert.openedAt);
  const to = alert.status === "resolved" && alert.resolvedAt ? { to: alert.resolvedAt } : {};
  if (alert.kind === "reach") {
    const at = published.length > 0 ? new Date(Math.min(...published)).toISOString() : alert.openedAt;
    return { from: at, to: at };
  }
  if (alert.kind === "spike") return { from: new Date(Math.min(opened - windowMs, ...published)).toISOString(), ...to };
  return { from: alert.openedAt, ...to };
}

/** The drill-down of an alert: its window, sentiment and source (source-health alerts have no mentions to show). */
export function drillForAlert(alert: TeamAlert, windowMs = DEFAULT_SPIKE_WINDOW_MS): Drill | undefined {
  if (alert.kind === "source-health") return undefined;
  const window = alertWindow(alert, windowMs);
  return {
    ...window,
    sentiment: isSentiment(alert.sentiment) ? alert.sentiment : undefined,
    source: idOrUndefined(alert.source ?? null),
    alert: alert.key,
  };
}

/** An alert drawn on the timeline: the buckets its window covers and the bucket it opened in. */
export interface AlertMark {
  key: string;
  kind: TeamAlert["kind"];
  status: TeamAlert["status"];
  /** First and last bucket index of its window (clipped to the chart). */
  start: number;
  end: number;
  /** The bucket it opened in (where its pin stands). */
  at: number;
  count?: number | undefined;
  threshold?: number | undefined;
}

/**
 * The alerts to mark on a timeline: spikes and high-reach mentions whose window overlaps it (of
 * the brand shown, when one is chosen), oldest first; each clipped to the chart's buckets.
 */
export function alertMarks(alerts: readonly TeamAlert[], timeline: Pick<Timeline, "buckets" | "interval">, options: { brand?: string | undefined; now: number; windowMs?: number }): AlertMark[] {
  const first = timeline.buckets[0];
  if (!first) return [];
  const last = timeline.buckets.length - 1;
  const chartStart = Date.parse(first.at);
  const chartEnd = Date.parse(bucketEnd(timeline, last));
  const marks: AlertMark[] = [];
  for (const alert of alerts) {
    if (alert.kind === "source-health") continue;
    if (options.brand && alert.brand && alert.brand !== options.brand) continue;
    const window = alertWindow(alert, options.windowMs);
    const from = Date.parse(window.from);
    const to = window.to ? Date.parse(window.to) : options.now;
    if (to < chartStart || from > chartEnd) continue;
    const start = Math.max(0, bucketIndexOf(timeline, from));
    const end = Math.max(start, bucketIndexOf(timeline, Math.min(to, chartEnd)));
    const opened = alert.kind === "reach" ? from : Date.parse(alert.openedAt);
    const at = Math.min(end, Math.max(start, bucketIndexOf(timeline, Math.min(opened, chartEnd))));
    marks.push({ key: alert.key, kind: alert.kind, status: alert.status, start, end, at, count: alert.count, threshold: alert.baseline?.threshold });
  }
  return marks.sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
}

/** The request of the drill-down's mentions (the API's parameter names). */
export function drillQuery(drill: Drill, brand: string | undefined): Record<string, string | number | undefined> {
  return { from: drill.from, to: drill.to, sentiment: drill.sentiment, source: drill.source, brand, size: 100 };
}
