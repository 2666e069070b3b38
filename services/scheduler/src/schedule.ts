import { randomUUID } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import { counter, describeError, type Component, type Logger } from "@odzew/core";
import { publish, type Producer } from "@odzew/kafka";
import { COLLECT_JOB_SCHEMA_VERSION, type CollectJob, type SourceConfig, type SourceCursor } from "@odzew/schema";

/** How often the scheduler looks at the cursors for sources whose wait (Retry-After) is over. */
export const RETRY_CHECK_MS = 1_000;

/**
 * The retry jobs due now: a source whose cursor says "not before T" (a long Retry-After) gets
 * one job once T has come. `sent` holds the T each source last got a job for, so a T is served
 * once; a T still on the cursor after a restart is served again, which is harmless (the
 * collector runs it, or skips it if a newer wait has been set since).
 */
export function dueRetries(
  sourceIds: readonly string[],
  cursorOf: (sourceId: string) => SourceCursor | undefined,
  sent: ReadonlyMap<string, string>,
  now: Date,
): { sourceId: string; notBefore: string }[] {
  const due: { sourceId: string; notBefore: string }[] = [];
  for (const sourceId of sourceIds) {
    const notBefore = cursorOf(sourceId)?.health.retryNotBefore;
    if (!notBefore || sent.get(sourceId) === notBefore) continue;
    if (Date.parse(notBefore) <= now.getTime()) due.push({ sourceId, notBefore });
  }
  return due;
}

/**
 * Turns each source's cron schedule into collect jobs on Kafka, keyed by source id so that one
 * source's jobs always reach the same collector and never run twice at once.
 */
export function createScheduler(options: {
  sources: SourceConfig[];
  producer: Producer;
  topic: string;
  logger: Logger;
  /** Send one job per source right away instead of waiting for the first tick. */
  runOnStart?: boolean;
  /** The sources' cursors (the compacted cursors topic): a source that asked us to wait gets a job when the wait is over. */
  cursors?: { get(sourceId: string): SourceCursor | undefined };
}): Component & { start(): Promise<void>; requestNow(sourceId: string, reason: CollectJob["reason"]): Promise<CollectJob> } {
  const logger = options.logger.child({ scope: "scheduler" });
  const tasks: ScheduledTask[] = [];
  const retriesSent = new Map<string, string>();
  let retryTimer: NodeJS.Timeout | undefined;
  const enabled = options.sources.filter((source) => source.enabled);
  const jobs = counter({
    name: "scheduler_jobs_total",
    help: "Collect jobs sent to the collectors, per source and reason (schedule, manual, backfill).",
    labelNames: ["source", "reason"],
  });
  const failures = counter({ name: "scheduler_job_failures_total", help: "Collect jobs that could not be sent, per source.", labelNames: ["source"] });
  for (const source of enabled) {
    jobs.inc({ source: source.id, reason: "schedule" }, 0);
    failures.inc({ source: source.id }, 0);
  }

  async function requestNow(sourceId: string, reason: CollectJob["reason"]): Promise<CollectJob> {
    const job: CollectJob = {
      schemaVersion: COLLECT_JOB_SCHEMA_VERSION,
      jobId: randomUUID(),
      sourceId,
      reason,
      requestedAt: new Date().toISOString(),
    };
    await publish(options.producer, options.topic, [{ key: sourceId, value: job }]);
    jobs.inc({ source: sourceId, reason });
    logger.debug({ sourceId, jobId: job.jobId, reason }, "collect job sent");
    return job;
  }

  return {
    name: "scheduler",
    requestNow,
    async start() {
      for (const source of enabled) {
        if (!cron.validate(source.schedule)) {
          throw new Error(`source "${source.id}": invalid cron schedule "${source.schedule}"`);
        }
      }
      for (const source of enabled) {
        const task = cron.schedule(
          source.schedule,
          async () => {
            try {
              await requestNow(source.id, "schedule");
            } catch (error) {
              failures.inc({ source: source.id });
              logger.error({ sourceId: source.id, err: error }, `could not send collect job: ${describeError(error)}`);
            }
          },
          { name: source.id, noOverlap: true },
        );
        tasks.push(task);
      }
      if (options.runOnStart) await Promise.all(enabled.map((source) => requestNow(source.id, "schedule")));
      const cursors = options.cursors;
      if (cursors) {
        const ids = enabled.map((source) => source.id);
        let checking = false;
        retryTimer = setInterval(() => {
          if (checking) return;
          checking = true;
          void (async () => {
            for (const { sourceId, notBefore } of dueRetries(ids, (id) => cursors.get(id), retriesSent, new Date())) {
              try {
                await requestNow(sourceId, "retry");
                retriesSent.set(sourceId, notBefore);
                logger.info({ sourceId, notBefore }, "the source's wait is over: retry job sent");
              } catch (error) {
                failures.inc({ source: sourceId });
                logger.error({ sourceId, err: error }, `could not send retry job: ${describeError(error)}`);
              }
            }
          })().finally(() => {
            checking = false;
          });
        }, RETRY_CHECK_MS);
      }
      logger.info({ sources: enabled.map((source) => `${source.id} (${source.schedule})`) }, "schedules running");
    },
    async stop() {
      if (retryTimer) clearInterval(retryTimer);
      await Promise.all(tasks.map((task) => task.stop()));
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
}
