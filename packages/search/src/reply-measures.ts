import { OdzewError } from "@odzew/core";
import type { TeamConfig } from "@odzew/schema";
import { teamQuery } from "./query.ts";
import { seesAssignee } from "./visibility/index.ts";

/**
 * The service team's reply measures: how fast and how fully a team answers reviews, per source
 * and per agent, over the reviews published in a time range. The engine request and the pure
 * shaping of its response; MentionStore.replyMeasures runs it.
 *
 * - answered: the review has had a reply from Odzew (sent through the store's API, or recorded as
 *   written at the source), whatever happened to it later (an edit, a deletion).
 * - time to first reply: from publication to the first reply that reached the customer
 *   (`workflow.reply.firstReplySeconds`), p50 and p90 in hours.
 * - within the SLA: first reply within `team.replies.slaHours`. The share is taken over the reviews
 *   that are due: answered, or published longer ago than the SLA (a review of the last hour that
 *   is not answered yet is not late).
 * - elsewhere: reviews showing a reply at the source that Odzew did not send (answered in the
 *   store's console): counted apart, without a time.
 * - per agent: whose reply was the mention's first (`firstSentBy`; `rule:<id>` for a reply rule).
 * - waiting: the reviews of the range whose latest reply is a draft, awaiting approval, queued or failed.
 */
export interface ReplyMeasures {
  from?: string | undefined;
  to?: string | undefined;
  slaHours: number;
  totals: ReplyFigures & { waiting: ReplyWaiting };
  sources: (ReplyFigures & { source: string })[];
  agents: { agent: string; replies: number; withinSla: number; p50Hours?: number }[];
}

export interface ReplyFigures {
  reviews: number;
  answered: number;
  /** Answered within the team's SLA. */
  withinSla: number;
  /** Reviews answered or past their SLA: the base of `withinSlaShare`. */
  due: number;
  /** withinSla / due, 0–1 (rounded to 3 places); absent when nothing is due. */
  withinSlaShare?: number;
  /** A reply at the source that Odzew did not send. */
  answeredElsewhere: number;
  p50Hours?: number;
  p90Hours?: number;
}

export interface ReplyWaiting {
  drafts: number;
  awaitingApproval: number;
  queued: number;
  failed: number;
}

/** Sources and agents listed at most (a team has far fewer). */
export const REPLY_MEASURES_LIMITS = { sources: 500, agents: 500 };

const FIRST = "workflow.reply.firstReplySeconds";
type Clause = Record<string, unknown>;

/** Throws unless the team sees sources and who handled a mention (a full view that does not hide the workflow). */
export function assertSeesReplyMeasures(team: TeamConfig): void {
  if (team.view !== "full") {
    throw new OdzewError("MESSAGE_INVALID", `reply measures: only for a team with view: full (team ${team.id} has the pseudonymous view)`);
  }
  if (!seesAssignee(team)) {
    throw new OdzewError("MESSAGE_INVALID", `reply measures: team ${team.id} hides the workflow (hide: [workflow]), and the measures are made of it`);
  }
}

/** The engine request of a team's reply measures (size 0, aggregations only) for the team's alias. */
export function replyMeasuresRequest(team: TeamConfig, range: { from?: string | undefined; to?: string | undefined }, now: Date): Clause {
  const slaSeconds = Math.round(team.replies.slaHours * 3600);
  const dueBefore = new Date(now.getTime() - slaSeconds * 1000).toISOString();
  const answered: Clause = { exists: { field: "workflow.reply.firstSentAt" } };
  const figures: Record<string, Clause> = {
    answered: { filter: answered },
    within_sla: { filter: { range: { [FIRST]: { lte: slaSeconds } } } },
    due: { filter: { bool: { should: [answered, { range: { publishedAt: { lte: dueBefore } } }], minimum_should_match: 1 } } },
    elsewhere: { filter: { bool: { filter: [{ exists: { field: "reply.text" } }], must_not: [answered] } } },
    first_reply: { percentiles: { field: FIRST, percents: [50, 90] } },
  };
  const status = (values: string[]): Clause => ({ terms: { "workflow.reply.status": values } });
  return {
    size: 0,
    track_total_hits: true,
    query: teamQuery(team, { from: range.from, to: range.to }),
    aggs: {
      ...figures,
      waiting: {
        filters: {
          filters: {
            drafts: status(["draft"]),
            awaitingApproval: status(["awaiting-approval"]),
            queued: status(["queued"]),
            failed: status(["failed"]),
          },
        },
      },
      sources: { terms: { field: "source.id", size: REPLY_MEASURES_LIMITS.sources, order: { _key: "asc" } }, aggs: figures },
      agents: {
        terms: { field: "workflow.reply.firstSentBy", size: REPLY_MEASURES_LIMITS.agents, order: { _key: "asc" } },
        aggs: { within_sla: figures.within_sla, first_reply: { percentiles: { field: FIRST, percents: [50] } } },
      },
    },
  };
}

interface Count {
  doc_count: number;
}
interface Percentiles {
  values: Record<string, number | null | undefined>;
}
interface FigureAggs {
  answered: Count;
  within_sla: Count;
  due: Count;
  elsewhere: Count;
  first_reply: Percentiles;
}
export interface ReplyMeasuresResponse {
  hits: { total: { value: number } | number };
  aggregations?: FigureAggs & {
    waiting: { buckets: Record<keyof ReplyWaiting, Count> };
    sources: { buckets: (FigureAggs & Count & { key: string | number })[] };
    agents: { buckets: (Count & { key: string | number; within_sla: Count; first_reply: Percentiles })[] };
  };
}

const hours = (seconds: number | null | undefined): number | undefined =>
  seconds === null || seconds === undefined || !Number.isFinite(seconds) ? undefined : Math.round((seconds / 3600) * 10) / 10;

/** A percentile the engine returned, keyed "50.0" (or "50" by some versions). */
function percentile(aggregation: Percentiles | undefined, percent: number): number | undefined {
  const values = aggregation?.values ?? {};
  return hours(values[percent.toFixed(1)] ?? values[String(percent)]);
}

function readFigures(reviews: number, aggs: FigureAggs | undefined): ReplyFigures {
  const due = aggs?.due.doc_count ?? 0;
  const withinSla = aggs?.within_sla.doc_count ?? 0;
  const figures: ReplyFigures = {
    reviews,
    answered: aggs?.answered.doc_count ?? 0,
    withinSla,
    due,
    answeredElsewhere: aggs?.elsewhere.doc_count ?? 0,
  };
  if (due > 0) figures.withinSlaShare = Math.round((withinSla / due) * 1000) / 1000;
  const p50 = percentile(aggs?.first_reply, 50);
  const p90 = percentile(aggs?.first_reply, 90);
  if (p50 !== undefined) figures.p50Hours = p50;
  if (p90 !== undefined) figures.p90Hours = p90;
  return figures;
}

/** The measures from the engine's response (see replyMeasuresRequest). Pure. */
export function readReplyMeasures(
  response: ReplyMeasuresResponse,
  context: { slaHours: number; from?: string | undefined; to?: string | undefined },
): ReplyMeasures {
  const total = typeof response.hits.total === "number" ? response.hits.total : response.hits.total.value;
  const aggs = response.aggregations;
  const waiting = aggs?.waiting.buckets;
  return {
    ...(context.from !== undefined ? { from: context.from } : {}),
    ...(context.to !== undefined ? { to: context.to } : {}),
    slaHours: context.slaHours,
    totals: {
      ...readFigures(total, aggs),
      waiting: {
        drafts: waiting?.drafts.doc_count ?? 0,
        awaitingApproval: waiting?.awaitingApproval.doc_count ?? 0,
        queued: waiting?.queued.doc_count ?? 0,
        failed: waiting?.failed.doc_count ?? 0,
      },
    },
    sources: (aggs?.sources.buckets ?? []).map((bucket) => ({ source: String(bucket.key), ...readFigures(bucket.doc_count, bucket) })),
    agents: (aggs?.agents.buckets ?? []).map((bucket) => {
      const p50 = percentile(bucket.first_reply, 50);
      return { agent: String(bucket.key), replies: bucket.doc_count, withinSla: bucket.within_sla.doc_count, ...(p50 !== undefined ? { p50Hours: p50 } : {}) };
    }),
  };
}
