import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, onTestFinished } from "vitest";
import { publish } from "@odzew/kafka";
import { replyRuleSchema, replyTemplateSchema, teamSchema, workflowEventSchema, type EnrichedMention } from "@odzew/schema";
import { committedPast, readTopic, sampleEnrichedMention, stackEnv, superviseService, testLogger, waitFor } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { createRuleRunner, indexWorkflows } from "./rule-runner.ts";

const starsOnly = (nativeId: string): EnrichedMention =>
  sampleEnrichedMention({
    sourceId: "sklep-zuraw",
    nativeId,
    text: "",
    title: undefined,
    author: { name: "Anna K." },
    // Yesterday: the rule answers reviews of the last 7 days.
    publishedAt: new Date(Date.now() - 86_400_000).toISOString(),
    priority: { score: 0, level: "low", reasons: [] },
  });

describe("reply rule runner", () => {
  it("drafts a reply for a new 5★ review once, reading the workflow from the index, and not again on redelivery", async ({ pipeline, search: { store, engine } }) => {
    const fresh = starsOnly("op-1");
    const closed = starsOnly("op-2");
    // op-2 is in the index and was marked as needing no answer: the rule leaves it alone.
    expect((await store.upsert([closed])).rejected).toEqual([]);
    await store.applyWorkflow([
      workflowEventSchema.parse({
        schemaVersion: 1,
        eventId: "closed-op-2",
        mentionId: closed.id,
        publishedAt: closed.publishedAt,
        team: "obsluga",
        actor: "ania",
        type: "closed",
        at: new Date().toISOString(),
      }),
    ]);
    await store.refresh();
    await publish(pipeline.producer, pipeline.topics.mentionsEnriched, [fresh, closed].map((mention) => ({ key: mention.id, value: mention })));

    const groupId = `${pipeline.prefix}-rules`;
    const runner = createRuleRunner({
      kafka: pipeline.kafka,
      producer: pipeline.producer,
      topics: pipeline.topics,
      groupId,
      setup: {
        rules: [replyRuleSchema.parse({ id: "thanks-5-stars", team: "obsluga", when: { ratings: [5], noText: true }, templates: ["thanks-5-pl"] })],
        templates: [replyTemplateSchema.parse({ id: "thanks-5-pl", name: "Dziękujemy", lang: "pl", text: "Dzień dobry, {author|Drogi Kliencie}! Dziękujemy za pięć gwiazdek." })],
        teams: [teamSchema.parse({ id: "obsluga", name: "Obsługa", keys: [{ env: "KEY" }], view: "full", actions: ["workflow", "reply"] })],
        sources: [],
      },
      workflows: indexWorkflows(engine, pipeline.prefix),
      logger: testLogger("rule-runner"),
    });
    await runner.start();
    onTestFinished(() => runner.stop());

    const first = await readTopic(pipeline.kafka, pipeline.topics.workflowEvents, { minMessages: 1, quietMs: 500 });
    const events = first.map((record) => workflowEventSchema.parse(record.value));
    expect(events).toEqual([
      expect.objectContaining({
        type: "reply-drafted",
        mentionId: fresh.id,
        actor: "rule:thanks-5-stars",
        reply: expect.objectContaining({ version: 1, rule: "thanks-5-stars", text: "Dzień dobry, Anna K.! Dziękujemy za pięć gwiazdek." }),
      }),
    ]);

    // The same mention again (re-enriched, a rebuild) before the indexer folded the draft: the same event, same id.
    await publish(pipeline.producer, pipeline.topics.mentionsEnriched, [{ key: fresh.id, value: fresh }]);
    const enriched = await readTopic(pipeline.kafka, pipeline.topics.mentionsEnriched, { minMessages: 3, quietMs: 100 });
    await waitFor("the rule runner to commit the redelivered mention", () => committedPast(pipeline.kafka, groupId, pipeline.topics.mentionsEnriched, enriched));
    const after = (await readTopic(pipeline.kafka, pipeline.topics.workflowEvents, { minMessages: 1, quietMs: 500 })).map((record) => workflowEventSchema.parse(record.value));
    expect(new Set(after.map((event) => event.eventId))).toEqual(new Set(events.map((event) => event.eventId)));
    // Nothing goes to the outbox: the team does not let rules send.
    const outbox = await readTopic(pipeline.kafka, pipeline.topics.replies, { quietMs: 300 });
    expect(outbox).toEqual([]);
  });

  it("runs in the responder service when replies.yaml has an enabled rule, checked against teams.yaml", async ({ pipeline, search: _search }) => {
    const dir = await mkdtemp(join(tmpdir(), "odzew-rules-"));
    const files = { sources: join(dir, "sources.yaml"), teams: join(dir, "teams.yaml"), replies: join(dir, "replies.yaml") };
    await writeFile(files.sources, "sources: []\n");
    await writeFile(files.teams, "teams:\n  - id: obsluga\n    name: Obsługa\n    keys: [{ env: TEST_OBSLUGA_KEY }]\n    view: full\n    actions: [workflow, reply]\n");
    await writeFile(
      files.replies,
      [
        "templates:",
        "  - id: thanks-5-pl",
        "    name: Dziękujemy",
        "    lang: pl",
        '    text: "Dziękujemy za pięć gwiazdek, {author|Drogi Kliencie}!"',
        "rules:",
        "  - id: thanks-5-stars",
        "    team: obsluga",
        "    when: { ratings: [5], noText: true }",
        "    templates: [thanks-5-pl]",
        "",
      ].join("\n"),
    );
    const mention = starsOnly("op-3");
    await publish(pipeline.producer, pipeline.topics.mentionsEnriched, [{ key: mention.id, value: mention }]);
    const service = await superviseService("responder", {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      SEARCH_URL: stackEnv().search.url,
      ODZEW_TOPIC_PREFIX: pipeline.prefix,
      ODZEW_INDEX_PREFIX: pipeline.prefix,
      ODZEW_SOURCES_FILE: files.sources,
      ODZEW_TEAMS_FILE: files.teams,
      ODZEW_BRANDS_FILE: join(dir, "no-brands.yaml"),
      ODZEW_REPLIES_FILE: files.replies,
      RESPONDER_GROUP_ID: `${pipeline.prefix}-responder`,
    });
    onTestFinished(() => service.stop());
    await service.ready();
    const [drafted] = (await readTopic(pipeline.kafka, pipeline.topics.workflowEvents, { minMessages: 1, quietMs: 300 })).map((record) => workflowEventSchema.parse(record.value));
    expect(drafted).toMatchObject({ type: "reply-drafted", actor: "rule:thanks-5-stars", reply: { text: "Dziękujemy za pięć gwiazdek, Anna K.!" } });
    const metrics = await (await fetch(`${service.healthUrl()}/metrics`)).text();
    expect(metrics).toContain('odzew_responder_rule_replies_total{rule="thanks-5-stars",mode="draft"} 1');
    expect(service.crashes).toEqual([]);
  });
});
