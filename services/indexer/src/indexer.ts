import { OdzewError, backoffMs, sleep, type Logger } from "@odzew/core";
import { createBatchWorker, type BatchContext, type BatchWorker, type Consumed, type Kafka, type Producer, type Rejection } from "@odzew/kafka";
import { enrichedMentionSchema, workflowEventSchema, type TopicNames } from "@odzew/schema";
import { writeSettled, type BulkOutcome, type MentionStore } from "@odzew/search";

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
  /** Whether an author (by pseudonym) was erased: their mentions are never indexed again. */
  erased?: (authorPseudonym: string) => boolean;
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
    handle: (messages, context) => {
      // The newest version of each mention in the chunk wins; older ones are already superseded.
      const latest = new Map<string, (typeof messages)[number]>();
      for (const message of messages) latest.set(message.value.id, message);
      for (const [id, message] of latest) {
        const pseudonym = message.value.authorPseudonym;
        if (pseudonym && options.erased?.(pseudonym)) {
          latest.delete(id);
          logger.info({ mention: id }, "mention of an erased author not indexed");
        }
      }
      return writeOrRetry([...latest.values()], (message) => message.value.id, (pending) => options.store.upsert(pending.map((message) => message.value)), context, logger);
    },
  });
}

/**
 * Applies the customer-service workflow events (claim, answer, note…) to the index. Events of
 * one mention share a partition, so they arrive and are folded in order; the offset moves only
 * after the engine stored the new state. Replaying the topic into an empty index rebuilds
 * every mention's workflow.
 */
export function createWorkflowApplier(options: {
  kafka: Kafka;
  producer: Producer;
  store: MentionStore;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  onCrash?: (error: unknown) => void;
}): BatchWorker {
  const logger = options.logger.child({ scope: "workflow" });
  return createBatchWorker({
    kafka: options.kafka,
    producer: options.producer,
    groupId: options.groupId,
    topic: options.topics.workflowEvents,
    deadLetterTopic: options.topics.mentionsDlq,
    stage: "index",
    schema: workflowEventSchema,
    logger,
    chunkSize: 500,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    // All events of one mention in the chunk go in one write, in order; they succeed or fail together.
    handle: (messages, context) =>
      writeOrRetry(messages, (message) => message.value.mentionId, (pending) => options.store.applyWorkflow(pending.map((message) => message.value)), context, logger),
  });
}

/**
 * Write a chunk until every item is stored or refused for good: passing refusals (429, 5xx,
 * version conflicts) are retried with backoff while the worker keeps its partitions; final ones
 * come back to be dead-lettered with the engine's reason. Stops without committing when the
 * worker must stop.
 */
async function writeOrRetry<T>(
  messages: Consumed<T>[],
  idOf: (message: Consumed<T>) => string,
  write: (pending: Consumed<T>[]) => Promise<BulkOutcome>,
  context: BatchContext,
  logger: Logger,
): Promise<Rejection<T>[]> {
  const refused = await writeSettled(messages, idOf, write, async (attempt, outcome, pending) => {
    const wait = backoffMs(attempt, 500, 30_000);
    const first = outcome.retryable[0];
    logger.warn({ pending, attempt, waitMs: wait, status: first?.status }, `engine refused items for now: ${first?.reason}`);
    await sleep(wait, context.signal);
    if (!context.shouldContinue()) {
      // Not committed: whoever takes the partition next writes these.
      throw new OdzewError("SEARCH_UNAVAILABLE", `stopping with ${pending} items not yet written`, { retryable: true });
    }
    await context.heartbeat();
  });
  return refused.map(({ item, failure }) => ({ message: item, code: `SEARCH_REJECTED_${failure.status}`, reason: failure.reason }));
}
