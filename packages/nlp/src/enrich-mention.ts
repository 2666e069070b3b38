import type { EnrichedMention, RawMention } from "@odzew/schema";
import { ENRICHMENT_VERSION, type Enricher } from "./enrich.ts";

/**
 * A raw mention as the pipeline enriches it: its fields, the enrichment's (language, sentiment,
 * brands, topics, personal data, priority), when, and by which enrichment version. The enricher
 * and `odzew rescore` both write exactly this.
 */
export function enrichMention(raw: RawMention, enricher: Enricher, now = new Date()): EnrichedMention {
  return {
    ...raw,
    ...enricher.enrich({
      text: raw.text,
      title: raw.title,
      rating: raw.rating?.value,
      lang: raw.lang,
      // The storefront or market the review was read from: the language of a text too short to tell.
      ...(raw.details?.country ? { langPrior: { country: raw.details.country } } : {}),
      author: raw.author,
      reach: raw.reach,
      publishedAt: raw.publishedAt,
      reply: raw.reply,
      brandHints: raw.brandHints,
    }),
    enrichedAt: now.toISOString(),
    enrichment: { version: ENRICHMENT_VERSION },
  };
}
