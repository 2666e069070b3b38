import {
  REPLY_COMMAND_SCHEMA_VERSION,
  REPLY_TEXT_MAX,
  WORKFLOW_SCHEMA_VERSION,
  replyIdempotencyKey,
  replyLength,
  replyLengthProblem,
  type ReplyCapability,
  type ReplyCommand,
  type ReplyEventPayload,
  type ReplyEventType,
  type ReplyOperation,
  type ReplyState,
  type SourceType,
  type TeamConfig,
  type WorkflowEvent,
  type WorkflowState,
} from "@odzew/schema";
import { sourceLabel } from "./templates.ts";

/**
 * The reply actions an agent (or a reply rule) takes on one mention, decided without I/O: what
 * events to write and what to put on the outbox, or why not.
 *
 * The rules, state by action (the state is the mention's `workflow.reply`, "none" when absent):
 *
 * | action  | allowed when                                   | writes                                            |
 * |---------|------------------------------------------------|---------------------------------------------------|
 * | draft   | anything but queued                            | reply-drafted of a new version                    |
 * | send    | with text: anything but queued;                | reply-drafted (new text) and then either          |
 * |         | without: a draft (the current version)         | reply-queued + command, or, when the team needs   |
 * |         |                                                | approval, reply-drafted{awaitingApproval}         |
 * | approve | awaiting-approval, by someone else             | reply-approved, reply-queued + command            |
 * | retry   | failed (not a refused text)                    | reply-queued + command, same key, attempt + 1     |
 * | delete  | sent, confirmed (store can delete)             | reply-queued + delete command                     |
 * | discard | draft, awaiting-approval, failed post          | reply-discarded                                   |
 * | record  | anything but queued                            | reply-recorded of a new version (channel manual)  |
 *
 * Versions: every new text is a new version (an edit of a draft, of a text awaiting approval, of
 * a sent reply). A draft, its approval, its sending and its retries share the version and the
 * idempotency key, so the responder posts each version at most once.
 *
 * Retry: any failure may be retried (credentials fixed, the store back up, the rate limit past)
 * except a text the store refused (`REPLY_REJECTED`): the same text would be refused again, so
 * the agent edits it (a new version) instead.
 *
 * Approval: when the team's `replies.approval` is on, sending puts the version in
 * awaiting-approval; a second person with the `approve` action approves it: neither the text's
 * author (`draftedBy`) nor the one who sent it for approval (the actor of the version's last
 * `reply-drafted` in the history). Retries and deletions need no second approval; a recorded
 * reply ("answered there") was already posted by hand and needs none.
 *
 * Claims: a mention claimed by another agent is theirs; only approval is open to others (the
 * second person is by definition not the one working on it).
 */

export const REPLY_ACTIONS = ["draft", "send", "approve", "retry", "delete", "discard", "record"] as const;
export type ReplyAction = (typeof REPLY_ACTIONS)[number];

/** The mention a reply action is about: what the events and the command need. */
export interface ReplyMention {
  id: string;
  publishedAt: string;
  source: { id: string; type: SourceType };
  nativeId: string;
  workflow?: WorkflowState | undefined;
  rating?: number | { value: number } | undefined;
  lang?: string | undefined;
}

export interface ReplyRequest {
  team: TeamConfig;
  mention: ReplyMention;
  /** What the source's reply adapter says (`replyCapability` in @odzew/sources). */
  capability: ReplyCapability;
  action: ReplyAction;
  /** Who acts: the agent's name, or `rule:<id>` for a reply rule. */
  actor: string;
  /** draft, record: required; send: the text to send instead of the current draft. */
  text?: string | undefined;
  /** The template the text started from. */
  template?: string | undefined;
  /** The reply rule acting, if any: recorded in every event and the command. */
  rule?: string | undefined;
  /** A note for the history on the first event, e.g. why a rule drafted instead of sending. */
  note?: string | undefined;
  /** The id of the n-th event written (0, 1, …): deterministic, so a retried request writes the same ids. */
  eventId: (n: number) => string;
  at: Date;
}

export type ReplyDecision =
  /** Write `events` in order; when `command` is set, publish it to the outbox first. */
  | { kind: "record"; events: WorkflowEvent[]; command?: ReplyCommand }
  /** 409: the mention's state does not allow the action. */
  | { kind: "conflict"; message: string }
  /** 400: the request itself is wrong (no text, too long, no reply API). */
  | { kind: "invalid"; message: string }
  /** 403: the team may not do this (no `reply`/`approve` action, a pseudonymous team). */
  | { kind: "forbidden"; message: string };

/** A reply's length as a store counts it (the rule is in @odzew/schema, shared with the adapters). */
export { replyLength };

/**
 * Why a text cannot be posted to this store, or undefined: empty, longer than Odzew keeps, or
 * longer than the store takes (with the limit and by how much).
 */
export function replyTextProblem(text: string | undefined, capability: ReplyCapability, sourceType: SourceType): string | undefined {
  const trimmed = text?.trim() ?? "";
  if (trimmed.length === 0) return "the reply text is empty: write the reply (or pick a template)";
  if (capability.canReply) {
    const problem = replyLengthProblem(trimmed, capability, sourceLabel(sourceType));
    if (problem) return problem;
  }
  return replyLengthProblem(trimmed, { maxLength: REPLY_TEXT_MAX }, "Odzew");
}

export function decideReply(request: ReplyRequest): ReplyDecision {
  const { team, mention, action, actor } = request;
  const forbidden = permission(team, action);
  if (forbidden !== undefined) return { kind: "forbidden", message: forbidden };

  const workflow = mention.workflow;
  if (action !== "approve" && workflow?.status === "claimed" && workflow.assignee !== undefined && workflow.assignee !== actor) {
    return { kind: "conflict", message: `claimed by ${workflow.assignee}; they answer it or release it` };
  }
  if ((action === "draft" || action === "send" || action === "record") && workflow?.status === "closed") {
    return { kind: "conflict", message: "marked as needing no answer; reopen it first" };
  }

  const current = workflow?.reply;
  if (current?.status === "queued" && action !== "discard" && action !== "retry") {
    return { kind: "conflict", message: `reply version ${current.version} is being sent; wait for the result (sent or failed) before changing it` };
  }

  switch (action) {
    case "draft":
      return draft(request, current);
    case "send":
      return send(request, current);
    case "approve":
      return approve(request, current);
    case "retry":
      return retry(request, current);
    case "delete":
      return remove(request, current);
    case "discard":
      return discard(request, current);
    case "record":
      return record(request, current);
  }
}

function permission(team: TeamConfig, action: ReplyAction): string | undefined {
  if (team.view === "pseudonymous") {
    return `team ${team.id} has the pseudonymous view and cannot reply to reviews (it does not see who wrote them)`;
  }
  const needed = action === "approve" ? "approve" : "reply";
  if (!team.actions.includes(needed)) {
    return `team ${team.id} may not ${needed === "approve" ? "approve replies" : "reply to reviews"}: add "${needed}" to its actions in teams.yaml`;
  }
  return undefined;
}

const nextVersion = (current: ReplyState | undefined): number => (current?.version ?? 0) + 1;

function noApi(request: ReplyRequest): ReplyDecision | undefined {
  const { capability } = request;
  if (capability.canReply) return undefined;
  return {
    kind: "invalid",
    message: `Odzew cannot send replies to ${sourceLabel(request.mention.source.type)} (${capability.reason}): answer there and record it`,
  };
}

function draft(request: ReplyRequest, current: ReplyState | undefined): ReplyDecision {
  const problem = replyTextProblem(request.text, request.capability, request.mention.source.type);
  if (problem !== undefined) return { kind: "invalid", message: problem };
  const text = (request.text ?? "").trim();
  return recorded([event(request, "reply-drafted", payload(request, { version: nextVersion(current), text }))]);
}

function send(request: ReplyRequest, current: ReplyState | undefined): ReplyDecision {
  const unavailable = noApi(request);
  if (unavailable !== undefined) return unavailable;

  let version: number;
  let text: string;
  let drafted: boolean;
  let template = request.template ?? current?.template;
  let draftedBy = request.actor;
  if (request.text !== undefined) {
    const problem = replyTextProblem(request.text, request.capability, request.mention.source.type);
    if (problem !== undefined) return { kind: "invalid", message: problem };
    text = request.text.trim();
    if (current?.status === "draft" && current.text === text) {
      // Sending the current draft, its text given again: no new version.
      version = current.version;
      draftedBy = current.draftedBy;
      drafted = false;
    } else {
      version = nextVersion(current);
      template = request.template;
      drafted = true;
    }
  } else {
    if (current === undefined || current.status === "discarded" || current.status === "deleted") {
      return { kind: "invalid", message: "there is no draft to send: give the reply text (or draft it first)" };
    }
    if (current.status === "awaiting-approval") return awaitingConflict(current, request.mention.workflow, request.actor);
    if (current.status === "failed") {
      return { kind: "conflict", message: `reply version ${current.version} failed: retry it, or send a new text` };
    }
    if (current.status === "sent" || current.status === "confirmed") {
      return { kind: "conflict", message: `reply version ${current.version} was already sent; to change it, send a new text` };
    }
    const problem = replyTextProblem(current.text, request.capability, request.mention.source.type);
    if (problem !== undefined) return { kind: "invalid", message: problem };
    version = current.version;
    text = current.text;
    draftedBy = current.draftedBy;
    drafted = false;
  }

  if (request.team.replies.approval) {
    // One event: the version (new or the current draft) now waits for a second person.
    return recorded([event(request, "reply-drafted", payload(request, { version, text, template, awaitingApproval: true }))]);
  }
  const events: WorkflowEvent[] = [];
  if (drafted) events.push(event(request, "reply-drafted", payload(request, { version, text, template }), events.length));
  const key = replyIdempotencyKey(request.mention.id, version, "post");
  events.push(event(request, "reply-queued", payload(request, { version, text, template, idempotencyKey: key, attempt: 0 }), events.length));
  return {
    kind: "record",
    events,
    command: command(request, { version, operation: "post", text, key, attempt: 0, draftedBy }),
  };
}

/**
 * Whether `actor` wrote the awaiting text or asked for it to be sent (the `reply-drafted` that put
 * it in awaiting-approval: the last one of its version in the history): neither may approve it.
 */
function ownsAwaiting(current: ReplyState, workflow: WorkflowState | undefined, actor: string): boolean {
  if (current.draftedBy === actor) return true;
  const submitted = workflow?.history.findLast((entry) => entry.type === "reply-drafted" && entry.replyVersion === current.version);
  return submitted?.actor === actor;
}

function awaitingConflict(current: ReplyState, workflow: WorkflowState | undefined, actor: string): ReplyDecision {
  return {
    kind: "conflict",
    message: ownsAwaiting(current, workflow, actor)
      ? `reply version ${current.version} is awaiting approval by someone other than you`
      : `reply version ${current.version} is awaiting approval: approve it, or send a new text`,
  };
}

function approve(request: ReplyRequest, current: ReplyState | undefined): ReplyDecision {
  if (current?.status !== "awaiting-approval") {
    return {
      kind: "conflict",
      message:
        current?.status === "draft"
          ? `reply version ${current.version} is a draft that was not sent for approval yet`
          : "there is no reply awaiting approval",
    };
  }
  if (ownsAwaiting(current, request.mention.workflow, request.actor)) return awaitingConflict(current, request.mention.workflow, request.actor);
  const unavailable = noApi(request);
  if (unavailable !== undefined) return unavailable;
  const problem = replyTextProblem(current.text, request.capability, request.mention.source.type);
  if (problem !== undefined) return { kind: "invalid", message: problem };
  const version = current.version;
  const text = current.text;
  const key = replyIdempotencyKey(request.mention.id, version, "post");
  const template = current.template;
  return {
    kind: "record",
    events: [
      event(request, "reply-approved", payload(request, { version, text, template }), 0),
      event(request, "reply-queued", payload(request, { version, text, template, idempotencyKey: key, attempt: 0 }), 1),
    ],
    command: command(request, { version, operation: "post", text, key, attempt: 0, draftedBy: current.draftedBy, approvedBy: request.actor }),
  };
}

function retry(request: ReplyRequest, current: ReplyState | undefined): ReplyDecision {
  if (current?.status !== "failed") {
    return { kind: "conflict", message: current === undefined ? "there is no reply to retry" : `only a failed reply can be retried; version ${current.version} is ${current.status}` };
  }
  if (current.error?.code === "REPLY_REJECTED") {
    return {
      kind: "conflict",
      message: `the store refused this text (${current.error.message}); sending it again would fail the same way: edit it and send the new text`,
    };
  }
  const unavailable = noApi(request);
  if (unavailable !== undefined) return unavailable;
  if (current.operation === "delete" && request.capability.canReply && !request.capability.canDelete) {
    return { kind: "invalid", message: `${sourceLabel(request.mention.source.type)} does not let Odzew delete replies: delete it there` };
  }
  const operation = current.operation;
  const attempt = current.attempt !== undefined ? current.attempt + 1 : Math.max(1, current.failures);
  const key = replyIdempotencyKey(request.mention.id, current.version, operation);
  const text = operation === "post" ? current.text : undefined;
  if (text !== undefined) {
    const problem = replyTextProblem(text, request.capability, request.mention.source.type);
    if (problem !== undefined) return { kind: "invalid", message: problem };
  }
  return {
    kind: "record",
    events: [
      event(
        request,
        "reply-queued",
        payload(request, { version: current.version, operation, text, template: current.template, idempotencyKey: key, attempt, rule: request.rule ?? current.rule }),
      ),
    ],
    command: command(request, {
      version: current.version,
      operation,
      text,
      key,
      attempt,
      draftedBy: current.draftedBy,
      approvedBy: current.approvedBy,
      rule: request.rule ?? current.rule,
    }),
  };
}

function remove(request: ReplyRequest, current: ReplyState | undefined): ReplyDecision {
  if (current === undefined || (current.status !== "sent" && current.status !== "confirmed")) {
    return {
      kind: "conflict",
      message:
        current === undefined
          ? "there is no sent reply to delete"
          : current.status === "deleted"
            ? `reply version ${current.version} was already deleted`
            : `only a sent reply can be deleted; version ${current.version} is ${current.status} (discard it instead)`,
    };
  }
  const { capability } = request;
  const store = sourceLabel(request.mention.source.type);
  if (!capability.canReply) return { kind: "invalid", message: `Odzew cannot change replies at ${store} (${capability.reason}): delete it there` };
  if (!capability.canDelete) return { kind: "invalid", message: `${store} does not let Odzew delete replies: delete it there` };
  const key = replyIdempotencyKey(request.mention.id, current.version, "delete");
  return {
    kind: "record",
    events: [event(request, "reply-queued", payload(request, { version: current.version, operation: "delete", idempotencyKey: key, attempt: 0 }))],
    command: command(request, { version: current.version, operation: "delete", key, attempt: 0 }),
  };
}

function discard(request: ReplyRequest, current: ReplyState | undefined): ReplyDecision {
  const discardable =
    current !== undefined &&
    (current.status === "draft" || current.status === "awaiting-approval" || (current.status === "failed" && current.operation === "post"));
  if (!discardable) {
    let message = "there is no draft to discard";
    if (current?.status === "queued") message = `reply version ${current.version} is being sent; it can no longer be discarded`;
    else if (current?.status === "sent" || current?.status === "confirmed") message = `reply version ${current.version} was already sent: delete it instead`;
    else if (current?.status === "failed") message = `deleting reply version ${current.version} failed and the reply is still at the store: retry the deletion`;
    return { kind: "conflict", message };
  }
  return recorded([event(request, "reply-discarded", payload(request, { version: current.version, text: current.text, template: current.template }))]);
}

function record(request: ReplyRequest, current: ReplyState | undefined): ReplyDecision {
  const text = request.text?.trim() ?? "";
  if (text.length === 0) return { kind: "invalid", message: "paste the reply you wrote at the source: the text is empty" };
  const length = replyLength(text);
  if (length > REPLY_TEXT_MAX) {
    return { kind: "invalid", message: `the reply is ${length} characters long; Odzew keeps at most ${REPLY_TEXT_MAX}: shorten it by ${length - REPLY_TEXT_MAX} characters` };
  }
  return recorded([event(request, "reply-recorded", payload(request, { version: nextVersion(current), text, channel: "manual" }))]);
}

// --- building the events and the command ---------------------------------------------------

const recorded = (events: WorkflowEvent[]): ReplyDecision => ({ kind: "record", events });

interface PayloadFields {
  version: number;
  operation?: ReplyOperation;
  text?: string | undefined;
  channel?: "api" | "manual";
  template?: string | undefined;
  rule?: string | undefined;
  idempotencyKey?: string;
  attempt?: number;
  awaitingApproval?: boolean;
}

function payload(request: ReplyRequest, fields: PayloadFields): ReplyEventPayload {
  const template = "template" in fields ? fields.template : request.template;
  const rule = fields.rule ?? request.rule;
  return {
    version: fields.version,
    operation: fields.operation ?? "post",
    channel: fields.channel ?? "api",
    ...(fields.text !== undefined ? { text: fields.text } : {}),
    ...(rule !== undefined ? { rule } : {}),
    ...(template !== undefined ? { template } : {}),
    ...(fields.idempotencyKey !== undefined ? { idempotencyKey: fields.idempotencyKey } : {}),
    ...(fields.attempt !== undefined ? { attempt: fields.attempt } : {}),
    ...(fields.awaitingApproval === true ? { awaitingApproval: true } : {}),
  };
}

function event(request: ReplyRequest, type: ReplyEventType, reply: ReplyEventPayload, n = 0): WorkflowEvent {
  const note = n === 0 && request.note !== undefined && request.note.trim() !== "" ? request.note.trim().slice(0, 10_000) : undefined;
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    eventId: request.eventId(n),
    mentionId: request.mention.id,
    publishedAt: request.mention.publishedAt,
    team: request.team.id,
    actor: request.actor,
    type,
    ...(note !== undefined ? { note } : {}),
    reply,
    at: request.at.toISOString(),
  };
}

interface CommandFields {
  version: number;
  operation: ReplyOperation;
  text?: string | undefined;
  key: string;
  attempt: number;
  draftedBy?: string | undefined;
  approvedBy?: string | undefined;
  rule?: string | undefined;
}

function command(request: ReplyRequest, fields: CommandFields): ReplyCommand {
  const { mention } = request;
  const rule = fields.rule ?? request.rule;
  return {
    schemaVersion: REPLY_COMMAND_SCHEMA_VERSION,
    idempotencyKey: fields.key,
    mentionId: mention.id,
    publishedAt: mention.publishedAt,
    source: { id: mention.source.id, type: mention.source.type },
    nativeId: mention.nativeId,
    operation: fields.operation,
    version: fields.version,
    ...(fields.text !== undefined ? { text: fields.text } : {}),
    team: request.team.id,
    requestedBy: request.actor,
    ...(fields.draftedBy !== undefined ? { draftedBy: fields.draftedBy } : {}),
    ...(fields.approvedBy !== undefined ? { approvedBy: fields.approvedBy } : {}),
    ...(rule !== undefined ? { rule } : {}),
    attempt: fields.attempt,
    requestedAt: request.at.toISOString(),
  };
}
