import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { REPLY_EVENT_TYPES, WORKFLOW_EVENT_TYPES, WORKFLOW_SCHEMA_VERSION, workflowStateSchema, type WorkflowEvent, type WorkflowState } from "@odzew/schema";
import { WORKFLOW_HISTORY_LIMIT, applyWorkflowEvent, confirmReplyAtSource, workflowConflict } from "./workflow.ts";

const MENTION = "0123456789abcdef0123456789abcdef";
const ACTORS = ["ala", "bartek", "celina"];
const START = Date.parse("2026-11-20T10:00:00.000Z");

function event(seq: number, type: WorkflowEvent["type"], actor = "ala", extra: Partial<WorkflowEvent> = {}): WorkflowEvent {
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    eventId: `event-${seq}`,
    mentionId: MENTION,
    publishedAt: "2026-11-19T08:00:00.000Z",
    team: "cx",
    actor,
    type,
    at: new Date(START + seq * 1_000).toISOString(),
    ...extra,
  };
}

/** The queue's own actions (the reply steps have their own tests below and in packages/replies). */
const QUEUE_EVENT_TYPES = WORKFLOW_EVENT_TYPES.filter((type) => !(REPLY_EVENT_TYPES as readonly string[]).includes(type));

/** Random events: any queue action, any actor, some notes, as the topic may carry them (the API's rules aside). */
function randomEvents(random: () => number, count: number, from = 0): WorkflowEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const type = QUEUE_EVENT_TYPES[Math.floor(random() * QUEUE_EVENT_TYPES.length)]!;
    const actor = ACTORS[Math.floor(random() * ACTORS.length)]!;
    return event(from + index, type, actor, type === "noted" ? { note: `note ${from + index}` } : {});
  });
}

const fold = (events: WorkflowEvent[], state?: WorkflowState) => events.reduce<WorkflowState | undefined>(applyWorkflowEvent, state);

describe("applyWorkflowEvent", () => {
  it("starts a mention's workflow from its first event, even before the mention is indexed", () => {
    // The indexer folds from no stored state when the event arrives first (the stub the mention later fills).
    expect(applyWorkflowEvent(undefined, event(1, "claimed", "ala"))).toEqual({
      status: "claimed",
      assignee: "ala",
      updatedAt: event(1, "claimed").at,
      notes: 0,
      history: [{ eventId: "event-1", type: "claimed", actor: "ala", team: "cx", at: event(1, "claimed").at }],
    });
    const noted = applyWorkflowEvent(undefined, event(1, "noted", "bartek", { note: "zadzwonić jutro" }));
    expect(noted).toMatchObject({ status: "open", notes: 1, history: [{ type: "noted", note: "zadzwonić jutro" }] });
    expect(noted).not.toHaveProperty("assignee");
  });

  it("follows claim, answer, reopen and release as a user sees them", () => {
    const claimed = fold([event(1, "claimed", "ala")])!;
    expect(claimed).toMatchObject({ status: "claimed", assignee: "ala" });
    const answered = applyWorkflowEvent(claimed, event(2, "answered", "ala"));
    expect(answered).toMatchObject({ status: "answered", assignee: "ala", answeredAt: event(2, "answered").at });
    const reopened = applyWorkflowEvent(answered, event(3, "reopened", "bartek"));
    expect(reopened.status).toBe("open");
    expect(reopened).not.toHaveProperty("assignee");
    expect(reopened).not.toHaveProperty("answeredAt");
    const closed = applyWorkflowEvent(applyWorkflowEvent(reopened, event(4, "claimed", "bartek")), event(5, "closed", "bartek"));
    expect(closed).toMatchObject({ status: "closed", assignee: "bartek" });
    expect(closed).not.toHaveProperty("answeredAt");
    const released = applyWorkflowEvent(applyWorkflowEvent(closed, event(6, "reopened", "ala")), event(7, "claimed", "celina"));
    expect(applyWorkflowEvent(released, event(8, "released", "celina"))).toMatchObject({ status: "open", notes: 0 });
    expect(applyWorkflowEvent(released, event(8, "released", "celina")).history.map((entry) => entry.eventId)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((seq) => `event-${seq}`),
    );
  });

  it("lets the last event decide, even one the API would have refused (events are facts)", () => {
    // Claimed by Ala, answered by Bartek: the topic says it happened, so the mention is answered by Bartek.
    const state = fold([event(1, "claimed", "ala"), event(2, "answered", "bartek")])!;
    expect(workflowConflict(fold([event(1, "claimed", "ala")]), "answered", "bartek")).toMatch(/claimed by ala/);
    expect(state).toMatchObject({ status: "answered", assignee: "bartek" });
    expect(state.history).toHaveLength(2);
  });

  it("changes nothing when an event it has seen comes again (the same event twice = once)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const events = randomEvents(random, 1 + Math.floor(random() * 60));
      const once = fold(events)!;
      // Any event already folded, delivered again: the very same state comes back.
      for (const seen of events) expect(applyWorkflowEvent(once, seen), `seed ${seed}`).toBe(once);
      // Redelivery as Kafka does it: a chunk from some earlier offset comes again, maybe more than once.
      const redelivered: WorkflowEvent[] = [];
      for (let at = 0; at < events.length; at++) {
        redelivered.push(events[at]!);
        if (random() < 0.2) redelivered.push(...events.slice(Math.floor(random() * (at + 1)), at + 1));
      }
      expect(fold(redelivered), `seed ${seed}`).toEqual(once);
    }
  });

  it("gives the same state however the events are cut into batches (a rebuilt index equals the live one)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const events = randomEvents(random, 1 + Math.floor(random() * 80));
      // The store folds each batch from the stored state; the state goes through JSON in between.
      let stored: WorkflowState | undefined;
      for (let start = 0; start < events.length; ) {
        const end = start + 1 + Math.floor(random() * 10);
        const folded = fold(events.slice(start, end), stored);
        stored = workflowStateSchema.parse(JSON.parse(JSON.stringify(folded)));
        start = end;
      }
      expect(stored, `seed ${seed}`).toEqual(fold(events));
    }
  });

  it("keeps the state as the last status-changing event left it, and counts every note (seeded)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const events = randomEvents(random, 1 + Math.floor(random() * 60));
      const state = fold(events)!;
      const last = [...events].reverse().find((entry) => entry.type !== "noted");
      const expected =
        last === undefined || last.type === "released" || last.type === "reopened" ? "open" : last.type === "claimed" ? "claimed" : last.type;
      expect(state.status, `seed ${seed}`).toBe(expected);
      if (state.status === "open") expect(state).not.toHaveProperty("assignee");
      else expect(state.assignee, `seed ${seed}`).toBe(last?.actor);
      // answeredAt: the last answer since the mention was last reopened or released (a claim or a close keeps it).
      const sinceOpen = events.slice(events.findLastIndex((entry) => entry.type === "released" || entry.type === "reopened") + 1);
      const answer = sinceOpen.findLast((entry) => entry.type === "answered");
      if (answer) expect(state.answeredAt, `seed ${seed}`).toBe(answer.at);
      else expect(state, `seed ${seed}`).not.toHaveProperty("answeredAt");
      expect(state.notes).toBe(events.filter((entry) => entry.type === "noted").length);
      expect(state.updatedAt).toBe(events[events.length - 1]!.at);
      expect(state.history.map((entry) => entry.eventId)).toEqual(events.map((entry) => entry.eventId));
      expect(workflowStateSchema.safeParse(state).success).toBe(true);
    }
  });

  it("does not change the state it is given", () => {
    const before = fold([event(1, "claimed", "ala"), event(2, "noted", "ala", { note: "x" })])!;
    const copy = structuredClone(before);
    applyWorkflowEvent(before, event(3, "answered", "ala"));
    applyWorkflowEvent(before, event(4, "reopened", "ala"));
    expect(before).toEqual(copy);
  });

  it(`keeps the newest ${WORKFLOW_HISTORY_LIMIT} history entries of a long history and still counts every note`, () => {
    const events = Array.from({ length: 1_000 }, (_, seq) =>
      seq % 5 === 4 ? event(seq, "noted", "ala", { note: `note ${seq}` }) : event(seq, seq % 2 === 0 ? "claimed" : "released", "ala"),
    );
    const state = fold(events)!;
    expect(state.history).toHaveLength(WORKFLOW_HISTORY_LIMIT);
    expect(state.history.map((entry) => entry.eventId)).toEqual(events.slice(-WORKFLOW_HISTORY_LIMIT).map((entry) => entry.eventId));
    expect(state.notes).toBe(200);
    // Within the kept history, a redelivered event is still recognised.
    expect(applyWorkflowEvent(state, events[events.length - WORKFLOW_HISTORY_LIMIT]!)).toBe(state);
  });
});

describe("applyWorkflowEvent: replies", () => {
  const TEXT = "Dziękujemy za opinię! Paczka jest już w drodze.";
  const reply = (seq: number, type: WorkflowEvent["type"], actor: string, payload: NonNullable<WorkflowEvent["reply"]>) => event(seq, type, actor, { reply: payload });
  const post = { operation: "post", channel: "api" } as const;

  it("answers the mention when the reply is sent, by whoever sent it, and keeps the steps in the history", () => {
    const claimed = fold([event(1, "claimed", "ala"), reply(2, "reply-drafted", "ala", { ...post, version: 1, text: TEXT, awaitingApproval: true })])!;
    // A draft waiting for approval: still Ala's, still in the queue.
    expect(claimed).toMatchObject({ status: "claimed", assignee: "ala", reply: { status: "awaiting-approval", text: TEXT } });
    const sent = fold(
      [
        reply(3, "reply-approved", "bartek", { ...post, version: 1 }),
        reply(4, "reply-queued", "bartek", { ...post, version: 1, attempt: 0 }),
        reply(5, "reply-sent", "bartek", { ...post, version: 1, attempt: 0, rule: "dziekujemy-5" }),
      ],
      claimed,
    )!;
    expect(sent).toMatchObject({ status: "answered", assignee: "bartek", answeredAt: event(5, "reply-sent").at, reply: { status: "sent", approvedBy: "bartek", draftedBy: "ala" } });
    expect(sent.history.slice(1).map((entry) => [entry.type, entry.replyVersion, entry.rule])).toEqual([
      ["reply-drafted", 1, undefined],
      ["reply-approved", 1, undefined],
      ["reply-queued", 1, undefined],
      ["reply-sent", 1, "dziekujemy-5"],
    ]);
    expect(workflowStateSchema.safeParse(sent).success).toBe(true);
  });

  it("leaves the mention in the queue while the reply fails, answers it on a retry, reopens it when the reply is deleted", () => {
    const failed = fold([
      reply(1, "reply-queued", "ala", { ...post, version: 1, text: TEXT, attempt: 0 }),
      reply(2, "reply-failed", "ala", { ...post, version: 1, attempt: 0, error: { code: "REPLY_UNAVAILABLE", message: "Sklep nie odpowiada (503)", retryable: true, status: 503 } }),
    ])!;
    expect(failed).toMatchObject({ status: "open", reply: { status: "failed", error: { message: "Sklep nie odpowiada (503)" } } });
    const sent = fold([reply(3, "reply-queued", "ala", { ...post, version: 1, attempt: 1 }), reply(4, "reply-sent", "ala", { ...post, version: 1, attempt: 1 })], failed)!;
    expect(sent).toMatchObject({ status: "answered", assignee: "ala", answeredAt: event(4, "reply-sent").at });
    const deleted = fold(
      [reply(5, "reply-queued", "ala", { version: 1, operation: "delete", channel: "api", attempt: 0 }), reply(6, "reply-sent", "ala", { version: 1, operation: "delete", channel: "api", attempt: 0 })],
      sent,
    )!;
    expect(deleted).toMatchObject({ status: "open", reply: { status: "deleted" } });
    expect(deleted).not.toHaveProperty("assignee");
    expect(deleted).not.toHaveProperty("answeredAt");
  });

  it("answers a mention recorded as answered at the source, and keeps the first answer time through an edit", () => {
    const recorded = fold([reply(1, "reply-recorded", "celina", { version: 1, operation: "post", channel: "manual", text: "Odpisaliśmy na Opineo." })])!;
    expect(recorded).toMatchObject({ status: "answered", assignee: "celina", answeredAt: event(1, "reply-recorded").at, reply: { status: "sent", channel: "manual" } });
    const edited = fold([reply(2, "reply-queued", "ala", { ...post, version: 2, text: TEXT, attempt: 0 }), reply(3, "reply-sent", "ala", { ...post, version: 2, text: TEXT, attempt: 0 })], recorded)!;
    expect(edited).toMatchObject({ status: "answered", assignee: "ala", answeredAt: event(1, "reply-recorded").at, reply: { version: 2, text: TEXT, firstSentBy: "celina" } });
  });

  it("is idempotent for reply steps too: an event seen before changes nothing", () => {
    const events = [reply(1, "reply-queued", "ala", { ...post, version: 1, text: TEXT, attempt: 0 }), reply(2, "reply-sent", "ala", { ...post, version: 1, attempt: 0 })];
    const once = fold(events)!;
    expect(fold([...events, ...events, events[0]!])).toEqual(once);
  });

  it("confirms a sent reply the source shows, once, with an entry in the history", () => {
    const sent = fold([reply(1, "reply-queued", "ala", { ...post, version: 1, text: TEXT, attempt: 0 }), reply(2, "reply-sent", "ala", { ...post, version: 1, attempt: 0 })])!;
    const seenAt = "2026-11-20T12:00:00.000Z";
    const confirmed = confirmReplyAtSource(sent, { text: `${TEXT}\n` }, seenAt)!;
    expect(confirmed).toMatchObject({ status: "answered", updatedAt: seenAt, reply: { status: "confirmed", confirmedAt: seenAt } });
    expect(confirmed.history.at(-1)).toEqual({ eventId: "source:v1:confirmed", type: "reply-confirmed", actor: "source", team: "cx", at: seenAt, replyVersion: 1 });
    expect(confirmReplyAtSource(confirmed, { text: TEXT }, "2026-11-20T13:00:00.000Z")).toBe(confirmed);
    expect(workflowStateSchema.safeParse(confirmed).success).toBe(true);
    // Another text at the source (answered in the store's console), no reply there, nothing sent: nothing changes.
    expect(confirmReplyAtSource(sent, { text: "Inna odpowiedź" }, seenAt)).toBe(sent);
    expect(confirmReplyAtSource(sent, undefined, seenAt)).toBe(sent);
    const claimed = fold([event(1, "claimed", "ala")]);
    expect(confirmReplyAtSource(claimed, { text: TEXT }, seenAt)).toBe(claimed);
    expect(confirmReplyAtSource(undefined, { text: TEXT }, seenAt)).toBeUndefined();
  });
});

describe("workflowConflict", () => {
  const claimedBy = (actor: string) => fold([event(1, "claimed", actor)]);
  const answered = fold([event(1, "claimed", "ala"), event(2, "answered", "ala")]);
  const closed = fold([event(1, "closed", "ala")]);

  it("allows what the queue allows and names the reason for what it refuses", () => {
    expect(workflowConflict(undefined, "claimed", "ala")).toBeUndefined();
    expect(workflowConflict(claimedBy("ala"), "claimed", "ala")).toBeUndefined();
    expect(workflowConflict(claimedBy("ala"), "claimed", "bartek")).toBe("already claimed by ala");
    expect(workflowConflict(answered, "claimed", "bartek")).toBe("already answered; reopen it first");
    expect(workflowConflict(closed, "claimed", "bartek")).toBe("already marked as needing no answer; reopen it first");

    expect(workflowConflict(undefined, "released", "ala")).toBe("not claimed");
    expect(workflowConflict(claimedBy("bartek"), "released", "ala")).toBeUndefined();

    for (const type of ["answered", "closed"] as const) {
      expect(workflowConflict(undefined, type, "ala")).toBeUndefined();
      expect(workflowConflict(claimedBy("ala"), type, "ala")).toBeUndefined();
      expect(workflowConflict(claimedBy("ala"), type, "bartek")).toBe("claimed by ala; they answer it or release it");
      expect(workflowConflict(answered, type, "ala")).toBe("already answered");
      expect(workflowConflict(closed, type, "ala")).toBe("already marked as needing no answer");
    }

    expect(workflowConflict(undefined, "reopened", "ala")).toBe("not answered or closed");
    expect(workflowConflict(claimedBy("ala"), "reopened", "ala")).toBe("not answered or closed");
    expect(workflowConflict(answered, "reopened", "bartek")).toBeUndefined();
    expect(workflowConflict(closed, "reopened", "bartek")).toBeUndefined();

    for (const state of [undefined, claimedBy("ala"), answered, closed]) expect(workflowConflict(state, "noted", "celina")).toBeUndefined();
  });

  it("never leaves a mention stuck: in every state someone may do something (seeded)", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const random = seededRandom(seed);
      let state: WorkflowState | undefined;
      // Only events the API allows: the queue never reaches a state that refuses everything.
      for (let seq = 0; seq < 50; seq++) {
        const allowed = WORKFLOW_EVENT_TYPES.flatMap((type) => ACTORS.filter((actor) => workflowConflict(state, type, actor) === undefined).map((actor) => ({ type, actor })));
        expect(allowed.length, `seed ${seed}`).toBeGreaterThan(0);
        const pick = allowed[Math.floor(random() * allowed.length)]!;
        const next = applyWorkflowEvent(state, event(seq, pick.type, pick.actor, pick.type === "noted" ? { note: "n" } : {}));
        expect(next.history.length, `seed ${seed}`).toBe(Math.min(seq + 1, WORKFLOW_HISTORY_LIMIT));
        state = next;
      }
    }
  });
});
