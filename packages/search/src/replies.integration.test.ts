import { test as base, describe, expect } from "vitest";
import { WORKFLOW_SCHEMA_VERSION, teamSchema, type EnrichedMention, type ReplyEventPayload, type TeamConfig, type WorkflowEvent, type WorkflowState } from "@odzew/schema";
import { createTestStore, sampleEnrichedMention, stackEnv, startEngineProxy, testLogger, uniquePrefix, waitFor, type TestStore } from "@odzew/testing";
import { connectEngine } from "./engine.ts";
import { MentionStore } from "./store.ts";
import { prefixSlug } from "@odzew/testing/fixtures";
import { indexTemplate } from "./mappings.ts";
import { TeamSearch } from "./team-search.ts";

/**
 * The reply's index side on the real engine: the fold written by the store, confirmation at the
 * source from both directions (a collected review carrying the reply, a reply-sent arriving after
 * the collector saw it), the queue, the reply measures, and the mapping reaching an older index.
 */
const teams: TeamConfig[] = [
  teamSchema.parse({
    id: "obsluga",
    name: "Obsługa klienta",
    keys: [{ env: "UNUSED" }],
    slice: { brands: ["zuraw"] },
    view: "full",
    actions: ["workflow", "reply"],
    replies: { slaHours: 24 },
  }),
];
const team = teams[0]!;

const test = base.extend<{ search: TestStore }>({
  search: async ({ task }, use) => {
    const search = await createTestStore(uniquePrefix(prefixSlug(task.name)), teams);
    try {
      await use(search);
    } finally {
      await search.cleanup();
    }
  },
});

const hoursAfter = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

function review(nativeId: string, sourceId: string, publishedAt: string, overrides: Partial<EnrichedMention> = {}): EnrichedMention {
  return sampleEnrichedMention({
    nativeId,
    sourceId,
    publishedAt,
    collectedAt: hoursAfter(publishedAt, 1),
    enrichedAt: hoursAfter(publishedAt, 1.01),
    brands: [{ id: "zuraw", via: "source" }],
    ...overrides,
  });
}

let sequence = 0;
function replyEvent(mention: EnrichedMention, type: WorkflowEvent["type"], actor: string, at: string, reply: Partial<ReplyEventPayload> & { version: number }): WorkflowEvent {
  sequence += 1;
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    eventId: `reply-it-${sequence}`,
    mentionId: mention.id,
    publishedAt: mention.publishedAt,
    team: team.id,
    actor,
    type,
    at,
    reply: { operation: "post", channel: "api", ...reply },
  };
}

/** The events of a reply the responder sent: queued, then sent `hours` after publication. */
function sent(mention: EnrichedMention, actor: string, hours: number, text: string, version = 1): WorkflowEvent[] {
  const at = hoursAfter(mention.publishedAt, hours);
  return [
    replyEvent(mention, "reply-queued", actor, hoursAfter(at, -0.01), { version, text, attempt: 0 }),
    replyEvent(mention, "reply-sent", actor, at, { version, text, attempt: 0, storeReplyId: `r-${mention.nativeId}` }),
  ];
}

async function workflowOf(search: TestStore, mention: EnrichedMention): Promise<WorkflowState | undefined> {
  const doc = await search.store.engine.request<{ _source: { workflow?: WorkflowState } }>("GET", `/${search.store.names.indexFor(mention.publishedAt)}/_doc/${mention.id}`);
  return doc._source.workflow;
}

async function applied(search: TestStore, events: WorkflowEvent[]): Promise<void> {
  const outcome = await search.store.applyWorkflow(events);
  expect(outcome.rejected).toEqual([]);
  expect(outcome.retryable).toEqual([]);
}

const TEXT = "Dziękujemy za opinię, Pani Anno!\nPaczka wyszła dziś rano.";

describe("replies in the index", () => {
  test("a sent reply answers the mention and leaves the queue; the review collected with it confirms it", async ({ search }) => {
    const mention = review("conf-1", "sklep-a", "2026-11-20T10:00:00.000Z");
    expect((await search.store.upsert([mention])).indexed).toEqual([mention.id]);
    const queue = new TeamSearch(search.store.engine, search.store.names);
    await search.store.refresh();
    expect((await queue.queue(team, {}, { size: 20 })).items.map((item) => item.id)).toEqual([mention.id]);

    await applied(search, sent(mention, "ala", 3, TEXT));
    expect(await workflowOf(search, mention)).toMatchObject({
      status: "answered",
      assignee: "ala",
      answeredAt: hoursAfter(mention.publishedAt, 3),
      reply: { status: "sent", text: TEXT, firstReplySeconds: 3 * 3600, firstSentBy: "ala" },
    });
    await search.store.refresh();
    expect((await queue.queue(team, {}, { size: 20 })).items).toEqual([]);

    // The collector reads the review again: the shop shows the reply (its line break as a <br>).
    const collected = { ...mention, collectedAt: hoursAfter(mention.publishedAt, 6), reply: { text: "Dziękujemy za opinię, Pani Anno!<br>Paczka wyszła dziś rano.", author: "Sklep Żuraw" } };
    expect((await search.store.upsert([collected])).indexed).toEqual([mention.id]);
    const confirmed = await workflowOf(search, mention);
    expect(confirmed).toMatchObject({ status: "answered", reply: { status: "confirmed", confirmedAt: collected.collectedAt, sentAt: hoursAfter(mention.publishedAt, 3) } });
    expect(confirmed?.history.map((entry) => entry.type)).toEqual(["reply-queued", "reply-sent", "reply-confirmed"]);

    // Redelivered events change nothing: still confirmed, the history as it was.
    await applied(search, sent(mention, "ala", 3, TEXT).map((event, index) => ({ ...event, eventId: confirmed!.history[index]!.eventId })));
    expect(await workflowOf(search, mention)).toEqual(confirmed);
  });

  test("a reply-sent arriving after the collector already saw the reply confirms at once; another text does not", async ({ search }) => {
    // The store took the reply but answered 503; the collector saw it before the responder recorded it as sent.
    const seen = review("late-1", "sklep-a", "2026-11-21T10:00:00.000Z", { reply: { text: `  ${TEXT}  ` } });
    const other = review("late-2", "sklep-a", "2026-11-21T11:00:00.000Z", { reply: { text: "Odpowiedź wpisana w panelu sklepu." } });
    await search.store.upsert([seen, other]);
    await applied(search, [...sent(seen, "bartek", 2, TEXT), ...sent(other, "bartek", 2, TEXT)]);
    expect(await workflowOf(search, seen)).toMatchObject({ status: "answered", reply: { status: "confirmed", confirmedAt: hoursAfter(seen.publishedAt, 2) } });
    expect(await workflowOf(search, other)).toMatchObject({ status: "answered", reply: { status: "sent" } });
  });

  test("a new version of the mention written between the workflow's read and write is not overwritten: the events are folded again", async ({ search }) => {
    const mention = review("race-1", "sklep-a", "2026-11-24T10:00:00.000Z");
    await search.store.upsert([mention]);
    // The indexer's workflow side talks to the engine through a proxy that holds its next bulk write back.
    const proxy = await startEngineProxy(stackEnv().search.url);
    const engine = await connectEngine({ ...stackEnv().search, url: proxy.url });
    try {
      const workflowSide = new MentionStore(engine, search.store.names.prefix, testLogger("replies-race"));
      proxy.inject({ kind: "slow", delayMs: 3_000 });
      const events = sent(mention, "ala", 2, TEXT);
      const first = workflowSide.applyWorkflow(events);
      await waitFor("the workflow write to reach the proxy", () => proxy.stats.bulkRequests === 1);
      // Meanwhile the collector's new version, showing the reply, is written.
      const collected = { ...mention, collectedAt: hoursAfter(mention.publishedAt, 3), reply: { text: TEXT } };
      expect((await search.store.upsert([collected])).indexed).toEqual([mention.id]);
      const outcome = await first;
      expect(outcome.retryable.map((failure) => [failure.id, failure.status])).toEqual([[mention.id, 409]]);
      expect(await workflowOf(search, mention)).toBeUndefined();
      // The indexer writes the refused events again: folded from the new document, the reply is confirmed.
      expect((await workflowSide.applyWorkflow(events)).indexed).toEqual([mention.id]);
      expect(await workflowOf(search, mention)).toMatchObject({ status: "answered", reply: { status: "confirmed", confirmedAt: hoursAfter(mention.publishedAt, 3) } });
    } finally {
      await engine.close();
      await proxy.close();
    }
  });

  test("events before their mention leave a stub the mention fills in, confirming a reply it shows", async ({ search }) => {
    const mention = review("stub-1", "sklep-a", "2026-11-22T10:00:00.000Z", { reply: { text: TEXT } });
    await applied(search, sent(mention, "ala", 1, TEXT));
    expect(await workflowOf(search, mention)).toMatchObject({ reply: { status: "sent" } });
    await search.store.upsert([mention]);
    expect(await workflowOf(search, mention)).toMatchObject({ status: "answered", reply: { status: "confirmed" } });
  });

  test("measures time to first reply, the SLA and what waits, per source and per agent", async ({ search }) => {
    const day = (d: number, hour = 10) => `2026-11-${String(d).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00.000Z`;
    const shopA = (nativeId: string, d: number) => review(nativeId, "sklep-a", day(d));
    const shopB = (nativeId: string, d: number) => review(nativeId, "sklep-b", day(d, 12), { source: { id: "sklep-b", type: "opineo" } });
    const [a1, a2, a3, a4, a5, a6, a7] = [shopA("a1", 2), shopA("a2", 3), shopA("a3", 4), shopA("a4", 5), shopA("a5", 6), shopA("a6", 7), shopA("a7", 8)];
    const [b1, b2, b3, b4] = [shopB("b1", 2), shopB("b2", 10), shopB("b3", 11), shopB("b4", 28)];
    const b = [b1, b2, b3, b4];
    const answeredThere = { ...a6, reply: { text: "Odpowiedź z panelu sklepu." } };
    // Outside the measures: another brand (not this team's slice), and a review of October.
    const foreign = review("f1", "sklep-a", day(9), { brands: [{ id: "orlen", via: "source" }] });
    const october = review("o1", "sklep-a", "2026-10-20T10:00:00.000Z");
    await search.store.upsert([a1, a2, a3, a4, a5, answeredThere, a7, ...b, foreign, october]);

    await applied(search, [
      ...sent(a1, "ala", 2, "Dziękujemy!"),
      ...sent(a2, "ala", 4, "Dziękujemy za opinię."),
      // Ala edits her reply the next day: a new draft, the mention still answered since day one.
      replyEvent(a2, "reply-drafted", "ala", hoursAfter(a2.publishedAt, 30), { version: 2, text: "Dziękujemy za opinię, poprawiamy dostawy." }),
      // Bartek answered on the shop's page by hand, 30 hours after publication: past the SLA.
      replyEvent(a3, "reply-recorded", "bartek", hoursAfter(a3.publishedAt, 30), { version: 1, channel: "manual", text: "Odpowiedzieliśmy w sklepie." }),
      replyEvent(a4, "reply-drafted", "bartek", hoursAfter(a4.publishedAt, 1), { version: 1, text: "Przepraszamy.", awaitingApproval: true }),
      replyEvent(a5, "reply-queued", "ala", hoursAfter(a5.publishedAt, 1), { version: 1, text: "Przepraszamy.", attempt: 0 }),
      replyEvent(a5, "reply-failed", "ala", hoursAfter(a5.publishedAt, 1.1), { version: 1, attempt: 0, error: { code: "REPLY_REJECTED", message: "za długa", retryable: false, status: 400 } }),
      ...sent(a7, "ala", 20, "Dziękujemy, zapraszamy ponownie."),
      ...sent(b1, "rule:dziekujemy-5", 1, "Dziękujemy za 5 gwiazdek!"),
      replyEvent(b2, "reply-drafted", "celina", hoursAfter(b2.publishedAt, 1), { version: 1, text: "Szkic." }),
      replyEvent(b3, "reply-queued", "celina", hoursAfter(b3.publishedAt, 1), { version: 1, text: "W drodze.", attempt: 0 }),
      ...sent(foreign, "ala", 1, "Nie nasza marka."),
      ...sent(october, "ala", 1, "Październik."),
    ]);
    // The review collected again shows the rule's reply: confirmed, still counted once as answered.
    await search.store.upsert([{ ...b1, collectedAt: hoursAfter(b1.publishedAt, 5), reply: { text: "Dziękujemy za 5 gwiazdek!" } }]);
    await search.store.refresh();

    const measures = await search.store.replyMeasures(team, { from: "2026-11-01T00:00:00.000Z", to: "2026-11-30T23:59:59.999Z" }, new Date("2026-11-29T00:00:00.000Z"));
    // First replies (hours): a1 2, a2 4, a3 30, a7 20, b1 1 (sklep-a's median: between 4 and 20, 12). Due: answered, or
    // published before 28 Nov 00:00 (b4 is not yet).
    expect(measures.totals).toEqual({
      reviews: 11,
      answered: 5,
      withinSla: 4,
      due: 10,
      withinSlaShare: 0.4,
      answeredElsewhere: 1,
      p50Hours: 4,
      p90Hours: 30,
      waiting: { drafts: 2, awaitingApproval: 1, queued: 1, failed: 1 },
    });
    expect(measures.sources).toEqual([
      { source: "sklep-a", reviews: 7, answered: 4, withinSla: 3, due: 7, withinSlaShare: 0.429, answeredElsewhere: 1, p50Hours: 12, p90Hours: 30 },
      { source: "sklep-b", reviews: 4, answered: 1, withinSla: 1, due: 3, withinSlaShare: 0.333, answeredElsewhere: 0, p50Hours: 1, p90Hours: 1 },
    ]);
    expect(measures.agents).toEqual([
      { agent: "ala", replies: 3, withinSla: 3, p50Hours: 4 },
      { agent: "bartek", replies: 1, withinSla: 0, p50Hours: 30 },
      { agent: "rule:dziekujemy-5", replies: 1, withinSla: 1, p50Hours: 1 },
    ]);
  });

  test("an index made before replies existed gets the reply fields at the next setup", async ({ search }) => {
    const { store } = search;
    // The template as it was before this change: no workflow.reply.
    const template = JSON.parse(JSON.stringify(indexTemplate(store.names, teams, "none", { replicas: 0 }))) as {
      template: { mappings: { properties: { workflow: { properties: Record<string, unknown> } } } };
    };
    delete template.template.mappings.properties.workflow.properties.reply;
    await store.engine.request("PUT", `/_index_template/${store.names.template}`, template);
    const mention = review("old-1", "sklep-a", "2026-11-23T10:00:00.000Z");
    await store.upsert([mention]);
    const mapping = async () => {
      const response = await store.engine.request<Record<string, { mappings: { properties: { workflow: { properties: Record<string, unknown> } } } }>>("GET", `/${store.names.indexFor(mention.publishedAt)}/_mapping`);
      return Object.values(response)[0]!.mappings.properties.workflow.properties;
    };
    expect(await mapping()).not.toHaveProperty("reply");
    await store.setup({ teams });
    expect(await mapping()).toHaveProperty("reply");
    await applied(search, sent(mention, "ala", 2, TEXT));
    expect(await workflowOf(search, mention)).toMatchObject({ reply: { status: "sent" } });
  });
});
