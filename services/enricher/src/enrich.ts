import { OdzewError, counter, describeError, type Logger } from "@odzew/core";
import {
  MAX_MESSAGE_BYTES,
  createBatchWorker,
  encodeMessage,
  publishEncoded,
  publishTombstones,
  type EncodedMessage,
  type BatchWorker,
  type Kafka,
  type Producer,
  type Rejection,
} from "@odzew/kafka";
import { enrichMention, type Enricher } from "@odzew/nlp";
import { isErasedMention, rawMentionSchema, type EnrichedMention, type RawMention, type TopicNames } from "@odzew/schema";

/** Raw mention → enriched mention: the one rule lives in @odzew/nlp (`odzew rescore` writes the same). */
export { enrichMention };

/** Languages get their own label value up to this many; the rarer ones after that count as "other". */
const LANGUAGE_LABELS = 24;

export function createEnricher(options: {
  kafka: Kafka;
  producer: Producer;
  /** The enrichment, or where to get the current one for each chunk (a promoted model swaps it). */
  enricher: Enricher | (() => Enricher);
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  /**
   * Whether a key is on the erasures topic (an author pseudonym, or `mention:ID`): such mentions,
   * collected again after `odzew erase`, are dropped and their raw copy tombstoned.
   */
  erased?: (key: string) => boolean;
  onCrash?: (error: unknown) => void;
}): BatchWorker {
  const logger = options.logger.child({ scope: "enricher" });
  const erasedTotal = counter({
    name: "enricher_erased_mentions_dropped_total",
    help: "Mentions of erased authors (or erased mentions) collected again: not enriched, their raw copy tombstoned.",
  });
  const enrichedTotal = counter({
    name: "enricher_mentions_total",
    help: "Mentions enriched and published, by detected language and sentiment label (none: no sentiment).",
    labelNames: ["lang", "sentiment"],
  });
  const languages = new Set<string>();
  const languageLabel = (lang: string) => {
    if (languages.has(lang)) return lang;
    if (languages.size >= LANGUAGE_LABELS || !/^[a-z]{2,3}$/.test(lang)) return "other";
    languages.add(lang);
    return lang;
  };
  return createBatchWorker({
    kafka: options.kafka,
    producer: options.producer,
    groupId: options.groupId,
    topic: options.topics.mentionsRaw,
    deadLetterTopic: options.topics.mentionsDlq,
    stage: "enrich",
    schema: rawMentionSchema,
    logger,
    // Enriching one partition's chunk while the previous one's send waits for its acks.
    partitionsConcurrently: 2,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    async handle(messages) {
      // Each enriched mention is encoded once: measured against the broker's limit, then sent as is.
      const enriched: { value: EnrichedMention; encoded: EncodedMessage }[] = [];
      const rejections: Rejection<RawMention>[] = [];
      const dropped: string[] = [];
      const now = new Date();
      const enricher = typeof options.enricher === "function" ? options.enricher() : options.enricher;
      for (const message of messages) {
        try {
          const value = enrichMention(message.value, enricher, now);
          if (options.erased && isErasedMention(value, options.erased)) {
            dropped.push(value.id);
            continue;
          }
          const encoded = encodeMessage({ key: value.id, value });
          const bytes = encoded.bytes;
          if (bytes > MAX_MESSAGE_BYTES) {
            // Retrying cannot make it fit: the raw message goes to the dead-letter topic with the reason.
            rejections.push({
              message,
              code: "MESSAGE_TOO_LARGE",
              reason: `the enriched mention would take ${bytes} bytes, more than the ${MAX_MESSAGE_BYTES} a Kafka message may; shorten the source's text limit`,
            });
            continue;
          }
          enriched.push({ value, encoded });
        } catch (error) {
          rejections.push({ message, code: "ENRICH_FAILED", reason: describeError(error) });
        }
      }
      try {
        if (dropped.length > 0) {
          // The raw copy goes at the next compaction; the enriched one too, should an older version exist.
          await publishTombstones(options.producer, options.topics.mentionsRaw, dropped);
          await publishTombstones(options.producer, options.topics.mentionsEnriched, dropped);
          erasedTotal.inc(dropped.length);
          for (const id of dropped) logger.info({ mention: id }, "mention of an erased author (or an erased mention) collected again: dropped, raw copy tombstoned");
        }
        await publishEncoded(options.producer, options.topics.mentionsEnriched, enriched.map((entry) => entry.encoded));
      } catch (error) {
        // A refusal that retrying cannot fix (too large, fenced) stops the worker loudly; the rest may pass.
        if (error instanceof OdzewError && !error.retryable) throw error;
        throw new OdzewError("KAFKA_UNAVAILABLE", `publishing enriched mentions failed: ${describeError(error)}`, {
          retryable: true,
          cause: error,
        });
      }
      for (const { value } of enriched) enrichedTotal.inc({ lang: languageLabel(value.lang), sentiment: value.sentiment?.label ?? "none" });
      logger.debug({ count: enriched.length }, "enriched");
      return rejections;
    },
  });
}
