import { hostname } from "node:os";
import { OdzewError, type Logger } from "@odzew/core";
import { loadSourcesFile } from "@odzew/config";
import { createKafka, createProducer, createTopicTable, createTransactionalProducer, kafkaConnectionFromEnv, publishAtomically } from "@odzew/kafka";
import { sourceCursorSchema, topicNames, type SourceConfig } from "@odzew/schema";
import { HttpClient, afterSuccess, emptyCursor, pollInputs, pollSource } from "@odzew/sources";
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
    const result = await pollSource(source, {
      http: new HttpClient({ logger: options.logger, minIntervalMsPerHost: env.COLLECTOR_MIN_INTERVAL_MS }),
      seen: pollInputs(cursor, source.limits, "backfill").seen,
      mode: "backfill",
      now,
      secret: (name) => process.env[name],
      onPage: ({ pages, mentions }) => bar.update(pages, mentions),
    });
    bar.end();
    const already = new Set(cursor.seen);
    const fresh = result.mentions.filter((mention) => !already.has(mention.nativeId));
    // The collector's rule: seen ids, health and a catch-up in progress, the same after a backfill.
    const next = afterSuccess(cursor, result, { startedAt: now, now: new Date(), mode: "backfill", limits: configured.limits });
    // Every mention is sent again (ids are deterministic, so nothing doubles downstream); the
    // cursor comes in the same transaction.
    await publishAtomically(transactional, [
      { topic: topics.mentionsRaw, messages: result.mentions.map((mention) => ({ key: mention.id, value: mention })) },
      { topic: topics.collectCursors, messages: [{ key: next.sourceId, value: next }] },
    ]);
    for (const problem of result.problems.slice(0, 20)) process.stderr.write(`  problem on ${problem.page}: ${problem.reason}\n`);
    return (
      `backfill ${source.id}: ${result.mentions.length} mentions delivered (${fresh.length} not seen before) ` +
      `from ${result.pages} pages in ${result.requests} requests; stopped by ${result.stoppedBy}` +
      (result.problems.length ? `; ${result.problems.length} items unreadable` : "")
    );
  } finally {
    await cursors.stop();
    await Promise.all([producer.disconnect(), transactional.disconnect()]);
  }
}
