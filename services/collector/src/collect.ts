import { counter, describeError, gauge, type Logger } from "@odzew/core";
import {
  createBatchWorker,
  createTopicTable,
  publish,
  publishAtomically,
  type BatchWorker,
  type Kafka,
  type Producer,
} from "@odzew/kafka";
import {
  collectJobSchema,
  sourceAlertSchema,
  sourceCursorSchema,
  type CollectJob,
  type SourceConfig,
  type SourceCursor,
  type TopicNames,
} from "@odzew/schema";
import { pollSource, type HttpClient, type PollResult } from "@odzew/sources";
import { afterFailure, afterSuccess, emptyCursor } from "./health.ts";

export interface CollectorOptions {
  kafka: Kafka;
  /** For dead letters. */
  producer: Producer;
  /** Transactional: mentions, cursor and the job's offset are written as one. */
  transactionalProducer: Producer;
  sources: SourceConfig[];
  http: HttpClient;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  /** Secrets by environment variable name (API keys, OAuth tokens). */
  secret?: (name: string) => string | undefined;
  onCrash?: (error: unknown) => void;
}

/**
 * What the collector counts, per configured source (a few dozen ids from the sources file, never
 * a URL). The alert gauge mirrors the health on the cursor: 1 for the source's current alert.
 */
function collectorMetrics() {
  return {
    collected: counter({
      name: "collector_mentions_collected_total",
      help: "New mentions a collector published to the raw topic, per source.",
      labelNames: ["source"],
    }),
    polls: counter({ name: "collector_polls_total", help: "Polls of a source, by outcome (ok, failed).", labelNames: ["source", "outcome"] }),
    requests: counter({ name: "collector_requests_total", help: "HTTP requests of successful polls, per source.", labelNames: ["source"] }),
    httpErrors: counter({
      name: "collector_http_errors_total",
      help: "Polls of a source that failed with an HTTP error after the client's retries (the cursor's httpErrors).",
      labelNames: ["source"],
    }),
    alert: gauge({
      name: "collector_source_alert",
      help: "1 while a source has a health alert with this code (LAYOUT_CHANGED, BLOCKED, FAILING), else 0.",
      labelNames: ["source", "code"],
    }),
  };
}

/**
 * Takes collect jobs from the shared consumer group, polls the source from where its cursor
 * says the last poll stopped, publishes what is new to the raw mentions topic keyed by mention
 * id, then the new cursor (with the source's health), and only then commits the job. A
 * collector that dies mid-job leaves the job to another one, which starts from the same cursor.
 */
export function createCollector(options: CollectorOptions): BatchWorker & { cursor(sourceId: string): SourceCursor | undefined } {
  const logger = options.logger.child({ scope: "collector" });
  const sources = new Map(options.sources.map((source) => [source.id, source]));
  const cursors = createTopicTable({
    kafka: options.kafka,
    topic: options.topics.collectCursors,
    schema: sourceCursorSchema,
    logger,
    producer: options.producer,
  });
  const abort = new AbortController();
  const metrics = collectorMetrics();

  function recordHealth(sourceId: string, previous: SourceCursor | undefined, next: SourceCursor) {
    const httpErrors = next.health.httpErrors - (previous?.health.httpErrors ?? 0);
    if (httpErrors > 0) metrics.httpErrors.inc({ source: sourceId }, httpErrors);
    for (const code of sourceAlertSchema.shape.code.options) {
      metrics.alert.set({ source: sourceId, code }, next.health.alert?.code === code ? 1 : 0);
    }
  }

  async function saveCursor(cursor: SourceCursor): Promise<void> {
    await publish(options.producer, options.topics.collectCursors, [{ key: cursor.sourceId, value: cursor }]);
  }

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
      // Another collector may have polled this source last: read its cursor first.
      await cursors.catchUp();
      const startedAt = new Date();
      const cursor = cursors.get(source.id) ?? emptyCursor(source.id, startedAt);
      if (cursor.health.lastPollAt && cursor.health.lastPollAt > job.requestedAt && job.reason === "schedule") {
        logger.debug({ sourceId: source.id, jobId: job.jobId }, "a newer poll already ran; job skipped");
        return [];
      }
      const mode = cursor.backfilled && job.reason !== "backfill" ? "incremental" : "backfill";
      let result: PollResult;
      try {
        result = await pollSource(source, {
          http: options.http,
          seen: new Set(cursor.seen),
          mode,
          now: startedAt,
          signal: abort.signal,
          secret: options.secret ?? ((name) => process.env[name]),
        });
      } catch (error) {
        if (abort.signal.aborted) throw error;
        const next = afterFailure(cursor, error, startedAt, new Date());
        await saveCursor(next);
        metrics.polls.inc({ source: source.id, outcome: "failed" });
        recordHealth(source.id, cursor, next);
        logHealth(logger, source.id, next, `poll failed: ${describeError(error)}`);
        return [];
      }
      const next = afterSuccess(cursor, result, startedAt, new Date());
      // The new mentions, the cursor that says they were delivered, and the job's offset: all or
      // nothing, so a collector dying here neither loses a review nor delivers it twice.
      await publishAtomically(
        options.transactionalProducer,
        [
          { topic: options.topics.mentionsRaw, messages: result.mentions.map((mention) => ({ key: mention.id, value: mention })) },
          { topic: options.topics.collectCursors, messages: [{ key: next.sourceId, value: next }] },
        ],
        { groupId: options.groupId, topic: options.topics.collectJobs, partition: message.partition, offset: message.offset },
      );
      metrics.polls.inc({ source: source.id, outcome: "ok" });
      metrics.collected.inc({ source: source.id }, result.mentions.length);
      metrics.requests.inc({ source: source.id }, result.requests);
      recordHealth(source.id, cursor, next);
      for (const problem of result.problems.slice(0, 10)) logger.warn({ sourceId: source.id, page: problem.page }, problem.reason);
      logHealth(logger, source.id, next, "polled", {
        jobId: job.jobId,
        mode,
        new: result.mentions.length,
        parsed: result.parsed,
        pages: result.pages,
        requests: result.requests,
        stoppedBy: result.stoppedBy,
        problems: result.problems.length,
      });
      return [];
    },
  });

  return {
    ...worker,
    async start() {
      await cursors.start();
      // The alerts as the cursors say, before the first poll: a restart does not hide one.
      // Every source's series start at zero, so that rates and alerts see them from the start.
      for (const source of options.sources) {
        const cursor = cursors.get(source.id) ?? emptyCursor(source.id, new Date());
        recordHealth(source.id, cursor, cursor);
        metrics.collected.inc({ source: source.id }, 0);
        metrics.requests.inc({ source: source.id }, 0);
        metrics.httpErrors.inc({ source: source.id }, 0);
        for (const outcome of ["ok", "failed"]) metrics.polls.inc({ source: source.id, outcome }, 0);
      }
      await worker.start();
    },
    async stop() {
      abort.abort();
      await worker.stop();
      await cursors.stop();
    },
    cursor: (sourceId) => cursors.get(sourceId),
  };
}

function logHealth(logger: Logger, sourceId: string, cursor: SourceCursor, message: string, fields: Record<string, unknown> = {}) {
  const alert = cursor.health.alert;
  if (alert) {
    logger.error({ sourceId, alert: alert.code, since: alert.since, ...fields }, `source health alert: ${alert.message}`);
  } else if (cursor.health.consecutiveFailures > 0) {
    logger.warn({ sourceId, failures: cursor.health.consecutiveFailures, ...fields }, message);
  } else {
    logger.info({ sourceId, ...fields }, message);
  }
}
