/**
 * What of the sources and alerts lies in a team's slice, and how the team sees them. The
 * engine-side slice filter of mentions is `sliceFilter` (mappings.ts: it also defines the team
 * aliases). Pure.
 */
import { redactUrls } from "@odzew/core";
import type { Alert, SourceHealth, TeamConfig, TeamSlice } from "@odzew/schema";
import type { TeamView } from "./mention-view.ts";

/**
 * Whether a team sees a source (GET /sources, and its source-health alerts): in its slice's
 * sources, and serving one of its brands (a source configured without brands serves any).
 */
export function sourceVisible(team: Pick<TeamConfig, "slice">, source: { id: string; brands?: readonly string[] | undefined }): boolean {
  const allowed = team.slice.sources;
  const brands = team.slice.brands;
  const inSources = !allowed?.length || allowed.includes(source.id);
  const servesBrand = !brands?.length || !source.brands || source.brands.length === 0 || source.brands.some((brand) => brands.includes(brand));
  return inSources && servesBrand;
}

const GENERIC_HEALTH: Record<NonNullable<SourceHealth["alert"]>["code"], string> = {
  LAYOUT_CHANGED: "the source's pages no longer parse: its layout has probably changed",
  BLOCKED: "the source refuses the collector (403 or 429 twice in a row, or at once when the site's bot protection refuses)",
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
  const languages = slice.languages;
  if (languages?.length && !(alert.languages?.length && alert.languages.every((lang) => languages.includes(lang)))) return false;
  if (slice.window && Date.parse(alert.openedAt) < now.getTime() - Number.parseInt(slice.window, 10) * 86_400_000) return false;
  return true;
}

/** The health code a source-health alert is about (recorded, or read from an older record's message). */
function healthCode(alert: Alert): keyof typeof GENERIC_HEALTH | undefined {
  if (alert.code) return alert.code;
  const match = /\((LAYOUT_CHANGED|BLOCKED|FAILING)\)/.exec(alert.message);
  const code = match?.[1];
  return code === "LAYOUT_CHANGED" || code === "BLOCKED" || code === "FAILING" ? code : undefined;
}

/** An alert as a team sees it: the record's own copies of its mentions replaced by the team's view of them. */
export type TeamAlert<M> = Omit<Alert, "mentions"> & { mentions: M[] };

/**
 * An alert as one team sees it: URLs in its message redacted; a source-health alert's collector
 * message only in the full view (others get the code and generic words); the mentions behind it
 * only those of the team's slice, each as the team's view shows it (`mentions`, by id, come from
 * TeamSearch.getMany, which applies the slice and projectMention): the alert record's own copy
 * of their text never reaches a team.
 */
export function projectAlert<M>(alert: Alert, team: TeamView, mentions: ReadonlyMap<string, M>): TeamAlert<M> {
  const { mentions: behind, message, ...rest } = alert;
  const code = alert.kind === "source-health" ? healthCode(alert) : undefined;
  const shown =
    alert.kind === "source-health" && team.view !== "full"
      ? `Source ${alert.source ?? "?"} cannot be read${code ? ` (${code}): ${genericHealthMessage(code)}` : ""}. Its counts mean nothing until it is fixed.`
      : redactUrls(message);
  return {
    ...rest,
    message: shown,
    mentions: behind.map((mention) => mentions.get(mention.id)).filter((mention): mention is M => mention !== undefined),
  };
}
