/**
 * The insights view's state and the shapes its charts draw. The address holds the whole view
 * (range, the topic × sentiment cell opened, the sample's strata, size and seed): a link is the
 * view, and the same seed draws the same sample. Pure: no DOM, no fetch.
 */
import { ID_PATTERN, SENTIMENTS, oneOf, type Sentiment } from "../../address.ts";
import type { TopicsResponse } from "../../types.ts";

export const RANGES = ["7d", "30d", "90d"] as const;
export type RangeId = (typeof RANGES)[number];
const RANGE_DAYS: Record<RangeId, number> = { "7d": 7, "30d": 30, "90d": 90 };

export { SENTIMENTS, type Sentiment };

/** How a sample may be stratified (the API's strata; never by source, which the pseudonymous view does not show). */
export const STRATA = ["none", "sentiment", "topic", "topic,sentiment", "lang"] as const;
export type Strata = (typeof STRATA)[number];

/** The API's `strata` parameter of a choice (none: a simple random sample). */
export const strataParam = (strata: Strata): string | undefined => (strata === "none" ? undefined : strata);

export const SAMPLE_SIZES = { min: 1, max: 500, default: 20 } as const;
const SEED = /^[A-Za-z0-9_-]{1,100}$/;

export interface InsightsState {
  range: RangeId;
  /** The heatmap cell opened: its mentions are listed (and the sample drawn from them). */
  topic?: string;
  sentiment?: Sentiment;
  n: number;
  strata: Strata;
  /** Absent until the page picks one (then it is in the address). */
  seed?: string;
}


/** The view an address describes; a value a hand-edited link got wrong falls back to the default. */
export function readState(params: URLSearchParams): InsightsState {
  const range = params.get("range");
  const strata = params.get("strata");
  const n = Number(params.get("n"));
  const topic = params.get("topic") ?? "";
  const sentiment = params.get("sentiment");
  const seed = params.get("seed") ?? "";
  return {
    range: oneOf(RANGES, range) ? range : "30d",
    ...(ID_PATTERN.test(topic) ? { topic } : {}),
    ...(oneOf(SENTIMENTS, sentiment) ? { sentiment } : {}),
    n: Number.isInteger(n) && n >= SAMPLE_SIZES.min && n <= SAMPLE_SIZES.max ? n : SAMPLE_SIZES.default,
    strata: oneOf(STRATA, strata) ? strata : "topic,sentiment",
    ...(SEED.test(seed) ? { seed } : {}),
  };
}

/** Whether a typed seed can go into the address and to the API. */
export const isSeed = (value: string): boolean => SEED.test(value);

/** The address parameters of a view (defaults included, so a copied link says what it shows). */
export function stateParams(state: InsightsState): Record<string, string | number | undefined> {
  return { range: state.range, topic: state.topic, sentiment: state.sentiment, n: state.n, strata: state.strata, seed: state.seed };
}

/**
 * The period of a range: the last N days up to the end of today (UTC). Within a day the same
 * view asks the same question, so a link opened again that day draws the same sample.
 */
export function periodOf(range: RangeId, now: Date): { from: string; to: string } {
  const day = 86_400_000;
  const to = Math.floor(now.getTime() / day) * day + day;
  return { from: new Date(to - RANGE_DAYS[range] * day).toISOString(), to: new Date(to).toISOString() };
}

/** The heatmap of topics × sentiment: topics top to bottom by count, the cells as [sentiment, topic, count]. */
export interface HeatmapMatrix {
  /** Bottom to top, as a category axis draws them: the largest topic last (on top). */
  topics: string[];
  cells: [number, number, number][];
  max: number;
}

export function heatmapMatrix(topics: TopicsResponse["topics"]): HeatmapMatrix {
  const ordered = [...topics].reverse();
  const cells: [number, number, number][] = [];
  ordered.forEach((topic, y) => SENTIMENTS.forEach((label, x) => cells.push([x, y, topic.sentiment[label] ?? 0])));
  return { topics: ordered.map((topic) => topic.topic), cells, max: Math.max(1, ...cells.map((cell) => cell[2])) };
}

/** The cell a heatmap click hit, as [sentiment, topic]; undefined for anything else. */
export function cellAt(matrix: HeatmapMatrix, data: unknown): { topic: string; sentiment: Sentiment } | undefined {
  if (!Array.isArray(data)) return undefined;
  const [x, y] = data as unknown[];
  const sentiment = typeof x === "number" ? SENTIMENTS[x] : undefined;
  const topic = typeof y === "number" ? matrix.topics[y] : undefined;
  return sentiment && topic ? { topic, sentiment } : undefined;
}

/** What of a mention decides its heatmap cells. */
export interface CellFields {
  topics?: string[] | undefined;
  sentiment?: { label: string } | null | undefined;
  aspects?: { topic: string; label: string }[] | undefined;
}

/**
 * Whether a mention counts in a heatmap cell, as /stats/topics counts it: by the sentiment of
 * the clause that names the topic (its aspect), or, for a mention enriched before aspects, by the
 * mention's own sentiment. A mixed review ("good book, slow delivery") is in delivery × negative
 * and in product-quality × positive.
 */
export function inCell(mention: CellFields, topic: string, sentiment: Sentiment): boolean {
  if (mention.aspects && mention.aspects.length > 0) return mention.aspects.some((aspect) => aspect.topic === topic && aspect.label === sentiment);
  return (mention.topics ?? []).includes(topic) && mention.sentiment?.label === sentiment;
}

/** How many mentions of a topic the cell's list reads (newest first) to find those of the cell. */
export const CELL_READ = 100;

export type Direction = "up" | "down" | "same";

/** Which way a change went; a change within `tolerance` (net sentiment wobbles) is none. */
export const directionOf = (change: number, tolerance = 0): Direction => (change > tolerance ? "up" : change < -tolerance ? "down" : "same");

/** The arrow of a direction, for the eye; words say the same for everyone else. */
export const ARROWS: Record<Direction, string> = { up: "▲", down: "▼", same: "■" };

/** Net sentiment moves of less than this are "about the same". */
export const NET_TOLERANCE = 0.05;
