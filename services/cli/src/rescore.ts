import type { Logger } from "@odzew/core";
import { MAX_MESSAGE_BYTES, encodeMessage, publishEncoded, replayTopic, type EncodedMessage, type Kafka, type Producer } from "@odzew/kafka";
import { enrichMention, type Enricher } from "@odzew/nlp";
import { isErasedMention, rawMentionSchema, type TopicNames } from "@odzew/schema";
import { erasedKeys } from "./rebuild.ts";

/**
 * `odzew rescore [--since DATE]`: re-enrich history with the current model. Reads
 * `odzew.mentions.raw` from its beginning through a throwaway consumer group of its own (the
 * live enricher's group is never touched), enriches each mention published since DATE exactly as
 * the enricher does, and publishes the new versions to the enriched topic. They are enriched
 * later than the versions there, so the indexer replaces each document (keeping its workflow);
 * an older reading of a mention met after a newer one is not published again.
 */

export interface RescoreProgress {
  /** Raw records read so far (tombstones and older readings included). */
  read: number;
  /** About how many records the raw topic holds (its offsets; compaction leaves gaps). */
  total: number;
  published: number;
  elapsedMs: number;
}

/** Pure: a progress line with count, rate and time left. */
export function progressLine(progress: RescoreProgress): string {
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.read / seconds : 0;
  const left = Math.max(0, progress.total - progress.read);
  const eta = rate > 0 ? `about ${Math.ceil(left / rate)} s left` : "time left unknown";
  const share = progress.total > 0 ? ` (${Math.min(100, Math.round((progress.read / progress.total) * 100))} %)` : "";
  return `rescored ${progress.published.toLocaleString("en")} mentions, read ${progress.read.toLocaleString("en")} of ~${progress.total.toLocaleString("en")}${share}, ${Math.round(rate).toLocaleString("en")}/s, ${eta}`;
}

export interface RescoreReport {
  read: number;
  published: number;
  /** Published before --since. */
  before: number;
  /** Erased authors or mentions (never written again). */
  erased: number;
  /** Older readings of a mention met after a newer one. */
  older: number;
  /** Enriched copies too large for a Kafka message (the enricher dead-lettered these). */
  tooLarge: number;
  seconds: number;
}

export async function rescoreHistory(options: {
  kafka: Kafka;
  producer: Producer;
  topics: TopicNames;
  enricher: Enricher;
  since?: Date | undefined;
  logger: Logger;
  onProgress?: (progress: RescoreProgress) => void;
}): Promise<RescoreReport> {
  const started = performance.now();
  const erased = await erasedKeys(options.kafka, options.topics, options.logger);
  const admin = options.kafka.admin();
  await admin.connect();
  let total = 0;
  try {
    total = (await admin.topicOffsets(options.topics.mentionsRaw)).reduce((sum, entry) => sum + Number(BigInt(entry.high) - BigInt(entry.low)), 0);
  } finally {
    await admin.disconnect();
  }
  const since = options.since?.getTime();
  const report: RescoreReport = { read: 0, published: 0, before: 0, erased: 0, older: 0, tooLarge: 0, seconds: 0 };
  // The reading (collectedAt) of each mention published so far: an older one met later is skipped.
  const published = new Map<string, number>();
  const replayed = await replayTopic({
    kafka: options.kafka,
    topic: options.topics.mentionsRaw,
    schema: rawMentionSchema,
    logger: options.logger,
    handle: async (raws) => {
      const now = new Date();
      const batch: EncodedMessage[] = [];
      for (const raw of raws) {
        if (since !== undefined && Date.parse(raw.publishedAt) < since) {
          report.before++;
          continue;
        }
        const reading = Date.parse(raw.collectedAt);
        if ((published.get(raw.id) ?? Number.NEGATIVE_INFINITY) > reading) {
          report.older++;
          continue;
        }
        const enriched = enrichMention(raw, options.enricher, now);
        if (isErasedMention(enriched, (key) => erased.has(key))) {
          report.erased++;
          continue;
        }
        const encoded = encodeMessage({ key: enriched.id, value: enriched });
        if (encoded.bytes > MAX_MESSAGE_BYTES) {
          report.tooLarge++;
          continue;
        }
        batch.push(encoded);
        published.set(raw.id, reading);
      }
      await publishEncoded(options.producer, options.topics.mentionsEnriched, batch);
      report.published += batch.length;
    },
    onProgress: (messages) => options.onProgress?.({ read: messages, total, published: report.published, elapsedMs: performance.now() - started }),
  });
  report.read = replayed.messages + replayed.invalid + replayed.tombstones;
  report.seconds = (performance.now() - started) / 1000;
  options.onProgress?.({ read: report.read, total, published: report.published, elapsedMs: performance.now() - started });
  return report;
}
