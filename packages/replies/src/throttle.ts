/**
 * The throttle of automatic replies: at most `limit` per source in any sliding window (an hour
 * by default). Pure: the state is the times of the replies let through, per source, and a
 * call returns whether one more is allowed now and the new state. A refused call changes
 * nothing (nothing was sent). Times are expected in order; an earlier time is judged against the
 * replies already let through before it.
 */

export const THROTTLE_WINDOW_MS = 3_600_000;

/** Per source id, the times (ms since the epoch) of the automatic replies let through within the last window, oldest first. */
export type ThrottleState = Readonly<Record<string, readonly number[]>>;

export const EMPTY_THROTTLE: ThrottleState = {};

export interface ThrottleVerdict {
  allowed: boolean;
  state: ThrottleState;
  /** Replies from this source let through in the window ending now (before this one). */
  used: number;
  /** When refused: the earliest time one more would be allowed. */
  retryAt?: Date;
}

export function takeThrottle(state: ThrottleState, sourceId: string, at: Date, limit: number, windowMs: number = THROTTLE_WINDOW_MS): ThrottleVerdict {
  const now = at.getTime();
  const since = now - windowMs;
  // Only what can still count: later calls are at this time or after.
  const kept = (state[sourceId] ?? []).filter((time) => time > since);
  const inWindow = kept.filter((time) => time <= now);
  if (inWindow.length >= limit) {
    const oldest = inWindow[inWindow.length - limit] ?? now;
    return { allowed: false, state: { ...state, [sourceId]: kept }, used: inWindow.length, retryAt: new Date(oldest + windowMs) };
  }
  const times = [...kept, now].sort((a, b) => a - b);
  return { allowed: true, state: { ...state, [sourceId]: times }, used: inWindow.length };
}
