// Answering reviews: the pure rules of the reply workflow (no I/O). See README "Answering reviews".

// --- state.ts: the reply fold and its confirmation at the source ---
export { applyReplyEvent, reconcileSourceReply, sameReplyText } from "./state.ts";

// --- decide.ts, templates.ts, rules.ts, throttle.ts: the decisions behind the API and the rules ---
export {
  decideReply,
  replyLength,
  replyTextProblem,
  REPLY_ACTIONS,
  type ReplyAction,
  type ReplyDecision,
  type ReplyMention,
  type ReplyRequest,
} from "./decide.ts";
export {
  renderTemplate,
  templateVariables,
  templatePlaceholders,
  templateVarsOf,
  checkTemplates,
  suggestTemplates,
  isPlaceholderAuthor,
  sourceLabel,
  type RenderResult,
  type SuggestedTemplate,
  type SuggestMention,
  type TemplateMention,
  type TemplatePlaceholder,
  type TemplateProblem,
  type TemplateVariable,
  type TemplateVars,
} from "./templates.ts";
export { judgeRule, dryRun, ruleTemplateFor, type DryRunEntry, type RuleContext, type RuleJudgement, type RuleMention, type RuleVerdict } from "./rules.ts";
export { takeThrottle, EMPTY_THROTTLE, THROTTLE_WINDOW_MS, type ThrottleState, type ThrottleVerdict } from "./throttle.ts";
