/**
 * What a team must be told about its sources (pure): a source in alert (its pages no longer parse,
 * it refuses the collector, its requests keep failing) or one never polled for long makes every
 * count that includes it wrong, and "no new reviews" would be read as good news. The banner of the
 * shell and the Sources page read the same verdict.
 */
import type { SourceStatus } from "../../types.ts";

export type AlertCode = NonNullable<NonNullable<SourceStatus["health"]>["alert"]>["code"];
export const ALERT_CODES = ["LAYOUT_CHANGED", "BLOCKED", "FAILING"] as const satisfies readonly AlertCode[];

/**
 * How long a configured source may stay never polled before it is called silent: the scheduler
 * sends every enabled source a job when it starts, so minutes without a first poll mean the
 * collector or scheduler is not running for it (or the source is disabled in sources.yaml).
 */
export const NEVER_POLLED_GRACE_MS = 10 * 60_000;

export interface SourceProblem {
  id: string;
  /** alert: the collector's alert, with its code; silent: never polled for longer than the grace. */
  kind: "alert" | "silent";
  code?: AlertCode;
  /** Since when: the alert's time, or when this browser first saw the source never polled. */
  since?: string;
}

/**
 * The sources that need the team's attention, in the order they are listed. `firstSeenNeverPolled`
 * holds, per source id, when this browser first saw it never polled (the API does not know when a
 * source was configured); a source polled since is no longer in it.
 */
export function sourceProblems(sources: readonly SourceStatus[], firstSeenNeverPolled: ReadonlyMap<string, number>, now: number): SourceProblem[] {
  const problems: SourceProblem[] = [];
  for (const source of sources) {
    if (source.status === "alert") {
      const alert = source.health?.alert;
      problems.push({ id: source.id, kind: "alert", ...(alert ? { code: alert.code, since: alert.since } : {}) });
    } else if (source.status === "never-polled") {
      const seen = firstSeenNeverPolled.get(source.id) ?? now;
      if (now - seen >= NEVER_POLLED_GRACE_MS) problems.push({ id: source.id, kind: "silent", since: new Date(seen).toISOString() });
    }
  }
  return problems;
}

/**
 * The first-seen times after a new answer: never-polled sources keep their first time (or get
 * `now`), every other source is dropped. Returns the same map when nothing changed.
 */
export function trackNeverPolled(sources: readonly SourceStatus[], firstSeen: ReadonlyMap<string, number>, now: number): ReadonlyMap<string, number> {
  const next = new Map<string, number>();
  for (const source of sources) if (source.status === "never-polled") next.set(source.id, firstSeen.get(source.id) ?? now);
  const same = next.size === firstSeen.size && [...next].every(([id, at]) => firstSeen.get(id) === at);
  return same ? firstSeen : next;
}

/** The order of the Sources page: alerts first, then never polled, then the healthy ones; by id within each. */
export function bySeverity(sources: readonly SourceStatus[]): SourceStatus[] {
  const rank: Record<SourceStatus["status"], number> = { alert: 0, "never-polled": 1, ok: 2 };
  return [...sources].sort((a, b) => rank[a.status] - rank[b.status] || a.id.localeCompare(b.id));
}

/** The map stored as text (this tab's sessionStorage), and read back ignoring anything malformed. */
export const storeFirstSeen = (firstSeen: ReadonlyMap<string, number>): string => JSON.stringify(Object.fromEntries(firstSeen));
export function readFirstSeen(text: string | null): ReadonlyMap<string, number> {
  if (!text) return new Map();
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return new Map();
    return new Map(Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1])));
  } catch {
    return new Map();
  }
}
