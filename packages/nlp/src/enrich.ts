import type { BrandConfig, EnrichedMention } from "@odzew/schema";
import { createBrandTagger } from "./brands.ts";
import { detectLanguage, UNDETERMINED } from "./language.ts";
import { maskPersonalData, pseudonymiseAuthor } from "./personal-data.ts";
import { URGENCY_ENTRIES, servicePriority } from "./priority.ts";
import { scoreEnglish } from "./sentiment.en.ts";
import { loadSentimentModel, type SentimentModelFile } from "./sentiment-model.ts";
import { scorePolish } from "./sentiment.pl.ts";
import { DEFAULT_TOPIC_TAXONOMY, createTermMatcher, type TopicTaxonomy } from "./topics.ts";
import type { Sentiment } from "./types.ts";

/** Bumped whenever enrichment changes what it writes, so re-enriched mentions can be told apart. */
export const ENRICHMENT_VERSION = "1.0.0";

/** What the enrichment needs to know of a mention; everything but `text` is optional. */
export interface EnrichInput {
  text: string;
  title?: string | undefined;
  /** Stars, 1–5. */
  rating?: number | undefined;
  /** ISO 639-1 when the source states it. */
  lang?: string | undefined;
  author?: { name: string } | undefined;
  reach?: { votes?: number | undefined; helpful?: number | undefined; followers?: number | undefined } | undefined;
  publishedAt?: string | undefined;
  reply?: unknown;
  /** Brands the source is configured for. */
  brandHints?: string[] | undefined;
}

export type Enrichment = Pick<
  EnrichedMention,
  | "lang"
  | "langConfidence"
  | "sentiment"
  | "ratingMismatch"
  | "brands"
  | "topics"
  | "authorPseudonym"
  | "personalData"
  | "masked"
  | "priority"
>;

export interface EnrichmentOptions {
  brands: BrandConfig[];
  topics?: TopicTaxonomy | undefined;
  /** A trained Polish model; used only where it beat the lexicon on its held-out set. */
  sentimentModel?: SentimentModelFile | undefined;
  /** Key of the author pseudonyms; without it, no pseudonym is written. */
  authorKey?: string | undefined;
  now?: () => Date;
}

/** How far stars and text must disagree before the mention is flagged. */
const MISMATCH_SCORE = 0.3;

/**
 * The enrichment of one mention: language → sentiment → brands → topics → personal data →
 * priority. Built once (lexicons, automata, model), then called per mention; pure and fast.
 */
export function createEnrichment(options: EnrichmentOptions) {
  const brandTagger = createBrandTagger(options.brands);
  // Topics and urgency words in one pass over the text.
  const terms = createTermMatcher([
    ...(options.topics ?? DEFAULT_TOPIC_TAXONOMY).map((topic) => ({ value: `t:${topic.id}`, patterns: [...topic.pl, ...topic.en] })),
    ...URGENCY_ENTRIES.map((entry) => ({ value: `u:${entry.value}`, patterns: entry.patterns })),
  ]);
  const learned = options.sentimentModel ? loadSentimentModel(options.sentimentModel) : undefined;
  // A trained model that did not beat the lexicon on its own held-out set is not used.
  const useLearned = learned !== undefined && learned.heldOutAccuracy > (learned.baselineAccuracy ?? 0);
  const now = options.now ?? (() => new Date());

  const sentimentOf = (text: string, lang: string, rating: number | undefined): Sentiment => {
    // A review of stars alone (Google Maps has many): the stars are the only evidence there is.
    if (text.trim() === "" && rating !== undefined) {
      const score = Math.round(((rating - 3) / 2) * 100) / 100;
      return { label: rating >= 4 ? "positive" : rating <= 2 ? "negative" : "neutral", score, model: "stars" };
    }
    if (lang === "pl") return useLearned ? learned.score(text) : scorePolish(text);
    if (lang === "en") return scoreEnglish(text);
    // No model for this language: say so rather than guess.
    return { label: "neutral", score: 0, model: `none-${lang}` };
  };

  return {
    sentimentModel: useLearned ? "learned" : "lexicon",
    enrich(input: EnrichInput): Enrichment {
      const full = input.title ? `${input.title}\n${input.text}` : input.text;
      const guess = input.lang ? { lang: input.lang, confidence: 1 } : detectLanguage(full);
      const lang = guess.lang;
      const sentiment = sentimentOf(full, lang === UNDETERMINED ? "und" : lang, input.rating);
      const ratingMismatch =
        input.rating !== undefined &&
        sentiment.model !== "stars" &&
        ((input.rating >= 4 && sentiment.label === "negative" && sentiment.score <= -MISMATCH_SCORE) ||
          (input.rating <= 2 && sentiment.label === "positive" && sentiment.score >= MISMATCH_SCORE));

      const brands: Enrichment["brands"] = brandTagger.tag(full).map((match) => ({
        id: match.id,
        via: "text" as const,
        matched: match.matched,
        // Positions refer to the text; a match in the title has none there.
        ...(input.title ? {} : { position: match.position }),
      }));
      for (const id of input.brandHints ?? []) {
        if (!brands.some((brand) => brand.id === id)) brands.push({ id, via: "source" });
      }

      const topics: string[] = [];
      const urgent: string[] = [];
      for (const value of terms.match(full)) {
        if (value.startsWith("t:")) topics.push(value.slice(2));
        else if (value.startsWith("u:")) urgent.push(value.slice(2));
      }
      const maskedText = maskPersonalData(input.text);
      const maskedTitle = input.title ? maskPersonalData(input.title) : undefined;
      const personalData = maskedTitle ? [...new Set([...maskedText.found, ...maskedTitle.found])] : maskedText.found;
      const current = now();
      const priority = servicePriority({
        ...(input.rating !== undefined ? { rating: input.rating } : {}),
        sentiment,
        text: full,
        ...(input.reach ? { reach: input.reach } : {}),
        publishedAt: input.publishedAt ?? current.toISOString(),
        now: current,
        hasReply: input.reply !== undefined && input.reply !== null,
        urgent,
      });

      return {
        lang,
        langConfidence: guess.confidence,
        sentiment,
        ratingMismatch,
        brands,
        topics,
        ...(options.authorKey && input.author?.name ? { authorPseudonym: pseudonymiseAuthor(input.author.name, options.authorKey) } : {}),
        personalData,
        // Only where masking changed something: a second copy of every text would double the
        // enriched topic and the messages the broker must take.
        ...(maskedText.text !== input.text || (maskedTitle !== undefined && maskedTitle.text !== input.title)
          ? { masked: { text: maskedText.text, ...(maskedTitle ? { title: maskedTitle.text } : {}) } }
          : {}),
        priority,
      };
    },
  };
}

export type Enricher = ReturnType<typeof createEnrichment>;
