import { OdzewError, describeError, type Logger } from "@odzew/core";
import { createBatchWorker, publish, type BatchWorker, type Kafka, type Producer, type Rejection } from "@odzew/kafka";
import { detectLanguage } from "@odzew/nlp";
import { rawMentionSchema, type EnrichedMention, type RawMention, type TopicNames } from "@odzew/schema";

/** Bumped whenever enrichment changes what it writes, so re-enriched mentions can be told apart. */
export const ENRICHMENT_VERSION = "0.1.0-language";

/**
 * The walking skeleton's enrichment: language only. Sentiment stays null (no model ran), brands
 * come from the source's configuration, topics are empty until the NLP issue lands.
 */
export function enrichMention(raw: RawMention, now = new Date()): EnrichedMention {
  const guess = raw.lang ? { lang: raw.lang, confidence: 1 } : detectLanguage([raw.title, raw.text].filter(Boolean).join("\n"));
  return {
    ...raw,
    lang: guess.lang,
    langConfidence: guess.confidence,
    sentiment: null,
    brands: raw.brandHints.map((id) => ({ id, via: "source" as const })),
    topics: [],
    enrichedAt: now.toISOString(),
    enrichment: { version: ENRICHMENT_VERSION },
  };
}

export function createEnricher(options: {
  kafka: Kafka;
  producer: Producer;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  onCrash?: (error: unknown) => void;
}): BatchWorker {
  const logger = options.logger.child({ scope: "enricher" });
  return createBatchWorker({
    kafka: options.kafka,
    producer: options.producer,
    groupId: options.groupId,
    topic: options.topics.mentionsRaw,
    deadLetterTopic: options.topics.mentionsDlq,
    stage: "enrich",
    schema: rawMentionSchema,
    logger,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    async handle(messages) {
      const enriched: { key: string; value: EnrichedMention }[] = [];
      const rejections: Rejection<RawMention>[] = [];
      for (const message of messages) {
        try {
          enriched.push({ key: message.value.id, value: enrichMention(message.value) });
        } catch (error) {
          rejections.push({ message, code: "ENRICH_FAILED", reason: describeError(error) });
        }
      }
      try {
        await publish(options.producer, options.topics.mentionsEnriched, enriched);
      } catch (error) {
        throw new OdzewError("KAFKA_UNAVAILABLE", `publishing enriched mentions failed: ${describeError(error)}`, {
          retryable: true,
          cause: error,
        });
      }
      logger.debug({ count: enriched.length }, "enriched");
      return rejections;
    },
  });
}
