import { OdzewError, backoffMs, gauge, type Logger } from "@odzew/core";
import { createBatchWorker, type BatchContext, type BatchWorker, type Consumed, type Kafka, type Producer, type Rejection } from "@odzew/kafka";
import { enrichedMentionSchema, isErasedMention, workflowEventSchema, type TopicNames } from "@odzew/schema";
import { newestVersions, writeSettled, type BulkOutcome, type MentionStore } from "@odzew/search";

/**
 * 1 while the engine refuses writes for a passing reason (a write block, a closed index, 429 or
 * 5xx) and the indexer is retrying them: nothing is dead-lettered meanwhile, and nothing moves.
 */
const engineRefusing = gauge({
  name: "indexer_engine_refusing",
  help: "1 while the search engine refuses writes for a passing reason (write block, closed index, 429, 5xx) and the indexer retries them; else 0.",
  labelNames: ["topic"],
});

/** Partitions currently retrying refused writes, per topic: the gauge is 1 while any is. */
const refusingPartitions = new Map<string, number>();
function markRefusing(topic: string, change: 1 | -1): void {
  const count = (refusingPartitions.get(topic) ?? 0) + change;
  refusingPartitions.set(topic, count);
  engineRefusing.set({ topic }, count > 0 ? 1 : 0);
}

/** Version conflicts retried at once before backing off: each retry reads the document again. */
const IMMEDIATE_CONFLICT_RETRIES = 3;

/** Attempts after which a passing refusal is logged as an error: someone may have to act. */
const ATTEMPTS_BEFORE_ALERT = 3;

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
  /** Partitions written at once (default 3): the engine indexes one bulk while the next is read. */
  partitionsConcurrently?: number;
  /** Whether a key is on the erasures topic (an author pseudonym, or `mention:ID`): such mentions are never indexed again. */
  erased?: (key: string) => boolean;
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
    partitionsConcurrently: options.partitionsConcurrently ?? 3,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handle: (messages, context) => {
      // The newest version of each mention in the chunk (by collection, then enrichment time)
      // goes to the engine, which keeps it only if it holds nothing newer.
      const latest = newestVersions(messages, (message) => message.value).filter((message) => {
        if (!options.erased || !isErasedMention(message.value, options.erased)) return true;
        logger.info({ mention: message.value.id }, "mention of an erased author (or an erased mention) not indexed");
        return false;
      });
      return writeOrRetry(latest, (message) => message.value.id, (pending) => options.store.upsert(pending.map((message) => message.value)), context, logger, options.topics.mentionsEnriched);
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
      writeOrRetry(messages, (message) => message.value.mentionId, (pending) => options.store.applyWorkflow(pending.map((message) => message.value)), context, logger, options.topics.workflowEvents),
  });
}

/**
 * Write a chunk until every item is stored or refused for good: passing refusals (429, 5xx,
 * version conflicts, write blocks, closed indices) are retried with backoff while the worker keeps
 * its partitions (heartbeating through the wait); final ones come back to be dead-lettered with
 * the engine's reason. Stops without committing when the worker must stop.
 */
async function writeOrRetry<T>(
  messages: Consumed<T>[],
  idOf: (message: Consumed<T>) => string,
  write: (pending: Consumed<T>[]) => Promise<BulkOutcome>,
  context: BatchContext,
  logger: Logger,
  topic: string,
): Promise<Rejection<T>[]> {
  let refusing = false;
  try {
    const refused = await writeSettled(messages, idOf, write, async (attempt, outcome, pending) => {
      // A document changed between the read and the write (a workflow event): plan it again at once.
      const conflictsOnly = outcome.retryable.every((failure) => failure.status === 409);
      if (conflictsOnly && attempt <= IMMEDIATE_CONFLICT_RETRIES) return;
      const wait = backoffMs(attempt, 500, 30_000);
      const first = outcome.retryable[0];
      const fields = { pending, attempt, waitMs: wait, status: first?.status };
      if (attempt >= ATTEMPTS_BEFORE_ALERT) {
        if (!refusing) markRefusing(topic, 1);
        refusing = true;
        logger.error(fields, `the search engine keeps refusing writes (${first?.reason}); retrying, nothing is dead-lettered for this`);
      } else {
        logger.warn(fields, `engine refused items for now: ${first?.reason}`);
      }
      if (!(await context.wait(wait))) {
        // Not committed: whoever takes the partition next writes these.
        throw new OdzewError("SEARCH_UNAVAILABLE", `stopping with ${pending} items not yet written`, { retryable: true });
      }
    });
    return refused.map(({ item, failure }) => ({ message: item, code: `SEARCH_REJECTED_${failure.status}`, reason: failure.reason }));
  } finally {
    if (refusing) markRefusing(topic, -1);
  }
}
