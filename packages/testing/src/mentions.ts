import { MENTION_SCHEMA_VERSION, mentionId, type EnrichedMention, type RawMention } from "@odzew/schema";

/** A realistic raw mention; override any field. */
export function sampleRawMention(overrides: Partial<RawMention> & { nativeId?: string; sourceId?: string } = {}): RawMention {
  const { sourceId = "test-source", nativeId = "r-1", ...rest } = overrides;
  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(sourceId, nativeId),
    source: { id: sourceId, type: "html" },
    nativeId,
    url: `https://opinie.example.pl/sklep#${nativeId}`,
    author: { name: "Anna K." },
    title: "Dostawa na czas",
    text: "Zamówienie dotarło następnego dnia, wszystko dobrze zapakowane. Polecam!",
    rating: { value: 5, original: 5, scaleMin: 1, scaleMax: 5 },
    publishedAt: "2026-11-20T10:00:00.000Z",
    collectedAt: "2026-11-25T10:00:00.000Z",
    brandHints: ["zuraw"],
    ...rest,
  };
}

/** A realistic enriched mention; override any field. */
export function sampleEnrichedMention(
  overrides: Partial<EnrichedMention> & { nativeId?: string; sourceId?: string } = {},
): EnrichedMention {
  const { sourceId, nativeId, ...rest } = overrides;
  const raw = sampleRawMention({ ...(sourceId ? { sourceId } : {}), ...(nativeId ? { nativeId } : {}) });
  return {
    ...raw,
    lang: "pl",
    langConfidence: 0.9,
    sentiment: null,
    brands: raw.brandHints.map((id) => ({ id, via: "source" as const })),
    topics: [],
    enrichedAt: "2026-11-25T10:00:01.000Z",
    enrichment: { version: "test" },
    ...rest,
  };
}
