import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it as base } from "vitest";
import { publish } from "@odzew/kafka";
import { pseudonymiseAuthor } from "@odzew/nlp";
import { WORKFLOW_SCHEMA_VERSION, teamSchema, type EnrichedMention, type WorkflowEvent } from "@odzew/schema";
import {
  createTestPipeline,
  createTestStore,
  readTopic,
  runService,
  runTs,
  sampleEnrichedMention,
  stackEnv,
  waitFor,
  type RunningProcess,
  type TestPipeline,
} from "@odzew/testing";

const AUTHOR_KEY = "rebuild-test-author-key-0123456789";
const ERASED = "Bożena Świątek";
const teams = [teamSchema.parse({ id: "service", name: "Obsługa", keys: [{ env: "UNUSED" }], slice: { brands: ["zuraw"] }, view: "full", actions: ["workflow"] })];

function mention(index: number): EnrichedMention {
  const name = index % 50 === 7 ? ERASED : `Klient ${index}`;
  return sampleEnrichedMention({
    nativeId: `r-${index}`,
    author: { name },
    authorPseudonym: pseudonymiseAuthor(name, AUTHOR_KEY),
    text: `Opinia numer ${index}: ${index % 2 ? "dostawa spóźniona" : "wszystko w porządku"}.`,
    publishedAt: new Date(Date.UTC(2026, index % 11, 1 + (index % 27), 12)).toISOString(),
    sentiment: { label: index % 2 ? "negative" : "positive", score: index % 2 ? -0.5 : 0.5, model: "lexicon" },
  });
}

function event(target: EnrichedMention, type: WorkflowEvent["type"], actor: string, at: string, note?: string): WorkflowEvent {
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    eventId: `${target.id}-${type}-${at}`,
    mentionId: target.id,
    publishedAt: target.publishedAt,
    team: "service",
    actor,
    type,
    at,
    ...(note ? { note } : {}),
  };
}

const mentions = Array.from({ length: 200 }, (_, index) => mention(index));
const erasedIds = mentions.filter((entry) => entry.author?.name === ERASED).map((entry) => entry.id);

/** One test's world: its own topics (one partition: the order published is the order indexed), index, teams file and running indexer. */
interface World {
  pipeline: TestPipeline;
  store: Awaited<ReturnType<typeof createTestStore>>;
  env: NodeJS.ProcessEnv;
}

const it = base.extend<{ world: World }>({
  // eslint-disable-next-line no-empty-pattern
  world: async ({}, use) => {
    const pipeline = await createTestPipeline("rebuild", 1);
    const store = await createTestStore(pipeline.prefix, teams);
    const dir = await mkdtemp(join(tmpdir(), "odzew-rebuild-"));
    const teamsFile = join(dir, "teams.yaml");
    await writeFile(teamsFile, "teams:\n  - id: service\n    name: Obsługa\n    keys: [{ env: UNUSED }]\n    slice: { brands: [zuraw] }\n    view: full\n    actions: [workflow]\n");
    const env: NodeJS.ProcessEnv = {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      SEARCH_URL: stackEnv().search.url,
      ODZEW_TOPIC_PREFIX: pipeline.prefix,
      ODZEW_INDEX_PREFIX: pipeline.prefix,
      ODZEW_TEAMS_FILE: teamsFile,
      INDEXER_GROUP_ID: `${pipeline.prefix}-indexer`,
      ODZEW_AUTHOR_KEY: AUTHOR_KEY,
    };
    const indexer: RunningProcess = runService("indexer", env);
    try {
      await use({ pipeline, store, env });
    } finally {
      await indexer.stop();
      await store.cleanup();
      await pipeline.cleanup();
    }
  },
});

/** Every document of the index, by id, as stored. */
const snapshot = async ({ store }: World) => {
  await store.store.refresh();
  const response = await store.engine.request<{ hits: { hits: { _id: string; _source: Record<string, unknown> }[] } }>(
    "POST",
    `/${store.store.names.pattern}/_search`,
    { size: 1_000, sort: [{ id: "asc" }] },
  );
  return response.hits.hits.map((hit) => hit._source);
};

/** The mentions (and workflow events) published and indexed by the running indexer. */
async function publishAndIndex(world: World, events: WorkflowEvent[] = []) {
  await publish(world.pipeline.producer, world.pipeline.topics.mentionsEnriched, mentions.map((value) => ({ key: value.id, value })));
  if (events.length > 0) await publish(world.pipeline.producer, world.pipeline.topics.workflowEvents, events.map((value) => ({ key: value.mentionId, value })));
  const statusesOf = (docs: Record<string, unknown>[]) => docs.map((doc) => (doc.workflow as { status?: string } | undefined)?.status).filter(Boolean);
  const wanted = [...new Set(events.filter((entry) => ["answered", "closed"].includes(entry.type)).map((entry) => entry.type))];
  return waitFor("the indexer to index everything and apply the workflow", async () => {
    const docs = await snapshot(world);
    const statuses = statusesOf(docs);
    // Every mention whole: a workflow event that came first leaves a stub until its mention arrives.
    const whole = docs.every((doc) => typeof doc.text === "string");
    return whole && docs.length === mentions.length && statuses.length === wanted.length && wanted.every((status) => statuses.includes(status)) ? docs : undefined;
  }, { timeoutMs: 90_000 });
}

/**
 * `odzew reindex` and `odzew erase` as a user runs them, with the real indexer running as a
 * process: the index is a projection of the topics and can be dropped and rebuilt exactly,
 * workflow included; an erased author is gone from the index and stays gone.
 */
describe("rebuilding the index from the topics, and erasing an author", () => {
  it("rebuilds exactly the index it dropped, the service workflow included", async ({ world }) => {
    const [a, b] = [mentions[1]!, mentions[3]!];
    const events = [
      event(a, "claimed", "ola@zuraw.pl", "2026-11-20T10:00:00.000Z"),
      event(a, "noted", "ola@zuraw.pl", "2026-11-20T10:05:00.000Z", "Klientka oddzwoni."),
      event(a, "answered", "ola@zuraw.pl", "2026-11-20T10:30:00.000Z"),
      event(b, "claimed", "jan@zuraw.pl", "2026-11-21T09:00:00.000Z"),
      event(b, "released", "jan@zuraw.pl", "2026-11-21T09:10:00.000Z"),
      event(b, "closed", "ola@zuraw.pl", "2026-11-21T11:00:00.000Z"),
    ];
    const before = await publishAndIndex(world, events);

    const run = runTs("services/cli/src/index.ts", ["reindex"], world.env);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stdout()).toContain(`reindexed ${mentions.length} mentions and ${events.length} workflow events`);
    const after = await snapshot(world);
    expect(after).toEqual(before);
    const answered = after.find((doc) => doc.id === a.id)!.workflow as { status: string; notes: number; history: unknown[] };
    expect(answered).toMatchObject({ status: "answered", notes: 1 });
    expect(answered.history).toHaveLength(3);
  });

  it("erases an author: gone from the index, tombstones on the topics, not indexed again, not rebuilt", async ({ world }) => {
    const { pipeline, env } = world;
    await publishAndIndex(world);
    expect(erasedIds.length).toBe(4);
    const run = runTs("services/cli/src/index.ts", ["erase", "--author", ERASED, "--reference", "RODO-2026-114", "--yes"], env);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stdout()).toContain(`: ${erasedIds.length} mentions, ${erasedIds.length} removed from the index`);
    expect(run.stdout()).not.toContain(ERASED);
    let docs = await snapshot(world);
    expect(docs).toHaveLength(mentions.length - erasedIds.length);
    expect(JSON.stringify(docs)).not.toContain("Świątek");

    // The latest message of each erased mention on the enriched topic is a tombstone (the raw
    // topic of this test never had them: they were published enriched).
    const messages = await readTopic(pipeline.kafka, pipeline.topics.mentionsEnriched, { minMessages: mentions.length + erasedIds.length });
    for (const id of erasedIds) expect(messages.filter((message) => message.key === id).at(-1)?.value).toBeNull();

    // The tombstones are deletion markers to the running workers, not messages to dead-letter.
    const letters = await readTopic(pipeline.kafka, pipeline.topics.mentionsDlq, { quietMs: 2_000 });
    expect(letters.filter((letter) => erasedIds.includes(letter.key ?? ""))).toEqual([]);

    // Collected again (the review is still public): the running indexer skips it. A mention
    // published after it on the same partition shows the indexer got past it.
    const again = mentions.find((entry) => entry.author?.name === ERASED)!;
    const later = mention(500);
    await publish(pipeline.producer, pipeline.topics.mentionsEnriched, [{ key: again.id, value: again }, { key: later.id, value: later }]);
    await waitFor("the later mention indexed", async () => (await snapshot(world)).some((doc) => doc.id === later.id), { timeoutMs: 60_000 });
    docs = await snapshot(world);
    expect(docs.some((doc) => doc.id === again.id)).toBe(false);

    // And a rebuild from the topics does not bring the author back.
    const rebuild = runTs("services/cli/src/index.ts", ["reindex"], env);
    expect(await rebuild.exited, rebuild.stderr()).toBe(0);
    expect(rebuild.stdout()).toContain("of erased authors skipped");
    docs = await snapshot(world);
    expect(docs).toHaveLength(mentions.length - erasedIds.length + 1);
    expect(docs.some((doc) => erasedIds.includes(doc.id as string))).toBe(false);
  });
});
