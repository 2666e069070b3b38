import type { ReplyEventPayload, ReplyState, ReplyStatus, WorkflowEvent } from "@odzew/schema";

/**
 * The reply fold: a mention's `workflow.reply` from its `reply-*` workflow events. Pure, no I/O.
 *
 * Order. Each event belongs to a reply version and an operation; `(version, operation)` orders
 * them: version 2 is newer than version 1, and deleting version 1 is newer than posting it. An
 * event of an older `(version, operation)` never changes the state, except that a late
 * `reply-sent` / `reply-recorded` of an older text still counts for the time to first reply
 * (`firstSentAt` is the earliest sending of any version: it did reach the customer).
 *
 * Within one `(version, operation)` the steps only move forward:
 * draft → awaiting-approval → queued ⇄ failed (ordered by the command's `attempt`) → discarded |
 * sent (deleted for a delete) → confirmed. A `reply-failed` after the `reply-sent` of the same
 * version never undoes it; a queued retry (attempt + 1) after a failure is a step forward.
 *
 * What each event does:
 * - `reply-drafted`: a draft (`awaitingApproval: true`: it waits for a second person).
 * - `reply-approved`: records the approver; an unsent draft is now `queued` (the API publishes
 *   the outbox command before the events, so an approved reply is on its way).
 * - `reply-queued`: on the outbox; `sentBy` is who asked for the sending; a previous error is cleared.
 * - `reply-failed`: `error` and `failures` (attempts that failed).
 * - `reply-sent`: `sent` (`deleted` for operation `delete`), `sentAt`, `storeReplyId`.
 * - `reply-recorded`: answered at the source by hand: `sent` with channel `manual`.
 * - `reply-confirmed`: `confirmed` (seen at the source).
 * - `reply-discarded`: `discarded`.
 *
 * Events are self-contained: the first event seen of a version (a `reply-sent` whose
 * `reply-queued` never arrived) starts the version's state from what it carries.
 */
export function applyReplyEvent(state: ReplyState | undefined, event: WorkflowEvent, publishedAt: string): ReplyState | undefined {
  const payload = event.reply;
  if (!payload || !event.type.startsWith("reply-")) return state;
  const target = targetStatus(event.type, payload);
  if (target === undefined) return state;
  const order = state === undefined ? 1 : orderOf(payload) - orderOf(state);
  const next =
    state === undefined || order > 0
      ? advance(fresh(state, event, payload), event, payload, target, true)
      : order === 0
        ? advance(state, event, payload, target, false)
        : state;
  return countFirstSending(next, event, payload, publishedAt);
}

/** `(version, operation)` as one number: deleting a version comes after posting it, before the next version. */
function orderOf(reply: { version: number; operation: ReplyEventPayload["operation"] }): number {
  return reply.version * 2 + (reply.operation === "delete" ? 1 : 0);
}

/** How far along its way a version is; `queued` and `failed` share a rank and are ordered by attempt. */
const RANK: Record<ReplyStatus, number> = {
  draft: 0,
  "awaiting-approval": 1,
  queued: 2,
  failed: 2,
  discarded: 3,
  sent: 4,
  deleted: 4,
  confirmed: 5,
};

function targetStatus(type: WorkflowEvent["type"], payload: ReplyEventPayload): ReplyStatus | undefined {
  const removing = payload.operation === "delete";
  switch (type) {
    case "reply-drafted":
      return payload.awaitingApproval ? "awaiting-approval" : "draft";
    case "reply-approved":
    case "reply-queued":
      return "queued";
    case "reply-failed":
      return "failed";
    case "reply-sent":
    case "reply-recorded":
      return removing ? "deleted" : "sent";
    case "reply-confirmed":
      return removing ? "deleted" : "confirmed";
    case "reply-discarded":
      return "discarded";
    default:
      return undefined;
  }
}

const earlier = (a: string | undefined, b: string): string => (a !== undefined && Date.parse(a) <= Date.parse(b) ? a : b);

/** Keep the earliest sending of any version: when, by whom, and how long after publication. */
function countFirstSending(state: ReplyState | undefined, event: WorkflowEvent, payload: ReplyEventPayload, publishedAt: string): ReplyState | undefined {
  if (state === undefined || payload.operation !== "post" || (event.type !== "reply-sent" && event.type !== "reply-recorded")) return state;
  if (!isEarlierSending(state, event)) return state;
  return { ...state, ...firstSending(event, publishedAt) };
}

function isEarlierSending(state: { firstSentAt?: string | undefined; firstSentBy?: string | undefined }, event: WorkflowEvent): boolean {
  if (state.firstSentAt === undefined) return true;
  const difference = Date.parse(event.at) - Date.parse(state.firstSentAt);
  // The same instant twice (two versions sent in the same millisecond): the smaller actor, so the order of arrival does not matter.
  return difference < 0 || (difference === 0 && event.actor < (state.firstSentBy ?? ""));
}

function firstSending(event: WorkflowEvent, publishedAt: string): Pick<ReplyState, "firstSentAt" | "firstSentBy" | "firstReplySeconds"> {
  return {
    firstSentAt: event.at,
    firstSentBy: event.actor,
    firstReplySeconds: Math.max(0, Math.round((Date.parse(event.at) - Date.parse(publishedAt)) / 1000)),
  };
}

/**
 * The state a newer `(version, operation)` starts from: what its first event carries, the first
 * sending of the mention kept, and for a deletion the text and authors of the version it deletes.
 */
function fresh(previous: ReplyState | undefined, event: WorkflowEvent, payload: ReplyEventPayload): ReplyState {
  const same = previous !== undefined && previous.version === payload.version ? previous : undefined;
  return {
    version: payload.version,
    status: "draft",
    operation: payload.operation,
    channel: event.type === "reply-recorded" ? "manual" : (same?.channel ?? payload.channel),
    text: payload.text ?? same?.text ?? "",
    draftedBy: same?.draftedBy ?? event.actor,
    draftedAt: same?.draftedAt ?? event.at,
    failures: 0,
    // Optional fields stay absent rather than undefined (the state goes through JSON).
    ...(same?.approvedBy !== undefined ? { approvedBy: same.approvedBy } : {}),
    ...(same?.approvedAt !== undefined ? { approvedAt: same.approvedAt } : {}),
    ...(same?.rule !== undefined ? { rule: same.rule } : {}),
    ...(same?.template !== undefined ? { template: same.template } : {}),
    ...(same?.storeReplyId !== undefined ? { storeReplyId: same.storeReplyId } : {}),
    ...(previous?.firstSentAt !== undefined ? { firstSentAt: previous.firstSentAt } : {}),
    ...(previous?.firstSentBy !== undefined ? { firstSentBy: previous.firstSentBy } : {}),
    ...(previous?.firstReplySeconds !== undefined ? { firstReplySeconds: previous.firstReplySeconds } : {}),
  };
}

/** What an event carries that the state keeps: each field only when the event has it. */
function carried(payload: ReplyEventPayload): Partial<ReplyState> {
  return {
    ...(payload.text !== undefined ? { text: payload.text } : {}),
    ...(payload.rule !== undefined ? { rule: payload.rule } : {}),
    ...(payload.template !== undefined ? { template: payload.template } : {}),
    ...(payload.storeReplyId !== undefined ? { storeReplyId: payload.storeReplyId } : {}),
    ...(payload.idempotencyKey !== undefined ? { idempotencyKey: payload.idempotencyKey } : {}),
    ...(payload.attempt !== undefined ? { attempt: payload.attempt } : {}),
  };
}

/** Whether a step of the same `(version, operation)` moves the state forward (or repeats where it is). */
function moves(state: ReplyState, target: ReplyStatus, payload: ReplyEventPayload, type: WorkflowEvent["type"]): boolean {
  const from = RANK[state.status];
  const to = RANK[target];
  if (type === "reply-approved") return from < RANK.queued;
  if (to !== from) return to > from;
  if (to !== RANK.queued) return true;
  // queued ⇄ failed: by attempt, then a failure after its own queueing.
  if (payload.attempt === undefined || state.attempt === undefined) return true;
  if (payload.attempt !== state.attempt) return payload.attempt > state.attempt;
  return target === "failed" || state.status === "queued";
}

function advance(state: ReplyState, event: WorkflowEvent, payload: ReplyEventPayload, target: ReplyStatus, isNew: boolean): ReplyState {
  const approval = event.type === "reply-approved" && state.approvedBy === undefined ? { approvedBy: event.actor, approvedAt: event.at } : {};
  if (!isNew && !moves(state, target, payload, event.type)) return approval.approvedBy === undefined ? state : { ...state, ...approval };
  const next: ReplyState = { ...state, ...approval, ...carried(payload), status: target };
  switch (event.type) {
    case "reply-drafted":
      return next;
    case "reply-approved":
      return next;
    case "reply-queued": {
      const { error: _error, ...rest } = next;
      return { ...rest, sentBy: event.actor };
    }
    case "reply-failed": {
      const repeated = state.status === "failed" && !isNew;
      const failures = payload.attempt !== undefined ? Math.max(state.failures, payload.attempt + 1) : repeated ? state.failures : state.failures + 1;
      return { ...next, failures, ...(payload.error !== undefined ? { error: payload.error } : {}) };
    }
    case "reply-sent":
    case "reply-recorded": {
      const { error: _error, ...rest } = next;
      const already = state.status === target && !isNew;
      return {
        ...rest,
        sentBy: already ? (state.sentBy ?? event.actor) : event.actor,
        sentAt: already ? earlier(state.sentAt, event.at) : event.at,
        ...(event.type === "reply-recorded" ? { channel: "manual" as const } : {}),
      };
    }
    case "reply-confirmed":
      return { ...next, confirmedAt: earlier(state.status === "confirmed" ? state.confirmedAt : undefined, event.at) };
    default:
      return next;
  }
}


/**
 * Whether the reply a source shows is the text Odzew sent, allowing for what stores do to a text
 * on the way: line breaks and runs of spaces (no-break ones too) become one space, Unicode is
 * compared in NFC, ends are trimmed, zero-width characters are dropped, the HTML a store renders
 * its reply with is read as text (`<br>` and `<p>` as a space, `<b>` as nothing, `&amp;` as &).
 * Letters, digits, punctuation and case must match: a different or shortened text is never the
 * same reply.
 */
export function sameReplyText(a: string, b: string): boolean {
  const left = normaliseReplyText(a);
  return left !== "" && left === normaliseReplyText(b);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function normaliseReplyText(text: string): string {
  return text
    .replace(/<\/?(?:br|p|div|li)\b[^<>]*>/gi, " ")
    .replace(/<\/?(?:span|b|strong|i|em|u)\b[^<>]*>/gi, "")
    .replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));/gi, (whole, decimal?: string, hex?: string, name?: string) => {
      const code = decimal !== undefined ? Number.parseInt(decimal, 10) : hex !== undefined ? Number.parseInt(hex, 16) : undefined;
      if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      return ENTITIES[(name ?? "").toLowerCase()] ?? whole;
    })
    .normalize("NFC")
    .replace(/\u200b|\u200c|\u200d|\u2060|\ufeff/gu, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/**
 * Confirmation at the source: a reply Odzew `sent` whose text the source now shows (see
 * sameReplyText) is `confirmed`, at the time the source was read (never before it was sent).
 * Anything else leaves the state as it is, the very same object: a source showing a reply Odzew
 * never sent, or another text, or no reply; a reply not (yet) recorded as sent; a deletion.
 */
export function reconcileSourceReply(
  state: ReplyState | undefined,
  sourceReply: { text: string; publishedAt?: string | undefined } | undefined,
  seenAt: string,
): ReplyState | undefined {
  if (state === undefined || sourceReply === undefined) return state;
  if (state.status !== "sent" || state.operation !== "post") return state;
  if (!sameReplyText(state.text, sourceReply.text)) return state;
  const confirmedAt = state.sentAt !== undefined && Date.parse(state.sentAt) > Date.parse(seenAt) ? state.sentAt : seenAt;
  return { ...state, status: "confirmed", confirmedAt };
}
