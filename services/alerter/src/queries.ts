import { durationMs, type Alert, type AlertsFile } from "@odzew/schema";
import { indexNames, projectMention, type Engine, type MentionDocument } from "@odzew/search";
import type { LoudMention, LookCounts, PeriodCounts } from "./rules.ts";

/**
 * What the alerter asks the search engine: the counts of a look (one aggregation request), the
 * mentions behind a spike, and the high-reach mentions. The I/O of the alerter; the answers are
 * turned into the rules' types here (`countsOf`, `toAlertMention`: pure, unit-tested).
 */

const DAY = 86_400_000;
/** Most high-reach mentions one look reads (newest first); the rest wait for the next look. */
const REACH_PAGE = 200;
const REACH_MAX_PER_LOOK = 2_000;
/** What of a mention the alerter reads behind an alert. */
const MENTION_FIELDS = ["id", "source.id", "source.type", "brands.id", "title", "text", "masked", "url", "reach", "sentiment.label", "lang", "publishedAt"];

type Clause = Record<string, unknown>;

/** A stored mention as the alerter's queries get it: the fields of `MENTION_FIELDS` only. */
export type AlertMentionDocument = Pick<MentionDocument, "id" | "source" | "title" | "text" | "masked" | "url" | "reach" | "lang" | "publishedAt"> & {
  brands?: { id: string }[];
  sentiment?: { label: string } | null;
};

interface Bucket {
  key: string;
  doc_count: number;
}
/** brand → source (→ sentiment) buckets of one period. */
export interface PeriodTree {
  brand?: { buckets: (Bucket & { source: { buckets: (Bucket & { sentiment?: { buckets: Bucket[] } })[] } })[] };
}
/** The aggregations of the counting request: the window now and on each past day (`p0`…), the whole past days (`d1`…). */
export interface CountAggregations {
  windows: { buckets: Record<string, PeriodTree> };
  days: { buckets: Record<string, PeriodTree> };
}

/** One period's counts from its buckets. */
function periodCounts(tree: PeriodTree | undefined): PeriodCounts {
  const counts: PeriodCounts = new Map();
  for (const brand of tree?.brand?.buckets ?? []) {
    for (const source of brand.source.buckets) {
      counts.set(`${brand.key}|${source.key}`, {
        total: source.doc_count,
        sentiment: new Map((source.sentiment?.buckets ?? []).map((bucket) => [bucket.key, bucket.doc_count])),
      });
    }
  }
  return counts;
}

/** The counts of a look from the engine's aggregations (none: nothing counted). */
export function countsOf(aggregations: CountAggregations | undefined, baselineDays: number): LookCounts {
  const activeDays = new Map<string, number>();
  const history: PeriodCounts[] = [];
  for (let day = 1; day <= baselineDays; day++) {
    for (const [pair, { total }] of periodCounts(aggregations?.days.buckets[`d${day}`])) if (total > 0) activeDays.set(pair, (activeDays.get(pair) ?? 0) + 1);
    history.push(periodCounts(aggregations?.windows.buckets[`p${day}`]));
  }
  return { current: periodCounts(aggregations?.windows.buckets.p0), history, activeDays };
}

/**
 * A mention behind an alert as the webhooks may get it (`webhookMentions`): `masked` through the
 * pseudonymous view's projection (the one owner of that rule), `full` through the full view,
 * `none` without title, text or link. This is also what the alert record keeps.
 */
export function toAlertMention(doc: AlertMentionDocument, allowed: AlertsFile["webhookMentions"]): Alert["mentions"][number] {
  const reach = doc.reach;
  const largest = reach ? Math.max(reach.votes ?? 0, reach.helpful ?? 0, reach.followers ?? 0) : undefined;
  const { brands: _brands, sentiment: _sentiment, ...projected } = doc;
  const seen = allowed === "full" ? projectMention(projected, { view: "full", hide: [] }) : projectMention(projected, { view: "pseudonymous", hide: [] });
  const url = "url" in seen ? seen.url : undefined;
  const text = seen.text;
  return {
    id: doc.id,
    ...(seen.source && "id" in seen.source && seen.source.id ? { source: seen.source.id } : {}),
    ...(seen.source?.type ? { sourceType: seen.source.type } : {}),
    ...(allowed !== "none" && typeof seen.title === "string" ? { title: seen.title } : {}),
    ...(allowed !== "none" && text !== undefined ? { text: text.length > 500 ? `${text.slice(0, 500)}…` : text } : {}),
    ...(allowed !== "none" && typeof url === "string" ? { url } : {}),
    ...(typeof doc.lang === "string" ? { lang: doc.lang } : {}),
    ...(largest !== undefined ? { reach: largest } : {}),
    ...(doc.sentiment?.label ? { sentiment: doc.sentiment.label } : {}),
    publishedAt: String(doc.publishedAt),
  };
}

export interface AlertQueries {
  /** Counts per brand × source × sentiment in the current window, the same window on each past day, and the active past days: one request. */
  count(now: Date): Promise<LookCounts>;
  /** The mentions behind an alert (most negative, then most recent, first) and the languages of all it counts. */
  topMentions(filter: Clause[], size?: number): Promise<{ mentions: Alert["mentions"]; languages: string[] }>;
  /** The mentions of one spike: its brand, source and sentiment in the window up to `now`. */
  spikeMentions(spike: { brand: string; source: string; sentiment: string }, now: Date): Promise<{ mentions: Alert["mentions"]; languages: string[] }>;
  /** Mentions with votes, helpful marks or followers at the threshold, published within the lookback, newest first. */
  loudMentions(now: Date): Promise<LoudMention[]>;
}

export function createAlertQueries(options: { engine: Engine; indexPrefix: string; config: AlertsFile }): AlertQueries {
  const names = indexNames(options.indexPrefix);
  const { spike, reach } = options.config;
  const windowMs = durationMs(spike.window);
  const lookbackMs = durationMs(reach.lookback);

  const search = async <T>(body: Clause): Promise<T> =>
    options.engine.request<T>("POST", `/${names.all}/_search`, body, { ignore_unavailable: true, allow_no_indices: true });

  const baseFilter = (): Clause[] => [{ exists: { field: "source.id" } }, ...(options.config.brands?.length ? [{ terms: { "brands.id": options.config.brands } }] : [])];

  async function topMentions(filter: Clause[], size = 5): Promise<{ mentions: Alert["mentions"]; languages: string[] }> {
    const response = await search<{ hits: { hits: { _source: AlertMentionDocument }[] }; aggregations?: { languages?: { buckets: Bucket[] } } }>({
      size,
      query: { bool: { filter: [...baseFilter(), ...filter] } },
      sort: [{ "sentiment.score": { order: "asc", missing: "_last" } }, { publishedAt: "desc" }, { id: "asc" }],
      _source: MENTION_FIELDS,
      aggs: { languages: { terms: { field: "lang", size: 100, missing: "unknown" } } },
    });
    return {
      mentions: response.hits.hits.map(({ _source: doc }) => toAlertMention(doc, options.config.webhookMentions)),
      languages: (response.aggregations?.languages?.buckets ?? []).map((bucket) => String(bucket.key)).sort(),
    };
  }

  return {
    async count(now) {
      const windows: Record<string, Clause> = {};
      const days: Record<string, Clause> = {};
      const range = (end: number, length: number): Clause => ({ range: { publishedAt: { gt: new Date(end - length).toISOString(), lte: new Date(end).toISOString() } } });
      for (let day = 0; day <= spike.baselineDays; day++) {
        const end = now.getTime() - day * DAY;
        windows[`p${day}`] = range(end, windowMs);
        if (day > 0) days[`d${day}`] = range(end, DAY);
      }
      // Buckets: (brands × sources) × (1 + sentiments watched) × windows, plus × days; the engine
      // caps a response at search.max_buckets (65,535 by default).
      const pairs = (sentiment: boolean): Clause => ({
        terms: { field: "brands.id", size: 500 },
        aggs: { source: { terms: { field: "source.id", size: 1_000 }, ...(sentiment ? { aggs: { sentiment: { terms: { field: "sentiment.label", size: 3, include: spike.sentiments } } } } : {}) } },
      });
      const response = await search<{ aggregations?: CountAggregations }>({
        size: 0,
        query: { bool: { filter: [...baseFilter(), range(now.getTime(), (spike.baselineDays + 1) * DAY)] } },
        aggs: {
          windows: { filters: { filters: windows }, aggs: { brand: pairs(true) } },
          days: { filters: { filters: days }, aggs: { brand: pairs(false) } },
        },
      });
      return countsOf(response.aggregations, spike.baselineDays);
    },

    topMentions,

    spikeMentions({ brand, source, sentiment }, now) {
      return topMentions([
        { term: { "brands.id": brand } },
        { term: { "source.id": source } },
        { term: { "sentiment.label": sentiment } },
        { range: { publishedAt: { gt: new Date(now.getTime() - windowMs).toISOString(), lte: now.toISOString() } } },
      ]);
    },

    async loudMentions(now) {
      const query = {
        bool: {
          filter: [
            ...baseFilter(),
            { range: { publishedAt: { gte: new Date(now.getTime() - lookbackMs).toISOString(), lte: now.toISOString() } } },
            { bool: { should: ["votes", "helpful", "followers"].map((field) => ({ range: { [`reach.${field}`]: { gte: reach.threshold } } })), minimum_should_match: 1 } },
          ],
        },
      };
      const found: LoudMention[] = [];
      let after: unknown[] | undefined;
      while (found.length < REACH_MAX_PER_LOOK) {
        const response = await search<{ hits: { hits: { _source: AlertMentionDocument; sort: unknown[] }[] } }>({
          size: REACH_PAGE,
          query,
          sort: [{ publishedAt: "desc" }, { id: "asc" }],
          _source: MENTION_FIELDS,
          ...(after ? { search_after: after } : {}),
        });
        const hits = response.hits.hits;
        for (const { _source: doc } of hits) {
          const brands = (doc.brands ?? []).map((brand) => brand.id).filter((id) => id !== undefined);
          found.push({
            mention: toAlertMention(doc, options.config.webhookMentions),
            brand: brands.find((id) => !options.config.brands?.length || options.config.brands.includes(id)),
            source: String(doc.source?.id ?? ""),
            lang: typeof doc.lang === "string" ? doc.lang : "unknown",
          });
        }
        if (hits.length < REACH_PAGE) break;
        after = hits.at(-1)?.sort;
      }
      return found;
    },
  };
}
