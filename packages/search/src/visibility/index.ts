export {
  PERSONAL_FIELDS,
  WHOLE_PERSONAL_FIELDS,
  personalFieldsIn,
  projectMention,
  sourceFilter,
  hide,
  isHttpUrl,
  isPseudonymousView,
  type TeamView,
  type HideableField,
  type PersonalField,
  type WholePersonal,
  type PersonalIn,
  type StoredMentionDocument,
  type MentionDocument,
  type FullView,
  type PseudonymousView,
  type MentionView,
} from "./mention-view.ts";
export { hiddenFilters, assertVisible, seesAssignee, type ViewFilter } from "./filters.ts";
export { sourceVisible, genericHealthMessage, projectSourceHealth, alertInSlice, projectAlert, type TeamAlert } from "./slices.ts";
