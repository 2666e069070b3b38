import { hostname } from "node:os";
import { OdzewError, type Logger } from "@odzew/core";
import { loadSourcesFile } from "@odzew/config";
import { createKafka, createProducer, createTopicTable, createTransactionalProducer, kafkaConnectionFromEnv, publish, publishAtomically } from "@odzew/kafka";
import { sourceCursorSchema, topicNames, type SourceConfig } from "@odzew/schema";
import { HttpClient, emptyCursor, pollInputs, pollSource, pollTransition, type HealthAlertChange, type PollResult } from "@odzew/sources";
import type { CliEnv } from "./env.ts";

/** A one-line progress bar on a terminal, a line per page otherwise. */
function progress(stream: NodeJS.WriteStream, label: string, maxPages: number) {
  const width = 30;
  return {
    update(pages: number, mentions: number) {
      const done = Math.min(width, Math.round((pages / maxPages) * width));
      const line = `${label} [${"#".repeat(done)}${".".repeat(width - done)}] ${pages}/${maxPages} pages, ${mentions} mentions`;
      if (stream.isTTY) stream.write(`\r${line}`);
      else stream.write(`${line}\n`);
    },
    end() {
      if (stream.isTTY) stream.write("\n");
    },
  };
}

/**
 * Read a source's history now, as deep as its `limits.backfillPages` (or `pages`), seen reviews
 * or not, and deliver what is new together with the source's cursor.
 */
export async function backfill(env: CliEnv, sourceId: string, options: { pages?: number; logger: Logger }): Promise<string> {
  const { sources } = await loadSourcesFile(env.ODZEW_SOURCES_FILE);
  const configured = sources.find((candidate) => candidate.id === sourceId);
  if (!configured) {
    throw new OdzewError(
      "CONFIG_INVALID",
      `no source "${sourceId}" in ${env.ODZEW_SOURCES_FILE}; known: ${sources.map((candidate) => candidate.id).join(", ") || "(none)"}`,
    );
  }
  const source: SourceConfig = options.pages
    ? { ...configured, limits: { ...configured.limits, backfillPages: options.pages } }
    : configured;
  const topics = topicNames(env.ODZEW_TOPIC_PREFIX);
  const kafka = createKafka(kafkaConnectionFromEnv(env, "odzew-backfill"), options.logger);
  const producer = createProducer(kafka);
  const transactional = createTransactionalProducer(kafka, `odzew-backfill-${hostname()}-${process.pid}`);
  await Promise.all([producer.connect(), transactional.connect()]);
  const cursors = createTopicTable({ kafka, topic: topics.collectCursors, schema: sourceCursorSchema, logger: options.logger, producer });
  try {
    await cursors.start();
    const now = new Date();
    const cursor = cursors.get(source.id) ?? emptyCursor(source.id, now);
    const bar = progress(process.stderr, `backfill ${source.id}`, source.limits.backfillPages);
    const poll = { startedAt: now, mode: "backfill" as const, limits: configured.limits };
    let result: PollResult;
    try {
      result = await pollSource(source, {
        http: new HttpClient({ logger: options.logger, minIntervalMsPerHost: env.COLLECTOR_MIN_INTERVAL_MS }),
        seen: pollInputs(cursor, source.limits, "backfill").seen,
        mode: "backfill",
        now,
        secret: (name) => process.env[name],
        onPage: ({ pages, mentions }) => bar.update(pages, mentions),
      });
    } catch (error) {
      bar.end();
      // The collector's rule for a failed poll: the failure counts in the source's health (and
      // raises BLOCKED or FAILING as it would there); what was seen and a catch-up stay.
      const failed = pollTransition(cursor, { ok: false, error }, { ...poll, now: new Date() });
      await publish(producer, topics.collectCursors, [{ key: failed.cursor.sourceId, value: failed.cursor }]);
      const alert = alertLine(source.id, failed.alert);
      if (alert) process.stderr.write(`${alert}\n`);
      throw error;
    }
    bar.end();
    const already = new Set(cursor.seen);
    const fresh = result.mentions.filter((mention) => !already.has(mention.nativeId));
    // The collector's transition: seen ids, health (a changed layout raises its alert) and a
    // catch-up in progress, the same after a backfill.
    const polled = pollTransition(cursor, { ok: true, result }, { ...poll, now: new Date() });
    const next = polled.cursor;
    // Every mention is sent again (ids are deterministic, so nothing doubles downstream); the
    // cursor comes in the same transaction.
    await publishAtomically(transactional, [
      { topic: topics.mentionsRaw, messages: result.mentions.map((mention) => ({ key: mention.id, value: mention })) },
      { topic: topics.collectCursors, messages: [{ key: next.sourceId, value: next }] },
    ]);
    for (const problem of result.problems.slice(0, 20)) process.stderr.write(`  problem on ${problem.page}: ${problem.reason}\n`);
    const alert = alertLine(source.id, polled.alert);
    if (alert) process.stderr.write(`${alert}\n`);
    return (
      `backfill ${source.id}: ${result.mentions.length} mentions delivered (${fresh.length} not seen before) ` +
      `from ${result.pages} pages in ${result.requests} requests; stopped by ${result.stoppedBy}` +
      (result.problems.length ? `; ${result.problems.length} items unreadable` : "") +
      (polled.alert.kind === "raised" || polled.alert.kind === "ongoing" ? `; source health alert ${polled.alert.alert.code}` : "")
    );
  } finally {
    await cursors.stop();
    await Promise.all([producer.disconnect(), transactional.disconnect()]);
  }
}

/** What a user is told of the source's health alert after a backfill: raised or still on (the alerter picks it up from the cursor), or cleared. */
function alertLine(sourceId: string, change: HealthAlertChange): string | undefined {
  switch (change.kind) {
    case "raised":
      return `source health alert for ${sourceId} (${change.alert.code}): ${change.alert.message}`;
    case "ongoing":
      return `source health alert for ${sourceId} (${change.alert.code}, since ${change.alert.since}): ${change.alert.message}`;
    case "cleared":
      return `source health alert for ${sourceId} (${change.previous.code}) cleared: the source reads fine again`;
    case "none":
      return undefined;
  }
}
