import { replyLength, type DryRunEntry, type ReplyMention } from "@odzew/replies";
import type { RepliesFile, ReplyCapability, ReplyRule, ReplyTemplate, TeamConfig, WorkflowState } from "@odzew/schema";
import { isPseudonymousView, type FullView, type MentionView } from "@odzew/search";

/**
 * The API's rules around replies that are not the reply workflow itself (that is `decideReply`
 * in @odzew/replies, which also decides who may take which step): who reads the measures, what
 * a team's templates and rules are, the preview's figures, the mention a reply is about. Pure:
 * no engine, no Kafka, no clock.
 */

/** A mention of the full view with what a reply needs: its source, its id there, its workflow. */
export type ReplyTarget = FullView & ReplyMention;

/**
 * The mention a reply is about, from the team's full view of it and its workflow as located
 * (read even when the team hides `workflow`: the reply's state decides what may happen next).
 * Undefined for the pseudonymous view (which never replies) and for a document without a source
 * or a native id (nothing to answer at).
 */
export function replyTarget(view: MentionView, located: { workflow?: WorkflowState | undefined }): ReplyTarget | undefined {
  if (isPseudonymousView(view)) return undefined;
  const { publishedAt, source, nativeId } = view;
  if (publishedAt === undefined || source === undefined || nativeId === undefined) return undefined;
  const { workflow: _hidden, ...rest } = view;
  return { ...rest, id: view.id, publishedAt, source, nativeId, ...(located.workflow ? { workflow: located.workflow } : {}) };
}

/**
 * Why a team may not read the service measures (403); undefined when it may: a full-view team
 * with `reply` or `workflow` (the measures name agents and the sources).
 */
export function measuresRefusal(team: Pick<TeamConfig, "id" | "view" | "actions" | "hide">): string | undefined {
  if (team.view !== "full") return `team "${team.id}" has the pseudonymous view; the reply measures name agents and sources, so only a team with view: full reads them`;
  if (team.hide.includes("workflow")) return `team "${team.id}" hides the workflow (hide: [workflow]), and the reply measures are made of it`;
  if (team.actions.includes("reply") || team.actions.includes("workflow")) return undefined;
  return `team "${team.id}" may not read the reply measures; grant it in teams.yaml (actions: [reply] or [workflow])`;
}

/** Whether Odzew answers a mention itself, or the agent answers at the source and records it. */
export type ReplyVia = "odzew" | "there";
export const replyVia = (capability: ReplyCapability): ReplyVia => (capability.canReply ? "odzew" : "there");

/** What of a team decides its templates: its slice's brands and languages. */
type TeamTemplateScope = Pick<TeamConfig, "slice">;

/**
 * The templates a team can use: those of its slice's brands (and the general ones, without a
 * `brand`) and of its slice's languages; every template when its slice names none.
 */
export function templatesOfTeam(file: Pick<RepliesFile, "templates">, team: TeamTemplateScope): ReplyTemplate[] {
  const brands = team.slice.brands;
  const languages = team.slice.languages;
  return file.templates.filter(
    (template) => (template.brand === undefined || brands === undefined || brands.includes(template.brand)) && (languages === undefined || languages.includes(template.lang)),
  );
}

/** The reply rules that work for a team. */
export function rulesOfTeam(file: Pick<RepliesFile, "rules">, team: Pick<TeamConfig, "id">): ReplyRule[] {
  return file.rules.filter((rule) => rule.team === team.id);
}

/** What the preview tells an agent about a text: its length against the store's limit. */
export interface ReplyPreview {
  text: string;
  length: number;
  /** The store's limit, when Odzew sends there. */
  limit?: number;
  /** Over the limit, in the store's unit (characters, or bytes for Business Profile; 0 when it fits). */
  over: number;
  /** Template variables the mention has no value for (the text is not sendable until they are filled). */
  missing: string[];
}

/**
 * The preview of a reply text (a rendered template or the agent's own), measured against the
 * store's limit. A template with unfilled variables shows the template's text and names them.
 */
export function previewOf(rendered: { text: string; missing?: readonly string[] }, capability: ReplyCapability): ReplyPreview {
  const length = replyLength(rendered.text, capability.canReply ? capability.lengthUnit : undefined);
  const limit = capability.canReply ? capability.maxLength : undefined;
  return {
    text: rendered.text,
    length,
    ...(limit !== undefined ? { limit } : {}),
    over: limit !== undefined ? Math.max(0, length - limit) : 0,
    missing: [...(rendered.missing ?? [])],
  };
}

const DAY_MS = 86_400_000;

/** The most mentions one dry run judges (the oldest of the window first); beyond it the answer says it was cut. */
export const DRY_RUN_MAX = 5_000;

/** The window of a dry run: from `days` days before `now` to `now`. */
export function dryRunWindow(now: Date, days: number): { from: string; to: string } {
  return { from: new Date(now.getTime() - days * DAY_MS).toISOString(), to: now.toISOString() };
}

/**
 * The publication range of the measures: `from` and `to` as given (a date is its whole day:
 * `to=2026-11-30` includes that day), by default the 30 days up to `now`.
 */
export function measuresRange(query: { from?: string | undefined; to?: string | undefined }, now: Date): { from: string; to: string } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const to = query.to === undefined ? now : day.test(query.to) ? new Date(Date.parse(`${query.to}T00:00:00Z`) + DAY_MS - 1) : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - 30 * DAY_MS) : new Date(day.test(query.from) ? `${query.from}T00:00:00Z` : query.from);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** How much of a review a dry-run line shows. */
const PREVIEW_CHARS = 120;

/** A review's text shortened for a line of a list: whitespace folded, cut at a word with an ellipsis. */
export function textPreview(text: string, max = PREVIEW_CHARS): string {
  const folded = text.replace(/\s+/g, " ").trim();
  const chars = [...folded];
  if (chars.length <= max) return folded;
  const cut = chars.slice(0, max).join("");
  const atWord = cut.replace(/\s+\S*$/, "");
  return `${atWord.length > max / 2 ? atWord : cut}…`;
}

/** One line of a dry run: what the rule would have done with a mention, and why. */
export interface DryRunItem {
  mentionId: string;
  publishedAt: string;
  source: string;
  rating?: number;
  verdict: "send" | "draft" | "skip";
  reason?: string;
  template?: string;
  text?: string;
  preview: string;
}

export function dryRunItem(entry: DryRunEntry, reviewText: string): DryRunItem {
  const { verdict } = entry;
  return {
    mentionId: entry.mentionId,
    publishedAt: entry.publishedAt,
    source: entry.sourceId,
    ...(entry.rating !== undefined ? { rating: entry.rating } : {}),
    ...(verdict.kind === "skip"
      ? { verdict: "skip" as const, reason: verdict.reason }
      : { verdict: verdict.mode, template: verdict.template, text: verdict.text, ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}) }),
    preview: textPreview(reviewText),
  };
}

/** Counts of a dry run's verdicts. */
export function dryRunCounts(items: readonly Pick<DryRunItem, "verdict">[]): { send: number; draft: number; skip: number } {
  const counts = { send: 0, draft: 0, skip: 0 };
  for (const item of items) counts[item.verdict] += 1;
  return counts;
}
