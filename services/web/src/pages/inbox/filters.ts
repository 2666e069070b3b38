/**
 * The inbox's filters and the address: every filter is in the query of `#/inbox?…`, so a link is
 * the view (a colleague opening it sees the same queue). Pure: parsing and building only; the
 * page reads the route and calls replaceParams.
 */

/** Which part of the queue: everything not answered (open and claimed), only open, only claimed. */
import { ID_PATTERN as ID, LANG_PATTERN as LANG, MENTION_ID_PATTERN as MENTION_ID } from "../../address.ts";

export const QUEUE_STATUSES = ["unanswered", "open", "claimed"] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/** Star ranges offered in the rating filter, as they appear in the address (`rating=1-2`). */
export const RATING_CHOICES = ["1", "2", "3", "4", "5", "1-2", "1-3", "4-5"] as const;

export interface InboxFilters {
  source?: string;
  /** A star range, e.g. { min: 1, max: 2 }. */
  rating?: { min: number; max: number };
  topic?: string;
  lang?: string;
  /** A named agent's reviews. */
  assignee?: string;
  /** The signed-in agent's own reviews (assignee = their name); wins over `assignee`. */
  mine: boolean;
  status: QueueStatus;
  /** The mention open in the detail pane. */
  open?: string;
}

/** The address's parameter names of the filters. */
export type FilterParam = "source" | "rating" | "topic" | "lang" | "assignee" | "mine" | "status" | "open";


/** `3` or `1-2` (1–5 stars), else undefined. */
export function parseRating(text: string | null): { min: number; max: number } | undefined {
  const match = /^([1-5])(?:-([1-5]))?$/.exec(text ?? "");
  if (!match?.[1]) return undefined;
  const min = Number(match[1]);
  const max = match[2] ? Number(match[2]) : min;
  return min <= max ? { min, max } : undefined;
}

export const ratingText = (rating: { min: number; max: number } | undefined): string | undefined =>
  rating ? (rating.min === rating.max ? String(rating.min) : `${rating.min}-${rating.max}`) : undefined;

/**
 * The filters of an address. A value the API would refuse (a mistyped link) is left out rather
 * than turned into an error page: the view shows the whole queue and the filter as unset.
 */
export function filtersFromParams(params: URLSearchParams): InboxFilters {
  const pick = (name: FilterParam, pattern: RegExp) => {
    const value = params.get(name)?.trim().toLowerCase();
    return value && pattern.test(value) ? value : undefined;
  };
  const status = params.get("status");
  const assignee = params.get("assignee")?.trim().slice(0, 200);
  const rating = parseRating(params.get("rating"));
  const filters: InboxFilters = {
    mine: params.get("mine") === "1",
    status: QUEUE_STATUSES.find((candidate) => candidate === status) ?? "unanswered",
  };
  const source = pick("source", ID);
  const topic = pick("topic", ID);
  const lang = pick("lang", LANG);
  const open = pick("open", MENTION_ID);
  if (source) filters.source = source;
  if (rating) filters.rating = rating;
  if (topic) filters.topic = topic;
  if (lang) filters.lang = lang;
  if (assignee) filters.assignee = assignee;
  if (open) filters.open = open;
  return filters;
}

/** The address parameters of filters (unset and default values removed), for replaceParams. */
export function paramsOf(filters: InboxFilters): Record<FilterParam, string | undefined> {
  return {
    source: filters.source,
    rating: ratingText(filters.rating),
    topic: filters.topic,
    lang: filters.lang,
    assignee: filters.mine ? undefined : filters.assignee,
    mine: filters.mine ? "1" : undefined,
    status: filters.status === "unanswered" ? undefined : filters.status,
    open: filters.open,
  };
}

/**
 * The query of GET /queue (and, without status and assignee, of GET /queue/sla) for filters and
 * the agent's name. "Mine" without a name asks for nobody's reviews rather than everyone's.
 */
export function queueQueryOf(filters: InboxFilters, actor: string, size: number): Record<string, string | number | undefined> {
  const assignee = filters.mine ? actor.trim() || undefined : filters.assignee;
  return {
    ...slaQueryOf(filters),
    status: filters.status,
    assignee,
    size,
  };
}

export function slaQueryOf(filters: InboxFilters): Record<string, string | number | undefined> {
  return {
    source: filters.source,
    topic: filters.topic,
    lang: filters.lang,
    rating_min: filters.rating?.min,
    rating_max: filters.rating?.max,
  };
}

/** Whether "mine" is asked for without a name to match: the page asks for the name instead of loading. */
export const needsActor = (filters: InboxFilters, actor: string): boolean => filters.mine && actor.trim() === "";
