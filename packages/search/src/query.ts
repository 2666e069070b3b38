import { OdzewError } from "@odzew/core";
import type { TeamConfig } from "@odzew/schema";
import { sliceFilter } from "./mappings.ts";
import { assertVisible, type TeamView, type ViewFilter } from "./visibility/index.ts";

/**
 * What a team may filter on. Everything here comes from request parameters, is validated by the
 * API, and only ever narrows the team's slice: the slice itself is added by teamQuery() from the
 * authenticated team and cannot be widened by any parameter.
 */
export interface TeamFilters {
  q?: string | undefined;
  brand?: string[] | undefined;
  source?: string[] | undefined;
  sentiment?: string[] | undefined;
  topic?: string[] | undefined;
  lang?: string[] | undefined;
  /** Stars 1–5, inclusive. */
  ratingMin?: number | undefined;
  ratingMax?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

type Clause = Record<string, unknown>;

/** Fields a search text may name (`brand:zuraw`, `-sentiment:positive`, `title:dostawa`). */
const TERM_FIELDS: Record<string, string> = {
  brand: "brands.id",
  source: "source.id",
  topic: "topics",
  lang: "lang",
  sentiment: "sentiment.label",
  priority: "priority.level",
  status: "workflow.status",
};
/** The view field behind each allow-listed search field a view may hide. */
const TERM_VIEW_FIELDS: Partial<Record<string, ViewFilter>> = { source: "source", priority: "priority", status: "status" };
const TEXT_FIELDS = ["title", "text"] as const;

/**
 * The operators of the engine's simple query string that a search may use: words, "phrases",
 * `-` for not, `|` for or, parentheses. No prefix (`*`), fuzzy (`~`), slop or near: nothing that
 * expands into many terms. Regex, wildcard and script queries are never built at all.
 */
const SAFE_FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE";

/**
 * `words`: search terms of the whole text, where every word the engine's tokenizer would make
 * (`a,b,c` is three) and every operator (`|`, `-`, `+`, parentheses, quotes) counts: `a|a|a…` is
 * many terms, not one word. `clauses`: the most term clauses a search may expand to (terms ×
 * the fields each is searched in), well under the engine's default `indices.query.bool.max_clause_count`
 * of 1024, with room for the slice and filter clauses.
 */
export const SEARCH_LIMITS = { length: 500, fieldTerms: 20, words: 64, clauses: 800 };

/**
 * The terms a simple query string text costs the engine, counted generously: each run of letters
 * and digits (the standard tokenizer splits at any other character, so this never counts fewer
 * words than it makes), each ideograph or emoji (a token of its own), and each operator character.
 */
export function countSearchTerms(text: string): number {
  const words = text.match(/\p{Extended_Pictographic}|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]|[\p{L}\p{N}\p{M}]+/gu)?.length ?? 0;
  const operators = text.match(/[|+\-()"~*]/g)?.length ?? 0;
  return words + operators;
}

/** The searchable text fields of a view: the pseudonymous view searches what it may see. */
function textFields(field: "title" | "text" | "both", masked: boolean): string[] {
  const base = masked ? ["masked.title", "masked.text"] : ["title", "text"];
  const pick = field === "both" ? base : base.filter((name) => name.endsWith(field));
  return pick.flatMap((name) => [name.endsWith("title") && field === "both" ? `${name}^2` : name, `${name}.en`, `${name}.folded`]);
}

function textQuery(text: string, field: "title" | "text" | "both", view: TeamConfig["view"]): Clause {
  const query = (masked: boolean) => ({
    simple_query_string: {
      query: text,
      fields: textFields(field, masked),
      default_operator: "and",
      flags: SAFE_FLAGS,
      lenient: true,
      analyze_wildcard: false,
      auto_generate_synonyms_phrase_query: false,
    },
  });
  if (view === "full") return query(false);
  // Where masking changed a mention, only its masked copy is searched; elsewhere the original
  // holds no personal data the enricher could find.
  return {
    bool: {
      should: [{ bool: { must: [query(false)], must_not: [{ exists: { field: "masked.text" } }] } }, query(true)],
      minimum_should_match: 1,
    },
  };
}

/** How many term clauses one search term costs in a view (fields searched, both copies in the pseudonymous view). */
function clausesPerTerm(field: "title" | "text" | "both", view: TeamConfig["view"]): number {
  const fields = textFields(field, false).length;
  return view === "full" ? fields : 2 * fields;
}

const FIELD_TOKEN = /(^|\s)(-?)([a-z]+):(?:"([^"]*)"|(\S+))/g;

/**
 * Parse a search text: `field:value` parts for allow-listed fields become exact filters (a `-`
 * in front negates them), `title:`/`text:` restrict words to one field, and the rest is free
 * text for the engine's simple query string with the safe operators only. Unknown fields stay
 * plain words. Never produces a syntax error in the engine, nor more clauses than it allows: the
 * words and operators of the free text and of every `title:`/`text:` part count against one cap.
 * A field the team's view does not show (`source:` in the pseudonymous view) is refused.
 */
export function parseSearchText(input: string, team: TeamView | TeamConfig["view"]): { must: Clause[]; filter: Clause[]; mustNot: Clause[] } {
  const viewOf: TeamView = typeof team === "string" ? { view: team, hide: [] } : team;
  const view = viewOf.view;
  // eslint-disable-next-line no-control-regex
  const cleaned = input.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  if (cleaned.length > SEARCH_LIMITS.length) {
    throw new OdzewError("MESSAGE_INVALID", `q: at most ${SEARCH_LIMITS.length} characters`);
  }
  const must: Clause[] = [];
  const filter: Clause[] = [];
  const mustNot: Clause[] = [];
  let fieldTerms = 0;
  let terms = 0;
  let clauses = 0;
  const spend = (text: string, field: "title" | "text" | "both") => {
    const count = countSearchTerms(text);
    terms += count;
    clauses += count * clausesPerTerm(field, view);
    if (terms > SEARCH_LIMITS.words || clauses > SEARCH_LIMITS.clauses) {
      throw new OdzewError(
        "MESSAGE_INVALID",
        `q: at most ${SEARCH_LIMITS.words} words (every alternative and every operator | - + ( ) " counts as one); simplify the search`,
      );
    }
  };
  const rest = cleaned.replace(FIELD_TOKEN, (whole, lead: string, minus: string, name: string, quoted?: string, bare?: string) => {
    const value = (quoted ?? bare ?? "").trim();
    const termField = TERM_FIELDS[name];
    const textField = (TEXT_FIELDS as readonly string[]).includes(name) ? (name as "title" | "text") : undefined;
    if ((!termField && !textField) || value === "") return whole;
    if (++fieldTerms > SEARCH_LIMITS.fieldTerms) {
      throw new OdzewError("MESSAGE_INVALID", `q: at most ${SEARCH_LIMITS.fieldTerms} field:value parts`);
    }
    const hidden = TERM_VIEW_FIELDS[name];
    if (hidden) assertVisible(viewOf, hidden, `q: ${name}:`);
    if (textField) spend(value, textField);
    const clause = termField ? { term: { [termField]: value.toLowerCase().slice(0, 100) } } : textQuery(value, textField!, view);
    if (minus) mustNot.push(clause);
    else if (termField) filter.push(clause);
    else must.push(clause);
    return lead;
  });
  const free = rest.trim();
  if (free !== "") {
    spend(free, "both");
    must.push(textQuery(free, "both", view));
  }
  return { must, filter, mustNot };
}

/** The filter clauses of validated request filters. */
function filterClauses(filters: TeamFilters, team: TeamView): Clause[] {
  if (filters.source?.length) assertVisible(team, "source", "source");
  if (filters.ratingMin !== undefined || filters.ratingMax !== undefined) assertVisible(team, "rating", "rating_min/rating_max");
  const clauses: Clause[] = [];
  const terms = (field: string, values: string[] | undefined) => {
    if (values?.length) clauses.push({ terms: { [field]: values } });
  };
  terms("brands.id", filters.brand);
  terms("source.id", filters.source);
  terms("sentiment.label", filters.sentiment);
  terms("topics", filters.topic);
  terms("lang", filters.lang);
  if (filters.ratingMin !== undefined || filters.ratingMax !== undefined) {
    clauses.push({
      range: {
        "rating.value": {
          ...(filters.ratingMin !== undefined ? { gte: filters.ratingMin } : {}),
          ...(filters.ratingMax !== undefined ? { lte: filters.ratingMax } : {}),
        },
      },
    });
  }
  if (filters.from || filters.to) {
    clauses.push({ range: { publishedAt: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lte: filters.to } : {}) } } });
  }
  return clauses;
}

/**
 * The engine query of a team's request: the team's slice (from its configuration, never from the
 * request) in `bool.filter`, then the request's own filters and search text, which can only
 * narrow it. Workflow stubs (events that arrived before their mention) are never results.
 */
export function teamQuery(team: TeamConfig, filters: TeamFilters, extra: { filter?: Clause[]; mustNot?: Clause[] } = {}): Clause {
  const text = filters.q ? parseSearchText(filters.q, team) : { must: [], filter: [], mustNot: [] };
  return {
    bool: {
      filter: [
        sliceFilter(team.slice),
        { exists: { field: "source.id" } },
        ...filterClauses(filters, team),
        ...text.filter,
        ...(extra.filter ?? []),
      ],
      must: text.must,
      must_not: [...text.mustNot, ...(extra.mustNot ?? [])],
    },
  };
}
