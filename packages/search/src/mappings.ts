import type { TeamConfig, TeamSlice } from "@odzew/schema";

/** Names of everything Odzew keeps in the engine, under one prefix per deployment (or test). */
export interface IndexNames {
  prefix: string;
  template: string;
  /** Pattern matching every time-based mention index. */
  pattern: string;
  /** Read alias over all mention indices. */
  all: string;
  /** The concrete monthly index a mention published at `publishedAt` lives in. */
  indexFor(publishedAt: string): string;
  /** The filtered alias of one team's slice. */
  teamAlias(teamId: string): string;
}

export function indexNames(prefix = "odzew"): IndexNames {
  return {
    prefix,
    template: `${prefix}-mentions`,
    pattern: `${prefix}-mentions-*`,
    all: `${prefix}-mentions`,
    indexFor(publishedAt: string) {
      // Monthly indices keyed by publication time: a mention always lands in the same index,
      // so upserting it again by id can never create a second copy.
      const month = publishedAt.slice(0, 7).replace("-", ".");
      return `${prefix}-mentions-${month}`;
    },
    teamAlias: (teamId: string) => `${prefix}-team-${teamId}`,
  };
}

/** Whether the engine can stem Polish with the `hunspell` filter and the pl_PL dictionary. */
export type PolishAnalysis = "hunspell" | "none";

export function analysisSettings(polish: PolishAnalysis) {
  const polishFilters =
    polish === "hunspell" ? ["lowercase", "odzew_pl_hunspell", "asciifolding", "unique"] : ["lowercase", "asciifolding"];
  return {
    filter: {
      ...(polish === "hunspell" ? { odzew_pl_hunspell: { type: "hunspell", locale: "pl_PL", dedup: true } } : {}),
      odzew_en_stemmer: { type: "stemmer", language: "english" },
      odzew_en_possessive: { type: "stemmer", language: "possessive_english" },
    },
    analyzer: {
      odzew_polish: { type: "custom", tokenizer: "standard", filter: polishFilters },
      odzew_english: {
        type: "custom",
        tokenizer: "standard",
        filter: ["odzew_en_possessive", "lowercase", "odzew_en_stemmer"],
      },
      odzew_folded: { type: "custom", tokenizer: "standard", filter: ["lowercase", "asciifolding"] },
    },
    normalizer: {
      odzew_lowercase: { type: "custom", filter: ["lowercase", "asciifolding"] },
    },
  };
}

const keyword = { type: "keyword" } as const;
const date = { type: "date" } as const;
/** Free text searched in Polish, English and diacritic-folded forms at once. */
const fullText = {
  type: "text",
  analyzer: "odzew_polish",
  fields: {
    en: { type: "text", analyzer: "odzew_english" },
    folded: { type: "text", analyzer: "odzew_folded" },
  },
} as const;

/** Explicit mappings: unknown fields are refused, so no document can explode the mapping. */
export const mentionMappings = {
  dynamic: "strict",
  properties: {
    schemaVersion: { type: "integer" },
    id: keyword,
    source: { properties: { id: keyword, type: keyword } },
    nativeId: keyword,
    url: { type: "keyword", index: false },
    author: {
      properties: {
        name: { type: "keyword", normalizer: "odzew_lowercase", ignore_above: 256 },
        profileUrl: { type: "keyword", index: false },
      },
    },
    title: fullText,
    text: fullText,
    rating: {
      properties: {
        value: { type: "float" },
        original: { type: "float" },
        scaleMin: { type: "float" },
        scaleMax: { type: "float" },
      },
    },
    lang: keyword,
    langConfidence: { type: "float" },
    publishedAt: date,
    collectedAt: date,
    // The source's newer date of an edited review; publishedAt stays the first one (it chose the index).
    editedAt: date,
    enrichedAt: date,
    reach: { properties: { votes: { type: "long" }, helpful: { type: "long" }, followers: { type: "long" } } },
    reply: { properties: { text: fullText, author: keyword, publishedAt: date } },
    details: {
      properties: {
        appVersion: keyword,
        pros: fullText,
        cons: fullText,
        verifiedPurchase: { type: "boolean" },
        subject: { type: "keyword", ignore_above: 500 },
        country: keyword,
      },
    },
    brandHints: keyword,
    sentiment: { properties: { label: keyword, score: { type: "float" }, model: keyword, basis: keyword } },
    ratingMismatch: { type: "boolean" },
    authorPseudonym: keyword,
    personalData: keyword,
    // The pseudonymous (CX) view of title and text, stored only where personal data was masked
    // (see MentionStore.upsert); the pseudonymous view searches these instead of title/text.
    masked: { properties: { title: fullText, text: fullText } },
    priority: { properties: { score: { type: "float" }, level: keyword, reasons: { type: "keyword", index: false } } },
    brands: { properties: { id: keyword, via: keyword, matched: keyword, position: { type: "integer" } } },
    topics: keyword,
    // One entry per topic with the sentiment of its clause. Nested, so that /stats/topics counts
    // topic × label pairs exactly (a nested terms aggregation); `include_in_parent` also indexes
    // the values flat in the mention, so "has aspects" is a plain `exists` (nested queries are
    // refused with search.allow_expensive_queries off). 1–3 hidden documents per mention.
    aspects: { type: "nested", include_in_parent: true, properties: { topic: keyword, label: keyword, score: { type: "float" } } },
    enrichment: { properties: { version: keyword } },
    // Index-only: the mention's place in a fixed random order, for samples (see toDocument).
    sampleKey: { type: "long" },
    // Owned by the customer-service workflow (events on the workflow topic), not the pipeline.
    workflow: {
      properties: {
        status: keyword,
        assignee: keyword,
        updatedAt: date,
        answeredAt: date,
        notes: { type: "integer" },
        // The reply answered from Odzew (packages/replies state.ts): filtered and measured by its
        // status, people and dates; its text is shown, never searched.
        reply: {
          properties: {
            version: { type: "integer" },
            status: keyword,
            operation: keyword,
            channel: keyword,
            text: { type: "text", index: false },
            draftedBy: keyword,
            draftedAt: date,
            approvedBy: keyword,
            approvedAt: date,
            sentBy: keyword,
            sentAt: date,
            confirmedAt: date,
            firstSentAt: date,
            firstReplySeconds: { type: "long" },
            firstSentBy: keyword,
            error: { properties: { code: keyword, message: { type: "text", index: false }, retryable: { type: "boolean" }, status: { type: "integer" } } },
            failures: { type: "integer" },
            attempt: { type: "integer" },
            rule: keyword,
            template: keyword,
            storeReplyId: { type: "keyword", index: false },
            idempotencyKey: { type: "keyword", index: false },
          },
        },
        // Who did what and when: kept and shown, never searched.
        history: { type: "object", enabled: false },
      },
    },
  },
} as const;

/** The engine filter that confines a query to a team's slice. */
export function sliceFilter(slice: TeamSlice): Record<string, unknown> {
  const must: Record<string, unknown>[] = [];
  if (slice.brands?.length) must.push({ terms: { "brands.id": slice.brands } });
  if (slice.sources?.length) must.push({ terms: { "source.id": slice.sources } });
  if (slice.languages?.length) must.push({ terms: { lang: slice.languages } });
  if (slice.sentiment?.length) must.push({ terms: { "sentiment.label": slice.sentiment } });
  if (slice.window) must.push({ range: { publishedAt: { gte: `now-${slice.window}/d` } } });
  return must.length === 0 ? { match_all: {} } : { bool: { filter: must } };
}

export function indexTemplate(names: IndexNames, teams: TeamConfig[], polish: PolishAnalysis, options: { replicas: number }) {
  return {
    index_patterns: [names.pattern],
    priority: 100,
    template: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: options.replicas,
        refresh_interval: "1s",
        analysis: analysisSettings(polish),
      },
      mappings: mentionMappings,
      aliases: {
        [names.all]: {},
        ...Object.fromEntries(teams.map((team) => [names.teamAlias(team.id), { filter: sliceFilter(team.slice) }])),
      },
    },
    _meta: { managedBy: "odzew", polish },
  };
}
