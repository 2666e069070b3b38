import { OdzewError, backoffMs, sleep, type Logger } from "@odzew/core";
import { createBatchWorker, type BatchContext, type BatchWorker, type Consumed, type Kafka, type Producer } from "@odzew/kafka";
import { enrichedMentionSchema, workflowEventSchema, type TopicNames, type WorkflowEvent } from "@odzew/schema";
import type { BulkOutcome, MentionStore } from "@odzew/search";

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
      return writeUntilDone([...latest.values()], (pending) => options.store.upsert(pending.map((message) => message.value)), context, logger);
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
    handle: async (messages, context) => {
      // One write per mention with all of its events of the chunk, in order.
      const byMention = new Map<string, Consumed<WorkflowEvent>[]>();
      for (const message of messages) byMention.set(message.value.mentionId, [...(byMention.get(message.value.mentionId) ?? []), message]);
      const groups = [...byMention.values()].map((list) => ({ list, value: { id: list[0]!.value.mentionId } }));
      const rejected = await writeUntilDone(groups, (pending) => options.store.applyWorkflow(pending.flatMap((group) => group.list.map((message) => message.value))), context, logger);
      return rejected.flatMap((rejection) => rejection.message.list.map((message) => ({ message, code: rejection.code, reason: rejection.reason })));
    },
  });
}

/**
 * Send items to the engine until every one is stored or refused for good: passing refusals
 * (429, 5xx, version conflicts) are retried with backoff, final ones returned to be
 * dead-lettered with the engine's reason. Stops without committing when the worker must stop.
 */
async function writeUntilDone<M extends { value: { id: string } }>(
  items: M[],
  write: (pending: M[]) => Promise<BulkOutcome>,
  context: BatchContext,
  logger: Logger,
): Promise<{ message: M; code: string; reason: string }[]> {
  const rejections: { message: M; code: string; reason: string }[] = [];
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const outcome = await write(pending);
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
      // Not committed: whoever takes the partition next writes these.
      throw new OdzewError("SEARCH_UNAVAILABLE", `stopping with ${pending.length} items not yet written`, { retryable: true });
    }
    await context.heartbeat();
  }
  return rejections;
}
