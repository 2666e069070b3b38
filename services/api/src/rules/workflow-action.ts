import { WORKFLOW_SCHEMA_VERSION, type TeamConfig, type WorkflowEvent, type WorkflowState } from "@odzew/schema";
import { seesAssignee, workflowConflict } from "@odzew/search";

/** The API's action names and the workflow events they record. */
export const ACTIONS = {
  claim: "claimed",
  release: "released",
  answer: "answered",
  "no-answer": "closed",
  reopen: "reopened",
  note: "noted",
} as const;
export type ActionName = keyof typeof ACTIONS;

export interface ActionRequest {
  team: TeamConfig;
  mentionId: string;
  /** The mention's publication time and workflow state, as read from the team's slice. */
  mention: { publishedAt: string; workflow?: WorkflowState | undefined };
  action: ActionName;
  actor: string;
  note?: string | undefined;
  eventId: string;
  at: Date;
}

/** What becomes of an action: the event to record, or why it does not fit the mention's state. */
export type ActionOutcome = { kind: "record"; event: WorkflowEvent } | { kind: "conflict"; message: string };

/**
 * A team's workflow action on a mention. Refused (409) when it does not fit the mention's state;
 * a team that does not see who handles a mention is not told in a refusal either.
 */
export function decideAction(request: ActionRequest): ActionOutcome {
  const type = ACTIONS[request.action];
  const state = request.mention.workflow;
  const shown = state?.assignee !== undefined && state.assignee !== request.actor && !seesAssignee(request.team) ? { ...state, assignee: "another agent" } : state;
  const conflict = workflowConflict(shown, type, request.actor);
  if (conflict) return { kind: "conflict", message: `cannot ${request.action}: ${conflict}` };
  return {
    kind: "record",
    event: {
      schemaVersion: WORKFLOW_SCHEMA_VERSION,
      eventId: request.eventId,
      mentionId: request.mentionId,
      publishedAt: request.mention.publishedAt,
      team: request.team.id,
      actor: request.actor,
      type,
      ...(request.note ? { note: request.note } : {}),
      at: request.at.toISOString(),
    },
  };
}
