import { describeError, isRetryable, type Logger } from "@odzew/core";
import { createBatchWorker, publish, type BatchWorker, type Kafka, type Producer } from "@odzew/kafka";
import { collectJobSchema, type CollectJob, type SourceConfig, type TopicNames } from "@odzew/schema";
import { pollSource, type HttpClient, type PollResult } from "@odzew/sources";

/** What the collector knows of each source's last poll. */
export interface SourceHealth {
  sourceId: string;
  lastPollAt?: string;
  lastSuccessAt?: string;
  lastItems?: number;
  lastError?: string;
  consecutiveErrors: number;
}

/**
 * Takes collect jobs from the shared consumer group, polls the source, and publishes what it
 * found to the raw mentions topic keyed by mention id. The job's offset is committed only after
 * the mentions are on Kafka, so a collector that dies mid-job leaves the job to another one.
 */
export function createCollector(options: {
  kafka: Kafka;
  producer: Producer;
  sources: SourceConfig[];
  http: HttpClient;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  onCrash?: (error: unknown) => void;
}): BatchWorker & { health(): SourceHealth[] } {
  const logger = options.logger.child({ scope: "collector" });
  const sources = new Map(options.sources.map((source) => [source.id, source]));
  const health = new Map<string, SourceHealth>();
  const abort = new AbortController();

  const worker = createBatchWorker<CollectJob>({
    kafka: options.kafka,
    producer: options.producer,
    groupId: options.groupId,
    topic: options.topics.collectJobs,
    deadLetterTopic: options.topics.mentionsDlq,
    stage: "collect",
    schema: collectJobSchema,
    logger,
    chunkSize: 1,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    async handle([message]) {
      if (!message) return [];
      const job = message.value;
      const source = sources.get(job.sourceId);
      if (!source) {
        return [{ message, code: "SOURCE_UNKNOWN", reason: `no source "${job.sourceId}" in this collector's sources file` }];
      }
      const state = health.get(source.id) ?? { sourceId: source.id, consecutiveErrors: 0 };
      health.set(source.id, state);
      if (state.lastPollAt && state.lastPollAt > job.requestedAt) {
        logger.debug({ sourceId: source.id, jobId: job.jobId }, "job older than the last poll; skipped");
        return [];
      }
      const startedAt = new Date().toISOString();
      let result: PollResult;
      try {
        result = await pollSource(source, {
          http: options.http,
          seen: new Set(),
          mode: "incremental",
          now: new Date(),
          signal: abort.signal,
          secret: (name) => process.env[name],
        });
      } catch (error) {
        // A source that is down is not a poison job: the next scheduled poll tries again.
        state.lastPollAt = startedAt;
        state.lastError = describeError(error);
        state.consecutiveErrors += 1;
        logger.warn(
          { sourceId: source.id, retryable: isRetryable(error), consecutiveErrors: state.consecutiveErrors },
          `poll failed: ${state.lastError}`,
        );
        return [];
      }
      await publish(
        options.producer,
        options.topics.mentionsRaw,
        result.mentions.map((mention) => ({ key: mention.id, value: mention })),
      );
      state.lastPollAt = startedAt;
      state.lastSuccessAt = new Date().toISOString();
      state.lastItems = result.mentions.length;
      state.consecutiveErrors = 0;
      delete state.lastError;
      for (const problem of result.problems.slice(0, 10)) logger.warn({ sourceId: source.id, page: problem.page }, problem.reason);
      logger.info(
        { sourceId: source.id, jobId: job.jobId, mentions: result.mentions.length, pages: result.pages, problems: result.problems.length },
        "polled",
      );
      return [];
    },
  });

  return {
    ...worker,
    async stop() {
      abort.abort();
      await worker.stop();
    },
    health: () => [...health.values()],
  };
}
