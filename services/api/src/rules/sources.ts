import type { SourceConfig, SourceCursor, TeamConfig } from "@odzew/schema";
import { projectSourceHealth, sourceVisible } from "@odzew/search";
import type { SourceStatusView } from "../responses.ts";

/** A source as the API knows it: configured, and what its collectors last saw. */
export interface SourceStatus {
  id: string;
  type?: SourceConfig["type"];
  brands?: string[];
  config?: SourceConfig;
  cursor?: SourceCursor;
}

/**
 * The sources a team sees (its slice's sources serving its brands), each with its collector
 * health as the team's view may show it: collector errors quote addresses, so they are redacted
 * for everyone and generic for views other than full.
 */
export function sourceStatuses(sources: readonly SourceStatus[], team: TeamConfig): SourceStatusView[] {
  return sources
    .filter((source) => sourceVisible(team, source))
    .map((source) => ({
      id: source.id,
      ...(source.type ? { type: source.type } : {}),
      status: !source.cursor ? "never-polled" : source.cursor.health.alert ? "alert" : "ok",
      health: source.cursor ? projectSourceHealth(source.cursor.health, team) : null,
      backfilled: source.cursor?.backfilled ?? false,
      updatedAt: source.cursor?.updatedAt ?? null,
    }));
}
