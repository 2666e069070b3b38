import { OdzewError, backoffMs, sleep, type Logger } from "@odzew/core";
import { createBatchWorker, type BatchWorker, type Kafka, type Producer, type Rejection } from "@odzew/kafka";
import { enrichedMentionSchema, type EnrichedMention, type TopicNames } from "@odzew/schema";
import type { MentionStore } from "@odzew/search";

/**
 * Writes enriched mentions to the search engine. The offset of a chunk is committed only after
 * the engine acknowledged every item: items it refused for a passing reason (429, 5xx, version
 * conflict) are sent again with backoff; items it refused for good are dead-lettered with the
 * engine's reason.
 */
export function createIndexer(options: {
  kafka: Kafka;
  producer: Producer;
  store: MentionStore;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  chunkSize?: number;
  onCrash?: (error: unknown) => void;
}): BatchWorker {
  const logger = options.logger.child({ scope: "indexer" });
  return createBatchWorker({
    kafka: options.kafka,
    producer: options.producer,
    groupId: options.groupId,
    topic: options.topics.mentionsEnriched,
    deadLetterTopic: options.topics.mentionsDlq,
    stage: "index",
    schema: enrichedMentionSchema,
    logger,
    chunkSize: options.chunkSize ?? 500,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    async handle(messages, context) {
      // The newest version of each mention in the chunk wins; older ones are already superseded.
      const latest = new Map<string, (typeof messages)[number]>();
      for (const message of messages) latest.set(message.value.id, message);
      let pending = [...latest.values()];
      const rejections: Rejection<EnrichedMention>[] = [];
      for (let attempt = 1; pending.length > 0; attempt++) {
        const outcome = await options.store.upsert(pending.map((message) => message.value));
        const byId = new Map(pending.map((message) => [message.value.id, message]));
        for (const failure of outcome.rejected) {
          const message = byId.get(failure.id);
          if (message) rejections.push({ message, code: `SEARCH_REJECTED_${failure.status}`, reason: failure.reason });
        }
        pending = outcome.retryable.flatMap((failure) => byId.get(failure.id) ?? []);
        logger.debug({ indexed: outcome.indexed.length, retry: pending.length, rejected: outcome.rejected.length }, "bulk");
        if (pending.length === 0) break;
        const wait = backoffMs(attempt, 500, 30_000);
        const first = outcome.retryable[0];
        logger.warn({ pending: pending.length, attempt, waitMs: wait, status: first?.status }, `engine refused items for now: ${first?.reason}`);
        await sleep(wait, context.signal);
        if (!context.shouldContinue()) {
          // Not committed: whoever takes the partition next indexes these.
          throw new OdzewError("SEARCH_UNAVAILABLE", `stopping with ${pending.length} mentions not yet indexed`, { retryable: true });
        }
        await context.heartbeat();
      }
      return rejections;
    },
  });
}
