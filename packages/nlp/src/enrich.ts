import type { BrandConfig, EnrichedMention } from "@odzew/schema";
import { createBrandTagger } from "./brands.ts";
import { detectLanguage, priorLanguage, UNDETERMINED, type LanguagePrior } from "./language.ts";
import { maskPersonalData, pseudonymiseAuthor } from "./personal-data.ts";
import { URGENCY_ENTRIES, servicePriority } from "./priority.ts";
import { loadSentimentModel, type SentimentModel, type SentimentModelFile } from "./sentiment-model/index.ts";
import { LEXICON_SCORER, TextReading, decideSentiment, type PolishScorer } from "./sentiment.ts";
import { aspectSentiments } from "./aspects.ts";
import { DEFAULT_TOPIC_TAXONOMY, createTermMatcher, createTopicTagger, topicReading, type TopicTaxonomy } from "./topics.ts";

/** Bumped whenever enrichment changes what it writes, so re-enriched mentions can be told apart. */
export const ENRICHMENT_VERSION = "1.2.0";

/** What the enrichment needs to know of a mention; everything but `text` is optional. */
export interface EnrichInput {
  text: string;
  title?: string | undefined;
  /** Stars, 1–5. */
  rating?: number | undefined;
  /** ISO 639-1 when the mention itself states it (trusted as it is). */
  lang?: string | undefined;
  /**
   * What the source is configured for: its `lang` and `country` (a Google Play source's `pl`/`pl`,
   * an App Store storefront's country, the mention's `details.country`). Decides only texts too
   * short to tell by themselves; before the enrichment's `market`.
   */
  langPrior?: LanguagePrior | undefined;
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
  | "aspects"
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
  /**
   * The brand's market: the language short texts are read in when neither the text nor the
   * source tells. Default Polish (`{ langs: ["pl"], country: "pl" }`), Odzew's market; pass
   * `{}` for none (short international texts such as "ok" then stay "und").
   */
  market?: LanguagePrior | undefined;
  /** Key of the author pseudonyms; without it, no pseudonym is written. */
  authorKey?: string | undefined;
  now?: () => Date;
}

/** Odzew listens for Polish brands: without a configured market, short texts are read as Polish. */
const DEFAULT_MARKET: LanguagePrior = { langs: ["pl"], country: "pl" };

/**
 * The enrichment of one mention: language → sentiment → brands → topics → personal data →
 * priority. Built once (lexicons, automata, model), then called per mention; pure and fast.
 */
export function createEnrichment(options: EnrichmentOptions) {
  const brandTagger = createBrandTagger(options.brands);
  // Topics and urgency words in one pass over the text.
  const taxonomy = options.topics ?? DEFAULT_TOPIC_TAXONOMY;
  const terms = createTermMatcher([
    ...taxonomy.map((topic) => ({ value: `t:${topic.id}`, patterns: [...topic.pl, ...topic.en] })),
    ...URGENCY_ENTRIES.map((entry) => ({ value: `u:${entry.value}`, patterns: entry.patterns })),
  ]);
  // The topics alone, for the clauses of aspect sentiment: as the topic tagger finds them.
  const topicScope = terms.scope(new Map(taxonomy.map((topic) => [`t:${topic.id}`, topic.id])));
  const modelFile = options.sentimentModel;
  const learned = modelFile ? loadSentimentModel(modelFile) : undefined;
  // A trained model that did not beat the lexicon on its own held-out set is not used.
  const polish: PolishScorer =
    modelFile && learned && learned.heldOutAccuracy > (learned.baselineAccuracy ?? 0) ? learnedScorer(learned, modelFile) : LEXICON_SCORER;
  const market = options.market ?? DEFAULT_MARKET;
  // Which topics a clause names, for the sentiment of each aspect (see aspects.ts).
  const topicTagger = createTopicTagger(taxonomy);
  const now = options.now ?? (() => new Date());

  return {
    sentimentModel: polish === LEXICON_SCORER ? "lexicon" : "learned",
    enrich(input: EnrichInput): Enrichment {
      const full = input.title ? `${input.title}\n${input.text}` : input.text;
      const guess = input.lang ? { lang: input.lang, confidence: 1 } : detectLanguage(full, priorOf(input.langPrior, market));
      const lang = guess.lang;
      const langCode = lang === UNDETERMINED ? "und" : lang;
      // The text is read once: for the mention's sentiment and for each clause's (aspects).
      const reading = new TextReading(full, langCode, polish);
      const { sentiment, ratingMismatch } = decideSentiment({ text: full, lang: langCode, rating: input.rating }, polish, reading);

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
      const termReading = terms.read(full);
      for (const value of termReading.values) {
        if (value.startsWith("t:")) topics.push(value.slice(2));
        else if (value.startsWith("u:")) urgent.push(value.slice(2));
      }
      // Each topic with the sentiment of the clause that names it; a contrasted clause that names
      // none is the product. Topics found that way join the mention's topics, so a topic filter
      // and the per-aspect counts agree.
      const aspects = aspectSentiments({ text: input.text, title: input.title, lang: langCode, topics, sentiment }, { tagger: topicTagger, polish, reading, topicReading: topicReading(termReading, topicScope) });
      for (const aspect of aspects) if (!topics.includes(aspect.topic)) topics.push(aspect.topic);
      topics.sort();
      const maskedText = maskPersonalData(input.text);
      const maskedTitle = input.title ? maskPersonalData(input.title) : undefined;
      const personalData = maskedTitle ? [...new Set([...maskedText.found, ...maskedTitle.found])] : maskedText.found;
      const current = now();
      const priority = servicePriority({
        rating: input.rating,
        sentiment,
        text: full,
        reach: input.reach,
        publishedAt: input.publishedAt ?? current.toISOString(),
        now: current,
        hasReply: input.reply !== undefined && input.reply !== null,
        urgent,
      });

      // Built field by field: spreading optional parts into one literal costs more than the rest of
      // this function.
      const enrichment: Enrichment = { lang, langConfidence: guess.confidence, sentiment, ratingMismatch, brands, topics, personalData, priority };
      if (aspects.length > 0) enrichment.aspects = aspects;
      if (options.authorKey && input.author?.name) enrichment.authorPseudonym = pseudonymiseAuthor(input.author.name, options.authorKey);
      // Only where masking changed something: a second copy of every text would double the
      // enriched topic and the messages the broker must take.
      if (maskedText.text !== input.text || (maskedTitle !== undefined && maskedTitle.text !== input.title)) {
        enrichment.masked = maskedTitle ? { text: maskedText.text, title: maskedTitle.text } : { text: maskedText.text };
      }
      return enrichment;
    },
  };
}

export type Enricher = ReturnType<typeof createEnrichment>;

/** The source's prior when it names a language Odzew knows, else the market's. */
function priorOf(source: LanguagePrior | undefined, market: LanguagePrior): LanguagePrior {
  return source && priorLanguage(source) ? source : market;
}

/** A learned model as a Polish scorer: neutral where its own training put it (the file's `neutralBand`). */
function learnedScorer(model: SentimentModel, file: SentimentModelFile): PolishScorer {
  const band = file.neutralBand;
  return { score: (text) => model.score(text), range: { negative: -band, positive: band } };
}
