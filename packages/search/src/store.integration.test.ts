import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { teamSchema, type EnrichedMention, type TeamConfig } from "@odzew/schema";
import {
  createTestStore,
  dockerAvailable,
  sampleEnrichedMention,
  stackEnv,
  startElasticsearch,
  uniquePrefix,
} from "@odzew/testing";
import { prefixSlug } from "@odzew/testing/fixtures";
import { SearchRequestError } from "./engine.ts";
import type { TeamFilters } from "./query.ts";
import type { MentionStore } from "./store.ts";
import { TeamSearch } from "./team-search.ts";

/**
 * One contract, every engine Odzew supports: the local OpenSearch always, Elasticsearch 8
 * through testcontainers when a Docker engine answers.
 */
const docker = await dockerAvailable();
const engines: { name: string; start(): Promise<{ url: string; stop(): Promise<unknown> }> }[] = [
  { name: "OpenSearch (local stack)", start: async () => ({ url: stackEnv().search.url, stop: async () => undefined }) },
];
if (docker.available) engines.push({ name: "Elasticsearch 8 (testcontainers)", start: () => startElasticsearch() });
else console.warn(`[search contract] Elasticsearch 8 skipped: ${docker.reason}`);

const teams: TeamConfig[] = [
  teamSchema.parse({ id: "all", name: "Everything", keys: [{ env: "UNUSED" }], slice: {}, view: "full" }),
  teamSchema.parse({ id: "alpha", name: "Alpha", keys: [{ env: "UNUSED" }], slice: { brands: ["zuraw"] } }),
  teamSchema.parse({ id: "beta", name: "Beta", keys: [{ env: "UNUSED" }], slice: { brands: ["orlen"], languages: ["en"] } }),
];

const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

const mention = (nativeId: string, overrides: Partial<EnrichedMention> = {}) =>
  sampleEnrichedMention({ nativeId, sourceId: "contract", ...overrides });

describe.each(engines)("search contract: $name", ({ start }) => {
  let engineUrl: { url: string; stop(): Promise<unknown> };
  let store: MentionStore;
  let search: TeamSearch;
  let cleanup: () => Promise<void>;
  const team = (id: string) => teams.find((entry) => entry.id === id)!;
  type Found = { id: string; text?: string; reply?: unknown };
  const find = async (teamId: string, filters: TeamFilters, options: { size?: number; after?: string | undefined } = {}) => {
    const page = await search.search(team(teamId), filters, { size: options.size ?? 20, ...(options.after ? { after: options.after } : {}) });
    return { ...page, items: page.items as Found[] };
  };

  // The engine is this describe's fixture; each test has its own indices, under its own prefix.
  beforeAll(async () => {
    engineUrl = await start();
  }, 240_000);
  afterAll(async () => {
    await engineUrl?.stop();
  });

  beforeEach(async ({ task }) => {
    const created = await createTestStore(uniquePrefix(prefixSlug(task.name)), teams, { ...stackEnv().search, url: engineUrl.url });
    store = created.store;
    search = new TeamSearch(created.engine, store.names);
    cleanup = created.cleanup;
  });
  afterEach(async () => {
    await cleanup?.();
  });

  it("keeps one document per mention however often it is upserted; a new version replaces the old", async () => {
    const first = mention("dup-1", { text: "Pierwsza wersja opinii", reply: { text: "Dziękujemy za opinię" } });
    expect((await store.upsert([first])).indexed).toEqual([first.id]);
    const { reply: _reply, ...withoutReply } = first;
    // The review read again a day later: a newer version.
    const again = await store.upsert([first, { ...withoutReply, text: "Poprawiona wersja opinii", collectedAt: later(first.collectedAt, 86_400_000) }]);
    expect(again.rejected).toEqual([]);
    await store.refresh();
    const page = await find("all", { q: "opinii" });
    expect(page.items.filter((item) => item.id === first.id)).toHaveLength(1);
    const stored = page.items.find((item) => item.id === first.id);
    expect(stored?.text).toBe("Poprawiona wersja opinii");
    // The shop deleted its reply: the new version has none, and neither has the index.
    expect(stored?.reply).toBeUndefined();
  });

  it("finds Polish inflected forms: a search for 'dostawa' finds 'dostawy' and 'dostawą'", async () => {
    const forms = [
      mention("pl-1", { title: "Długo", text: "Czas dostawy był bardzo długi." }),
      mention("pl-2", { title: "Kurier", text: "Jestem zadowolony z dostawą kurierską." }),
      mention("pl-3", { title: "Szybko", text: "Zamówienie przyszło bez problemu, polecam." }),
    ];
    await store.upsert(forms);
    await store.refresh();
    const ids = (await find("all", { q: "dostawa" })).items.map((item) => item.id);
    expect(ids).toEqual(expect.arrayContaining([forms[0]!.id, forms[1]!.id]));
    expect(ids).not.toContain(forms[2]!.id);
  });

  it("confines each team to its slice, whatever it asks for", async () => {
    const ours = mention("slice-ours", { text: "Kanarek zespołu alfa" });
    const canary = mention("slice-canary", {
      text: "Kanarek zespołu beta",
      lang: "en",
      brands: [{ id: "orlen", via: "source" }],
    });
    await store.upsert([ours, canary]);
    await store.refresh();
    const alpha = await find("alpha", { q: "kanarek" });
    expect(alpha.items.map((item) => item.id)).toEqual([ours.id]);
    expect((await find("alpha", { brand: ["orlen"] })).total).toBe(0);
    expect((await find("alpha", { lang: ["en"] })).total).toBe(0);
    const beta = await find("beta", {}, { size: 100 });
    expect(beta.items.map((item) => item.id)).toEqual([canary.id]);
  });

  it("pages through results with a cursor, each mention once", async () => {
    const many = Array.from({ length: 7 }, (_, index) =>
      mention(`page-${index}`, { text: `Stronicowanie numer ${index}`, publishedAt: `2026-10-0${index + 1}T08:00:00.000Z` }),
    );
    await store.upsert(many);
    await store.refresh();
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await find("all", { q: "stronicowanie" }, { size: 3, after });
      seen.push(...page.items.map((item) => item.id));
      after = page.next;
    } while (after);
    expect(seen.sort()).toEqual(many.map((item) => item.id).sort());
    await expect(find("all", {}, { after: "not-a-cursor" })).rejects.toThrow(/invalid cursor/);
  });

  it("counts over time, breaks down, samples reproducibly and folds workflow events on this engine", async () => {
    const docs = Array.from({ length: 12 }, (_, index) =>
      mention(`agg-${index}`, {
        brands: [{ id: "zuraw", via: "source" }],
        source: { id: "contract-agg", type: "opineo" },
        topics: [index % 2 ? "delivery" : "price"],
        sentiment: { label: index % 3 ? "negative" : "positive", score: index % 3 ? -0.5 : 0.5, model: "lexicon" },
        publishedAt: `2026-09-${String(index + 1).padStart(2, "0")}T12:00:00.000Z`,
      }),
    );
    await store.upsert(docs);
    await store.refresh();
    // Filtered by source: the full view may (the pseudonymous one does not see source ids).
    const filters = { source: ["contract-agg"] };
    const timeline = await search.timeline(team("all"), { ...filters, from: "2026-09-01T00:00:00.000Z", to: "2026-09-30T00:00:00.000Z" }, { interval: "week", split: "sentiment" });
    expect(timeline.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(12);
    const topics = await search.breakdown(team("all"), filters, "topic", 10);
    expect(topics.items.map((item) => [item.key, item.count])).toEqual([["delivery", 6], ["price", 6]]);
    const first = await search.sample(team("all"), filters, { n: 6, strata: ["sentiment"], seed: "s" });
    const again = await search.sample(team("all"), filters, { n: 6, strata: ["sentiment"], seed: "s" });
    expect(first.items.map((item) => item.id)).toEqual(again.items.map((item) => item.id));
    expect(first.strata.map((stratum) => [stratum.key.sentiment, stratum.allocated])).toEqual([["negative", 4], ["positive", 2]]);
    const target = docs[0]!;
    const at = "2026-10-01T10:00:00.000Z";
    const event = (type: "claimed" | "answered", eventId: string) => ({ schemaVersion: 1 as const, eventId, mentionId: target.id, publishedAt: target.publishedAt, team: "alpha", actor: "ola", type, at });
    const outcome = await store.applyWorkflow([event("claimed", "e1"), event("answered", "e2"), event("answered", "e2")]);
    expect(outcome.indexed).toEqual([target.id]);
    await store.refresh();
    const stored = (await search.get(team("all"), target.id)) as { workflow?: { status: string; history: unknown[] } };
    expect(stored.workflow?.status).toBe("answered");
    expect(stored.workflow?.history).toHaveLength(2);
  });

  it("rejects a document that breaks the mapping for good, with the engine's reason", async () => {
    const broken = { ...mention("broken-1"), unexpectedField: "x" } as EnrichedMention;
    const outcome = await store.upsert([broken, mention("fine-1")]);
    expect(outcome.indexed).toHaveLength(1);
    expect(outcome.rejected).toHaveLength(1);
    expect(outcome.rejected[0]).toMatchObject({ id: broken.id, status: 400 });
    expect(outcome.rejected[0]?.reason).toMatch(/strict_dynamic_mapping_exception/);
  });

  it("reports items refused by a blocked index as retryable, not rejected", async () => {
    const blocked = mention("blocked-1", { publishedAt: "2025-01-15T10:00:00.000Z" });
    await store.upsert([blocked]);
    const index = store.names.indexFor(blocked.publishedAt);
    await store.engine.request("PUT", `/${index}/_settings`, { "index.blocks.read_only_allow_delete": true });
    try {
      const outcome = await store.upsert([{ ...blocked, text: "Zmieniona treść", collectedAt: later(blocked.collectedAt, 60_000) }]);
      expect(outcome.indexed).toEqual([]);
      expect(outcome.retryable).toHaveLength(1);
      expect(outcome.retryable[0]?.status).toBe(429);
    } finally {
      await store.engine.request("PUT", `/${index}/_settings`, { "index.blocks.read_only_allow_delete": null });
    }
  });

  it("never lets an older version replace a newer one, in any order or repetition", async () => {
    const base = mention("order-1", { text: "Wersja pierwsza" });
    const versions = [1, 2, 3].map((step) => ({ ...base, text: `Wersja ${step}`, collectedAt: later(base.collectedAt, step * 60_000) }));
    // Newest first, then the older ones late (a zombie enricher), then the newest again.
    for (const batch of [[versions[2]!], [versions[0]!], [versions[1]!, versions[0]!], [versions[2]!]]) {
      const outcome = await store.upsert(batch);
      expect(outcome.rejected).toEqual([]);
      expect(outcome.retryable).toEqual([]);
    }
    await store.refresh();
    const stored = (await search.get(team("all"), base.id)) as { text: string };
    expect(stored.text).toBe("Wersja 3");
    expect(await store.count(store.names.all, { ids: { values: [base.id] } })).toBe(1);
  });

  it("keeps an edited review in one document when its date moves to another month, with the edit time apart", async () => {
    const original = mention("edit-1", { text: "Przed edycją", publishedAt: "2026-06-30T22:00:00.000Z" });
    await store.upsert([original]);
    await store.refresh();
    const edited = { ...original, text: "Po edycji", publishedAt: "2026-07-02T08:00:00.000Z", collectedAt: later(original.collectedAt, 60_000) };
    const editOutcome = await store.upsert([edited]);
    expect(editOutcome).toMatchObject({ indexed: [original.id], rejected: [], retryable: [] });
    await store.refresh();
    expect(await store.count(store.names.all, { ids: { values: [original.id] } })).toBe(1);
    const stored = (await search.get(team("all"), original.id)) as { text: string; publishedAt: string; editedAt?: string };
    expect(stored).toMatchObject({ text: "Po edycji", publishedAt: original.publishedAt, editedAt: edited.publishedAt });
    // An edit read before the first version was even refreshed into search lands in the same document too.
    const quick = mention("edit-2", { publishedAt: "2026-05-31T23:30:00.000Z" });
    await store.upsert([quick]);
    await store.upsert([{ ...quick, publishedAt: "2026-06-01T00:10:00.000Z", collectedAt: later(quick.collectedAt, 1_000) }]);
    await store.refresh();
    expect(await store.count(store.names.all, { ids: { values: [quick.id] } })).toBe(1);
  });

  it("keeps the service workflow when a new version of the mention arrives", async () => {
    const target = mention("wf-keep-1", { publishedAt: "2026-08-10T10:00:00.000Z" });
    await store.upsert([target]);
    await store.applyWorkflow([
      { schemaVersion: 1, eventId: "k1", mentionId: target.id, publishedAt: target.publishedAt, team: "alpha", actor: "ola", type: "claimed", at: "2026-08-10T11:00:00.000Z" },
    ]);
    await store.upsert([{ ...target, text: "Nowa wersja", collectedAt: later(target.collectedAt, 60_000) }]);
    await store.refresh();
    const stored = (await search.get(team("all"), target.id)) as { text: string; workflow?: { status: string } };
    expect(stored).toMatchObject({ text: "Nowa wersja", workflow: { status: "claimed" } });
  });

  it("treats a write block and a closed index as passing refusals: retried, never rejected", async () => {
    const doc = mention("wblock-1", { publishedAt: "2025-02-15T10:00:00.000Z" });
    await store.upsert([doc]);
    const index = store.names.indexFor(doc.publishedAt);
    const newer = { ...doc, text: "Zmieniona", collectedAt: later(doc.collectedAt, 60_000) };
    await store.engine.request("PUT", `/${index}/_settings`, { "index.blocks.write": true });
    try {
      const outcome = await store.upsert([newer]);
      expect(outcome.rejected).toEqual([]);
      expect(outcome.retryable.map((failure) => failure.id)).toEqual([doc.id]);
      expect(outcome.retryable[0]?.reason).toMatch(/cluster_block_exception/);
    } finally {
      await store.engine.request("PUT", `/${index}/_settings`, { "index.blocks.write": null });
    }
    await store.engine.request("POST", `/${index}/_close`);
    try {
      const outcome = await store.upsert([newer]);
      expect(outcome.rejected).toEqual([]);
      expect(outcome.retryable.map((failure) => failure.id)).toEqual([doc.id]);
    } finally {
      await store.engine.request("POST", `/${index}/_open`, undefined, { wait_for_active_shards: 1 });
    }
    const outcome = await store.upsert([newer]);
    expect(outcome.indexed).toEqual([doc.id]);
  });

  it("installs its setup again without harm and drops the alias of a removed team", async () => {
    // Team aliases live on the monthly indices: one must exist.
    await store.upsert([mention("alias-1")]);
    await store.setup({ teams: teams.filter((entry) => entry.id !== "beta") });
    const aliases = await store.engine.request<Record<string, { aliases: Record<string, unknown> }>>(
      "GET",
      `/${store.names.pattern}/_alias`,
    );
    const names = new Set(Object.values(aliases).flatMap((entry) => Object.keys(entry.aliases)));
    expect(names.has(store.names.teamAlias("alpha"))).toBe(true);
    expect(names.has(store.names.teamAlias("beta"))).toBe(false);
    await expect(find("beta", {})).resolves.toEqual({ total: 0, items: [] });
    await store.setup({ teams });
  });

  it("classifies an unreachable engine as retryable", async () => {
    const error = await store.engine.request("GET", "/definitely-missing-index/_doc/1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SearchRequestError);
    expect((error as SearchRequestError).status).toBe(404);
    expect((error as SearchRequestError).retryable).toBe(false);
  });
});
