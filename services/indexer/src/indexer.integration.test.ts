import { describe, expect } from "vitest";
import { publish, totalCommitted } from "@odzew/kafka";
import { deadLetterSchema, type EnrichedMention } from "@odzew/schema";
import type { MentionStore } from "@odzew/search";
import { processMetric, readTopic, runService, sampleEnrichedMention, stackEnv, waitFor, type TestPipeline } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { createIndexer } from "./indexer.ts";

// Each test has its own topics and indices (the fixtures): counts and offsets are its own.
const countOf = async (store: MentionStore) => {
  await store.refresh();
  return store.count();
};

const committedTotal = async (pipeline: TestPipeline, groupId: string) => {
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    return totalCommitted(await admin.committedOffsets(groupId, pipeline.topics.mentionsEnriched));
  } finally {
    await admin.disconnect();
  }
};

describe("indexer on the real broker and engine", () => {
  it("retries while the engine refuses writes (429) and commits only after the document is in", async ({ pipeline, search: { store } }) => {
    const groupId = `${pipeline.prefix}-blocked`;
    const mention = sampleEnrichedMention({ nativeId: "blocked", sourceId: "idx", publishedAt: "2024-05-05T05:05:05.000Z" });
    const index = store.names.indexFor(mention.publishedAt);
    // The index exists and is blocked, as when the engine's disk passes its flood-stage watermark.
    await store.upsert([sampleEnrichedMention({ nativeId: "seed", sourceId: "idx", publishedAt: mention.publishedAt })]);
    await store.engine.request("PUT", `/${index}/_settings`, { "index.blocks.read_only_allow_delete": true });

    const indexer = createIndexer({ kafka: pipeline.kafka, producer: pipeline.producer, store, topics: pipeline.topics, groupId, logger: pipeline.logger });
    await indexer.start();
    try {
      await publish(pipeline.producer, pipeline.topics.mentionsEnriched, [{ key: mention.id, value: mention }]);
      // The indexer has met the block several times (it raises the refusing gauge after a few attempts).
      await waitFor("the indexer retrying the refused write", async () => (await processMetric("odzew_indexer_engine_refusing", { topic: pipeline.topics.mentionsEnriched })) === 1);
      expect(await countOf(store)).toBe(1);
      expect(await committedTotal(pipeline, groupId)).toBe(0);

      await store.engine.request("PUT", `/${index}/_settings`, { "index.blocks.read_only_allow_delete": null });
      await waitFor("the blocked mention to be indexed", async () => (await countOf(store)) === 2, { timeoutMs: 60_000 });
      await waitFor("the offset to be committed", async () => (await committedTotal(pipeline, groupId)) === 1);
      await waitFor("the refusing gauge back at 0", async () => (await processMetric("odzew_indexer_engine_refusing", { topic: pipeline.topics.mentionsEnriched })) === 0);
    } finally {
      await store.engine.request("PUT", `/${index}/_settings`, { "index.blocks.read_only_allow_delete": null });
      await indexer.stop();
    }
  });

  it("dead-letters a mention the engine refuses for good, with the engine's reason, and indexes the rest", async ({ pipeline, search: { store } }) => {
    const groupId = `${pipeline.prefix}-reject`;
    // Someone created next month's index by hand with a wrong mapping for nativeId.
    const bad = sampleEnrichedMention({ nativeId: "not-a-number", sourceId: "idx", publishedAt: "2023-02-02T02:02:02.000Z" });
    const good = sampleEnrichedMention({ nativeId: "fine", sourceId: "idx", publishedAt: "2023-03-03T03:03:03.000Z" });
    await store.engine.request("PUT", `/${store.names.indexFor(bad.publishedAt)}`, {
      mappings: { properties: { nativeId: { type: "long" } } },
    });

    const indexer = createIndexer({ kafka: pipeline.kafka, producer: pipeline.producer, store, topics: pipeline.topics, groupId, logger: pipeline.logger });
    await indexer.start();
    try {
      await publish(pipeline.producer, pipeline.topics.mentionsEnriched, [
        { key: bad.id, value: bad },
        { key: good.id, value: good },
      ]);
      const letters = await waitFor("a dead letter for the refused mention", async () => {
        const found = (await readTopic(pipeline.kafka, pipeline.topics.mentionsDlq)).map((message) => deadLetterSchema.parse(message.value));
        return found.find((letter) => letter.original.key === bad.id);
      });
      expect(letters.stage).toBe("index");
      expect(letters.reason.code).toBe("SEARCH_REJECTED_400");
      expect(letters.reason.message).toMatch(/mapper_parsing_exception|document_parsing_exception/);
      expect((JSON.parse(letters.original.value ?? "{}") as EnrichedMention).nativeId).toBe("not-a-number");
      await waitFor("the good mention", async () => (await countOf(store)) === 1);
      await waitFor("offsets past both", async () => (await committedTotal(pipeline, groupId)) === 2);
      expect(await store.count(store.names.all, { term: { nativeId: "fine" } })).toBe(1);
    } finally {
      await indexer.stop();
    }
  });

  it("leaves exactly one document per mention when the indexer is killed mid-batch and restarted", async ({ pipeline, search: { store } }) => {
    const groupId = `${pipeline.prefix}-restart`;
    const total = 3_000;
    const mentions = Array.from({ length: total }, (_, index) =>
      sampleEnrichedMention({
        nativeId: `bulk-${index}`,
        sourceId: "restart",
        text: `Opinia numer ${index}: dostawa na czas, książka w dobrym stanie.`,
        publishedAt: new Date(Date.UTC(2026, index % 3, 1 + (index % 27), 12)).toISOString(),
      }),
    );
    for (let start = 0; start < total; start += 500) {
      await publish(
        pipeline.producer,
        pipeline.topics.mentionsEnriched,
        mentions.slice(start, start + 500).map((mention) => ({ key: mention.id, value: mention })),
      );
    }
    const restartQuery = async () => {
      await store.refresh();
      return store.count(store.names.all, { term: { "source.id": "restart" } });
    };
    const env = {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      SEARCH_URL: stackEnv().search.url,
      ODZEW_TOPIC_PREFIX: pipeline.prefix,
      ODZEW_INDEX_PREFIX: pipeline.prefix,
      INDEXER_GROUP_ID: groupId,
      INDEXER_CHUNK_SIZE: "50",
    };
    const first = runService("indexer", env);
    const partial = await waitFor("some but not all mentions indexed", async () => {
      const count = await restartQuery();
      return count > 0 ? count : undefined;
    }, { intervalMs: 50, timeoutMs: 90_000 });
    await first.stop("SIGKILL");
    expect(partial).toBeLessThan(total);

    const second = runService("indexer", env);
    try {
      await waitFor(`all ${total} mentions indexed`, async () => (await restartQuery()) === total, { timeoutMs: 120_000 });
      // Let the restarted indexer finish replaying whatever the killed one had not committed.
      await waitFor("every offset committed", async () => (await committedTotal(pipeline, groupId)) === total, { timeoutMs: 60_000 });
      expect(await restartQuery()).toBe(total);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
