import { OdzewError, redactUrls } from "@odzew/core";
import type { Alert, SourceHealth, TeamConfig, TeamSlice } from "@odzew/schema";

/** A mention document as stored (the enriched mention, its workflow, masked copies). */
export type MentionDocument = Record<string, unknown> & { id: string };

/** What of a team decides its view: the view and the fields it hides on top. */
export type TeamView = Pick<TeamConfig, "view" | "hide">;

/**
 * What the engine should not even send for a view: the pseudonymous view never receives
 * the author, links, the source id, the brand's reply (it may greet the customer by name), the
 * unmasked pros and cons, or who on the service team handled the mention.
 */
export function sourceFilter(team: TeamView): { excludes: string[] } {
  const hidden = team.hide.map((field) => `${field}`);
  if (team.view === "full") return { excludes: hidden };
  return {
    excludes: [
      ...hidden,
      "author",
      "url",
      "nativeId",
      "source.id",
      "reply.text",
      "reply.author",
      "details.pros",
      "details.cons",
      "workflow.history",
      "workflow.assignee",
    ],
  };
}

/**
 * A stored mention as one team may see it. The pseudonymous view shows the masked title and
 * text where masking changed them, the author only as a pseudonym, the source only by its type,
 * and whether the brand has replied rather than the reply. Fields the team's `hide` lists are
 * gone in either view. A link is shown only if it is http(s): a `javascript:`, `data:` or
 * `file:` URL in an older document never reaches a browser.
 */
export function projectMention(doc: MentionDocument, team: TeamView): Record<string, unknown> {
  const { masked, sampleKey: _sampleKey, ...rest } = doc as MentionDocument & { masked?: { title?: string; text?: string }; sampleKey?: number };
  let out: Record<string, unknown> = withSafeLinks(rest);
  if (team.view === "pseudonymous") {
    const { author: _author, url: _url, nativeId: _nativeId, reply, details, workflow, source, ...kept } = out as Record<string, unknown> & {
      reply?: unknown;
      details?: Record<string, unknown>;
      workflow?: Record<string, unknown>;
      source?: Record<string, unknown>;
    };
    out = {
      ...kept,
      ...(source ? { source: withoutKeys(source, ["id"]) } : {}),
      ...(masked?.text !== undefined ? { text: masked.text } : {}),
      ...(masked?.text !== undefined && kept.title !== undefined ? { title: masked.title ?? kept.title } : {}),
      hasReply: reply !== undefined && reply !== null,
      ...(details ? { details: withoutKeys(details, ["pros", "cons"]) } : {}),
      ...(workflow ? { workflow: withoutKeys(workflow, ["history", "assignee"]) } : {}),
    };
  }
  return team.hide.length === 0 ? out : withoutKeys(out, team.hide);
}

/** Whether a link may be served: http(s) only. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** The mention's own links (`url`, `author.profileUrl`) where they are http(s); others dropped. */
function withSafeLinks(doc: Record<string, unknown>): Record<string, unknown> {
  const { url, author, ...rest } = doc as Record<string, unknown> & { author?: unknown };
  const out: Record<string, unknown> = { ...rest };
  if (url !== undefined && isHttpUrl(url)) out.url = url;
  if (author && typeof author === "object" && !Array.isArray(author)) {
    const { profileUrl, ...person } = author as Record<string, unknown>;
    out.author = profileUrl !== undefined && isHttpUrl(profileUrl) ? { ...person, profileUrl } : person;
  } else if (author !== undefined) out.author = author;
  return out;
}

/**
 * Request parameters that would filter, group or sort by something the team's view does not
 * show, each with why: such a request is an oracle (filtering by a name the team cannot see
 * tells it who holds a mention), so the API refuses it with 400 rather than answer it.
 */
export type ViewFilter = "source" | "assignee" | "status" | "rating" | "priority";

export function hiddenFilters(team: TeamView): Map<ViewFilter, string> {
  const hidden = new Map<ViewFilter, string>();
  if (team.view === "pseudonymous") {
    hidden.set("source", "the pseudonymous view does not show source ids (only the source type)");
    hidden.set("assignee", "the pseudonymous view does not show who handles a mention");
  }
  if (team.hide.includes("workflow")) {
    hidden.set("assignee", "this team does not see the workflow (hide: [workflow])");
    hidden.set("status", "this team does not see the workflow (hide: [workflow])");
  }
  if (team.hide.includes("rating")) hidden.set("rating", "this team does not see ratings (hide: [rating])");
  if (team.hide.includes("priority")) hidden.set("priority", "this team does not see priorities (hide: [priority])");
  return hidden;
}

/** Throws a 400-class error when `name` is a hidden field of the team's view; `what` names the parameter. */
export function assertVisible(team: TeamView, name: ViewFilter, what: string): void {
  const reason = hiddenFilters(team).get(name);
  if (reason) throw new OdzewError("MESSAGE_INVALID", `${what}: not allowed: ${reason}, so it can be neither filtered, grouped nor sorted by`);
}

/** Whether the team sees who handles a mention (names in workflow conflicts and history). */
export const seesAssignee = (team: TeamView): boolean => !hiddenFilters(team).has("assignee");

const GENERIC_HEALTH: Record<NonNullable<SourceHealth["alert"]>["code"], string> = {
  LAYOUT_CHANGED: "the source's pages no longer parse: its layout has probably changed",
  BLOCKED: "the source refuses the collector (403 or 429 twice in a row)",
  FAILING: "the collector's requests to the source keep failing",
};

/** The generic words for a source-health code, for teams without the full view. */
export const genericHealthMessage = (code: keyof typeof GENERIC_HEALTH): string => GENERIC_HEALTH[code];

/**
 * A source's health as a team may see it: URLs in the collector's messages are always redacted;
 * a team without the full view gets the alert's code with a generic message and no `lastError`
 * (collector errors quote the pages and addresses they failed on).
 */
export function projectSourceHealth(health: SourceHealth, team: TeamView): SourceHealth {
  const { lastError, alert, ...rest } = health;
  if (team.view !== "full") {
    return { ...rest, ...(alert ? { alert: { code: alert.code, since: alert.since, message: genericHealthMessage(alert.code) } } : {}) };
  }
  return {
    ...rest,
    ...(lastError !== undefined ? { lastError: redactUrls(lastError) } : {}),
    ...(alert ? { alert: { ...alert, message: redactUrls(alert.message) } } : {}),
  };
}

/**
 * Whether an alert lies wholly in a team's slice. Every part of the slice counts: its brands
 * (an alert without a brand only for a team without a brand restriction), its sources, its
 * sentiments and languages (an alert must say which it covers, all of them inside the slice;
 * older records without languages are not shown to a language-limited team), its window (opened
 * within it). A source-health alert carries no mention data: its source must be one the team
 * sees (`sourceVisible`, the rule of GET /sources), and sentiment, language and window do not apply.
 */
export function alertInSlice(alert: Alert, slice: TeamSlice, now: Date, sourceVisible: (source: string) => boolean): boolean {
  if (alert.kind === "source-health") return alert.source !== undefined && sourceVisible(alert.source);
  if (slice.brands?.length && !(alert.brand && slice.brands.includes(alert.brand))) return false;
  if (slice.sources?.length && !(alert.source && slice.sources.includes(alert.source))) return false;
  if (slice.sentiment?.length && !(alert.sentiment && (slice.sentiment as readonly string[]).includes(alert.sentiment))) return false;
  if (slice.languages?.length && !(alert.languages?.length && alert.languages.every((lang) => slice.languages!.includes(lang)))) return false;
  if (slice.window && Date.parse(alert.openedAt) < now.getTime() - Number.parseInt(slice.window, 10) * 86_400_000) return false;
  return true;
}

/** The health code a source-health alert is about (recorded, or read from an older record's message). */
function healthCode(alert: Alert): keyof typeof GENERIC_HEALTH | undefined {
  if (alert.code) return alert.code;
  const match = /\((LAYOUT_CHANGED|BLOCKED|FAILING)\)/.exec(alert.message);
  return match ? (match[1] as keyof typeof GENERIC_HEALTH) : undefined;
}

/**
 * An alert as one team sees it: URLs in its message redacted; a source-health alert's collector
 * message only in the full view (others get the code and generic words); the mentions behind it
 * only those of the team's slice, each as the team's view shows it (`mentions`, by id, come from
 * TeamSearch.getMany, which applies the slice and projectMention): the alert record's own copy
 * of their text never reaches a team.
 */
export function projectAlert(alert: Alert, team: TeamView, mentions: ReadonlyMap<string, Record<string, unknown>>): Record<string, unknown> {
  const { mentions: behind, message, ...rest } = alert;
  const code = alert.kind === "source-health" ? healthCode(alert) : undefined;
  const shown =
    alert.kind === "source-health" && team.view !== "full"
      ? `Source ${alert.source ?? "?"} cannot be read${code ? ` (${code}): ${genericHealthMessage(code)}` : ""}. Its counts mean nothing until it is fixed.`
      : redactUrls(message);
  return {
    ...rest,
    message: shown,
    mentions: behind.map((mention) => mentions.get(mention.id)).filter((mention): mention is Record<string, unknown> => mention !== undefined),
  };
}

function withoutKeys(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}
