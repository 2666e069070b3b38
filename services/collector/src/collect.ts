import { OdzewError, counter, describeError, gauge, type Logger } from "@odzew/core";
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
import {
  catchUpLimit,
  emptyCursor,
  jobVerdict,
  pollInputs,
  pollModeOf,
  pollSource,
  pollTransition,
  redactUrl,
  type HttpClient,
  type PollResult,
  type PollTransition,
} from "@odzew/sources";

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

/** How often a poll in progress heartbeats to the consumer group (its session is 10 s). */
const HEARTBEAT_EVERY_MS = 3_000;

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

  /** The health metrics as a cursor says (`transition`: what the last poll added). */
  function recordHealth(sourceId: string, next: SourceCursor, transition?: PollTransition) {
    if (transition && transition.httpErrors > 0) metrics.httpErrors.inc({ source: sourceId }, transition.httpErrors);
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
    async handle([message], context) {
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
      const verdict = jobVerdict(cursor, job, startedAt);
      if (!verdict.run) {
        logger.debug({ sourceId: source.id, jobId: job.jobId, reason: job.reason }, verdict.reason);
        return [];
      }
      const mode = pollModeOf(cursor, job.reason);
      const inputs = pollInputs(cursor, source.limits, mode);
      // A poll may read many slow pages: heartbeat after each page, and every few seconds while
      // one slow page loads, so the group does not evict this collector (10 s session) and hand
      // the source to another one. A failed heartbeat (the group is rebalancing) ends the poll
      // without touching the cursor: kafkajs rejoins, and the job goes to whoever owns its
      // partition then.
      let lostGroup: unknown;
      const pollAbort = new AbortController();
      const heartbeat = async () => {
        try {
          await context.heartbeat();
        } catch (error) {
          lostGroup ??= error;
          pollAbort.abort();
          throw error;
        }
      };
      const heartbeats = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
      let result: PollResult;
      try {
        result = await pollSource(source, {
          // The source's own network settings (`network.allowPrivate`), the shared rate limits.
          http: options.http,
          seen: inputs.seen,
          replies: inputs.replies,
          ...(job.reason === "confirm" && mode === "backfill" && cursor.backfilled ? { lookFor: new Set(job.nativeIds ?? []) } : {}),
          ...(inputs.catchUp ? { catchUp: inputs.catchUp } : {}),
          mode,
          now: startedAt,
          signal: AbortSignal.any([abort.signal, pollAbort.signal]),
          secret: options.secret ?? ((name) => process.env[name]),
          heartbeat,
        });
      } catch (error) {
        clearInterval(heartbeats);
        if (lostGroup !== undefined) throw lostGroup;
        if (abort.signal.aborted) throw error;
        const failed = pollTransition(cursor, { ok: false, error }, { startedAt, now: new Date(), mode, limits: source.limits });
        const next = failed.cursor;
        await saveCursor(next);
        metrics.polls.inc({ source: source.id, outcome: "failed" });
        recordHealth(source.id, next, failed);
        logHealth(logger, source.id, next, `poll failed: ${describeError(error)}`);
        return [];
      }
      clearInterval(heartbeats);
      if (!context.shouldContinue()) {
        // The partition moved to another collector while this one polled (or this one is stopping):
        // the job's new owner polls again from the same cursor, and publishing here too would
        // deliver the same reviews twice. Thrown as retryable, so the worker neither retries nor
        // commits the job.
        throw new OdzewError("KAFKA_FENCED", `the partition of job ${job.jobId} (${source.id}) was reassigned during the poll; result dropped`, {
          retryable: true,
          context: { sourceId: source.id, jobId: job.jobId },
        });
      }
      const finishedAt = new Date();
      const polled = pollTransition(cursor, { ok: true, result }, { startedAt, now: finishedAt, mode, limits: source.limits });
      const next = polled.cursor;
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
      recordHealth(source.id, next, polled);
      for (const problem of result.problems.slice(0, 10)) logger.warn({ sourceId: source.id, page: redactUrl(problem.page) }, problem.reason);
      if (polled.gaveUp) {
        logger.error(
          { sourceId: source.id, since: cursor.resume?.since, pages: cursor.resume?.pages },
          `catch-up given up after ${catchUpLimit(source.limits)} pages without reaching the reviews delivered before the gap; ` +
            `reviews in it may be missing: run odzew backfill ${source.id} --pages N`,
        );
      } else if (polled.caughtUp) {
        logger.info({ sourceId: source.id, since: cursor.resume?.since }, "caught up: every review the cut-short polls left unread is delivered");
      }
      logHealth(logger, source.id, next, "polled", {
        jobId: job.jobId,
        mode,
        new: result.mentions.length,
        parsed: result.parsed,
        pages: result.pages,
        requests: result.requests,
        stoppedBy: result.stoppedBy,
        ...(next.resume ? { catchingUp: { since: next.resume.since, pages: next.resume.pages, lanes: next.resume.lanes.length } } : {}),
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
        recordHealth(source.id, cursor);
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
