import { seededRandom } from "@odzew/core";
import {
  WORKFLOW_SCHEMA_VERSION,
  replyCommandSchema,
  replyIdempotencyKey,
  teamSchema,
  workflowEventSchema,
  type ReplyCapability,
  type ReplyCommand,
  type ReplyError,
  type TeamConfig,
  type WorkflowEvent,
  type WorkflowState,
} from "@odzew/schema";
import { describe, expect, it } from "vitest";
import { REPLY_ACTIONS, decideReply, type ReplyAction, type ReplyDecision, type ReplyMention } from "./decide.ts";
import { applyReplyEvent } from "./state.ts";

const MENTION_ID = "0123456789abcdef0123456789abcdef";
const PUBLISHED = "2026-11-20T08:00:00.000Z";
const PLAY: ReplyCapability = { canReply: true, maxLength: 350, canDelete: true };
const PLAY_NO_DELETE: ReplyCapability = { canReply: true, maxLength: 350, canDelete: false };
const OPINEO: ReplyCapability = { canReply: false, reason: "Opineo has no reply API" };

function team(options: { approval?: boolean; actions?: TeamConfig["actions"]; view?: TeamConfig["view"] } = {}): TeamConfig {
  return teamSchema.parse({
    id: "obsluga",
    name: "Obsługa klienta",
    keys: [{ env: "ODZEW_KEY_OBSLUGA" }],
    view: options.view ?? "full",
    actions: options.actions ?? ["workflow", "reply", "approve"],
    replies: { approval: options.approval ?? false },
  });
}

function mention(workflow?: WorkflowState, type: ReplyMention["source"]["type"] = "google-play"): ReplyMention {
  return { id: MENTION_ID, publishedAt: PUBLISHED, source: { id: "play-app", type }, nativeId: "gp:AOqpTOGx1", workflow, rating: { value: 5 }, lang: "pl" };
}

/** A step of a scenario: an agent's action through decideReply, or what the responder (or the collector) reports. */
type Step =
  | { action: ReplyAction; actor: string; text?: string }
  | { store: "sent" | "failed" | "confirmed"; error?: ReplyError };

interface World {
  team: TeamConfig;
  capability: ReplyCapability;
  workflow: WorkflowState | undefined;
  decisions: ReplyDecision[];
  commands: ReplyCommand[];
  clock: number;
  events: number;
}

/** Fold events into the workflow the way the indexer does for the reply part. */
function fold(workflow: WorkflowState | undefined, events: readonly WorkflowEvent[]): WorkflowState | undefined {
  let next = workflow;
  for (const event of events) {
    const base: WorkflowState = next ?? { status: "open", updatedAt: event.at, notes: 0, history: [] };
    if (base.history.some((entry) => entry.eventId === event.eventId)) continue;
    const reply = applyReplyEvent(base.reply, event, PUBLISHED);
    const entry = {
      eventId: event.eventId,
      type: event.type,
      actor: event.actor,
      team: event.team,
      at: event.at,
      ...(event.reply ? { replyVersion: event.reply.version } : {}),
      ...(event.reply?.rule ? { rule: event.reply.rule } : {}),
    };
    next = { ...base, updatedAt: event.at, history: [...base.history, entry], ...(reply !== undefined ? { reply } : {}) };
  }
  return next;
}

function world(options: { team?: TeamConfig; capability?: ReplyCapability; workflow?: WorkflowState } = {}): World {
  return { team: options.team ?? team(), capability: options.capability ?? PLAY, workflow: options.workflow, decisions: [], commands: [], clock: Date.parse("2026-11-20T09:00:00.000Z"), events: 0 };
}

function decide(w: World, step: { action: ReplyAction; actor: string; text?: string }): ReplyDecision {
  w.clock += 60_000;
  const batch = w.events++;
  return decideReply({
    team: w.team,
    mention: mention(w.workflow),
    capability: w.capability,
    action: step.action,
    actor: step.actor,
    text: step.text,
    eventId: (n) => `api-${batch}-${n}`,
    at: new Date(w.clock),
  });
}

function play(w: World, steps: readonly Step[]): World {
  for (const step of steps) {
    if ("action" in step) {
      const decision = decide(w, step);
      w.decisions.push(decision);
      if (decision.kind === "record") {
        if (decision.command) w.commands.push(decision.command);
        w.workflow = fold(w.workflow, decision.events);
      }
    } else {
      w.workflow = fold(w.workflow, [storeEvent(w, step)]);
    }
  }
  return w;
}

/** The responder's event for the latest command (or the indexer's confirmation). */
function storeEvent(w: World, step: { store: "sent" | "failed" | "confirmed"; error?: ReplyError }): WorkflowEvent {
  const command = w.commands.at(-1);
  if (!command) throw new Error("no command to report on");
  w.clock += 1_000;
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    eventId: `store-${w.events++}`,
    mentionId: MENTION_ID,
    publishedAt: PUBLISHED,
    team: command.team,
    actor: step.store === "confirmed" ? "collector" : "responder",
    type: step.store === "sent" ? "reply-sent" : step.store === "failed" ? "reply-failed" : "reply-confirmed",
    reply: {
      version: command.version,
      operation: command.operation,
      channel: "api",
      ...(command.text !== undefined ? { text: command.text } : {}),
      idempotencyKey: command.idempotencyKey,
      attempt: command.attempt,
      ...(step.error ? { error: step.error } : {}),
    },
    at: new Date(w.clock).toISOString(),
  };
}

const THANKS = "Dziękujemy za opinię i pięć gwiazdek!";
const UNAVAILABLE: ReplyError = { code: "REPLY_UNAVAILABLE", message: "Google Play answered 503 Service Unavailable", retryable: true, status: 503 };
const REJECTED: ReplyError = { code: "REPLY_REJECTED", message: "Google Play refused the reply: it contains a link", retryable: false, status: 400 };

const draftStep: Step = { action: "draft", actor: "ala", text: THANKS };
const sendStep: Step = { action: "send", actor: "ala" };

/** How each state of the table is reached: the steps, and whether the team needs approval. */
const STATES: Record<string, { steps: Step[]; approval?: boolean; capability?: ReplyCapability }> = {
  none: { steps: [] },
  draft: { steps: [draftStep] },
  "awaiting-approval": { steps: [draftStep, sendStep], approval: true },
  queued: { steps: [draftStep, sendStep] },
  sent: { steps: [draftStep, sendStep, { store: "sent" }] },
  "failed (store down)": { steps: [draftStep, sendStep, { store: "failed", error: UNAVAILABLE }] },
  "failed (text refused)": { steps: [draftStep, sendStep, { store: "failed", error: REJECTED }] },
  confirmed: { steps: [draftStep, sendStep, { store: "sent" }, { store: "confirmed" }] },
  deleted: { steps: [draftStep, sendStep, { store: "sent" }, { action: "delete", actor: "ala" }, { store: "sent" }] },
  discarded: { steps: [draftStep, { action: "discard", actor: "ala" }] },
};

type Kind = ReplyDecision["kind"];
const R: Kind = "record";
const C: Kind = "conflict";
const I: Kind = "invalid";

type Column = ReplyAction | "send+text";
const COLUMN_ACTION: Record<Column, ReplyAction> = {
  draft: "draft",
  send: "send",
  "send+text": "send",
  approve: "approve",
  retry: "retry",
  delete: "delete",
  discard: "discard",
  record: "record",
};

/** State × action → what the API answers. The actions: ala acts, bartek approves; text given to draft, send+text and record. */
const TABLE: Record<string, Record<Column, Kind>> = {
  none: { draft: R, send: I, "send+text": R, approve: C, retry: C, delete: C, discard: C, record: R },
  draft: { draft: R, send: R, "send+text": R, approve: C, retry: C, delete: C, discard: R, record: R },
  "awaiting-approval": { draft: R, send: C, "send+text": R, approve: R, retry: C, delete: C, discard: R, record: R },
  queued: { draft: C, send: C, "send+text": C, approve: C, retry: C, delete: C, discard: C, record: C },
  sent: { draft: R, send: C, "send+text": R, approve: C, retry: C, delete: R, discard: C, record: R },
  "failed (store down)": { draft: R, send: C, "send+text": R, approve: C, retry: R, delete: C, discard: R, record: R },
  "failed (text refused)": { draft: R, send: C, "send+text": R, approve: C, retry: C, delete: C, discard: R, record: R },
  confirmed: { draft: R, send: C, "send+text": R, approve: C, retry: C, delete: R, discard: C, record: R },
  deleted: { draft: R, send: I, "send+text": R, approve: C, retry: C, delete: C, discard: C, record: R },
  discarded: { draft: R, send: I, "send+text": R, approve: C, retry: C, delete: C, discard: C, record: R },
};

describe("decideReply: the state × action table", () => {
  for (const [state, row] of Object.entries(TABLE)) {
    const setup = STATES[state];
    if (!setup) throw new Error(`no setup for ${state}`);
    for (const column of Object.keys(COLUMN_ACTION).filter((key): key is Column => key in row)) {
      const expected = row[column];
      it(`${state} + ${column} → ${expected}`, () => {
        const w = play(world({ team: team({ approval: setup.approval ?? false }), capability: setup.capability ?? PLAY }), setup.steps);
        const expectedStatus = state.startsWith("failed") ? "failed" : state === "none" ? undefined : state;
        expect(w.workflow?.reply?.status).toBe(expectedStatus);
        const action = COLUMN_ACTION[column];
        const actor = action === "approve" ? "bartek" : "ala";
        const text = column === "draft" || column === "send+text" || column === "record" ? "Dziękujemy, poprawiliśmy to w wersji 2.1." : undefined;
        const decision = decide(w, { action, actor, ...(text !== undefined ? { text } : {}) });
        expect(decision.kind, decision.kind === "record" ? "" : decision.message).toBe(expected);
        if (decision.kind === "record") {
          expect(decision.events.length).toBeGreaterThan(0);
          for (const event of decision.events) {
            expect(workflowEventSchema.parse(event)).toEqual(event);
            expect(event.reply?.version).toBeGreaterThan(0);
          }
          if (decision.command) expect(replyCommandSchema.parse(decision.command)).toEqual(decision.command);
        }
      });
    }
  }

  it("covers every action", () => {
    expect([...new Set(Object.values(COLUMN_ACTION))].sort()).toEqual([...REPLY_ACTIONS].sort());
  });
});

describe("decideReply: sending", () => {
  it("a draft sent without approval: one command on the outbox with the version's idempotency key, the mention queued", () => {
    const w = play(world(), [draftStep, sendStep]);
    expect(w.commands).toHaveLength(1);
    const command = w.commands[0];
    expect(command).toMatchObject({
      idempotencyKey: replyIdempotencyKey(MENTION_ID, 1, "post"),
      operation: "post",
      version: 1,
      text: THANKS,
      requestedBy: "ala",
      draftedBy: "ala",
      attempt: 0,
      nativeId: "gp:AOqpTOGx1",
      source: { id: "play-app", type: "google-play" },
    });
    const last = w.decisions.at(-1);
    expect(last?.kind === "record" && last.events.map((event) => event.type)).toEqual(["reply-queued"]);
    expect(w.workflow?.reply).toMatchObject({ status: "queued", version: 1, text: THANKS, draftedBy: "ala", sentBy: "ala" });
  });

  it("a text sent directly is drafted and queued in one go, as a new version", () => {
    const w = play(world(), [draftStep, { action: "send", actor: "ala", text: "Dziękujemy!" }]);
    const last = w.decisions.at(-1);
    expect(last?.kind === "record" && last.events.map((event) => [event.type, event.reply?.version])).toEqual([
      ["reply-drafted", 2],
      ["reply-queued", 2],
    ]);
    expect(last?.kind === "record" && last.events.map((event) => event.eventId)).toEqual(["api-1-0", "api-1-1"]);
    expect(w.commands[0]).toMatchObject({ version: 2, text: "Dziękujemy!", idempotencyKey: `${MENTION_ID}:v2:post` });
  });

  it("the draft's own text given again sends the draft, no new version", () => {
    const w = play(world(), [draftStep, { action: "send", actor: "ala", text: `  ${THANKS}\n` }]);
    expect(w.commands[0]).toMatchObject({ version: 1, text: THANKS });
  });

  it("refuses a text longer than the store's limit, saying the limit and by how much", () => {
    const w = world();
    const decision = decide(w, { action: "send", actor: "ala", text: "x".repeat(412) });
    expect(decision).toEqual({ kind: "invalid", message: "the reply is 412 characters long; Google Play accepts at most 350: shorten it by 62 characters" });
    // Emoji count as one character each, as the stores count them.
    expect(decide(w, { action: "send", actor: "ala", text: "👍".repeat(350) }).kind).toBe("record");
  });

  it("refuses an empty text", () => {
    expect(decide(world(), { action: "draft", actor: "ala", text: "  \n " })).toEqual({
      kind: "invalid",
      message: "the reply text is empty: write the reply (or pick a template)",
    });
    expect(decide(world(), { action: "record", actor: "ala", text: "" }).kind).toBe("invalid");
  });

  it("a source without a reply API: send says to answer there and record it; draft and record work", () => {
    const w = play(world({ capability: OPINEO }), [draftStep]);
    expect(w.workflow?.reply?.status).toBe("draft");
    const send = decide(w, sendStep);
    expect(send.kind).toBe("invalid");
    expect(send.kind !== "record" && send.message).toMatch(/Opineo has no reply API.*answer there and record it/);
    play(w, [{ action: "record", actor: "ala", text: "Dziękujemy, odpowiedzieliśmy na Opineo." }]);
    expect(w.commands).toHaveLength(0);
    expect(w.workflow?.reply).toMatchObject({ status: "sent", channel: "manual", version: 2, text: "Dziękujemy, odpowiedzieliśmy na Opineo.", sentBy: "ala" });
  });

  it("recording a reply typed at the store is allowed where Odzew could send it itself, and never goes to the outbox", () => {
    const w = play(world(), [{ action: "record", actor: "ala", text: "Odpowiedź wpisana w Play Console" }]);
    expect(w.commands).toHaveLength(0);
    const last = w.decisions.at(-1);
    expect(last?.kind === "record" && last.events[0]?.reply).toMatchObject({ channel: "manual", version: 1 });
  });
});

describe("decideReply: approval by a second person", () => {
  it("blocks sending until someone other than the author approves; then exactly one command", () => {
    const w = play(world({ team: team({ approval: true }) }), [draftStep, sendStep]);
    expect(w.commands).toHaveLength(0);
    expect(w.workflow?.reply?.status).toBe("awaiting-approval");
    const last = w.decisions.at(-1);
    expect(last?.kind === "record" && last.events.map((event) => [event.type, event.reply?.awaitingApproval])).toEqual([["reply-drafted", true]]);

    expect(decide(w, { action: "approve", actor: "ala" })).toEqual({ kind: "conflict", message: "reply version 1 is awaiting approval by someone other than you" });
    expect(decide(w, sendStep)).toEqual({ kind: "conflict", message: "reply version 1 is awaiting approval by someone other than you" });
    expect(w.commands).toHaveLength(0);

    play(w, [{ action: "approve", actor: "bartek" }]);
    expect(w.commands).toHaveLength(1);
    expect(w.commands[0]).toMatchObject({ requestedBy: "bartek", draftedBy: "ala", approvedBy: "bartek", version: 1, attempt: 0 });
    expect(w.workflow?.reply).toMatchObject({ status: "queued", approvedBy: "bartek", draftedBy: "ala" });
    // Approving again changes nothing: there is nothing awaiting approval.
    expect(decide(w, { action: "approve", actor: "bartek" }).kind).toBe("conflict");
  });

  it("who sent someone else's draft for approval cannot approve it either", () => {
    const w = play(world({ team: team({ approval: true }) }), [
      { action: "draft", actor: "rule:thanks-5-stars", text: THANKS },
      { action: "send", actor: "ala" },
    ]);
    expect(w.workflow?.reply).toMatchObject({ status: "awaiting-approval", draftedBy: "rule:thanks-5-stars" });
    expect(decide(w, { action: "approve", actor: "ala" })).toEqual({ kind: "conflict", message: "reply version 1 is awaiting approval by someone other than you" });
    play(w, [{ action: "approve", actor: "bartek" }]);
    expect(w.commands).toEqual([expect.objectContaining({ draftedBy: "rule:thanks-5-stars", approvedBy: "bartek" })]);
  });

  it("a draft that was not sent for approval cannot be approved", () => {
    const w = play(world({ team: team({ approval: true }) }), [draftStep]);
    expect(decide(w, { action: "approve", actor: "bartek" })).toEqual({ kind: "conflict", message: "reply version 1 is a draft that was not sent for approval yet" });
  });

  it("approving needs the approve action; replying needs the reply action", () => {
    const w = play(world({ team: team({ approval: true }) }), [draftStep, sendStep]);
    w.team = team({ approval: true, actions: ["workflow", "reply"] });
    expect(decide(w, { action: "approve", actor: "bartek" })).toEqual({
      kind: "forbidden",
      message: 'team obsluga may not approve replies: add "approve" to its actions in teams.yaml',
    });
    w.team = team({ actions: ["workflow"] });
    expect(decide(w, draftStep)).toEqual({ kind: "forbidden", message: 'team obsluga may not reply to reviews: add "reply" to its actions in teams.yaml' });
  });

  it("a pseudonymous team never replies", () => {
    // The schema refuses reply for a pseudonymous team; a team object built some other way is refused here too.
    const pseudonymous: TeamConfig = { ...team(), view: "pseudonymous" };
    for (const action of REPLY_ACTIONS) {
      expect(decideReply({ team: pseudonymous, mention: mention(), capability: PLAY, action, actor: "ala", text: THANKS, eventId: (n) => `e${n}`, at: new Date() }).kind).toBe("forbidden");
    }
  });

  it("the second person may approve a mention the author has claimed", () => {
    const claimed: WorkflowState = { status: "claimed", assignee: "ala", updatedAt: "2026-11-20T08:30:00.000Z", notes: 0, history: [] };
    const w = play(world({ team: team({ approval: true }), workflow: claimed }), [draftStep, sendStep, { action: "approve", actor: "bartek" }]);
    expect(w.commands).toHaveLength(1);
  });
});

describe("decideReply: claims and closed mentions", () => {
  const claimedByBartek: WorkflowState = { status: "claimed", assignee: "bartek", updatedAt: "2026-11-20T08:30:00.000Z", notes: 0, history: [] };

  it("a mention claimed by another agent cannot be replied to (same words as the workflow)", () => {
    for (const action of ["draft", "send", "record", "discard", "retry", "delete"] as const) {
      expect(decide(world({ workflow: claimedByBartek }), { action, actor: "ala", text: THANKS })).toEqual({
        kind: "conflict",
        message: "claimed by bartek; they answer it or release it",
      });
    }
    expect(decide(world({ workflow: claimedByBartek }), { action: "draft", actor: "bartek", text: THANKS }).kind).toBe("record");
  });

  it("a mention marked as needing no answer is reopened first", () => {
    const closed: WorkflowState = { status: "closed", assignee: "bartek", updatedAt: "2026-11-20T08:30:00.000Z", notes: 0, history: [] };
    expect(decide(world({ workflow: closed }), draftStep)).toEqual({ kind: "conflict", message: "marked as needing no answer; reopen it first" });
  });
});

describe("decideReply: failures, retries and deletions", () => {
  it("a failed reply is retried with the same idempotency key and the next attempt", () => {
    const w = play(world(), [draftStep, sendStep, { store: "failed", error: UNAVAILABLE }, { action: "retry", actor: "ala" }]);
    expect(w.commands.map((command) => [command.idempotencyKey, command.attempt])).toEqual([
      [`${MENTION_ID}:v1:post`, 0],
      [`${MENTION_ID}:v1:post`, 1],
    ]);
    expect(w.workflow?.reply).toMatchObject({ status: "queued", attempt: 1 });
    play(w, [{ store: "failed", error: UNAVAILABLE }, { action: "retry", actor: "bartek" }]);
    expect(w.commands.at(-1)).toMatchObject({ attempt: 2, requestedBy: "bartek", draftedBy: "ala" });
  });

  it("a text the store refused is not retried as it is: the agent edits it", () => {
    const w = play(world(), [draftStep, sendStep, { store: "failed", error: REJECTED }]);
    const retry = decide(w, { action: "retry", actor: "ala" });
    expect(retry.kind).toBe("conflict");
    expect(retry.kind !== "record" && retry.message).toContain("it contains a link");
    play(w, [{ action: "send", actor: "ala", text: "Dziękujemy za opinię!" }]);
    expect(w.commands.at(-1)).toMatchObject({ version: 2, attempt: 0, idempotencyKey: `${MENTION_ID}:v2:post` });
  });

  it("a sent reply is deleted through a delete command of its version", () => {
    const w = play(world(), [draftStep, sendStep, { store: "sent" }, { action: "delete", actor: "ala" }]);
    expect(w.commands.at(-1)).toMatchObject({ operation: "delete", version: 1, idempotencyKey: `${MENTION_ID}:v1:delete` });
    expect(w.commands.at(-1)?.text).toBeUndefined();
    play(w, [{ store: "sent" }]);
    expect(w.workflow?.reply?.status).toBe("deleted");
  });

  it("a store that does not let Odzew delete says so", () => {
    const w = play(world({ capability: PLAY_NO_DELETE }), [draftStep, sendStep, { store: "sent" }]);
    expect(decide(w, { action: "delete", actor: "ala" })).toEqual({ kind: "invalid", message: "Google Play does not let Odzew delete replies: delete it there" });
  });

  it("a failed deletion is retried, not discarded", () => {
    const w = play(world(), [draftStep, sendStep, { store: "sent" }, { action: "delete", actor: "ala" }, { store: "failed", error: UNAVAILABLE }]);
    expect(decide(w, { action: "discard", actor: "ala" }).kind).toBe("conflict");
    play(w, [{ action: "retry", actor: "ala" }]);
    expect(w.commands.at(-1)).toMatchObject({ operation: "delete", attempt: 1, idempotencyKey: `${MENTION_ID}:v1:delete` });
  });

  it("a rule's sending is marked with the rule in every event and the command", () => {
    const decision = decideReply({
      team: team(),
      mention: mention(),
      capability: PLAY,
      action: "send",
      actor: "rule:thanks-5-stars",
      rule: "thanks-5-stars",
      template: "thanks-pl",
      text: THANKS,
      note: "sent by rule thanks-5-stars",
      eventId: (n) => `rule-${n}`,
      at: new Date("2026-11-20T09:00:00.000Z"),
    });
    expect(decision.kind).toBe("record");
    if (decision.kind !== "record") return;
    expect(decision.events.map((event) => event.reply)).toEqual([
      expect.objectContaining({ rule: "thanks-5-stars", template: "thanks-pl" }),
      expect.objectContaining({ rule: "thanks-5-stars", template: "thanks-pl" }),
    ]);
    expect(decision.command).toMatchObject({ rule: "thanks-5-stars", requestedBy: "rule:thanks-5-stars" });
    expect(decision.events.map((event) => event.note)).toEqual(["sent by rule thanks-5-stars", undefined]);
  });
});

describe("decideReply: properties", () => {
  const ACTORS = ["ala", "bartek", "celina"];
  const TEXTS = [THANKS, "Przykro nam, napisz do nas: pomoc@example.pl", "x".repeat(400), "", "Dziękujemy!"];

  function randomStep(random: () => number): Step {
    const pick = <T,>(items: readonly T[]): T => {
      const item = items[Math.floor(random() * items.length)];
      if (item === undefined) throw new Error("empty choice");
      return item;
    };
    const roll = random();
    if (roll < 0.25) return { store: pick(["sent", "sent", "failed", "confirmed"] as const), error: pick([UNAVAILABLE, REJECTED]) };
    return { action: pick(REPLY_ACTIONS), actor: pick(ACTORS), text: pick(TEXTS) };
  }

  it("never puts the same (idempotency key, attempt) on the outbox twice, queues what it commands, never rolls versions back", () => {
    const kinds = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const approval = random() < 0.5;
      const w = world({ team: team({ approval }) });
      const seen = new Set<string>();
      let version = 0;
      for (let step = 0; step < 40; step++) {
        const next = randomStep(random);
        if ("store" in next) {
          const latest = w.commands.at(-1);
          // The responder reports only on what is on its way; the collector confirms only what was sent.
          const status = w.workflow?.reply?.status;
          if (!latest || (next.store === "confirmed" ? status !== "sent" : status !== "queued")) continue;
        }
        const before = w.commands.length;
        play(w, [next]);
        const decision = "action" in next ? w.decisions.at(-1) : undefined;
        if (decision?.kind === "record") expect(decision.events.length).toBeGreaterThan(0);
        if ("action" in next && decision) kinds.set(`${next.action}:${decision.kind}`, (kinds.get(`${next.action}:${decision.kind}`) ?? 0) + 1);
        for (const command of w.commands.slice(before)) {
          const id = `${command.idempotencyKey}#${command.attempt}`;
          expect(seen.has(id), `seed ${seed}: ${id} commanded twice`).toBe(false);
          seen.add(id);
          expect(w.workflow?.reply).toMatchObject({ status: "queued", version: command.version, idempotencyKey: command.idempotencyKey });
          if (approval && command.operation === "post" && command.attempt === 0) {
            expect(command.approvedBy).toBeDefined();
            expect(command.approvedBy).not.toBe(command.draftedBy);
          }
          expect([...(command.text ?? "")].length).toBeLessThanOrEqual(350);
        }
        const current = w.workflow?.reply?.version ?? 0;
        expect(current, `seed ${seed}`).toBeGreaterThanOrEqual(version);
        version = current;
      }
    }
    // The walk reached every action's success and refusal, not just the easy paths.
    for (const action of REPLY_ACTIONS) {
      expect(kinds.get(`${action}:record`) ?? 0, `${action} never succeeded`).toBeGreaterThan(5);
      expect((kinds.get(`${action}:conflict`) ?? 0) + (kinds.get(`${action}:invalid`) ?? 0), `${action} never refused`).toBeGreaterThan(5);
    }
  });

  it("is deterministic: the same request decides the same events and command", () => {
    const w = play(world(), [draftStep]);
    const request = { team: w.team, mention: mention(w.workflow), capability: PLAY, action: "send" as const, actor: "ala", eventId: (n: number) => `req-${n}`, at: new Date("2026-11-20T10:00:00.000Z") };
    expect(decideReply(request)).toEqual(decideReply(request));
  });
});
