import { OdzewError, counter, describeError, type Logger } from "@odzew/core";
import { createBatchWorker, publish, type BatchWorker, type Kafka, type Producer, type Rejection } from "@odzew/kafka";
import { ENRICHMENT_VERSION, type Enricher } from "@odzew/nlp";
import { rawMentionSchema, type EnrichedMention, type RawMention, type TopicNames } from "@odzew/schema";

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
  onCrash?: (error: unknown) => void;
}): BatchWorker {
  const logger = options.logger.child({ scope: "enricher" });
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
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    async handle(messages) {
      const enriched: { key: string; value: EnrichedMention }[] = [];
      const rejections: Rejection<RawMention>[] = [];
      const now = new Date();
      for (const message of messages) {
        try {
          enriched.push({ key: message.value.id, value: enrichMention(message.value, options.enricher, now) });
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
      for (const { value } of enriched) enrichedTotal.inc({ lang: languageLabel(value.lang), sentiment: value.sentiment?.label ?? "none" });
      logger.debug({ count: enriched.length }, "enriched");
      return rejections;
    },
  });
}
