export { detectLanguage, priorLanguage, UNDETERMINED, type LanguageGuess, type LanguagePrior } from "./language.ts";
export { tokenize, words, fold, type Token } from "./tokenize.ts";
export type { Sentiment, SentimentLabel, SentimentBasis } from "./types.ts";
export {
  decideSentiment,
  textSentiment,
  LEXICON_RANGE,
  CONTRADICTION,
  type SentimentDecision,
  type PolishScorer,
} from "./sentiment.ts";
export { findComplaints, complaintEvidence, COMPLAINT_KINDS, type ComplaintKind } from "./complaints.ts";
export { fitNeutralRange, labelIn, type NeutralRange, type ScoredExample } from "./neutral-range.ts";
export { scorePolish, POLISH_MODEL } from "./sentiment.pl.ts";
export { scoreEnglish, ENGLISH_MODEL } from "./sentiment.en.ts";
export {
  trainSentimentModel,
  loadSentimentModel,
  parseSentimentModelFile,
  sentimentModelFileSchema,
  SENTIMENT_MODEL_KIND,
  type SentimentModelFile,
  type SentimentModel,
  type TrainOptions,
  type TrainReport,
} from "./sentiment-model/index.ts";
export { createBrandTagger, inflect, DEFAULT_CONTEXT_WINDOW, type BrandMatch, type BrandTagger, type BrandTaggerOptions } from "./brands.ts";
export {
  createTopicTagger,
  taxonomyFrom,
  DEFAULT_TOPIC_TAXONOMY,
  type TopicTaxonomy,
  type TopicDefinition,
  type TopicTagger,
} from "./topics.ts";
export { aspectSentiments, splitClauses, PRODUCT_TOPIC, type Aspect, type AspectInput, type AspectOptions, type Clause } from "./aspects.ts";
export { maskPersonalData, pseudonymiseAuthor, ANONYMOUS_AUTHOR, type PersonalDataKind, type MaskedText } from "./personal-data.ts";
export { servicePriority, levelOf, type Priority, type PriorityInput, type PriorityLevel } from "./priority.ts";
export { createEnrichment, ENRICHMENT_VERSION, type Enricher, type Enrichment, type EnrichInput, type EnrichmentOptions } from "./enrich.ts";
export { allegroReviews, polemoReviews, split, evalDataAvailable, type RatedReview, type LabelledText } from "./eval-data.ts";
export { readSentimentModelFile } from "./model-file.ts";
export { enrichMention } from "./enrich-mention.ts";
export {
  mentionVersion,
  keepNewest,
  ratedMentions,
  splitByTime,
  evaluateLabels,
  decidePromotion,
  modelCard,
  describeFeatures,
  sha256Hex,
  pruneToBytes,
  modelFileText,
  learnSentimentModel,
  polishLabeller,
  LEARNING_DEFAULTS,
  type RatedMention,
  type MentionVersion,
  type Evaluation,
  type PromotionDecision,
  type LearnOptions,
  type LearnOutcome,
  type ModelInUse,
} from "./learning/index.ts";
