import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { backoffMs, seededRandom, sleep } from "@odzew/core";
import { publish } from "@odzew/kafka";
import { allegroReviews, createEnrichment, evalDataAvailable, parseSentimentModelFile, POLISH_MODEL } from "@odzew/nlp";
import { enrichedMentionSchema, modelCardSchema, type EnrichedMention, type RawMention } from "@odzew/schema";
import { writeSettled, type MentionStore } from "@odzew/search";
import { freePort, metricValue, readTopic, runService, sampleRawMention, stackEnv, waitFor } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { currentPromotion, learnFromTopics, rollbackModel } from "./learn.ts";
import { progressLine, rescoreHistory } from "./rescore.ts";

const AUTHOR_KEY = "learn-test-author-key-0123456789";
const MENTIONS = 1_500;
const FIRST_PUBLISHED = Date.parse("2026-01-01T00:00:00Z");

/** Rated Polish mentions from the shared Allegro reviews (read in place), a seeded sample, one an hour. */
function ratedMentions(): RawMention[] {
  const random = seededRandom(20261129);
  return allegroReviews()
    .map((review) => ({ review, order: random() }))
    .sort((a, b) => a.order - b.order)
    .slice(0, MENTIONS)
    .map(({ review }, n) =>
      sampleRawMention({
        nativeId: `allegro-${n}`,
        title: undefined,
        text: review.text,
        rating: { value: review.rating, original: review.rating, scaleMin: 1, scaleMax: 5 },
        publishedAt: new Date(FIRST_PUBLISHED + n * 3_600_000).toISOString(),
        brandHints: [],
      }),
    );
}

/** Index mentions as the indexer does (its upsert, the newest version wins), retrying what the engine refuses for now. */
async function index(store: MentionStore, mentions: EnrichedMention[]): Promise<void> {
  const refused = await writeSettled(mentions, (mention) => mention.id, (pending) => store.upsert(pending), async (attempt, outcome) => {
    if (attempt >= 10) throw new Error(`the engine kept refusing: ${outcome.retryable[0]?.reason}`);
    await sleep(backoffMs(attempt, 100, 2_000));
  });
  expect(refused.map((entry) => entry.failure.reason)).toEqual([]);
}

const enriched = (messages: { value: unknown }[]): EnrichedMention[] => messages.map((message) => enrichedMentionSchema.parse(message.value));

describe.skipIf(!evalDataAvailable())("the brand's own sentiment model", () => {
  it("learns from rated mentions, promotes a model the running enricher swaps in, rescore re-labels history in the index, and a rollback puts a version back", async ({ pipeline, search }) => {
    const modelsDir = await mkdtemp(join(tmpdir(), "odzew-models-"));
    const port = await freePort();
    const group = `${pipeline.prefix}-enricher`;
    const enricher = runService("enricher", {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      ODZEW_TOPIC_PREFIX: pipeline.prefix,
      ENRICHER_GROUP_ID: group,
      ODZEW_BRANDS_FILE: "config/demo/brands.yaml",
      ODZEW_AUTHOR_KEY: AUTHOR_KEY,
      HEALTH_PORT: String(port),
    });
    const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    try {
      await waitFor(`the enricher ready (${enricher.stderr().slice(-500)})`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
        timeoutMs: 60_000,
      });
      // 1. Rated mentions flow in and are enriched with the lexicon.
      const history = ratedMentions();
      await publish(pipeline.producer, pipeline.topics.mentionsRaw, history.map((mention) => ({ key: mention.id, value: mention })));
      const labels = { topic: pipeline.topics.mentionsRaw, group };
      await waitFor("the history enriched", async () => metricValue(await metrics(), "odzew_worker_messages_processed_total", labels) === MENTIONS, { timeoutMs: 60_000 });
      const before = enriched(await readTopic(pipeline.kafka, pipeline.topics.mentionsEnriched, { minMessages: MENTIONS }));
      expect(before.filter((mention) => mention.sentiment?.model === POLISH_MODEL).length).toBeGreaterThan(MENTIONS * 0.9);
      await index(search.store, before);

      // 2. The trainer learns on the older 85 %, beats the lexicon on the newest 15 %, and promotes version 1.
      const learned = await learnFromTopics({ ...pipeline, modelsDir, logger: pipeline.logger });
      expect(learned.outcome, learned.lines.join("\n")).toBe("promoted");
      const promotion = learned.promotion!;
      expect(promotion).toMatchObject({ family: "sentiment-pl", version: 1, reason: "learned", latestVersion: 1 });
      expect(promotion.modelId).toMatch(/^learned-pl-[0-9a-f]{10}$/);
      const { card } = promotion;
      expect(card.data.mentions).toBeGreaterThan(MENTIONS * 0.9);
      expect(card.data.heldOut).toBe(card.data.mentions - Math.floor(card.data.mentions * 0.85));
      expect(Date.parse(card.data.heldOutFrom)).toBeGreaterThan(Date.parse(card.data.from));
      expect(card.heldOut.inUse.modelId).toBe(POLISH_MODEL);
      expect(card.heldOut.candidate.correct).toBeGreaterThan(card.heldOut.inUse.correct);
      expect(learned.lines.join("\n")).toContain(`promoted version 1 (${promotion.modelId})`);
      // The model file and its card are in the models folder; the file is what the topic carries.
      const fileText = await readFile(join(modelsDir, "sentiment-pl-v1.json"), "utf8");
      expect(parseSentimentModelFile(JSON.parse(fileText))).toEqual(parseSentimentModelFile(promotion.model));
      expect(modelCardSchema.parse(JSON.parse(await readFile(join(modelsDir, "sentiment-pl-v1.card.json"), "utf8")))).toEqual(card);

      // 3. The running enricher swaps it in without a restart and labels an unrated mention with it.
      await waitFor("the enricher on model version 1", async () => metricValue(await metrics(), "odzew_enricher_sentiment_model_version") === 1, { timeoutMs: 30_000 });
      expect(enricher.child.exitCode).toBeNull();
      const unrated = sampleRawMention({
        nativeId: "forum-post",
        title: undefined,
        text: "Kurier zostawił awizo, paczka wróciła do nadawcy, a na reklamację nikt nie odpowiada od dwóch tygodni.",
        rating: undefined,
        publishedAt: "2026-11-28T09:00:00.000Z",
        brandHints: [],
      });
      await publish(pipeline.producer, pipeline.topics.mentionsRaw, [{ key: unrated.id, value: unrated }]);
      const forum = await waitFor("the unrated mention enriched", async () => {
        const found = enriched(await readTopic(pipeline.kafka, pipeline.topics.mentionsEnriched, { quietMs: 0 })).find((mention) => mention.id === unrated.id);
        return found;
      });
      expect(forum.sentiment?.model).toBe(promotion.modelId);
      expect(forum.sentiment?.label).toBe("negative");
      await index(search.store, [forum]);

      // 4. Learning again on the same data ties with the model in use: nothing is promoted.
      const again = await learnFromTopics({ ...pipeline, modelsDir, logger: pipeline.logger });
      expect(again.outcome).toBe("kept");
      expect(again.lines.join("\n")).toMatch(/not promoted: the new model only ties with the one in use/);
      expect(existsSync(join(modelsDir, "sentiment-pl-v2.json"))).toBe(false);

      // 5. Rescore since a date re-labels the history published since then with the current model.
      const since = new Date(FIRST_PUBLISHED + 1_000 * 3_600_000);
      const model = parseSentimentModelFile(promotion.model);
      const progress: string[] = [];
      const report = await rescoreHistory({
        ...pipeline,
        enricher: createEnrichment({ brands: [], sentimentModel: model, authorKey: AUTHOR_KEY }),
        since,
        logger: pipeline.logger,
        onProgress: (step) => progress.push(progressLine(step)),
      });
      const recent = history.filter((mention) => Date.parse(mention.publishedAt) >= since.getTime()).length + 1;
      expect(report).toMatchObject({ published: recent, before: MENTIONS - (recent - 1), erased: 0 });
      expect(progress.at(-1)).toMatch(new RegExp(`^rescored ${recent} mentions, read .* of ~${(MENTIONS + 1).toLocaleString("en")} \\(\\d+ %\\), [\\d,]+/s, about \\d+ s left$`));

      const after = enriched(await readTopic(pipeline.kafka, pipeline.topics.mentionsEnriched, { minMessages: MENTIONS + 1 + recent }));
      const rescored = after.filter((mention) => mention.enrichedAt > forum.enrichedAt);
      expect(rescored).toHaveLength(recent);
      // The indexer's rule: the rescored versions are newer, so they replace the documents.
      await index(search.store, rescored);
      await search.store.refresh();
      const learnedInIndex = await search.store.count(undefined, { term: { "sentiment.model": promotion.modelId } });
      const expected = rescored.filter((mention) => mention.sentiment?.model === promotion.modelId).length;
      expect(expected).toBeGreaterThan(recent * 0.9);
      expect(learnedInIndex).toBe(expected);
      // Mentions published before --since keep the lexicon's label.
      const older = before.filter((mention) => Date.parse(mention.publishedAt) < since.getTime() && mention.sentiment?.model === POLISH_MODEL).length;
      expect(await search.store.count(undefined, { term: { "sentiment.model": POLISH_MODEL } })).toBe(older);

      // 6. A rollback puts a version from the models folder back on the topic, checked against its card.
      const rolled = await rollbackModel({ ...pipeline, modelsDir, version: 1, logger: pipeline.logger });
      expect(rolled[0]).toBe(`rolled back to version 1 (${promotion.modelId}) from version 1 (${promotion.modelId}); running enrichers use it for the mentions they enrich from now on`);
      expect(await currentPromotion(pipeline.kafka, pipeline.topics, pipeline.logger)).toMatchObject({ version: 1, reason: "rollback", latestVersion: 1, sha256: promotion.sha256 });
      await writeFile(join(modelsDir, "sentiment-pl-v1.json"), fileText.replace('"bias":', '"bias": '));
      await expect(rollbackModel({ ...pipeline, modelsDir, version: 1, logger: pipeline.logger })).rejects.toThrow(/sentiment-pl-v1.json does not match its card/);
      await expect(rollbackModel({ ...pipeline, modelsDir, version: 7, logger: pipeline.logger })).rejects.toThrow(/version 7 is not in/);
    } finally {
      expect(await enricher.stop()).toBe(0);
      await rm(modelsDir, { recursive: true, force: true });
    }
  });
});
