import { OdzewError, describeError } from "@odzew/core";
import { CURSOR_SCHEMA_VERSION, type SourceCursor, type SourceHealth } from "@odzew/schema";
import type { PollResult } from "@odzew/sources";

/** How many native ids a cursor remembers: far more than one poll's worth of a busy source. */
export const SEEN_LIMIT = 2_000;
/** Failures in a row before a source that keeps failing raises an alert. */
export const FAILURES_BEFORE_ALERT = 3;
/** 403 or 429 answers in a row before a source counts as blocked. */
export const BLOCKS_BEFORE_ALERT = 2;

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

/**
 * The cursor after a successful poll: the new ids in front of the old ones, and the health of
 * the source. A source that returned items before and now reads none from a page that loaded
 * fine has changed its layout: that raises an alert and is never taken for "no new reviews".
 */
export function afterSuccess(cursor: SourceCursor, result: PollResult, startedAt: Date, now: Date): SourceCursor {
  const fresh = result.mentions.map((mention) => mention.nativeId);
  const seen = [...new Set([...fresh, ...cursor.seen])].slice(0, SEEN_LIMIT);
  const newest = result.mentions.reduce<string | undefined>(
    (latest, mention) => (!latest || mention.publishedAt > latest ? mention.publishedAt : latest),
    cursor.newestPublishedAt,
  );
  const previous = cursor.health;
  const unreadable = result.parsed > 0 && result.problems.length === result.parsed;
  const layoutChanged = (result.parsed === 0 && previous.maxParsed > 0) || unreadable;
  const health: SourceHealth = {
    ...previous,
    lastPollAt: startedAt.toISOString(),
    lastSuccessAt: now.toISOString(),
    lastNew: result.mentions.length,
    lastParsed: result.parsed,
    maxParsed: Math.max(previous.maxParsed, result.parsed - result.problems.length),
    requests: previous.requests + result.requests,
    consecutiveFailures: 0,
  };
  delete health.lastError;
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
  return {
    ...cursor,
    seen,
    backfilled: true,
    ...(newest ? { newestPublishedAt: newest } : {}),
    health,
    updatedAt: now.toISOString(),
  };
}

/** The cursor after a failed poll: what was seen stays; the health says what went wrong. */
export function afterFailure(cursor: SourceCursor, error: unknown, startedAt: Date, now: Date): SourceCursor {
  const status = error instanceof OdzewError ? (error.context.status as number | undefined) : undefined;
  const httpError = error instanceof OdzewError && error.code === "SOURCE_HTTP";
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
  const keepSince = (code: string) => (previous.alert?.code === code ? previous.alert.since : now.toISOString());
  if (blocked && failures >= BLOCKS_BEFORE_ALERT) {
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
