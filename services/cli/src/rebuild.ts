import { OdzewError, backoffMs, sleep, type Logger } from "@odzew/core";
import { createKafka, createProducer, kafkaConnectionFromEnv, publish, replayTopic, type Kafka } from "@odzew/kafka";
import { pseudonymiseAuthor } from "@odzew/nlp";
import {
  ERASURE_SCHEMA_VERSION,
  enrichedMentionSchema,
  erasureSchema,
  topicNames,
  workflowEventSchema,
  type EnrichedMention,
  type TopicNames,
} from "@odzew/schema";
import { MentionStore, SearchRequestError, connectEngine, writeSettled, type BulkOutcome } from "@odzew/search";
import type { CliEnv } from "./env.ts";

/** Between rounds of a rebuild's writes: back off, and give up after ten rounds. */
async function pause(attempt: number, outcome: BulkOutcome, pending: number): Promise<void> {
  if (attempt >= 10) {
    throw new OdzewError("SEARCH_UNAVAILABLE", `the engine kept refusing ${pending} items: ${outcome.retryable[0]?.reason}`, { retryable: true });
  }
  await sleep(backoffMs(attempt, 500, 15_000));
}

/** Authors erased so far (their pseudonyms), from the compacted erasures topic. */
export async function erasedAuthors(kafka: Kafka, topics: TopicNames, logger: Logger): Promise<Set<string>> {
  const erased = new Set<string>();
  await replayTopic({ kafka, topic: topics.erasures, schema: erasureSchema, logger, handle: async (values) => void values.forEach((value) => erased.add(value.authorPseudonym)) });
  return erased;
}

export interface RebuildReport {
  mentions: number;
  events: number;
  skippedErased: number;
  rejected: number;
  seconds: number;
}

/**
 * `odzew reindex`: drop the index and rebuild it from the topics, the source of truth: every
 * enriched mention (the latest version of each; erased authors skipped), then every workflow
 * event, folded exactly as the indexer folds them. The live indexer may keep running: what it
 * writes meanwhile is the same data, and both upsert by id.
 */
export async function rebuildIndex(options: {
  kafka: Kafka;
  store: MentionStore;
  topics: TopicNames;
  teams: Parameters<MentionStore["setup"]>[0]["teams"];
  replicas?: number;
  logger: Logger;
  onProgress?: (what: string, count: number) => void;
}): Promise<RebuildReport> {
  const started = performance.now();
  const erased = await erasedAuthors(options.kafka, options.topics, options.logger);
  await options.store.drop();
  await options.store.setup({ teams: options.teams, replicas: options.replicas ?? 0 });
  const report: RebuildReport = { mentions: 0, events: 0, skippedErased: 0, rejected: 0, seconds: 0 };
  const firstRejection: string[] = [];
  const mentions = await replayTopic({
    kafka: options.kafka,
    topic: options.topics.mentionsEnriched,
    schema: enrichedMentionSchema,
    logger: options.logger,
    handle: async (values) => {
      const latest = new Map<string, EnrichedMention>();
      for (const value of values) {
        if (value.authorPseudonym && erased.has(value.authorPseudonym)) report.skippedErased++;
        else latest.set(value.id, value);
      }
      const rejected = await writeSettled([...latest.values()], (mention) => mention.id, (pending) => options.store.upsert(pending), pause);
      report.rejected += rejected.length;
      if (rejected[0] && firstRejection.length === 0) firstRejection.push(rejected[0].failure.reason);
    },
    onProgress: (count) => options.onProgress?.("mentions", count),
  });
  report.mentions = mentions.messages - report.skippedErased;
  const events = await replayTopic({
    kafka: options.kafka,
    topic: options.topics.workflowEvents,
    schema: workflowEventSchema,
    logger: options.logger,
    handle: async (values) => {
      const rejected = await writeSettled(values, (event) => event.mentionId, (pending) => options.store.applyWorkflow(pending), pause);
      report.rejected += rejected.length;
    },
    onProgress: (count) => options.onProgress?.("workflow events", count),
  });
  report.events = events.messages;
  await options.store.refresh();
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  if (report.rejected > 0) options.logger.error({ rejected: report.rejected }, `the engine refused some documents for good, e.g. ${firstRejection[0]}`);
  return report;
}

export interface EraseReport {
  authorPseudonym: string;
  mentions: number;
  removedFromIndex: number;
}

/**
 * `odzew erase --author NAME`: record the erasure (by pseudonym) so that the indexer and every
 * rebuild skip the author from now on, delete their mentions from the index, and write
 * tombstones for them to the compacted raw and enriched topics, which Kafka then drops at its
 * next compaction.
 */
export async function eraseAuthor(options: {
  kafka: Kafka;
  store: MentionStore;
  topics: TopicNames;
  author: string;
  authorKey: string;
  reference?: string | undefined;
  logger: Logger;
  /** How long the indexers get to see the erasure before the index is cleaned. */
  settleMs?: number;
}): Promise<EraseReport> {
  const pseudonym = pseudonymiseAuthor(options.author, options.authorKey);
  const producer = createProducer(options.kafka);
  await producer.connect();
  try {
    await publish(producer, options.topics.erasures, [
      {
        key: pseudonym,
        value: { schemaVersion: ERASURE_SCHEMA_VERSION, authorPseudonym: pseudonym, requestedAt: new Date().toISOString(), ...(options.reference ? { reference: options.reference } : {}) },
      },
    ]);
    // Give running indexers a moment to see the erasure, so nothing in flight lands after the cleanup.
    await sleep(options.settleMs ?? 5_000);
    const ids = await options.store.idsByAuthor(pseudonym, options.author);
    if (ids.length > 0) {
      const tombstones = ids.map((id) => ({ key: id, value: null }));
      await producer.send({ topic: options.topics.mentionsRaw, acks: -1, messages: tombstones });
      await producer.send({ topic: options.topics.mentionsEnriched, acks: -1, messages: tombstones });
    }
    const removed = await options.store.deleteByIds(ids);
    return { authorPseudonym: pseudonym, mentions: ids.length, removedFromIndex: removed };
  } finally {
    await producer.disconnect();
  }
}

/** Connections for the commands above, from the CLI's environment. */
export async function withPipeline<T>(env: CliEnv, logger: Logger, run: (kafka: Kafka, store: MentionStore, topics: TopicNames) => Promise<T>): Promise<T> {
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-cli"), logger);
  const engine = await connectEngine({ url: env.SEARCH_URL, username: env.SEARCH_USERNAME, password: env.SEARCH_PASSWORD });
  try {
    return await run(kafka, new MentionStore(engine, env.ODZEW_INDEX_PREFIX, logger), topicNames(env.ODZEW_TOPIC_PREFIX));
  } catch (error) {
    if (error instanceof SearchRequestError) throw new OdzewError("SEARCH_UNAVAILABLE", error.message);
    throw error;
  } finally {
    await engine.close();
  }
}
