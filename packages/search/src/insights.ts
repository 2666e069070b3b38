/**
 * CX insights: the rating distribution per source and the comparison of a period with the one
 * before it. Pure: the engine query parts and the reading of its answer (TeamSearch runs them),
 * and the arithmetic of a trend; nothing here does I/O.
 */
import { OdzewError } from "@odzew/core";
import { breakdownItems, type BreakdownItem } from "./topic-breakdown.ts";

type Clause = Record<string, unknown>;

/** The stars a rating counts as: 1–5, a normalised fractional rating to the nearest star (4.5 is 5). */
export const STARS = ["1", "2", "3", "4", "5"] as const;
export type Star = (typeof STARS)[number];

/** How many sources (or source types) a distribution lists: more than any deployment configures. */
export const RATING_SOURCES = 100;

/** What a rating distribution is grouped by: source ids (full view), or source types (the pseudonymous view shows no ids). */
export type RatingGroup = "source" | "sourceType";
const GROUP_FIELD: Record<RatingGroup, string> = { source: "source.id", sourceType: "source.type" };

/** One source's (or source type's) ratings. */
export interface RatingDistribution {
  source: string;
  /** Rated mentions. */
  count: number;
  /** Their mean rating, to two decimals. */
  mean: number;
  /** Rated mentions per star. */
  stars: Record<Star, number>;
}

/** The engine parts of a rating distribution: only rated mentions, per source, per star, with the mean. */
export function ratingDistributionRequest(group: RatingGroup): { filter: Clause[]; aggs: Clause } {
  return {
    filter: [{ exists: { field: "rating.value" } }],
    aggs: {
      sources: {
        terms: { field: GROUP_FIELD[group], size: RATING_SOURCES, order: [{ _count: "desc" }, { _key: "asc" }] },
        aggs: {
          mean: { avg: { field: "rating.value" } },
          stars: {
            range: {
              field: "rating.value",
              keyed: true,
              ranges: STARS.map((star, index) => ({ key: star, ...(index > 0 ? { from: index + 0.5 } : {}), ...(index < STARS.length - 1 ? { to: index + 1.5 } : {}) })),
            },
          },
        },
      },
    },
  };
}

interface SourcesAgg {
  buckets?: { key: string | number; doc_count: number; mean?: { value: number | null }; stars?: { buckets?: Record<string, { doc_count: number }> } }[];
}

/** The distributions of the engine's answer to `ratingDistributionRequest`, largest source first. */
export function readRatingDistribution(aggregations: Record<string, unknown> | undefined): RatingDistribution[] {
  const sources = (aggregations?.sources as SourcesAgg | undefined)?.buckets ?? [];
  return sources.map((bucket) => {
    const stars = Object.fromEntries(STARS.map((star) => [star, bucket.stars?.buckets?.[star]?.doc_count ?? 0])) as Record<Star, number>;
    const mean = bucket.mean?.value;
    return { source: String(bucket.key), count: bucket.doc_count, mean: typeof mean === "number" ? Math.round(mean * 100) / 100 : 0, stars };
  });
}

/** A period: [from, to). */
export interface Period {
  from: string;
  to: string;
}

/** How long a trend's period is when the request names no start: the last 30 days. */
export const TREND_DAYS = 30;

/**
 * The period a trend compares: from/to as asked, by default the last 30 days up to the next full
 * minute (the same request within a minute is the same query, for the engine's request cache).
 */
export function currentPeriod(asked: { from?: string | undefined; to?: string | undefined }, now: Date): Period {
  const to = asked.to ?? new Date(Math.ceil(now.getTime() / 60_000) * 60_000).toISOString();
  const from = asked.from ?? new Date(Date.parse(to) - TREND_DAYS * 86_400_000).toISOString();
  return { from, to };
}

/** The period of the same length just before `period` (30 days before the last 30 days). */
export function previousPeriod(period: Period): Period {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new OdzewError("MESSAGE_INVALID", "from and to must be dates (ISO 8601)");
  if (!(to > from)) throw new OdzewError("MESSAGE_INVALID", "from must be before to");
  return { from: new Date(from - (to - from)).toISOString(), to: new Date(from).toISOString() };
}

/** What one period holds of a topic (or of the whole slice). */
export interface PeriodFigures {
  count: number;
  sentiment: Record<string, number>;
  /** (positive − negative) / count. */
  net: number;
}

/** A topic (or the whole slice) now and in the period before, and the change between them. */
export interface Trend {
  current: PeriodFigures;
  previous: PeriodFigures;
  change: {
    /** More (or fewer) mentions now than before. */
    count: number;
    /** That change as a share of before; absent when there was nothing before. */
    ratio?: number;
    /** Net sentiment now minus before (−2 … 2). */
    net: number;
  };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
const NOTHING: PeriodFigures = { count: 0, sentiment: {}, net: 0 };
const figuresOf = (item: BreakdownItem | undefined): PeriodFigures => (item ? { count: item.count, sentiment: item.sentiment, net: item.net } : NOTHING);

/** The change from `previous` to `current`. */
export function trendOf(current: PeriodFigures, previous: PeriodFigures): Trend {
  return {
    current,
    previous,
    change: {
      count: current.count - previous.count,
      ...(previous.count > 0 ? { ratio: round((current.count - previous.count) / previous.count) } : {}),
      net: round(current.net - previous.net),
    },
  };
}

/**
 * Topics of two periods side by side: every topic of the current period in its order, then the
 * topics only the previous period had (now at zero: a topic that went quiet is news too).
 */
export function compareTopics(current: BreakdownItem[], previous: BreakdownItem[]): (Trend & { topic: string })[] {
  const before = new Map(previous.map((item) => [item.key, item]));
  const now = new Set(current.map((item) => item.key));
  const gone = previous.filter((item) => !now.has(item.key));
  return [
    ...current.map((item) => ({ topic: item.key, ...trendOf(figuresOf(item), figuresOf(before.get(item.key))) })),
    ...gone.map((item) => ({ topic: item.key, ...trendOf(NOTHING, figuresOf(item)) })),
  ];
}

/** The whole slice in a period: its mentions and their sentiment labels (a breakdown by sentiment), with the net the topics use. */
export function overallFigures(total: number, bySentiment: { key: string; count: number }[]): PeriodFigures {
  const sentiment = Object.fromEntries(bySentiment.map((item) => [item.key, item.count]));
  const [item] = breakdownItems([{ key: "all", count: total, sentiment }], 0);
  return { count: total, sentiment, net: item?.net ?? 0 };
}
