import type { Alert, TeamConfig } from "@odzew/schema";
import { alertInSlice, sourceVisible } from "@odzew/search";
import type { SourceStatus } from "./sources.ts";

export interface AlertListing {
  now: Date;
  /** The sources the API knows, for the visibility of source-health alerts. */
  sources: readonly Pick<SourceStatus, "id" | "brands">[];
  status?: Alert["status"] | undefined;
  size: number;
}

/**
 * The alerts a team sees: those wholly in its slice (a source-health alert: of a source it sees,
 * the rule of GET /sources), of the asked status, open first, then the most recently updated,
 * at most `size`.
 */
export function alertsForTeam(alerts: readonly Alert[], team: TeamConfig, listing: AlertListing): Alert[] {
  const known = new Map(listing.sources.map((source) => [source.id, source]));
  return alerts
    .filter((alert) => alertInSlice(alert, team.slice, listing.now, (id) => sourceVisible(team, known.get(id) ?? { id })))
    .filter((alert) => !listing.status || alert.status === listing.status)
    .sort((a, b) => (a.status === b.status ? b.updatedAt.localeCompare(a.updatedAt) : a.status === "open" ? -1 : 1))
    .slice(0, listing.size);
}

/** The ids of the mentions behind the alerts, for one read through the team's slice and view. */
export const alertMentionIds = (alerts: readonly Alert[]): string[] => alerts.flatMap((alert) => alert.mentions.map((mention) => mention.id));
