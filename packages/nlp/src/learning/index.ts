/**
 * Learning the brand's own sentiment model from its rated mentions (pure, no I/O): the data set,
 * the split by time, the evaluation, the promotion decision and the model card. The shells are
 * `odzew sentiment learn` (services/cli/src/learn.ts) and the enricher, which follows promotions.
 */
export { mentionVersion, keepNewest, isNewerVersion, ratedMentions, splitByTime, type RatedMention, type MentionVersion } from "./dataset.ts";
export { evaluateLabels, starTruth, type Evaluation } from "./evaluate.ts";
export { decidePromotion, type PromotionDecision } from "./promotion.ts";
export { modelCard, describeFeatures, sha256Hex } from "./card.ts";
export { pruneToBytes, modelFileText } from "./prune.ts";
export { learnSentimentModel, polishLabeller, LEARNING_DEFAULTS, type LearnOptions, type LearnOutcome, type ModelInUse } from "./learn.ts";
