import { OdzewError, counter, describeError, type Logger } from "@odzew/core";
import {
  MAX_MESSAGE_BYTES,
  createBatchWorker,
  messageBytes,
  publish,
  publishTombstones,
  type BatchWorker,
  type Kafka,
  type Producer,
  type Rejection,
} from "@odzew/kafka";
import { ENRICHMENT_VERSION, type Enricher } from "@odzew/nlp";
import { isErasedMention, rawMentionSchema, type EnrichedMention, type RawMention, type TopicNames } from "@odzew/schema";

/** Raw mention → enriched mention: language, sentiment, brands, topics, personal data, priority. */
export function enrichMention(raw: RawMention, enricher: Enricher, now = new Date()): EnrichedMention {
  return {
    ...raw,
    ...enricher.enrich({
      text: raw.text,
      title: raw.title,
      rating: raw.rating?.value,
      lang: raw.lang,
      author: raw.author,
      reach: raw.reach,
      publishedAt: raw.publishedAt,
      reply: raw.reply,
      brandHints: raw.brandHints,
    }),
    enrichedAt: now.toISOString(),
    enrichment: { version: ENRICHMENT_VERSION },
  };
}

/** Languages get their own label value up to this many; the rarer ones after that count as "other". */
const LANGUAGE_LABELS = 24;

export function createEnricher(options: {
  kafka: Kafka;
  producer: Producer;
  enricher: Enricher;
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
      const enriched: { key: string; value: EnrichedMention }[] = [];
      const rejections: Rejection<RawMention>[] = [];
      const dropped: string[] = [];
      const now = new Date();
      for (const message of messages) {
        try {
          const value = enrichMention(message.value, options.enricher, now);
          if (options.erased && isErasedMention(value, options.erased)) {
            dropped.push(value.id);
            continue;
          }
          const bytes = messageBytes({ key: value.id, value });
          if (bytes > MAX_MESSAGE_BYTES) {
            // Retrying cannot make it fit: the raw message goes to the dead-letter topic with the reason.
            rejections.push({
              message,
              code: "MESSAGE_TOO_LARGE",
              reason: `the enriched mention would take ${bytes} bytes, more than the ${MAX_MESSAGE_BYTES} a Kafka message may; shorten the source's text limit`,
            });
            continue;
          }
          enriched.push({ key: value.id, value });
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
        await publish(options.producer, options.topics.mentionsEnriched, enriched);
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
