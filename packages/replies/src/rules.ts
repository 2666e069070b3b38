import { replyLength, replyLengthProblem, type EnrichedMention, type ReplyCapability, type ReplyRule, type ReplyTemplate, type TeamConfig, type WorkflowState } from "@odzew/schema";
import { renderTemplate, sourceLabel, templateVarsOf } from "./templates.ts";
import { EMPTY_THROTTLE, takeThrottle, type ThrottleState } from "./throttle.ts";

/**
 * Reply rules: per team, pre-draft (or, where the team allows it, send) a reply to reviews that
 * meet the rule's conditions. Done safely: never for a review with urgency words, a rating the
 * text contradicts, personal data, a reply already there, a review older than `maxAgeDays`, or
 * in a language none of the rule's templates is written in; sending only where the team allows
 * it and needs no approval, and at most `perSourcePerHour` automatic sendings per source (past
 * that it drafts). Pure: the time, the templates and the throttle state come in.
 */

/** The mention fields a rule looks at (a search hit or an enriched mention), with its workflow. */
export type RuleMention = Pick<
  EnrichedMention,
  | "id"
  | "source"
  | "nativeId"
  | "publishedAt"
  | "lang"
  | "text"
  | "title"
  | "rating"
  | "sentiment"
  | "ratingMismatch"
  | "brands"
  | "topics"
  | "personalData"
  | "priority"
  | "reply"
  | "author"
  | "authorPseudonym"
  | "details"
> & { workflow?: WorkflowState | undefined };

export interface RuleContext {
  /** The rule's team (its settings decide whether `send` is allowed). */
  team: TeamConfig;
  /** The templates of the replies file. */
  templates: readonly ReplyTemplate[];
  /** When the rule acts. */
  now: Date;
  /** Automatic sendings so far, per source (see throttle.ts); empty when left out. */
  throttle?: ThrottleState | undefined;
  /** A brand's display name for `{brand}` (by brand id). */
  brandName?: ((brandId: string) => string | undefined) | undefined;
  /** What the mention's source allows (`replyCapability`); when left out, sending is not checked against a store's limit. */
  capability?: ((mention: RuleMention) => ReplyCapability) | undefined;
}

export type RuleVerdict =
  | { kind: "skip"; reason: string }
  | {
      kind: "reply";
      mode: "draft" | "send";
      /** The template's id. */
      template: string;
      text: string;
      /** Set when the rule's mode is `send` but it drafts: why. */
      reason?: string;
    };

export interface RuleJudgement {
  verdict: RuleVerdict;
  /** The throttle after this mention (changed only by a sending). */
  throttle: ThrottleState;
}

const DAY_MS = 86_400_000;
const URGENCY_REASON = /^urgency: (.+)$/;

const skip = (reason: string, throttle: ThrottleState): RuleJudgement => ({ verdict: { kind: "skip", reason }, throttle });

/** What the rule does with one mention now, and the throttle after it. */
export function judgeRule(rule: ReplyRule, mention: RuleMention, context: RuleContext): RuleJudgement {
  return judge(rule, mention, context, false);
}

/** `historical`: judged as of `context.now` in the past (a dry run), so replies dated after it did not exist yet. */
function judge(rule: ReplyRule, mention: RuleMention, context: RuleContext, historical: boolean): RuleJudgement {
  const throttle = context.throttle ?? EMPTY_THROTTLE;
  const { team, now } = context;

  if (!rule.enabled) return skip("the rule is disabled (enabled: false)", throttle);
  if (rule.team !== team.id) return skip(`the rule works for team ${rule.team}, not ${team.id}`, throttle);
  if (team.view === "pseudonymous" || !team.actions.includes("reply")) return skip(`team ${team.id} may not reply (no reply action)`, throttle);

  const answered = existingReply(mention, historical ? now : undefined);
  if (answered !== undefined) return skip(answered, throttle);

  const published = Date.parse(mention.publishedAt);
  const ageDays = (now.getTime() - published) / DAY_MS;
  if (!Number.isFinite(published) || ageDays > rule.maxAgeDays) {
    return skip(`published ${Math.floor(ageDays)} days ago; the rule answers reviews of the last ${rule.maxAgeDays} days (maxAgeDays)`, throttle);
  }

  const unmet = unmetCondition(rule, mention);
  if (unmet !== undefined) return skip(unmet, throttle);

  const unsafe = unsafeReason(mention);
  if (unsafe !== undefined) return skip(unsafe, throttle);

  const template = ruleTemplateFor(rule, mention, context.templates);
  if (template === undefined) {
    return skip(`no template of the rule is in ${mention.lang} for this brand; add one (templates: ${rule.templates.join(", ")})`, throttle);
  }
  const brandId = mention.brands.find((brand) => template.brand === undefined || brand.id === template.brand)?.id;
  const brandName = brandId !== undefined ? (context.brandName?.(brandId) ?? brandId) : undefined;
  const rendered = renderTemplate(template, templateVarsOf(mention, brandName, undefined));
  if ("missing" in rendered) {
    return skip(`template ${template.id} needs ${rendered.missing.map((name) => `{${name}}`).join(", ")}, which this review does not have; give a fallback ({name|…})`, throttle);
  }
  const text = rendered.text;

  const capability = context.capability?.(mention);
  const tooLong = capability?.canReply === true ? replyLengthProblem(text, capability, sourceLabel(mention.source.type)) : undefined;
  if (tooLong) return skip(`template ${template.id}: ${tooLong}`, throttle);

  const reply = (mode: "draft" | "send", reason?: string): RuleVerdict => ({ kind: "reply", mode, template: template.id, text, ...(reason !== undefined ? { reason } : {}) });
  if (rule.mode === "draft") return { verdict: reply("draft"), throttle };
  if (!team.replies.autoSend) return { verdict: reply("draft", `team ${team.id} does not allow automatic sending (replies.autoSend: false): drafted for an agent`), throttle };
  if (team.replies.approval) return { verdict: reply("draft", `team ${team.id} requires approval of every reply: drafted for an agent`), throttle };
  if (capability !== undefined && !capability.canReply) {
    return { verdict: reply("draft", `Odzew cannot send to ${sourceLabel(mention.source.type)} (${capability.reason}): drafted to answer there`), throttle };
  }
  const taken = takeThrottle(throttle, mention.source.id, now, rule.perSourcePerHour);
  if (!taken.allowed) {
    return {
      verdict: reply("draft", `already ${taken.used} automatic replies to ${mention.source.id} in the last hour (perSourcePerHour: ${rule.perSourcePerHour}): drafted instead`),
      throttle: taken.state,
    };
  }
  return { verdict: reply("send"), throttle: taken.state };
}

/**
 * Why the mention already has (or is getting) a reply; undefined when it has none. With `asOf`
 * (a dry run), only what was there at that time: a dated reply after it does not count.
 */
function existingReply(mention: RuleMention, asOf: Date | undefined): string | undefined {
  const before = (time: string | undefined) => asOf === undefined || time === undefined || !(Date.parse(time) > asOf.getTime());
  if (mention.reply !== undefined && before(mention.reply.publishedAt)) return "already answered at the source";
  const workflow = mention.workflow;
  const reply = workflow?.reply;
  if (reply !== undefined && reply.status !== "discarded" && before(reply.draftedAt)) {
    return `already has a reply in Odzew (version ${reply.version}, ${reply.status})`;
  }
  if (workflow !== undefined && before(workflow.updatedAt)) {
    if (workflow.status === "closed") return "marked as needing no answer";
    if (workflow.status === "answered") return "already marked as answered";
    if (workflow.status === "claimed") return `claimed by ${workflow.assignee ?? "an agent"}: they answer it`;
  }
  return undefined;
}

/** The first condition of the rule the mention does not meet, in words. */
function unmetCondition(rule: ReplyRule, mention: RuleMention): string | undefined {
  const when = rule.when;
  if (when.sources !== undefined && !when.sources.includes(mention.source.id)) return `source ${mention.source.id} is not one of ${when.sources.join(", ")}`;
  if (when.ratings !== undefined) {
    const rating = mention.rating !== undefined ? Math.round(mention.rating.value) : undefined;
    if (rating === undefined) return "no star rating; the rule answers ratings " + when.ratings.join(", ");
    if (!when.ratings.includes(rating)) return `${rating}★ is not one of the rule's ratings (${when.ratings.join(", ")})`;
  }
  if (when.languages !== undefined && !when.languages.includes(mention.lang)) return `language ${mention.lang} is not one of ${when.languages.join(", ")}`;
  if (when.sentiment !== undefined) {
    const label = mention.sentiment?.label;
    if (label === undefined || !when.sentiment.includes(label)) return `sentiment ${label ?? "unknown"} is not one of ${when.sentiment.join(", ")}`;
  }
  if (when.topics !== undefined && !when.topics.some((topic) => mention.topics.includes(topic))) {
    return `none of the topics ${when.topics.join(", ")}${mention.topics.length > 0 ? ` (it is about ${mention.topics.join(", ")})` : ""}`;
  }
  const length = replyLength(mention.text.trim());
  const titled = (mention.title ?? "").trim().length > 0;
  if (when.noText === true && (length > 0 || titled)) return `the review has ${length > 0 ? "text" : "a title"}; the rule answers reviews with stars only (noText)`;
  if (when.noText === false && length === 0 && !titled) return "the review has no text; the rule answers reviews with text (noText: false)";
  if (when.maxLength !== undefined && length > when.maxLength) return `the text is ${length} characters long; the rule answers at most ${when.maxLength} (maxLength)`;
  return undefined;
}

/** Why a rule must never answer this review automatically, whatever its conditions. */
function unsafeReason(mention: RuleMention): string | undefined {
  if (mention.priority === undefined) return "the review has no priority yet (enriched before urgency words were looked for): an agent reads it";
  const urgency = mention.priority.reasons.flatMap((reason) => URGENCY_REASON.exec(reason)?.[1] ?? []);
  if (urgency.length > 0) return `urgency words (${urgency.join(", ")}): an agent answers it`;
  if (mention.ratingMismatch === true) return "the stars and the text disagree (rating mismatch): an agent answers it";
  if (mention.personalData !== undefined && mention.personalData.length > 0) return `the review contains personal data (${mention.personalData.join(", ")}): an agent answers it`;
  return undefined;
}

/**
 * The rule's template for a mention: in the mention's language, for its brand or every brand;
 * a brand's own template before a general one, then the rule's order.
 */
export function ruleTemplateFor(rule: Pick<ReplyRule, "templates">, mention: Pick<RuleMention, "lang" | "brands">, templates: readonly ReplyTemplate[]): ReplyTemplate | undefined {
  const brandIds = new Set(mention.brands.map((brand) => brand.id));
  const byId = new Map(templates.map((template) => [template.id, template]));
  const candidates = rule.templates
    .map((id) => byId.get(id))
    .filter((template): template is ReplyTemplate => template !== undefined && template.lang === mention.lang)
    .filter((template) => template.brand === undefined || brandIds.has(template.brand));
  return candidates.find((template) => template.brand !== undefined) ?? candidates[0];
}

export interface DryRunEntry {
  mentionId: string;
  publishedAt: string;
  sourceId: string;
  rating?: number;
  verdict: RuleVerdict;
}

/**
 * What a rule would have done over these mentions: each judged as if the rule had run when it was
 * published, oldest first, the throttle carried from one to the next as it would have been. A
 * reply that came after that moment (the source's reply, a reply in Odzew) does not count
 * against it; one without a date does. A disabled rule is judged as if enabled: the dry run is
 * how a rule is tried before it is switched on.
 */
export function dryRun(rule: ReplyRule, mentions: readonly RuleMention[], context: Omit<RuleContext, "now" | "throttle">): DryRunEntry[] {
  const ordered = [...mentions].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let throttle: ThrottleState = EMPTY_THROTTLE;
  return ordered.map((mention) => {
    const judged = judge({ ...rule, enabled: true }, mention, { ...context, now: new Date(mention.publishedAt), throttle }, true);
    throttle = judged.throttle;
    return {
      mentionId: mention.id,
      publishedAt: mention.publishedAt,
      sourceId: mention.source.id,
      ...(mention.rating !== undefined ? { rating: mention.rating.value } : {}),
      verdict: judged.verdict,
    };
  });
}
