import { OdzewError, type Logger } from "@odzew/core";
import { createProducer, publish, publishTombstones, scanTopic, waitForConsumers, type Kafka, type Producer, type ScannedRecord, type TopicPositions } from "@odzew/kafka";
import { ANONYMOUS_AUTHOR, pseudonymiseAuthor } from "@odzew/nlp";
import { ERASURE_SCHEMA_VERSION, erasureKey, type Erasure, type TopicNames } from "@odzew/schema";
import type { MentionStore } from "@odzew/search";
import {
  alertWithout,
  compacted,
  deadLetterMatches,
  decideErase,
  mentionRecordMatches,
  type EraseRequest,
  type ErasureCounts,
  type ErasureTarget,
} from "./erase-rules.ts";

/** Whether the enricher's pseudonym lumps a name together with every anonymous author. */
export function lumpedTogether(name: string): boolean {
  // The key does not matter here: anonymous names map to ANONYMOUS_AUTHOR before any HMAC.
  return pseudonymiseAuthor(name, "placeholder-check") === ANONYMOUS_AUTHOR;
}

/** Where the copies of what is erased are, as a scan found them. */
export interface ErasureScan {
  target: ErasureTarget;
  /** Keys of the mention topics with a copy (any version) of an erased mention. */
  raw: Set<string>;
  enriched: Set<string>;
  deadLetters: Set<string>;
  /** New versions of the alert records that name an erased mention, by key. */
  alerts: Map<string, Record<string, unknown>>;
  /** Erased mentions in the index. */
  index: Set<string>;
  /** Where each topic's scan ended, so that a later look reads only what came after. */
  ends: Map<string, TopicPositions>;
}

export interface EraseContext {
  kafka: Kafka;
  store: MentionStore;
  topics: TopicNames;
  logger: Logger;
  /** The enricher's pseudonym key: needed to erase by author. */
  authorKey?: string | undefined;
  /** How long the pipeline's workers get to pass the erasure (see waitForConsumers). */
  drainTimeoutMs?: number;
}

function targetOf(request: EraseRequest, authorKey: string | undefined): ErasureTarget {
  const pseudonyms = new Set<string>();
  if (request.author !== undefined) {
    if (!authorKey) throw new Error("erasing by author needs the pseudonym key");
    const pseudonym = pseudonymiseAuthor(request.author, authorKey);
    // judgeAuthorName refuses these; a second look, because this one could erase everybody.
    if (pseudonym === ANONYMOUS_AUTHOR) throw new Error("refusing to erase the anonymous pseudonym");
    pseudonyms.add(pseudonym);
  }
  return { pseudonyms, names: request.author !== undefined ? [request.author] : [], mentionIds: new Set(request.mentionIds) };
}

function emptyScan(target: ErasureTarget): ErasureScan {
  return { target, raw: new Set(), enriched: new Set(), deadLetters: new Set(), alerts: new Map(), index: new Set(), ends: new Map() };
}

const text = (record: ScannedRecord) => (record.value === null ? null : record.value.toString("utf8"));

/** Read what a topic got since this erasure last read it (all of it the first time), record by record. */
async function scanSinceLast(context: EraseContext, scan: ErasureScan, topic: string, onRecord: (key: string, value: string) => void): Promise<void> {
  const result = await scanTopic({
    kafka: context.kafka,
    topic,
    logger: context.logger,
    ...(scan.ends.has(topic) ? { from: scan.ends.get(topic)! } : {}),
    handle: (records) => {
      for (const record of records) {
        const value = text(record);
        if (record.key !== null && value !== null) onRecord(record.key, value);
      }
    },
  });
  scan.ends.set(topic, result.ends);
}

/**
 * Look for copies in a mention topic (raw or enriched); every key that ever held a matching
 * version is erased, and its id joins the target (so its dead letters and alerts are found too).
 */
async function scanMentions(context: EraseContext, topic: string, found: Set<string>, scan: ErasureScan, pseudonymise: (name: string) => string): Promise<Set<string>> {
  const matched = new Set<string>();
  await scanSinceLast(context, scan, topic, (key, value) => {
    if (!mentionRecordMatches(key, value, scan.target, pseudonymise)) return;
    found.add(key);
    matched.add(key);
    scan.target.mentionIds.add(key);
  });
  return matched;
}

async function scanDeadLetters(context: EraseContext, scan: ErasureScan, pseudonymise: (name: string) => string): Promise<void> {
  await scanSinceLast(context, scan, context.topics.mentionsDlq, (key, value) => {
    if (deadLetterMatches(key, value, scan.target, pseudonymise)) scan.deadLetters.add(key);
  });
}

/** Alerts are read whole each time: what counts is the latest version of each record. */
async function scanAlerts(context: EraseContext, scan: ErasureScan, pseudonymise: (name: string) => string): Promise<void> {
  const records: { key: string | null; value: string | null }[] = [];
  await scanTopic({
    kafka: context.kafka,
    topic: context.topics.alerts,
    logger: context.logger,
    handle: (batch) => void records.push(...batch.map((record) => ({ key: record.key, value: text(record) }))),
  });
  scan.alerts.clear();
  for (const [key, value] of compacted(records)) {
    let alert: unknown;
    try {
      alert = JSON.parse(value);
    } catch {
      continue;
    }
    const without = alertWithout(alert, scan.target, pseudonymise);
    if (without) scan.alerts.set(key, without);
  }
}

async function scanIndex(context: EraseContext, scan: ErasureScan): Promise<void> {
  for (const pseudonym of scan.target.pseudonyms) {
    for (const id of await context.store.idsByAuthor(pseudonym, scan.target.names[0])) {
      scan.index.add(id);
      scan.target.mentionIds.add(id);
    }
  }
  const named = [...scan.target.mentionIds].filter((id) => !scan.index.has(id));
  for (let start = 0; start < named.length; start += 1_000) {
    const ids = named.slice(start, start + 1_000);
    const present = await context.store.engine.request<{ hits: { hits: { _id: string }[] } }>(
      "POST",
      `/${context.store.names.pattern}/_search`,
      { size: ids.length, _source: false, query: { ids: { values: ids } } },
      { ignore_unavailable: true, allow_no_indices: true },
    );
    for (const hit of present.hits.hits) scan.index.add(hit._id);
  }
}

/**
 * Find every copy of what a request erases: the index, the raw and enriched mention topics
 * (every version of every key, tombstoned or not), the dead letters and the alerts. Changes
 * nothing.
 */
export async function scanForErasure(context: EraseContext, request: EraseRequest): Promise<ErasureScan> {
  const target = targetOf(request, context.authorKey);
  const pseudonymise = pseudonymiserOf(context.authorKey);
  const scan = emptyScan(target);
  await scanMentions(context, context.topics.mentionsRaw, scan.raw, scan, pseudonymise);
  await scanMentions(context, context.topics.mentionsEnriched, scan.enriched, scan, pseudonymise);
  await scanIndex(context, scan);
  await scanDeadLetters(context, scan, pseudonymise);
  await scanAlerts(context, scan, pseudonymise);
  return scan;
}

function pseudonymiserOf(authorKey: string | undefined): (name: string) => string {
  // Without a key no name can be compared (mention-id erasures): nothing matches by name.
  return authorKey ? (name) => pseudonymiseAuthor(name, authorKey) : () => "";
}

export function countsOf(scan: ErasureScan): ErasureCounts {
  return {
    index: scan.index.size,
    raw: scan.raw.size,
    enriched: scan.enriched.size,
    deadLetters: scan.deadLetters.size,
    alerts: scan.alerts.size,
    mentions: new Set([...scan.index, ...scan.raw, ...scan.enriched]).size,
  };
}

export interface EraseReport {
  /** The erased author's pseudonym, when erased by author. */
  authorPseudonym?: string;
  counts: ErasureCounts;
  removedFromIndex: number;
  /** Consumer groups that had not passed the erasure in time: run the erasure again later. */
  behind: string[];
  seconds: number;
}

/** Tombstones for every key (the Kafka package's one way to write them). */
const tombstone = (producer: Producer, topic: string, keys: Iterable<string>): Promise<void> => publishTombstones(producer, topic, [...keys]);

/**
 * Erase what a scan found, and whatever arrived since:
 * 1. record the erasure, so the enricher drops the author's (or mention's) reviews when they are
 *    collected again, and the indexer and every rebuild skip them;
 * 2. tombstone the raw copies, then wait until the live enrichers have passed a marker written
 *    after them: whatever they were enriching of the author is on the enriched topic by then;
 * 3. look again, tombstone the enriched copies, and wait for the live indexers the same way;
 * 4. delete the mentions from the index (nothing in flight can bring them back now), and take
 *    a last look at the mention topics for anything that slipped in meanwhile;
 * 5. tombstone the dead letters, and write each affected alert again without the mentions.
 * Kafka drops the tombstoned versions at its next compaction (bounded: see topicSpecs).
 */
export async function executeErasure(context: EraseContext, request: EraseRequest, scan: ErasureScan): Promise<EraseReport> {
  const started = performance.now();
  const pseudonymise = pseudonymiserOf(context.authorKey);
  const producer = createProducer(context.kafka);
  await producer.connect();
  const behind = new Set<string>();
  const drain = async (topic: string) => {
    const result = await waitForConsumers({ kafka: context.kafka, producer, topic, logger: context.logger, timeoutMs: context.drainTimeoutMs ?? 120_000 });
    for (const group of result.behind) behind.add(group);
  };
  try {
    const requestedAt = new Date().toISOString();
    const reference = request.reference ? { reference: request.reference } : {};
    const erasures: Erasure[] = [
      ...[...scan.target.pseudonyms].map((authorPseudonym): Erasure => ({ schemaVersion: ERASURE_SCHEMA_VERSION, authorPseudonym, requestedAt, ...reference })),
      ...request.mentionIds.map((mentionId): Erasure => ({ schemaVersion: ERASURE_SCHEMA_VERSION, mentionId, requestedAt, ...reference })),
    ];
    await publish(producer, context.topics.erasures, erasures.map((erasure) => ({ key: erasureKey(erasure), value: erasure })));

    await scanMentions(context, context.topics.mentionsRaw, scan.raw, scan, pseudonymise);
    await tombstone(producer, context.topics.mentionsRaw, scan.raw);
    await drain(context.topics.mentionsRaw);

    await scanMentions(context, context.topics.mentionsEnriched, scan.enriched, scan, pseudonymise);
    await tombstone(producer, context.topics.mentionsEnriched, scan.enriched);
    await drain(context.topics.mentionsEnriched);

    await scanIndex(context, scan);
    let removedFromIndex = await context.store.deleteByIds([...scan.index]);

    // A last look at what came meanwhile (a review collected again just as the erasure was
    // recorded, before a worker had read it): cheap, it reads only the new records.
    const lateRaw = await scanMentions(context, context.topics.mentionsRaw, scan.raw, scan, pseudonymise);
    const lateEnriched = await scanMentions(context, context.topics.mentionsEnriched, scan.enriched, scan, pseudonymise);
    await tombstone(producer, context.topics.mentionsRaw, lateRaw);
    await tombstone(producer, context.topics.mentionsEnriched, lateEnriched);
    if (lateEnriched.size > 0) {
      await drain(context.topics.mentionsEnriched);
      removedFromIndex += await context.store.deleteByIds([...lateEnriched]);
    }

    await scanDeadLetters(context, scan, pseudonymise);
    await tombstone(producer, context.topics.mentionsDlq, scan.deadLetters);
    await scanAlerts(context, scan, pseudonymise);
    await publish(producer, context.topics.alerts, [...scan.alerts].map(([key, value]) => ({ key, value })));

    const [authorPseudonym] = scan.target.pseudonyms;
    return {
      ...(authorPseudonym ? { authorPseudonym } : {}),
      counts: countsOf(scan),
      removedFromIndex,
      behind: [...behind],
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await producer.disconnect();
  }
}

/**
 * `odzew erase`: find every copy, say how many, go ahead only when confirmed (`--yes`, or a yes
 * typed on a terminal), erase, and say what was done. Lines for stdout; refusals are errors.
 */
export async function runErase(
  context: EraseContext,
  request: EraseRequest,
  options: { yes: boolean; dryRun: boolean; confirm?: ((question: string) => Promise<boolean>) | undefined },
): Promise<{ lines: string[]; exitCode: number }> {
  const scan = await scanForErasure(context, request);
  const decision = decideErase({
    counts: countsOf(scan),
    yes: options.yes,
    dryRun: options.dryRun,
    interactive: options.confirm !== undefined,
    author: request.author !== undefined,
  });
  switch (decision.action) {
    case "dry-run":
      return { lines: [decision.message], exitCode: 0 };
    case "refuse":
      throw new OdzewError("CONFIG_INVALID", decision.message);
    case "ask":
      if (!(await options.confirm!(decision.question))) return { lines: ["not erased"], exitCode: 1 };
      break;
    case "proceed":
      break;
  }
  const report = await executeErasure(context, request, scan);
  const who = report.authorPseudonym ? `author ${report.authorPseudonym}` : `mention${request.mentionIds.length === 1 ? "" : "s"} ${request.mentionIds.join(", ")}`;
  const lines = [
    `erased ${who}: ${report.counts.mentions} mentions, ${report.removedFromIndex} removed from the index; ` +
      `tombstones written for ${report.counts.raw} raw, ${report.counts.enriched} enriched and ${report.counts.deadLetters} dead-lettered copies; ` +
      `${report.counts.alerts} alerts written again without them; collected again, they are dropped (${report.seconds} s)`,
  ];
  if (report.behind.length > 0) {
    lines.push(
      `warning: consumer group(s) ${report.behind.join(", ")} had not caught up with the erasure; ` +
        "run the same erase again once they have, to remove what they wrote meanwhile",
    );
  }
  return { lines, exitCode: report.behind.length > 0 ? 3 : 0 };
}
