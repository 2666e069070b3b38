export {
  connectEngine,
  detectEngine,
  SearchRequestError,
  type Engine,
  type EngineInfo,
  type EngineKind,
  type SearchConnection,
} from "./engine.ts";
export {
  indexNames,
  indexTemplate,
  analysisSettings,
  mentionMappings,
  sliceFilter,
  type IndexNames,
  type PolishAnalysis,
} from "./mappings.ts";
export {
  MentionStore,
  type BulkFailure,
  type BulkOutcome,
  type SetupOptions,
} from "./store.ts";
export { toDocument } from "./store.ts";
export { teamQuery, parseSearchText, countSearchTerms, SEARCH_LIMITS, type TeamFilters } from "./query.ts";
export {
  PERSONAL_FIELDS,
  WHOLE_PERSONAL_FIELDS,
  personalFieldsIn,
  projectMention,
  sourceFilter,
  hide,
  isHttpUrl,
  isPseudonymousView,
  hiddenFilters,
  assertVisible,
  seesAssignee,
  sourceVisible,
  genericHealthMessage,
  projectSourceHealth,
  alertInSlice,
  projectAlert,
  type MentionDocument,
  type StoredMentionDocument,
  type FullView,
  type PseudonymousView,
  type MentionView,
  type TeamAlert,
  type TeamView,
  type HideableField,
  type PersonalField,
  type WholePersonal,
  type PersonalIn,
  type ViewFilter,
} from "./visibility/index.ts";
export { applyWorkflowEvent, confirmReplyAtSource, workflowConflict, WORKFLOW_HISTORY_LIMIT } from "./workflow.ts";
export {
  replyMeasuresRequest,
  readReplyMeasures,
  assertSeesReplyMeasures,
  REPLY_MEASURES_LIMITS,
  type ReplyMeasures,
  type ReplyFigures,
  type ReplyWaiting,
  type ReplyMeasuresResponse,
} from "./reply-measures.ts";
export {
  TeamSearch,
  SORTS,
  GROUP_FIELDS,
  INTERVALS,
  MAX_BUCKETS,
  allocate,
  type SortName,
  type GroupField,
  type IntervalName,
  type SearchPage,
  type SampledMention,
  type LocatedMention,
} from "./team-search.ts";
export { writeSettled } from "./settle.ts";
export {
  STARS,
  RATING_SOURCES,
  ratingDistributionRequest,
  readRatingDistribution,
  previousPeriod,
  currentPeriod,
  TREND_DAYS,
  trendOf,
  compareTopics,
  overallFigures,
  type Star,
  type RatingGroup,
  type RatingDistribution,
  type Period,
  type PeriodFigures,
  type Trend,
} from "./insights.ts";
export { isPassingRefusal, splitBulk, type ItemError } from "./bulk.ts";
export { planUpsert, compareVersions, newestVersions, STORED_FIELDS, type StoredMention, type UpsertStep } from "./upsert-plan.ts";
export { ruleMentionOf } from "./rule-mention.ts";
