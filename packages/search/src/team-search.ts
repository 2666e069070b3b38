import { createHash } from "node:crypto";
import { OdzewError } from "@odzew/core";
import type { TeamConfig, WorkflowState } from "@odzew/schema";
import { SearchRequestError, type Engine } from "./engine.ts";
import type { IndexNames } from "./mappings.ts";
import { sampleKeyOf } from "./store.ts";
import { teamQuery, type TeamFilters } from "./query.ts";
import { ratingDistributionRequest, readRatingDistribution, type RatingDistribution, type RatingGroup } from "./insights.ts";
import { breakdownItems, readTopicBreakdown, topicBreakdownRequest, type BreakdownItem } from "./topic-breakdown.ts";
import { assertVisible, hiddenFilters, projectMention, sourceFilter, type MentionDocument, type MentionView, type TeamView, type ViewFilter } from "./visibility/index.ts";

type Clause = Record<string, unknown>;

/** A mention's reach as one number: the highest of its counts (reachOf in the dashboard). */
const REACH_SCRIPT =
  "double best = 0; for (String field : ['reach.followers', 'reach.votes', 'reach.helpful']) { if (doc.containsKey(field) && doc[field].size() > 0) { best = Math.max(best, doc[field].value); } } return best;";

/** Orders a team may sort by; each ends in the id so that cursors are exact. */
export const SORTS = {
  newest: [{ publishedAt: "desc" }, { id: "asc" }],
  oldest: [{ publishedAt: "asc" }, { id: "asc" }],
  priority: [{ "priority.score": { order: "desc", missing: "_last" } }, { publishedAt: "asc" }, { id: "asc" }],
  "rating-asc": [{ "rating.value": { order: "asc", missing: "_last" } }, { publishedAt: "desc" }, { id: "asc" }],
  "rating-desc": [{ "rating.value": { order: "desc", missing: "_last" } }, { publishedAt: "desc" }, { id: "asc" }],
  relevance: [{ _score: "desc" }, { publishedAt: "desc" }, { id: "asc" }],
  /** Loudest first: the highest of followers, votes and helpful (the reach a mention card shows), 0 without any. */
  reach: [{ _script: { type: "number", order: "desc", script: { lang: "painless", source: REACH_SCRIPT } } }, { publishedAt: "desc" }, { id: "asc" }],
} as const;
export type SortName = keyof typeof SORTS;

/** Fields a team may group counts by. */
export const GROUP_FIELDS = {
  sentiment: "sentiment.label",
  brand: "brands.id",
  source: "source.id",
  topic: "topics",
  lang: "lang",
  priority: "priority.level",
} as const;
export type GroupField = keyof typeof GROUP_FIELDS;

/** Group fields and sorts that read a field some views do not show. */
const GROUP_VIEW_FIELDS: Partial<Record<GroupField, ViewFilter>> = { source: "source", priority: "priority" };
const SORT_VIEW_FIELDS: Partial<Record<SortName, ViewFilter>> = { priority: "priority", "rating-asc": "rating", "rating-desc": "rating", reach: "reach" };

/** Refuses grouping by a field the team's view does not show (its values are the hidden ones). */
function assertGroupVisible(team: TeamView, field: GroupField | undefined, what: string): void {
  const hidden = field ? GROUP_VIEW_FIELDS[field] : undefined;
  if (hidden) assertVisible(team, hidden, `${what}=${field}`);
}

/** Fields a sample may be stratified by (keyword fields only, so "(none)" can stand for missing). */
export const STRATA_FIELDS = GROUP_FIELDS;

export const INTERVALS = { hour: { fixed_interval: "1h" }, day: { calendar_interval: "day" }, week: { calendar_interval: "week" }, month: { calendar_interval: "month" } } as const;
export type IntervalName = keyof typeof INTERVALS;
const INTERVAL_MS: Record<IntervalName, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 31 * 86_400_000 };
export const MAX_BUCKETS = 2_000;
const NONE = "(none)";

/** One page of a team's mentions; `next` is the cursor of the following page, when there may be one. */
export interface SearchPage<M = MentionView> {
  total: number;
  items: M[];
  next?: string;
}

/** A mention of a sample, with the stratum it was drawn for. */
export type SampledMention = MentionView & { stratum: Record<string, string> };

/** What a workflow action needs to know of a mention in the team's slice. */
export interface LocatedMention {
  publishedAt: string;
  sourceId: string;
  workflow?: WorkflowState;
}

interface Hit {
  _id: string;
  _source: MentionDocument;
  sort?: unknown[];
}
interface SearchResponse {
  hits: { total?: { value: number } | number; hits: Hit[] };
  aggregations?: Record<string, unknown>;
}
interface TermsAgg<T = unknown> {
  buckets: ({ key: string | number; doc_count: number } & T)[];
  sum_other_doc_count?: number;
}

/**
 * Every read a team makes: search, counts, the service queue, samples and exports. Each one
 * runs against the team's filtered alias AND carries the team's slice in `bool.filter`
 * (teamQuery), so a team sees its slice even if an alias lags behind a changed teams.yaml; the
 * result goes through the team's view (projectMention) before it leaves.
 */
export class TeamSearch {
  constructor(
    private readonly engine: Engine,
    private readonly names: IndexNames,
    /** Server-side limit of every team query. */
    private readonly timeout = "5s",
  ) {}

  private async run(team: TeamConfig, body: Record<string, unknown>): Promise<SearchResponse> {
    try {
      return await this.engine.request<SearchResponse>("POST", `/${this.names.teamAlias(team.id)}/_search`, { timeout: this.timeout, ...body }, {
        ignore_unavailable: true,
        allow_no_indices: true,
      });
    } catch (error) {
      // No index yet (nothing collected): an empty slice, not an error.
      if (error instanceof SearchRequestError && error.status === 404) return { hits: { total: 0, hits: [] } };
      throw error;
    }
  }

  /** Several searches of the team's alias in one round trip; a failed one fails them all. */
  private async runMany(team: TeamConfig, lines: unknown[]): Promise<SearchResponse[]> {
    const response = await this.engine.msearch<{ responses: (SearchResponse & { error?: { type?: string; reason?: string }; status?: number })[] }>(
      `/${this.names.teamAlias(team.id)}/_msearch`,
      lines,
      { ignore_unavailable: true, allow_no_indices: true },
    );
    return response.responses.map((entry) => {
      if (entry.error) {
        // An alias without indices yet is an empty slice; anything else is the engine's to report.
        if (entry.status === 404) return { hits: { total: 0, hits: [] } };
        throw new SearchRequestError("POST", "_msearch", entry.status ?? 500, { error: entry.error });
      }
      return entry;
    });
  }

  async search(team: TeamConfig, filters: TeamFilters, options: { size: number; sort?: SortName; after?: string }): Promise<SearchPage> {
    const sortName = options.sort ?? (filters.q ? "relevance" : "newest");
    const hidden = SORT_VIEW_FIELDS[sortName];
    if (options.sort && hidden) assertVisible(team, hidden, `sort=${sortName}`);
    return this.page(team, teamQuery(team, filters), sortName, options.size, options.after);
  }

  /**
   * One page and the total, as two searches in one round trip. The page does not count (so the
   * engine may skip documents that cannot reach it: with relevance, those whose score cannot
   * beat the page; with dates, those outside it); the total (exact up to 100,000) is a count in
   * filter context without scoring or sorting, the same for every page of a search, which the
   * engine's request cache answers for the next page and the same search again.
   */
  private async page(team: TeamConfig, query: Clause, sortName: SortName, size: number, after: string | undefined): Promise<SearchPage> {
    const body: Record<string, unknown> = {
      timeout: this.timeout,
      size,
      track_total_hits: false,
      query,
      sort: SORTS[sortName],
      _source: sourceFilter(team),
    };
    if (after) body.search_after = decodeCursor(after, sortName);
    const count = { timeout: this.timeout, size: 0, track_total_hits: 100_000, query: { constant_score: { filter: query } } };
    const [response, counted] = await this.runMany(team, [{}, body, {}, count]);
    const hits = response?.hits.hits ?? [];
    const last = hits[hits.length - 1];
    return {
      total: counted ? totalOf(counted) : 0,
      items: hits.map((hit) => projectMention(hit._source, team)),
      ...(hits.length === size && last?.sort ? { next: encodeCursor(sortName, last.sort) } : {}),
    };
  }

  /** One mention by id, if it lies in the team's slice. */
  async get(team: TeamConfig, id: string): Promise<MentionView | undefined> {
    const response = await this.run(team, { size: 1, query: teamQuery(team, {}, { filter: [{ ids: { values: [id] } }] }), _source: sourceFilter(team) });
    const hit = response.hits.hits[0];
    return hit ? projectMention(hit._source, team) : undefined;
  }

  /**
   * Mentions by id, those of them that lie in the team's slice, as its view shows them (alerts
   * name the mentions behind them; each team sees them through its own slice and view).
   */
  async getMany(team: TeamConfig, ids: string[]): Promise<Map<string, MentionView>> {
    const unique = [...new Set(ids)].slice(0, 1_000);
    if (unique.length === 0) return new Map();
    const response = await this.run(team, {
      size: unique.length,
      query: teamQuery(team, {}, { filter: [{ ids: { values: unique } }] }),
      _source: sourceFilter(team),
    });
    return new Map(response.hits.hits.map((hit) => [hit._id, projectMention(hit._source, team)]));
  }

  /** The publication time of a mention in the team's slice (workflow events need it). */
  async locate(team: TeamConfig, id: string): Promise<LocatedMention | undefined> {
    const response = await this.run(team, {
      size: 1,
      query: teamQuery(team, {}, { filter: [{ ids: { values: [id] } }] }),
      _source: ["publishedAt", "workflow", "source.id"],
    });
    const doc = response.hits.hits[0]?._source;
    if (!doc?.publishedAt || !doc.source) return undefined;
    return { publishedAt: doc.publishedAt, sourceId: doc.source.id, ...(doc.workflow ? { workflow: doc.workflow } : {}) };
  }

  /** Counts over time, optionally split by one field (its top `splitSize` values). */
  async timeline(
    team: TeamConfig,
    filters: TeamFilters,
    options: { interval: IntervalName; split?: GroupField | undefined; splitSize?: number; timeZone?: string; now?: Date },
  ): Promise<{ interval: IntervalName; from: string; to: string; buckets: { at: string; count: number; by?: Record<string, number> }[] }> {
    // The default end is the next full minute: the same request within a minute is the same
    // query, which the engine's request cache can answer for indices that did not change.
    assertGroupVisible(team, options.split, "split");
    const now = options.now ?? new Date();
    const to = filters.to ?? new Date(Math.ceil(now.getTime() / 60_000) * 60_000).toISOString();
    const defaultSpan = options.interval === "hour" ? 2 * 86_400_000 : options.interval === "day" ? 30 * 86_400_000 : 365 * 86_400_000;
    const from = filters.from ?? new Date(Date.parse(to) - defaultSpan).toISOString();
    const span = (Date.parse(to) - Date.parse(from)) / INTERVAL_MS[options.interval];
    if (!(span >= 0)) throw new OdzewError("MESSAGE_INVALID", "from must be before to");
    if (span > MAX_BUCKETS) {
      throw new OdzewError("MESSAGE_INVALID", `that range has more than ${MAX_BUCKETS} ${options.interval}s; choose a longer interval or a shorter range`);
    }
    const histogram = (bounds: boolean) => ({
      date_histogram: {
        field: "publishedAt",
        ...INTERVALS[options.interval],
        min_doc_count: 0,
        ...(bounds ? { extended_bounds: { min: from, max: to } } : {}),
        time_zone: options.timeZone ?? "UTC",
      },
    });
    // Two searches in one round trip. The counts carry no bounds of their own: a month index
    // wholly inside the range then gets the same shard request whatever the range's ends (the
    // engine rewrites the range away for it), so its counts come from the request cache until it
    // changes; only the months at the ends are counted again. The empty buckets at the ends come
    // from the second search, which matches nothing and only lays out the buckets of the range
    // (in the time zone, by the engine's calendar).
    const [counted, layout] = await this.runMany(team, [
      {},
      {
        timeout: this.timeout,
        size: 0,
        query: teamQuery(team, { ...filters, from, to }),
        aggs: {
          over_time: {
            ...histogram(false),
            ...(options.split ? { aggs: { by: { terms: { field: GROUP_FIELDS[options.split], size: options.splitSize ?? 10 } } } } : {}),
          },
        },
      },
      {},
      { timeout: this.timeout, size: 0, query: { match_none: {} }, aggs: { over_time: histogram(true) } },
    ]);
    type Bucket = { key: string | number; key_as_string?: string; doc_count: number; by?: TermsAgg };
    const buckets = mergeBuckets(
      (layout?.aggregations?.over_time as { buckets?: Bucket[] } | undefined)?.buckets ?? [],
      (counted?.aggregations?.over_time as { buckets?: Bucket[] } | undefined)?.buckets ?? [],
    );
    return {
      interval: options.interval,
      from,
      to,
      buckets: buckets.map((bucket) => ({
        at: bucket.key_as_string ?? new Date(Number(bucket.key)).toISOString(),
        count: bucket.doc_count,
        ...(options.split ? { by: Object.fromEntries((bucket.by?.buckets ?? []).map((entry) => [String(entry.key), entry.doc_count])) } : {}),
      })),
    };
  }

  /** The most frequent values of a field, each with its sentiment: top topics, share of voice. */
  async breakdown(
    team: TeamConfig,
    filters: TeamFilters,
    field: GroupField,
    size: number,
  ): Promise<{ total: number; items: BreakdownItem[] }> {
    assertGroupVisible(team, field, "group");
    const response = await this.run(team, {
      size: 0,
      track_total_hits: true,
      query: teamQuery(team, filters),
      aggs: { top: { terms: { field: GROUP_FIELDS[field], size }, aggs: { sentiment: { terms: { field: "sentiment.label", size: 3 } } } } },
    });
    const agg = response.aggregations?.top as TermsAgg<{ sentiment: TermsAgg }> | undefined;
    const buckets = (agg?.buckets ?? []).map((bucket) => ({
      key: String(bucket.key),
      count: bucket.doc_count,
      sentiment: Object.fromEntries(bucket.sentiment.buckets.map((entry) => [String(entry.key), entry.doc_count])),
    }));
    // Shares are of all mentions that have a value of the field (a mention may have several).
    return { total: totalOf(response), items: breakdownItems(buckets, agg?.sum_other_doc_count ?? 0) };
  }

  /**
   * The top topics counted per aspect: each topic of a mention with the sentiment of the clause
   * that carries it, so a mixed review counts positive for one topic and negative for another;
   * mentions indexed before aspects count each topic with the mention's sentiment (see
   * topic-breakdown.ts). A `sentiment` filter keeps the aspects of those labels (and older
   * mentions of them); `total` is the number of mentions counted.
   */
  async topics(team: TeamConfig, filters: TeamFilters, size: number): Promise<{ total: number; items: BreakdownItem[] }> {
    const { sentiment, ...rest } = filters;
    const request = topicBreakdownRequest(sentiment);
    const response = await this.run(team, {
      size: 0,
      track_total_hits: true,
      query: teamQuery(team, rest, { filter: request.filter }),
      aggs: request.aggs,
    });
    return { total: totalOf(response), items: readTopicBreakdown(response.aggregations, size) };
  }

  /**
   * The rating distribution (stars 1–5 and the mean) per source of the rated mentions; per source
   * type in the pseudonymous view, which shows no source ids (see insights.ts).
   */
  async ratings(team: TeamConfig, filters: TeamFilters): Promise<{ by: RatingGroup; total: number; sources: RatingDistribution[] }> {
    assertVisible(team, "rating", "the rating distribution");
    const by: RatingGroup = hiddenFilters(team).has("source") ? "sourceType" : "source";
    const request = ratingDistributionRequest(by);
    const response = await this.run(team, { size: 0, track_total_hits: true, query: teamQuery(team, filters, { filter: request.filter }), aggs: request.aggs });
    return { by, total: totalOf(response), sources: readRatingDistribution(response.aggregations) };
  }

  /**
   * The customer-service queue: mentions nobody has answered or closed and the brand has not
   * replied to at the source, most urgent first, then oldest first.
   */
  async queue(
    team: TeamConfig,
    filters: TeamFilters,
    options: { size: number; after?: string; status?: "open" | "claimed" | "unanswered"; assignee?: string },
  ): Promise<SearchPage> {
    const status = options.status ?? "unanswered";
    const extra: Clause[] = [];
    if (status === "open") extra.push({ bool: { should: [{ term: { "workflow.status": "open" } }, { bool: { must_not: { exists: { field: "workflow.status" } } } }] } });
    if (status === "claimed") extra.push({ term: { "workflow.status": "claimed" } });
    if (options.assignee !== undefined) assertVisible(team, "assignee", "assignee");
    if (options.assignee) extra.push({ term: { "workflow.assignee": options.assignee } });
    return this.page(team, this.unanswered(team, filters, extra), "priority", options.size, options.after);
  }

  private unanswered(team: TeamConfig, filters: TeamFilters, extra: Clause[] = []): Clause {
    return teamQuery(team, filters, {
      filter: extra,
      // A reply on its way to the store counts as an answer; one that failed is back in the queue.
      mustNot: [{ terms: { "workflow.status": ["answered", "closed"] } }, { term: { "workflow.reply.status": "queued" } }, { exists: { field: "reply.text" } }],
    });
  }

  /** Per source: how many mentions wait for an answer and how old the oldest is. */
  async sla(team: TeamConfig, filters: TeamFilters, now = new Date()): Promise<{ source: string; waiting: number; oldestPublishedAt: string; oldestAgeHours: number }[]> {
    // Per source id: a view without source ids gets no per-source figures.
    assertVisible(team, "source", "the per-source SLA");
    const response = await this.run(team, {
      size: 0,
      query: this.unanswered(team, filters),
      aggs: { sources: { terms: { field: "source.id", size: 500 }, aggs: { oldest: { min: { field: "publishedAt" } } } } },
    });
    const agg = response.aggregations?.sources as TermsAgg<{ oldest: { value: number } }> | undefined;
    return (agg?.buckets ?? [])
      .map((bucket) => ({
        source: String(bucket.key),
        waiting: bucket.doc_count,
        oldestPublishedAt: new Date(bucket.oldest.value).toISOString(),
        oldestAgeHours: Math.round(((now.getTime() - bucket.oldest.value) / 3_600_000) * 10) / 10,
      }))
      .sort((a, b) => b.oldestAgeHours - a.oldestAgeHours);
  }

  /**
   * A reproducible stratified sample: the slice's strata (e.g. topic × sentiment) are counted,
   * `n` is shared out in proportion (largest remainder), and each stratum's share is taken in the
   * order of the mentions' sample keys (a hash of the id: a random permutation) from a point the
   * seed picks. The same seed on the same data gives the same sample, another seed another part
   * of the permutation; a mention in several strata (several topics) is drawn at most once. Two
   * sorted queries per stratum instead of scoring every mention with a seeded random function.
   * An aborted `signal` stops it between round trips (an AbortError).
   */
  async sample(
    team: TeamConfig,
    filters: TeamFilters,
    options: { n: number; strata: GroupField[]; seed: string; signal?: AbortSignal | undefined },
  ): Promise<{
    n: number;
    seed: string;
    population: number;
    strata: { key: Record<string, string>; count: number; allocated: number; drawn: number }[];
    items: SampledMention[];
  }> {
    for (const field of options.strata) assertGroupVisible(team, field, "strata");
    const base = teamQuery(team, filters);
    // The population and its strata in one search.
    const { population, cells } = await this.strataCounts(team, base, options.strata);
    // Asked for by nobody any more (the client went away): stop before the draws.
    options.signal?.throwIfAborted();
    const allocation = allocate(cells.map((cell) => cell.count), Math.min(options.n, population));
    const start = sampleKeyOf(createHash("sha256").update(options.seed).digest("hex"));
    // Every stratum's draw: its mentions in the order of their sample key (a fixed random
    // permutation, see toDocument) from the seed's starting point, wrapping round; a few more
    // than its share, for mentions that also sit in an earlier stratum.
    const draws = cells.map((cell, position) => ({ cell, want: allocation[position] ?? 0 })).filter((draw) => draw.want > 0);
    const drawQuery = (cell: (typeof draws)[number]["cell"], want: number, range: Record<string, number>) => ({
      timeout: this.timeout,
      size: Math.min(want * 2 + 10, 1_000),
      // No count: the engine may stop once the first sample keys are found.
      track_total_hits: false,
      query: { bool: { filter: [base, ...stratumClauses(cell.key), { range: { sampleKey: range } }] } },
      sort: [{ sampleKey: "asc" }, { id: "asc" }],
      _source: sourceFilter(team),
    });
    // Each stratum's mentions from the seed's point on; only a stratum that runs out before its
    // share also reads from the start of the permutation (wrapping round), in a second round
    // trip: the same sample as reading both parts always, with half the searches.
    const firsts = draws.length === 0 ? [] : await this.runMany(team, draws.flatMap(({ cell, want }) => [{}, drawQuery(cell, want, { gte: start })]));
    const wrapped = new Map<number, Hit[]>();
    for (;;) {
      const picked = pickSample(
        draws.map(({ cell, want }, position) => ({ key: cell.key, want, hits: [...(firsts[position]?.hits.hits ?? []), ...(wrapped.get(position) ?? [])], complete: wrapped.has(position) })),
      );
      const missing = picked.short.filter((position) => !wrapped.has(position));
      if (missing.length === 0) {
        const items = picked.items.map(({ hit, stratum }) => ({ ...projectMention(hit._source, team), stratum }));
        const strata = cells.map((cell, position) => ({ key: cell.key, count: cell.count, allocated: allocation[position] ?? 0, drawn: picked.drawn.get(cell.key) ?? 0 }));
        return { n: options.n, seed: options.seed, population, strata, items };
      }
      options.signal?.throwIfAborted();
      const more = await this.runMany(team, missing.flatMap((position) => [{}, drawQuery(draws[position]!.cell, draws[position]!.want, { lt: start })]));
      missing.forEach((position, index) => wrapped.set(position, more[index]?.hits.hits ?? []));
    }
  }

  private async strataCounts(team: TeamConfig, base: Clause, fields: GroupField[]): Promise<{ population: number; cells: { key: Record<string, string>; count: number }[] }> {
    const nest = (index: number): Record<string, unknown> => {
      const field = fields[index]!;
      return {
        terms: { field: GROUP_FIELDS[field], size: 50, missing: NONE, order: [{ _count: "desc" }, { _key: "asc" }] },
        ...(index + 1 < fields.length ? { aggs: { [`s${index + 1}`]: nest(index + 1) } } : {}),
      };
    };
    const response = await this.run(team, { size: 0, track_total_hits: true, query: base, ...(fields.length > 0 ? { aggs: { s0: nest(0) } } : {}) });
    const population = totalOf(response);
    if (fields.length === 0) return { population, cells: [{ key: {}, count: population }] };
    const cells: { key: Record<string, string>; count: number }[] = [];
    const walk = (agg: TermsAgg & Record<string, unknown>, index: number, key: Record<string, string>) => {
      for (const bucket of agg.buckets) {
        const next = { ...key, [fields[index]!]: String(bucket.key) };
        const child = (bucket as Record<string, unknown>)[`s${index + 1}`] as (TermsAgg & Record<string, unknown>) | undefined;
        if (child) walk(child, index + 1, next);
        else cells.push({ key: next, count: bucket.doc_count });
      }
    };
    const top = response.aggregations?.s0 as (TermsAgg & Record<string, unknown>) | undefined;
    if (top) walk(top, 0, {});
    // A fixed order (largest first, then by key) keeps the allocation reproducible.
    return { population, cells: cells.sort((a, b) => b.count - a.count || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key))) };
  }

  /**
   * Every mention of the slice that matches, oldest first, page by page (search_after, no
   * result window): an export of any size streams in constant memory.
   */
  async *scan(team: TeamConfig, filters: TeamFilters, pageSize = 1_000): AsyncGenerator<MentionView> {
    let after: unknown[] | undefined;
    const query = teamQuery(team, filters);
    for (;;) {
      const response = await this.run(team, {
        size: pageSize,
        track_total_hits: false,
        query,
        sort: SORTS.oldest,
        _source: sourceFilter(team),
        ...(after ? { search_after: after } : {}),
      });
      const hits = response.hits.hits;
      for (const hit of hits) yield projectMention(hit._source, team);
      if (hits.length < pageSize) return;
      after = hits[hits.length - 1]!.sort;
    }
  }
}

/**
 * The sample's picks, stratum by stratum in order: each takes its share from its hits in order,
 * skipping mentions an earlier stratum took. `short`: strata that ran out of hits before their
 * share while more may exist (their hits are not `complete`).
 */
export function pickSample(draws: { key: Record<string, string>; want: number; hits: Hit[]; complete: boolean }[]): {
  items: { hit: Hit; stratum: Record<string, string> }[];
  drawn: Map<Record<string, string>, number>;
  short: number[];
} {
  const taken = new Set<string>();
  const items: { hit: Hit; stratum: Record<string, string> }[] = [];
  const drawn = new Map<Record<string, string>, number>();
  const short: number[] = [];
  draws.forEach(({ key, want, hits, complete }, position) => {
    let count = 0;
    for (const hit of hits) {
      if (count >= want) break;
      if (taken.has(hit._id)) continue;
      taken.add(hit._id);
      count++;
      items.push({ hit, stratum: key });
    }
    if (count < want && !complete) short.push(position);
    drawn.set(key, count);
  });
  return { items, drawn, short };
}

function stratumClauses(key: Record<string, string>): Clause[] {
  return Object.entries(key).map(([field, value]) => {
    const name = GROUP_FIELDS[field as GroupField];
    return value === NONE ? { bool: { must_not: { exists: { field: name } } } } : { term: { [name]: value } };
  });
}

/**
 * The buckets of a range: every bucket of the layout (all of the range, empty) with the counts
 * of the counted buckets laid over them by key; a counted bucket the layout lacks is kept, in
 * key order. Pure, for timelines whose counts are searched without bounds.
 */
export function mergeBuckets<B extends { key: string | number; doc_count: number }>(layout: B[], counted: B[]): B[] {
  const byKey = new Map(counted.map((bucket) => [Number(bucket.key), bucket]));
  const merged = layout.map((bucket) => byKey.get(Number(bucket.key)) ?? { ...bucket, doc_count: 0 });
  const laid = new Set(layout.map((bucket) => Number(bucket.key)));
  const extra = counted.filter((bucket) => !laid.has(Number(bucket.key)));
  return extra.length === 0 ? merged : [...merged, ...extra].sort((a, b) => Number(a.key) - Number(b.key));
}

/** `n` shared out in proportion to the counts, by largest remainder; ties go to the earlier cell. */
export function allocate(counts: number[], n: number): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0 || n <= 0) return counts.map(() => 0);
  const exact = counts.map((count) => (count / total) * n);
  const result = exact.map((value, index) => Math.min(Math.floor(value), counts[index]!));
  let left = n - result.reduce((sum, value) => sum + value, 0);
  const order = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  while (left > 0) {
    let placed = false;
    for (const { index } of order) {
      if (left === 0) break;
      if (result[index]! < counts[index]!) {
        result[index]!++;
        left--;
        placed = true;
      }
    }
    if (!placed) break;
  }
  return result;
}


function totalOf(response: SearchResponse): number {
  const total = response.hits.total;
  return total === undefined ? 0 : typeof total === "number" ? total : total.value;
}

/** The cursor of the page after one whose last hit has these sort values. */
export function encodeCursor(sort: SortName, values: unknown[]): string {
  return Buffer.from(JSON.stringify({ s: sort, v: values }), "utf8").toString("base64url");
}

/** What each sort key's cursor value must be, as the engine returns it. */
function sortValueValid(key: string, value: unknown): boolean {
  switch (key) {
    case "publishedAt":
      // Dates sort as epoch milliseconds.
      return typeof value === "number" && Number.isSafeInteger(value);
    case "id":
      return typeof value === "string" && value.length <= 64;
    case "_score":
      return typeof value === "number" && Number.isFinite(value);
    default:
      // Floats with `missing: _last`: a number, or the engine's ±Infinity for a missing value.
      return (typeof value === "number" && Number.isFinite(value)) || value === "Infinity" || value === "-Infinity";
  }
}

/** The sort values of a cursor, checked against the sort it was made for; a clear 400-class error for anything else. */
export function decodeCursor(cursor: string, sort: SortName): unknown[] {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { s?: unknown; v?: unknown };
    const keys = SORTS[sort].map((entry) => Object.keys(entry)[0]!);
    if (value.s === sort && Array.isArray(value.v) && value.v.length === keys.length && value.v.every((item, index) => sortValueValid(keys[index]!, item))) {
      return value.v;
    }
  } catch {
    // fall through
  }
  throw new OdzewError("MESSAGE_INVALID", "invalid cursor: pass the `next` value of the previous page unchanged, with the same sort");
}
