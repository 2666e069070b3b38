import type { WorkflowEvent, WorkflowState } from "@odzew/schema";

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
      },
    ].slice(-WORKFLOW_HISTORY_LIMIT),
  };
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
