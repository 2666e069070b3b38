/**
 * The mentions view's state, read from the address and written back to it: the filters are the
 * API's own parameters (GET /mentions), so a link is the view, and the same words work in both.
 * Pure: no DOM, no fetch; a value a hand-edited link got wrong is dropped and named, not sent.
 */
import { ID_PATTERN as ID, LANG_PATTERN as LANG, SENTIMENTS, oneOf, type Sentiment } from "../../address.ts";
import { query } from "../../api.ts";

export const SORTS = ["newest", "oldest", "relevance", "priority", "rating-asc", "rating-desc", "reach"] as const;
export type Sort = (typeof SORTS)[number];

/** The field each order reads: a team that does not see it (hide in teams.yaml) is not offered the order (the API would refuse it). */
const SORT_FIELDS: Partial<Record<Sort, string>> = { priority: "priority", "rating-asc": "rating", "rating-desc": "rating", reach: "reach" };

/** The orders a team may use, given the fields it does not see. */
export const sortsFor = (hide: readonly string[]): Sort[] => SORTS.filter((sort) => !hide.includes(SORT_FIELDS[sort] ?? ""));
export { SENTIMENTS, type Sentiment };

/** Filters of the view; every one is optional, and an absent one means "any". */
export interface MentionFilters {
  q?: string;
  source?: string;
  sentiment?: Sentiment;
  rating_min?: number;
  topic?: string;
  lang?: string;
  brand?: string;
  from?: string;
  to?: string;
  sort?: Sort;
}

export const FILTER_NAMES = ["q", "source", "sentiment", "rating_min", "topic", "lang", "brand", "from", "to", "sort"] as const satisfies readonly (keyof MentionFilters)[];
export type FilterName = (typeof FILTER_NAMES)[number];

/** A value of the address the view could not use: which parameter, and what it must be. */
export interface FilterProblem {
  name: FilterName;
  value: string;
  expected: "id" | "sentiment" | "stars" | "lang" | "date" | "sort" | "range" | "long";
}

/** The same shapes the API checks (services/api/src/params.ts): ids, ISO 639-1 codes, ISO dates. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const Q_MAX = 500;

const isDate = (value: string): boolean => DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** The filters of an address, and what in it was not usable (to say so, instead of silently showing everything). */
export function readFilters(params: URLSearchParams): { filters: MentionFilters; problems: FilterProblem[] } {
  const filters: MentionFilters = {};
  const problems: FilterProblem[] = [];
  const get = (name: FilterName) => params.get(name)?.trim() ?? "";
  const q = get("q");
  if (q.length > Q_MAX) problems.push({ name: "q", value: `${q.slice(0, 40)}…`, expected: "long" });
  else if (q) filters.q = q;
  for (const name of ["source", "topic", "brand"] as const) {
    const value = get(name);
    if (!value) continue;
    if (ID.test(value)) filters[name] = value;
    else problems.push({ name, value, expected: "id" });
  }
  const sentiment = get("sentiment");
  if (sentiment) {
    if (oneOf(SENTIMENTS, sentiment)) filters.sentiment = sentiment;
    else problems.push({ name: "sentiment", value: sentiment, expected: "sentiment" });
  }
  const rating = get("rating_min");
  if (rating) {
    const stars = Number(rating);
    if (Number.isInteger(stars) && stars >= 1 && stars <= 5) filters.rating_min = stars;
    else problems.push({ name: "rating_min", value: rating, expected: "stars" });
  }
  const lang = get("lang");
  if (lang) {
    if (LANG.test(lang)) filters.lang = lang;
    else problems.push({ name: "lang", value: lang, expected: "lang" });
  }
  for (const name of ["from", "to"] as const) {
    const value = get(name);
    if (!value) continue;
    if (isDate(value)) filters[name] = value;
    else problems.push({ name, value, expected: "date" });
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    problems.push({ name: "to", value: filters.to, expected: "range" });
    delete filters.to;
  }
  const sort = get("sort");
  if (sort) {
    if (oneOf(SORTS, sort)) filters.sort = sort;
    else problems.push({ name: "sort", value: sort, expected: "sort" });
  }
  return { filters, problems };
}

/** The address parameters of a set of filters (every name present, empty for "any", so replacing clears). */
export function filterParams(filters: MentionFilters): Record<FilterName, string | number | undefined> {
  const { q, source, sentiment, rating_min, topic, lang, brand, from, to, sort } = filters;
  return { q, source, sentiment, rating_min, topic, lang, brand, from, to, sort };
}

/** Whether any filter narrows the view (the sort does not). */
export const narrowed = (filters: MentionFilters): boolean => FILTER_NAMES.some((name) => name !== "sort" && filters[name] !== undefined);

export const PAGE_SIZE = 20;

/**
 * The API call of a page of the view: its filters as they are, the page size, the cursor of the
 * page before. A text search without a chosen sort is ranked by relevance (the API's default).
 */
export function searchPath(filters: MentionFilters, after?: string, size = PAGE_SIZE): string {
  return `/mentions${query({ ...filterParams(filters), size, after })}`;
}

/** Pages joined in order, a mention once (a mention indexed between two pages may repeat at the seam). */
export function joinPages<M extends { id: string }>(pages: readonly (readonly M[])[]): M[] {
  const seen = new Set<string>();
  const joined: M[] = [];
  for (const page of pages) {
    for (const mention of page) {
      if (seen.has(mention.id)) continue;
      seen.add(mention.id);
      joined.push(mention);
    }
  }
  return joined;
}
