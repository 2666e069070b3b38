import { applyReplyEvent, reconcileSourceReply } from "@odzew/replies";
import type { ReplyState, WorkflowEvent, WorkflowState } from "@odzew/schema";

/** The history kept per mention; older entries fall off (the topic keeps every event). */
export const WORKFLOW_HISTORY_LIMIT = 200;

/** Why an action is refused in the mention's current state; undefined when it is allowed. */
export function workflowConflict(state: WorkflowState | undefined, type: WorkflowEvent["type"], actor: string): string | undefined {
  const status = state?.status ?? "open";
  switch (type) {
    case "claimed":
      if (status === "claimed" && state?.assignee !== actor) return `already claimed by ${state?.assignee}`;
      if (status === "answered" || status === "closed") return `already ${status === "answered" ? "answered" : "marked as needing no answer"}; reopen it first`;
      return undefined;
    case "released":
      return status === "claimed" ? undefined : "not claimed";
    case "answered":
    case "closed":
      if (status === "claimed" && state?.assignee !== actor) return `claimed by ${state?.assignee}; they answer it or release it`;
      if (status === "answered" || status === "closed") return `already ${status === "answered" ? "answered" : "marked as needing no answer"}`;
      return undefined;
    case "reopened":
      return status === "answered" || status === "closed" ? undefined : "not answered or closed";
    case "noted":
      return undefined;
    default:
      // Reply steps are decided by the reply rules (packages/replies).
      return undefined;
  }
}

/**
 * Fold one event into a mention's workflow. Deterministic and idempotent: the same events in
 * the same order give the same state, and an event seen before (redelivery, replay) changes
 * nothing, so the queue survives a rebuilt index exactly. Events are facts: a late event that
 * the API would have refused in this state still lands in the history, and the state follows
 * the last event. An event is recognised as seen by its id in the kept history, so idempotency
 * holds while fewer than WORKFLOW_HISTORY_LIMIT later events of the mention came after it
 * (redeliveries are a chunk or two back; a rebuild starts from an empty index).
 *
 * Reply steps (`reply-*`) are folded into `workflow.reply` by applyReplyEvent (packages/replies:
 * versions order them, a late event never rolls a newer reply back), and the mention follows its
 * reply (see withReply). Their history entries carry the reply version and the rule, if any.
 */
export function applyWorkflowEvent(state: WorkflowState | undefined, event: WorkflowEvent): WorkflowState {
  if (state?.history.some((entry) => entry.eventId === event.eventId)) return state;
  const base: WorkflowState = state ?? { status: "open", updatedAt: event.at, notes: 0, history: [] };
  const next: WorkflowState = {
    ...base,
    updatedAt: event.at,
    history: [
      ...base.history,
      {
        eventId: event.eventId,
        type: event.type,
        actor: event.actor,
        team: event.team,
        at: event.at,
        ...(event.note !== undefined ? { note: event.note } : {}),
        ...(event.reply !== undefined ? { replyVersion: event.reply.version } : {}),
        ...(event.reply?.rule !== undefined ? { rule: event.reply.rule } : {}),
      },
    ].slice(-WORKFLOW_HISTORY_LIMIT),
  };
  if (event.type.startsWith("reply-")) return withReply(next, applyReplyEvent(base.reply, event, event.publishedAt), event.at);
  switch (event.type) {
    case "claimed":
      return { ...next, status: "claimed", assignee: event.actor };
    case "released":
    case "reopened": {
      const { assignee: _assignee, answeredAt: _answeredAt, ...rest } = next;
      return { ...rest, status: "open" };
    }
    case "answered":
      return { ...next, status: "answered", assignee: event.actor, answeredAt: event.at };
    case "closed":
      return { ...next, status: "closed", assignee: event.actor };
    case "noted":
      return { ...next, notes: base.notes + 1 };
    default:
      return next;
  }
}

const REACHED_CUSTOMER = new Set<ReplyState["status"]>(["sent", "confirmed"]);

/**
 * The mention follows its reply: answered (by who sent it, when it was sent) once a reply reaches
 * the customer — sent, recorded as answered at the source, or confirmed there —, open again when
 * the reply is deleted at the store. Other reply steps (a draft, a failure) leave the queue state
 * as it is. A mention already answered keeps its first answer time.
 */
function withReply(state: WorkflowState, reply: ReplyState | undefined, at: string): WorkflowState {
  const before = state.reply;
  const next: WorkflowState = reply === undefined ? state : { ...state, reply };
  if (reply === undefined || reply === before) return next;
  const changed = before === undefined || before.version !== reply.version || before.operation !== reply.operation || before.status !== reply.status;
  if (!changed) return next;
  if (REACHED_CUSTOMER.has(reply.status)) {
    const answeredAt = next.status === "answered" && next.answeredAt !== undefined ? next.answeredAt : (reply.sentAt ?? at);
    return { ...next, status: "answered", assignee: reply.sentBy ?? next.assignee ?? reply.draftedBy, answeredAt };
  }
  if (reply.status === "deleted") {
    const { assignee: _assignee, answeredAt: _answeredAt, ...rest } = next;
    return { ...rest, status: "open" };
  }
  return next;
}

/**
 * Confirmation at the source, where a mention and its workflow meet (a newly collected version in
 * planUpsert, a reply event in MentionStore.applyWorkflow): a reply Odzew sent whose text the
 * source shows is confirmed (see reconcileSourceReply), with an entry in the history. Anything
 * else returns the very same workflow, so callers can tell nothing changed.
 */
export function confirmReplyAtSource(
  workflow: WorkflowState | undefined,
  sourceReply: { text: string; publishedAt?: string | undefined } | undefined,
  seenAt: string | undefined,
): WorkflowState | undefined {
  if (workflow?.reply === undefined || seenAt === undefined) return workflow;
  const reply = reconcileSourceReply(workflow.reply, sourceReply, seenAt);
  if (reply === undefined || reply === workflow.reply) return workflow;
  const sending = workflow.history.findLast((entry) => entry.replyVersion === reply.version && entry.type.startsWith("reply-"));
  const confirmedAt = reply.confirmedAt ?? seenAt;
  const entry: WorkflowState["history"][number] = {
    eventId: `source:v${reply.version}:confirmed`,
    type: "reply-confirmed",
    actor: "source",
    team: sending?.team ?? "",
    at: confirmedAt,
    replyVersion: reply.version,
    ...(reply.rule !== undefined ? { rule: reply.rule } : {}),
  };
  const history = workflow.history.some((seen) => seen.eventId === entry.eventId) ? workflow.history : [...workflow.history, entry].slice(-WORKFLOW_HISTORY_LIMIT);
  const updatedAt = Date.parse(confirmedAt) > Date.parse(workflow.updatedAt) ? confirmedAt : workflow.updatedAt;
  return withReply({ ...workflow, updatedAt, history }, reply, confirmedAt);
}
