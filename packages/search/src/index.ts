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
  type MentionQuery,
  type MentionPage,
  type SetupOptions,
} from "./store.ts";
