import { describe, expect } from "vitest";
import { deleteTopics, ensureTopics, publish } from "@odzew/kafka";
import { createEnrichment } from "@odzew/nlp";
import { brandsFileSchema, deadLetterSchema, enrichedMentionSchema } from "@odzew/schema";
import { readTopic, sampleRawMention, waitFor } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { createEnricher } from "./enrich.ts";

describe("enricher on the real broker", () => {
  it("turns raw mentions into enriched ones and dead-letters a poison message with its reason", async ({ pipeline }) => {
    const { brands } = brandsFileSchema.parse({
      brands: [{ id: "biedronka", name: "Biedronka", aliases: ["Biedronka"], context: ["sklep", "kasa", "zakupy", "promocja"] }],
    });
    const enrichment = createEnrichment({ brands, authorKey: "enricher-test-key-0123456789" });
    const worker = createEnricher({
      kafka: pipeline.kafka,
      producer: pipeline.producer,
      enricher: enrichment,
      topics: pipeline.topics,
      groupId: `${pipeline.prefix}-enricher`,
      logger: pipeline.logger,
    });
    const angry = sampleRawMention({
      nativeId: "angry",
      title: "Oszustwo",
      text: "W Biedronce przy kasie naliczyli mi podwójnie za zakupy, zgłaszam sprawę do UOKiK. Nie polecam!",
      rating: { value: 1, original: 1, scaleMin: 1, scaleMax: 5 },
      author: { name: "Krzysztof Nowak" },
    });
    const ladybird = sampleRawMention({ nativeId: "ladybird", title: "Ogród", text: "Biedronka na liściu róży, piękny poranek w ogrodzie.", brandHints: [] });
    await worker.start();
    try {
      await publish(pipeline.producer, pipeline.topics.mentionsRaw, [
        { key: angry.id, value: angry },
        { key: "poison", value: { schemaVersion: 99, text: "from the future" } },
        { key: ladybird.id, value: ladybird },
        // A link that would run script when clicked in the API's clients: not a mention.
        { key: "script-link", value: { ...sampleRawMention({ nativeId: "script-link" }), url: "javascript:alert(document.cookie)" } },
      ]);
      const enriched = await waitFor("two enriched mentions", async () => {
        const messages = await readTopic(pipeline.kafka, pipeline.topics.mentionsEnriched);
        return messages.length >= 2 ? messages.map((message) => enrichedMentionSchema.parse(message.value)) : undefined;
      });
      const first = enriched.find((mention) => mention.nativeId === "angry");
      expect(first).toMatchObject({ lang: "pl", sentiment: { label: "negative" }, priority: { level: "urgent" } });
      expect(first?.brands.map((brand) => brand.id)).toContain("biedronka");
      expect(first?.priority?.reasons).toContain("urgency: UOKiK");
      expect(first?.authorPseudonym).toMatch(/^a_[0-9a-f]{16}$/);
      expect(enriched.find((mention) => mention.nativeId === "ladybird")?.brands).toEqual([]);

      const letter = await waitFor("the poison message in the dead-letter topic", async () => {
        const letters = (await readTopic(pipeline.kafka, pipeline.topics.mentionsDlq)).map((message) => deadLetterSchema.parse(message.value));
        return letters.find((entry) => entry.original.key === "poison");
      });
      expect(letter).toMatchObject({ stage: "enrich", reason: { code: "MESSAGE_INVALID" } });
      expect(letter.reason.message).toContain("schemaVersion");
      const scriptLink = await waitFor("the javascript: link in the dead-letter topic", async () => {
        const letters = (await readTopic(pipeline.kafka, pipeline.topics.mentionsDlq)).map((message) => deadLetterSchema.parse(message.value));
        return letters.find((entry) => entry.original.key === "script-link");
      });
      expect(scriptLink).toMatchObject({ stage: "enrich", reason: { code: "MESSAGE_INVALID" } });
      expect(scriptLink.reason.message).toMatch(/url.*http\(s\) URL/);
      expect(enriched.map((mention) => mention.nativeId)).not.toContain("script-link");
    } finally {
      await worker.stop();
    }
  });

  it("enriches a chunk of long reviews that together exceed the broker's limit, and dead-letters one that can never fit", async ({ pipeline }) => {
    const prefix = `${pipeline.prefix}-long`;
    const topics = { ...pipeline.topics, mentionsRaw: `${prefix}.raw`, mentionsEnriched: `${prefix}.enriched`, mentionsDlq: `${prefix}.dlq` };
    await ensureTopics(pipeline.kafka, [topics.mentionsRaw, topics.mentionsEnriched, topics.mentionsDlq].map((name) => ({ name, partitions: 1, config: {} })));
    const enrichment = createEnrichment({ brands: [], authorKey: "enricher-test-key-0123456789" });
    const worker = createEnricher({ kafka: pipeline.kafka, producer: pipeline.producer, enricher: enrichment, topics, groupId: `${prefix}-enricher`, logger: pipeline.logger });
    // 300 reviews of 4,000 characters with an e-mail address each (so a masked copy rides along): ~5 MB.
    const long = Array.from({ length: 300 }, (_, n) =>
      sampleRawMention({ nativeId: `long-${n}`, text: `Piszcie na jan${n}@example.pl. ${"Paczka dotarła uszkodzona, źle zapakowana. ".repeat(95)}` }),
    );
    // Valid, yet its enriched copy (text, masked text, pros and cons) can never be one Kafka message.
    const long5k = "ż".repeat(5_000);
    const huge = sampleRawMention({
      nativeId: "huge",
      text: `Mój mail: ola@example.pl ${"ż".repeat(99_000)}`,
      details: { pros: Array.from({ length: 35 }, () => long5k), cons: Array.from({ length: 35 }, () => long5k) },
    });
    await worker.start();
    try {
      await publish(pipeline.producer, topics.mentionsRaw, [...long.slice(0, 150), huge, ...long.slice(150)].map((mention) => ({ key: mention.id, value: mention })));
      const enriched = await readTopic(pipeline.kafka, topics.mentionsEnriched, { minMessages: 300, timeoutMs: 60_000 });
      expect(new Set(enriched.map((message) => message.key)).size).toBe(300);
      const letters = (await readTopic(pipeline.kafka, topics.mentionsDlq, { minMessages: 1 })).map((message) => deadLetterSchema.parse(message.value));
      expect(letters.map((letter) => [letter.original.key, letter.reason.code])).toEqual([[huge.id, "MESSAGE_TOO_LARGE"]]);
      expect(worker.ready()).toBe(true);
    } finally {
      await worker.stop();
      await deleteTopics(pipeline.kafka, [topics.mentionsRaw, topics.mentionsEnriched, topics.mentionsDlq]).catch(() => undefined);
    }
  });
});
