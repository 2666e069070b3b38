import { OdzewError, describeError } from "@odzew/core";
import { CURSOR_SCHEMA_VERSION, type SourceConfig, type SourceCursor, type SourceHealth } from "@odzew/schema";
import { replyFingerprint, type CatchUpPlan, type PollContext, type PollResult } from "./adapter.ts";
import { botWallMessage, botWallOf } from "./bot-wall.ts";

/**
 * A source's cursor from poll to poll: the pure rules the collector and `odzew backfill` share.
 * `pollInputs` says what a poll must know from the cursor, `afterSuccess` and `afterFailure`
 * give the cursor after it. No I/O here.
 */

/** How many native ids a cursor remembers: far more than one poll's worth of a busy source. */
export const SEEN_LIMIT = 2_000;
/** How many reply fingerprints a cursor keeps: the reviews delivered most recently. */
export const REPLY_FINGERPRINT_LIMIT = 500;
/** How many ids from before a gap a catch-up keeps as its goal (kept apart from `seen`, never pushed out). */
export const UNTIL_LIMIT = 200;
/**
 * A catch-up gives up after max(`limits.backfillPages`, this) pages without reaching the reviews
 * from before its gap (they were deleted, the source reorders): never read a whole history.
 */
export const CATCH_UP_MIN_PAGES = 100;
/** Failures in a row before a source that keeps failing raises an alert. */
export const FAILURES_BEFORE_ALERT = 3;
/** 403 or 429 answers in a row before a source counts as blocked. */
export const BLOCKS_BEFORE_ALERT = 2;

type SourceResume = NonNullable<SourceCursor["resume"]>;
type PollMode = PollContext["mode"];
type Limits = SourceConfig["limits"];

export function emptyCursor(sourceId: string, now: Date): SourceCursor {
  return {
    schemaVersion: CURSOR_SCHEMA_VERSION,
    sourceId,
    seen: [],
    backfilled: false,
    health: { maxParsed: 0, requests: 0, httpErrors: 0, consecutiveFailures: 0 },
    updatedAt: now.toISOString(),
  };
}

/** What a poll takes from the cursor: the ids delivered before, and the catch-up to continue. */
export function pollInputs(
  cursor: SourceCursor,
  limits: Limits,
  mode: PollMode,
): { seen: Set<string>; replies: Map<string, string>; catchUp?: CatchUpPlan } {
  const resume = cursor.resume;
  const seen = new Set([...cursor.seen, ...(resume?.until ?? [])]);
  const replies = new Map(Object.entries(cursor.replies ?? {}));
  if (mode !== "incremental" || !resume) return { seen, replies };
  const remaining = Math.max(0, catchUpLimit(limits) - resume.pages);
  return {
    seen,
    replies,
    catchUp: {
      lanes: resume.lanes.map((lane) => ({ lane: lane.lane, next: lane.next, budget: Math.min(limits.maxPages, remaining) })),
      until: new Set(resume.until),
      deepBudget: Math.min(remaining, Math.max(limits.backfillPages, limits.maxPages)),
    },
  };
}

/** Pages a catch-up may read in all before it gives up. */
export function catchUpLimit(limits: Limits): number {
  return Math.max(limits.backfillPages, CATCH_UP_MIN_PAGES);
}

/** How a poll left the catch-up: a new one opened, one still running, closed, or given up at the backfill limit. */
export interface ResumeVerdict {
  resume?: SourceResume;
  /** A catch-up that was in progress ended this poll having reached the reviews from before the gap (or the last page). */
  caughtUp: boolean;
  /** A catch-up read `catchUpLimit` pages without closing its gap: reviews in it may be missing. */
  gaveUp: boolean;
}

/**
 * The resume point after a successful poll. An incremental poll whose head read was cut short
 * by a limit opens a gap: the reference it would have read next, and, as the goal, the ids the
 * cursor held before (the newest reviews delivered before the burst). Later polls read on from
 * the reference after reading their own head; a lane is done when it reaches the goal or the
 * last page. A head cut short again while a catch-up runs continues from its own stop with the
 * same goal, so the oldest unfinished gap is never dropped. A backfill leaves the resume as it is.
 */
export function resumeAfter(cursor: SourceCursor, result: PollResult, limits: Limits, mode: PollMode, now: Date): ResumeVerdict {
  const previous = cursor.resume;
  if (mode !== "incremental") return { ...(previous ? { resume: previous } : {}), caughtUp: false, gaveUp: false };
  const fresh: SourceResume["lanes"] = [];
  const continuing: SourceResume["lanes"] = [];
  let pages = previous?.pages ?? 0;
  for (const lane of result.lanes ?? []) {
    const catchUp = lane.catchUp;
    if (catchUp) pages += catchUp.pages;
    if ((lane.head.stoppedBy === "page-limit" || lane.head.stoppedBy === "item-limit") && lane.head.next !== undefined) {
      fresh.push({ lane: lane.lane, next: lane.head.next });
    } else if (catchUp) {
      const unfinished = catchUp.stoppedBy === "page-limit" || catchUp.stoppedBy === "item-limit" || catchUp.stoppedBy === "failed";
      // A reference read this poll is fresh (even one found from the head): continue from it.
      if (unfinished && catchUp.next !== undefined) continuing.push({ lane: lane.lane, next: catchUp.next });
    } else {
      const pending = previous?.lanes.find((candidate) => candidate.lane === lane.lane);
      if (pending) continuing.push(pending);
    }
  }
  const newGap = (): SourceResume | undefined =>
    fresh.length > 0 ? { lanes: fresh, until: cursor.seen.slice(0, UNTIL_LIMIT), since: now.toISOString(), pages: 0 } : undefined;
  if (!previous) {
    const resume = newGap();
    return { ...(resume ? { resume } : {}), caughtUp: false, gaveUp: false };
  }
  if (pages >= catchUpLimit(limits) && continuing.length + fresh.length > 0) {
    const resume = newGap();
    return { ...(resume ? { resume } : {}), caughtUp: false, gaveUp: true };
  }
  const lanes = [...fresh, ...continuing];
  if (lanes.length === 0) return { caughtUp: true, gaveUp: false };
  return { resume: { lanes, until: previous.until, since: previous.since, pages }, caughtUp: false, gaveUp: false };
}

function catchingUp(resume: SourceResume | undefined, limits: Limits): SourceHealth["catchingUp"] {
  if (!resume) return undefined;
  return {
    since: resume.since,
    pages: resume.pages,
    message:
      `a poll stopped at its limit (limits.maxPages ${limits.maxPages}, maxItemsPerPoll ${limits.maxItemsPerPoll}) ` +
      `with new reviews left unread; later polls read on from where it stopped until they reach the reviews delivered before ` +
      `(${resume.pages} of at most ${catchUpLimit(limits)} pages read so far)`,
  };
}

/**
 * The cursor after a successful poll: the new ids in front of the old ones, the resume point
 * (`resumeAfter`) and the health of the source. A source that returned items before and now
 * reads none from a page that loaded fine has changed its layout: that raises an alert and is
 * never taken for "no new reviews".
 */
export function afterSuccess(
  cursor: SourceCursor,
  result: PollResult,
  poll: { startedAt: Date; now: Date; mode: PollMode; limits: Limits },
): SourceCursor {
  const { startedAt, now } = poll;
  const fresh = result.mentions.map((mention) => mention.nativeId);
  const seen = [...new Set([...fresh, ...cursor.seen])].slice(0, SEEN_LIMIT);
  const newest = result.mentions.reduce<string | undefined>(
    (latest, mention) => (!latest || mention.publishedAt > latest ? mention.publishedAt : latest),
    cursor.newestPublishedAt,
  );
  const { resume } = resumeAfter(cursor, result, poll.limits, poll.mode, now);
  const previous = cursor.health;
  const unreadable = result.parsed > 0 && result.problems.length === result.parsed;
  const layoutChanged = (result.parsed === 0 && previous.maxParsed > 0) || unreadable;
  const health: SourceHealth = {
    ...previous,
    lastPollAt: startedAt.toISOString(),
    lastSuccessAt: now.toISOString(),
    lastNew: result.mentions.length - (result.replyChanges ?? 0),
    lastParsed: result.parsed,
    maxParsed: Math.max(previous.maxParsed, result.parsed - result.problems.length),
    requests: previous.requests + result.requests,
    consecutiveFailures: 0,
  };
  delete health.lastError;
  delete health.retryNotBefore;
  const progress = catchingUp(resume, poll.limits);
  if (progress) health.catchingUp = progress;
  else delete health.catchingUp;
  if (layoutChanged) {
    health.alert = {
      code: "LAYOUT_CHANGED",
      message: unreadable
        ? `every one of the ${result.parsed} items on the pages was unreadable (first: ${result.problems[0]?.reason ?? "?"}); the page layout probably changed`
        : `the source returned up to ${previous.maxParsed} items per poll before and now none from a page that loaded fine; the page layout probably changed`,
      since: previous.alert?.code === "LAYOUT_CHANGED" ? previous.alert.since : now.toISOString(),
    };
  } else {
    delete health.alert;
  }
  const next: SourceCursor = {
    ...cursor,
    seen,
    ...(replyFingerprints(cursor, result, seen) ?? {}),
    backfilled: true,
    ...(newest ? { newestPublishedAt: newest } : {}),
    health,
    updatedAt: now.toISOString(),
  };
  if (resume) next.resume = resume;
  else delete next.resume;
  return next;
}

/**
 * The reply fingerprints after a poll: those of the reviews it delivered in front, then the ones
 * kept before, only for ids still in `seen`, at most REPLY_FINGERPRINT_LIMIT. Reviews without a
 * reply are recorded ("") only where one was recorded before, so a deleted reply is noticed once.
 */
function replyFingerprints(cursor: SourceCursor, result: PollResult, seen: readonly string[]): { replies: Record<string, string> } | undefined {
  const before = cursor.replies ?? {};
  const delivered = new Map<string, string>();
  for (const mention of result.mentions) {
    const print = replyFingerprint(mention.reply);
    if (print !== "" || before[mention.nativeId] !== undefined) delivered.set(mention.nativeId, print);
  }
  if (delivered.size === 0 && cursor.replies === undefined) return undefined;
  const kept = new Set(seen);
  const replies: Record<string, string> = {};
  let count = 0;
  for (const [id, print] of [...delivered, ...Object.entries(before)]) {
    if (count >= REPLY_FINGERPRINT_LIMIT) break;
    if (!kept.has(id) || id in replies) continue;
    replies[id] = print;
    count++;
  }
  return { replies };
}

/** How long a failed request asked us to wait (`retryAfterMs` of a 429/503 the HTTP client did not sleep out). */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (!(error instanceof OdzewError)) return undefined;
  const value = error.context.retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The cursor after a failed poll: what was seen stays, and so does a catch-up in progress; the
 * health says what went wrong. A source that asked us to wait (Retry-After) is not polled again
 * before `health.retryNotBefore`.
 */
export function afterFailure(cursor: SourceCursor, error: unknown, startedAt: Date, now: Date): SourceCursor {
  const status = error instanceof OdzewError ? (error.context.status as number | undefined) : undefined;
  const httpError = error instanceof OdzewError && error.code === "SOURCE_HTTP";
  const retryAfterMs = retryAfterMsOf(error);
  const previous = cursor.health;
  const failures = previous.consecutiveFailures + 1;
  const blocked = status === 403 || status === 429;
  const health: SourceHealth = {
    ...previous,
    lastPollAt: startedAt.toISOString(),
    consecutiveFailures: failures,
    httpErrors: previous.httpErrors + (httpError ? 1 : 0),
    lastError: describeError(error),
  };
  if (retryAfterMs !== undefined) {
    health.retryNotBefore = new Date(now.getTime() + retryAfterMs).toISOString();
    health.lastError += ` (the source asked us to wait ${Math.ceil(retryAfterMs / 1000)} s: next poll at ${health.retryNotBefore})`;
  } else {
    delete health.retryNotBefore;
  }
  const keepSince = (code: string) => (previous.alert?.code === code ? previous.alert.since : now.toISOString());
  // A bot wall recognised in the answer (see bot-wall.ts) is a refusal at the first poll, with its explanation.
  const wall = error instanceof OdzewError ? botWallOf(error.context) : undefined;
  if (wall) {
    const url = error instanceof OdzewError && typeof error.context.url === "string" ? error.context.url : undefined;
    health.alert = { code: "BLOCKED", message: botWallMessage(wall, { status, url }), since: keepSince("BLOCKED") };
  } else if (blocked && failures >= BLOCKS_BEFORE_ALERT) {
    health.alert = {
      code: "BLOCKED",
      message: `the source answered HTTP ${status} ${failures} times in a row; it is refusing or rate-limiting us`,
      since: keepSince("BLOCKED"),
    };
  } else if (failures >= FAILURES_BEFORE_ALERT) {
    health.alert = { code: "FAILING", message: `${failures} polls in a row failed: ${health.lastError}`, since: keepSince("FAILING") };
  }
  return { ...cursor, health, updatedAt: now.toISOString() };
}
