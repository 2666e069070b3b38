/**
 * The reply composer's decisions, pure: how long a text is as the store counts it, which steps of
 * the reply workflow the agent is offered, and what a step sends. The API decides what is allowed
 * (packages/replies decideReply); this only chooses which buttons to show and never hides a
 * refusal: the API's words are shown as said.
 */
import type { ReplyView } from "../../types.ts";

export type ReplyStatus = NonNullable<ReplyView["reply"]>["status"];
export type ReplyStep = "draft" | "send" | "approve" | "retry" | "delete" | "discard" | "record";
export type LengthUnit = "characters" | "bytes";

/** A reply's text can still be changed in these states (and is the composer's starting text). */
export const EDITABLE: readonly ReplyStatus[] = ["draft", "awaiting-approval", "failed"];
/** On its way: the composer follows it until the store has it and the collector has seen it. */
export const IN_FLIGHT: readonly ReplyStatus[] = ["queued", "sent"];

const utf8 = new TextEncoder();

/**
 * A reply's length as the store counts it: code points (an emoji is one character) or UTF-8
 * bytes. The same rule as @odzew/schema replyLength (which needs Node's Buffer); reply.test.ts
 * holds the two to the same answers.
 */
export function measure(text: string, unit: LengthUnit = "characters"): number {
  if (unit === "bytes") return utf8.encode(text).length;
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

export interface Count {
  length: number;
  limit?: number;
  unit: LengthUnit;
  /** How much over the limit (0 when it fits or there is no limit). */
  over: number;
}

/** The text (trimmed, as the API keeps it) against the store's limit when Odzew posts there. */
export function countOf(text: string, capability: ReplyView["capability"]): Count {
  const unit: LengthUnit = capability.lengthUnit ?? "characters";
  const length = measure(text.trim(), unit);
  const limit = capability.canReply ? capability.maxLength : undefined;
  return limit === undefined ? { length, unit, over: 0 } : { length, limit, unit, over: Math.max(0, length - limit) };
}

/** Who may do what: the team's actions, and the person at the keyboard. */
export interface ReplyRights {
  reply: boolean;
  approve: boolean;
}

/** The steps offered for a reply in its state, in the order they are shown (the main step first). */
export function stepsFor(view: Pick<ReplyView, "capability" | "reply">, rights: ReplyRights): ReplyStep[] {
  const status: ReplyStatus | "none" = view.reply?.status ?? "none";
  const canReply = view.capability.canReply;
  const steps: ReplyStep[] = [];
  if (rights.approve && status === "awaiting-approval") steps.push("approve");
  if (rights.reply) {
    // Waiting for approval, an edit saved as a draft starts the approval over; sending is the approver's.
    if (canReply && status !== "queued" && status !== "awaiting-approval") steps.push("send");
    if (status !== "queued") steps.push("draft");
    if (!canReply) steps.push("record");
    if (status === "failed") steps.push("retry");
    if (EDITABLE.includes(status as ReplyStatus)) steps.push("discard");
    if (canReply && view.capability.canDelete && (status === "sent" || status === "confirmed")) steps.push("delete");
  }
  return steps;
}

export interface ReplyBody {
  action: ReplyStep;
  actor: string;
  text?: string;
  template?: string;
}

/**
 * The body of POST /mentions/{id}/reply for a step, or what the agent must do first. Sending an
 * unchanged draft sends that version; a changed text is a new version.
 */
export function bodyFor(step: ReplyStep, input: { actor: string; typed: string; template?: string | undefined; reply?: ReplyView["reply"] }): { body: ReplyBody } | { missing: "actor" | "text" } {
  const actor = input.actor.trim();
  if (!actor) return { missing: "actor" };
  const typed = input.typed.trim();
  const body: ReplyBody = { action: step, actor };
  const unchanged = input.reply !== undefined && EDITABLE.includes(input.reply.status) && typed === input.reply.text.trim();
  const carriesText = (step === "draft" || step === "record" || step === "send") && typed !== "" && !(step === "send" && unchanged);
  if (carriesText) {
    body.text = typed;
    if (input.template) body.template = input.template;
  }
  if ((step === "draft" || step === "record") && !carriesText) return { missing: "text" };
  if (step === "send" && !carriesText && !unchanged) return { missing: "text" };
  return { body };
}
