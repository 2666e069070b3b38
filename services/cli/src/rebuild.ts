import { OdzewError, backoffMs, sleep, type Logger } from "@odzew/core";
import { createKafka, kafkaConnectionFromEnv, replayTopic, type Kafka } from "@odzew/kafka";
import {
  enrichedMentionSchema,
  erasureKey,
  erasureSchema,
  isErasedMention,
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

/** Keys of the erasures so far (author pseudonyms, `mention:ID`), from the compacted erasures topic. */
export async function erasedKeys(kafka: Kafka, topics: TopicNames, logger: Logger): Promise<Set<string>> {
  const erased = new Set<string>();
  await replayTopic({ kafka, topic: topics.erasures, schema: erasureSchema, logger, handle: async (values) => void values.forEach((value) => erased.add(erasureKey(value))) });
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
  const erased = await erasedKeys(options.kafka, options.topics, options.logger);
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
        if (isErasedMention(value, (key) => erased.has(key))) report.skippedErased++;
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
