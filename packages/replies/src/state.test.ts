import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { WORKFLOW_SCHEMA_VERSION, replyStateSchema, type ReplyEventPayload, type ReplyState, type WorkflowEvent } from "@odzew/schema";
import { applyReplyEvent, reconcileSourceReply, sameReplyText } from "./state.ts";

const MENTION = "0123456789abcdef0123456789abcdef";
const PUBLISHED = "2026-11-20T08:00:00.000Z";
const START = Date.parse("2026-11-20T10:00:00.000Z");
const minute = (n: number) => new Date(START + n * 60_000).toISOString();

type ReplyEventType = Extract<WorkflowEvent["type"], `reply-${string}`>;
let sequence = 0;

function replyEvent(type: ReplyEventType, at: number, reply: Partial<ReplyEventPayload> & { version: number }, actor = "ala"): WorkflowEvent {
  sequence += 1;
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    eventId: `e-${sequence}`,
    mentionId: MENTION,
    publishedAt: PUBLISHED,
    team: "obsluga",
    actor,
    type,
    at: minute(at),
    reply: { operation: "post", channel: "api", ...reply },
  };
}

const fold = (events: WorkflowEvent[], state?: ReplyState) =>
  events.reduce<ReplyState | undefined>((current, event) => applyReplyEvent(current, event, PUBLISHED), state);

const TEXT = "Dziękujemy za opinię, Pani Anno! Przesyłka wyszła dziś.";

describe("applyReplyEvent: a reply's way as an agent sees it", () => {
  it("goes draft → queued → sent → confirmed, recording who did what and the time to first reply", () => {
    const drafted = fold([replyEvent("reply-drafted", 0, { version: 1, text: TEXT, template: "dziekujemy" })])!;
    expect(drafted).toEqual({ version: 1, status: "draft", operation: "post", channel: "api", text: TEXT, draftedBy: "ala", draftedAt: minute(0), failures: 0, template: "dziekujemy" });
    const queued = fold([replyEvent("reply-queued", 1, { version: 1, text: TEXT, idempotencyKey: `${MENTION}:v1:post`, attempt: 0 })], drafted)!;
    expect(queued).toMatchObject({ status: "queued", sentBy: "ala", idempotencyKey: `${MENTION}:v1:post`, attempt: 0 });
    const sent = fold([replyEvent("reply-sent", 3, { version: 1, text: TEXT, storeReplyId: "r-77", attempt: 0 })], queued)!;
    expect(sent).toMatchObject({
      status: "sent",
      sentAt: minute(3),
      storeReplyId: "r-77",
      firstSentAt: minute(3),
      firstSentBy: "ala",
      // Published at 08:00, first reply at 10:03.
      firstReplySeconds: 2 * 3600 + 3 * 60,
      draftedBy: "ala",
      template: "dziekujemy",
    });
    const confirmed = fold([replyEvent("reply-confirmed", 90, { version: 1 }, "collector")], sent)!;
    expect(confirmed).toMatchObject({ status: "confirmed", confirmedAt: minute(90), sentAt: minute(3), firstSentBy: "ala" });
  });

  it("waits for approval, then is on its way once a second person approves", () => {
    const awaiting = fold([replyEvent("reply-drafted", 0, { version: 1, text: TEXT, awaitingApproval: true }, "ala")])!;
    expect(awaiting.status).toBe("awaiting-approval");
    const approved = fold([replyEvent("reply-approved", 5, { version: 1 }, "bartek")], awaiting)!;
    expect(approved).toMatchObject({ status: "queued", approvedBy: "bartek", approvedAt: minute(5), draftedBy: "ala" });
    const sent = fold([replyEvent("reply-queued", 5, { version: 1, attempt: 0 }, "bartek"), replyEvent("reply-sent", 6, { version: 1, attempt: 0 }, "bartek")], approved)!;
    expect(sent).toMatchObject({ status: "sent", approvedBy: "bartek", sentBy: "bartek", draftedBy: "ala", text: TEXT });
  });

  it("shows a failure with the store's words, counts it, and lets a retry through", () => {
    const error = { code: "REPLY_REJECTED", message: "Google Play: the reply is longer than 350 characters", retryable: false, status: 400 };
    const failed = fold([
      replyEvent("reply-queued", 0, { version: 1, text: TEXT, attempt: 0 }),
      replyEvent("reply-failed", 1, { version: 1, error, attempt: 0 }, "ala"),
    ])!;
    expect(failed).toMatchObject({ status: "failed", error, failures: 1 });
    const retried = fold([replyEvent("reply-queued", 10, { version: 1, attempt: 1 }, "bartek")], failed)!;
    expect(retried).toMatchObject({ status: "queued", attempt: 1, failures: 1, sentBy: "bartek" });
    expect(retried).not.toHaveProperty("error");
    const sent = fold([replyEvent("reply-sent", 11, { version: 1, attempt: 1 }, "bartek")], retried)!;
    expect(sent).toMatchObject({ status: "sent", failures: 1 });
    // A late failure of the first attempt, or a failure after the store accepted the same attempt, changes nothing.
    expect(fold([replyEvent("reply-failed", 12, { version: 1, error, attempt: 0 })], sent)).toBe(sent);
    expect(fold([replyEvent("reply-failed", 12, { version: 1, error, attempt: 1 })], sent)).toBe(sent);
    // A late first attempt's failure after the retry was queued does not undo the retry either.
    expect(fold([replyEvent("reply-failed", 12, { version: 1, error, attempt: 0 })], retried)).toBe(retried);
  });

  it("marks a deleted reply deleted, keeping its text and the first reply time", () => {
    const sent = fold([replyEvent("reply-queued", 0, { version: 1, text: TEXT, attempt: 0 }), replyEvent("reply-sent", 1, { version: 1, text: TEXT, attempt: 0 })])!;
    const deleted = fold(
      [replyEvent("reply-queued", 30, { version: 1, operation: "delete", attempt: 0 }, "bartek"), replyEvent("reply-sent", 31, { version: 1, operation: "delete", attempt: 0 }, "bartek")],
      sent,
    )!;
    expect(deleted).toMatchObject({ status: "deleted", operation: "delete", text: TEXT, sentBy: "bartek", sentAt: minute(31), firstSentAt: minute(1), firstSentBy: "ala" });
    // The post's own late events no longer matter.
    expect(fold([replyEvent("reply-confirmed", 40, { version: 1 })], deleted)).toBe(deleted);
  });

  it("records a reply written at the source by hand as sent through the manual channel", () => {
    const recorded = fold([replyEvent("reply-recorded", 4, { version: 1, text: "Odpowiedzieliśmy na Ceneo.", channel: "manual" }, "celina")])!;
    expect(recorded).toMatchObject({ status: "sent", channel: "manual", sentBy: "celina", firstSentBy: "celina", firstSentAt: minute(4), text: "Odpowiedzieliśmy na Ceneo." });
    expect(replyStateSchema.safeParse(recorded).success).toBe(true);
  });

  it("lets an edit (a newer version) replace the text, and never rolls back to the older one", () => {
    const first = fold([replyEvent("reply-queued", 0, { version: 1, text: "Stara", attempt: 0 }), replyEvent("reply-sent", 1, { version: 1, text: "Stara", attempt: 0 })])!;
    const edited = fold([replyEvent("reply-drafted", 20, { version: 2, text: "Nowa" }, "bartek")], first)!;
    expect(edited).toMatchObject({ version: 2, status: "draft", text: "Nowa", draftedBy: "bartek", failures: 0, firstSentAt: minute(1), firstSentBy: "ala" });
    expect(edited).not.toHaveProperty("sentAt");
    // Late events of version 1 (a redelivered confirmation) leave version 2 alone.
    expect(fold([replyEvent("reply-confirmed", 25, { version: 1 })], edited)).toBe(edited);
  });

  it("still counts a late older version's sending when it reached the customer earlier", () => {
    // Version 2's sending arrives first, version 1's (sent earlier, by Ala) after it.
    const state = fold([replyEvent("reply-sent", 10, { version: 2, text: "Nowa" }, "bartek"), replyEvent("reply-sent", 2, { version: 1, text: "Stara" }, "ala")])!;
    expect(state).toMatchObject({ version: 2, text: "Nowa", status: "sent", sentBy: "bartek", firstSentAt: minute(2), firstSentBy: "ala" });
  });

  it("starts from whatever event of a version it sees first (a sent whose queued never arrived)", () => {
    const state = fold([replyEvent("reply-sent", 3, { version: 4, text: TEXT, storeReplyId: "x", rule: "dziekujemy-5" }, "rule:dziekujemy-5")])!;
    expect(state).toMatchObject({ version: 4, status: "sent", text: TEXT, rule: "dziekujemy-5", draftedBy: "rule:dziekujemy-5", firstSentBy: "rule:dziekujemy-5" });
    expect(replyStateSchema.safeParse(state).success).toBe(true);
  });

  it("ignores events that are not reply steps", () => {
    const state = fold([replyEvent("reply-drafted", 0, { version: 1, text: TEXT })])!;
    const claimed: WorkflowEvent = { ...replyEvent("reply-drafted", 1, { version: 9 }), type: "claimed" };
    expect(applyReplyEvent(state, claimed, PUBLISHED)).toBe(state);
    const { reply: _reply, ...noPayload } = replyEvent("reply-sent", 2, { version: 9 });
    expect(applyReplyEvent(state, noPayload, PUBLISHED)).toBe(state);
  });
});

/** One version's events as the API and the responder write them, in their order, on a random path. */
function versionLife(random: () => number, version: number, startMinute: number): WorkflowEvent[] {
  const pick = <T,>(values: T[]) => values[Math.floor(random() * values.length)]!;
  const actor = pick(["ala", "bartek", "celina", "rule:dziekujemy-5"]);
  const text = `Odpowiedź ${version}`;
  let at = startMinute;
  const next = () => (at += 1 + Math.floor(random() * 30));
  const events: WorkflowEvent[] = [];
  if (random() < 0.15) return [replyEvent("reply-recorded", next(), { version, text, channel: "manual" }, actor)];
  const approval = random() < 0.3;
  events.push(replyEvent("reply-drafted", next(), { version, text, ...(approval ? { awaitingApproval: true } : {}) }, actor));
  if (random() < 0.15) return [...events, replyEvent("reply-discarded", next(), { version }, actor)];
  if (approval) events.push(replyEvent("reply-approved", next(), { version }, "dorota"));
  for (let attempt = 0; attempt < 4; attempt++) {
    events.push(replyEvent("reply-queued", next(), { version, text, attempt }, actor));
    if (random() < 0.35) {
      events.push(replyEvent("reply-failed", next(), { version, attempt, error: { code: "REPLY_UNAVAILABLE", message: "503", retryable: true } }, actor));
      if (random() < 0.3) return events;
      continue;
    }
    events.push(replyEvent("reply-sent", next(), { version, text, attempt, storeReplyId: `s-${version}` }, actor));
    if (random() < 0.4) events.push(replyEvent("reply-confirmed", next(), { version }, "collector"));
    else if (random() < 0.3) {
      events.push(replyEvent("reply-queued", next(), { version, operation: "delete", attempt: 0 }, actor));
      events.push(replyEvent("reply-sent", next(), { version, operation: "delete", attempt: 0 }, actor));
    }
    return events;
  }
  return events;
}

/** Merge two ordered lists at random, each keeping its own order (Kafka keeps a mention's order; two writers interleave). */
function interleave<T>(random: () => number, a: T[], b: T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && random() < 0.5)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

function firstSendingOf(events: WorkflowEvent[]): Pick<ReplyState, "firstSentAt" | "firstSentBy" | "firstReplySeconds"> {
  const sendings = events
    .filter((event) => (event.type === "reply-sent" || event.type === "reply-recorded") && event.reply?.operation === "post")
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : 0));
  const first = sendings[0];
  if (!first) return {};
  return { firstSentAt: first.at, firstSentBy: first.actor, firstReplySeconds: Math.round((Date.parse(first.at) - Date.parse(PUBLISHED)) / 1000) };
}

const withoutFirst = (state: ReplyState | undefined) => {
  if (!state) return state;
  const { firstSentAt: _a, firstSentBy: _b, firstReplySeconds: _c, ...rest } = state;
  return rest;
};

describe("applyReplyEvent: properties (seeded)", () => {
  it("any interleaving of two versions' events ends in the newer version's state, first reply from the earliest sending", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = seededRandom(seed);
      const older = versionLife(random, 1, Math.floor(random() * 100));
      const newer = versionLife(random, 2, Math.floor(random() * 100));
      const events = interleave(random, older, newer);
      const state = fold(events);
      expect(withoutFirst(state), `seed ${seed}`).toEqual(withoutFirst(fold(newer)));
      const first = firstSendingOf(events);
      expect(state?.firstSentAt, `seed ${seed}`).toBe(first.firstSentAt);
      expect(state?.firstSentBy, `seed ${seed}`).toBe(first.firstSentBy);
      expect(state?.firstReplySeconds, `seed ${seed}`).toBe(first.firstReplySeconds);
      expect(replyStateSchema.safeParse(state).success, `seed ${seed}`).toBe(true);
    }
  });

  it("is idempotent: an event delivered again, at once or after later ones, changes nothing", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = seededRandom(seed);
      const events = interleave(random, versionLife(random, 1, 0), versionLife(random, 2, Math.floor(random() * 60)));
      const once = fold(events);
      // The same event twice in a row is the same event once.
      let state: ReplyState | undefined;
      for (const event of events) {
        state = applyReplyEvent(state, event, PUBLISHED);
        expect(applyReplyEvent(state, event, PUBLISHED), `seed ${seed}`).toEqual(state);
      }
      // Redelivery as Kafka does it: a chunk from an earlier offset comes again.
      const redelivered: WorkflowEvent[] = [];
      for (let at = 0; at < events.length; at++) {
        redelivered.push(events[at]!);
        if (random() < 0.25) redelivered.push(...events.slice(Math.floor(random() * (at + 1)), at + 1));
      }
      expect(fold(redelivered), `seed ${seed}`).toEqual(once);
      // And the state survives the engine's JSON round trip.
      expect(replyStateSchema.parse(JSON.parse(JSON.stringify(once ?? null)) ?? undefined), `seed ${seed}`).toEqual(once);
    }
  });
});

describe("sameReplyText", () => {
  it("sees the same reply through what stores do to a text", () => {
    expect(sameReplyText("Dziękujemy!\nZapraszamy ponownie.", "  Dziękujemy! Zapraszamy   ponownie. ")).toBe(true);
    expect(sameReplyText("Dziękujemy!\r\n\r\nZapraszamy.", "Dziękujemy!<br><br/>Zapraszamy.")).toBe(true);
    expect(sameReplyText("<p>Dzięki</p><p>Do zobaczenia</p>", "Dzięki\n\nDo zobaczenia")).toBe(true);
    expect(sameReplyText("Tom & Jerry's", "Tom &amp; Jerry&#39;s")).toBe(true);
    expect(sameReplyText("Zapraszamy ponownie!", "<b>Zapraszamy</b> ponownie!\u200b")).toBe(true);
    // "ż" composed vs "z" + combining dot above (NFD), and a no-break space.
    expect(sameReplyText("Dziękujemy, że Pan napisał", "Dziękujemy,\u00a0z\u0307e Pan napisał")).toBe(true);
  });

  it("never takes a different text for the same reply", () => {
    expect(sameReplyText("Dziękujemy za opinię.", "Dziękujemy za opinię")).toBe(false);
    expect(sameReplyText("Dziękujemy za opinię.", "dziękujemy za opinię.")).toBe(false);
    expect(sameReplyText("Zwrot przyjęty.", "Zwrot nieprzyjęty.")).toBe(false);
    expect(sameReplyText("Dziękujemy za opinię. Zapraszamy ponownie.", "Dziękujemy za opinię.")).toBe(false);
    expect(sameReplyText("", "")).toBe(false);
    expect(sameReplyText(" \n", "")).toBe(false);
  });
});

describe("reconcileSourceReply", () => {
  const sent = fold([replyEvent("reply-queued", 0, { version: 1, text: TEXT, attempt: 0 }), replyEvent("reply-sent", 2, { version: 1, text: TEXT, attempt: 0 })])!;

  it("confirms a sent reply the source now shows", () => {
    expect(reconcileSourceReply(sent, { text: `${TEXT}\n`, publishedAt: minute(2) }, minute(60))).toEqual({ ...sent, status: "confirmed", confirmedAt: minute(60) });
  });

  it("never dates a confirmation before the sending (the collector read the page while the responder was recording it)", () => {
    expect(reconcileSourceReply(sent, { text: TEXT }, minute(1))).toMatchObject({ status: "confirmed", confirmedAt: minute(2) });
  });

  it("leaves the state alone otherwise", () => {
    // The source shows a reply Odzew did not send (someone answered in the store's console).
    expect(reconcileSourceReply(sent, { text: "Inna odpowiedź z konsoli" }, minute(60))).toBe(sent);
    expect(reconcileSourceReply(sent, undefined, minute(60))).toBe(sent);
    expect(reconcileSourceReply(undefined, { text: TEXT }, minute(60))).toBeUndefined();
    const queued = fold([replyEvent("reply-queued", 0, { version: 1, text: TEXT, attempt: 0 })])!;
    expect(reconcileSourceReply(queued, { text: TEXT }, minute(60))).toBe(queued);
    const confirmed = reconcileSourceReply(sent, { text: TEXT }, minute(60))!;
    expect(reconcileSourceReply(confirmed, { text: TEXT }, minute(120))).toBe(confirmed);
  });
});
