/**
 * The answer deadline of a review: its publication plus the team's SLA (`replies.slaHours` in
 * teams.yaml, served in /me). Pure: `now` is given.
 */

/** Within this share of the SLA the deadline is near (the last quarter). */
const SOON_SHARE = 0.25;

export type DeadlineLevel = "overdue" | "soon" | "ok";

export interface Deadline {
  /** When the first reply is due. */
  due: Date;
  /** Milliseconds left (negative: overdue by that much). */
  remainingMs: number;
  level: DeadlineLevel;
}

export function deadlineOf(publishedAt: string, slaHours: number, now: number): Deadline | undefined {
  const published = Date.parse(publishedAt);
  if (!Number.isFinite(published) || !(slaHours > 0)) return undefined;
  const slaMs = slaHours * 3_600_000;
  const due = published + slaMs;
  const remainingMs = due - now;
  const level: DeadlineLevel = remainingMs < 0 ? "overdue" : remainingMs <= slaMs * SOON_SHARE ? "soon" : "ok";
  return { due: new Date(due), remainingMs, level };
}

/** The oldest waiting review of a source against the SLA: overdue when it has waited longer. */
export const oldestOverdue = (oldestAgeHours: number, slaHours: number): boolean => oldestAgeHours > slaHours;
