import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnrichedMention } from "@odzew/schema";
import { seededMention, startApiFixture, type ApiFixture } from "./test-support.ts";

/**
 * /stats/topics counts per aspect, on the real engine: mixed reviews count positive for one topic
 * and negative for another, mentions indexed before aspects count with their own sentiment, and
 * both views (full and pseudonymous) see the same counts. The aspects below are what
 * `aspectSentiments` (@odzew/nlp) gives for these texts; its unit tests hold it to that.
 */
const now = new Date();
type Label = "negative" | "neutral" | "positive";
type Aspects = NonNullable<EnrichedMention["aspects"]>;

let next = 0;
const mention = (text: string, label: Label, topics: string[], aspects: Aspects | undefined): EnrichedMention => {
  const index = 700_000 + next++;
  const base = seededMention(index, now, {
    text,
    sentiment: { label, score: label === "negative" ? -0.5 : label === "positive" ? 0.5 : 0, model: "lexicon-pl-2", basis: "text" },
    topics,
  });
  return aspects ? { ...base, aspects } : base;
};
const times = (count: number, make: () => EnrichedMention) => Array.from({ length: count }, make);

/** Fast delivery, service that never answers: the mention is negative. */
const mixedService = times(3, () =>
  mention("Szybka dostawa, ale obsługa klienta nie odpisuje od tygodnia.", "negative", ["customer-service", "delivery"], [
    { topic: "customer-service", label: "negative", score: -0.46 },
    { topic: "delivery", label: "positive", score: 0.56 },
  ]),
);
/** The example: a good book, a slow delivery; the mention is negative. */
const mixedBook = times(2, () =>
  mention("Książka dobra, ale na dostawę czekałem prawie dwa tygodnie.", "negative", ["delivery", "product-quality", "waiting-time"], [
    { topic: "delivery", label: "negative", score: -0.57 },
    { topic: "product-quality", label: "positive", score: 0.45 },
    { topic: "waiting-time", label: "negative", score: -0.57 },
  ]),
);
/** One clause: its aspect is the mention. */
const lost = times(1, () => mention("Kurier zgubił paczkę.", "negative", ["delivery"], [{ topic: "delivery", label: "negative", score: -0.56 }]));
/** Indexed before aspects existed: counted with the mention's sentiment. */
const older = times(2, () => mention("Dostawa na czas, wszystko w porządku.", "positive", ["delivery"], undefined));
const ALL = [...mixedService, ...mixedBook, ...lost, ...older];

interface TopicCount {
  topic: string;
  count: number;
  share: number;
  sentiment: Partial<Record<Label, number>>;
  net: number;
}

/** What per-mention counting (the mention's one label for every topic) would say. */
function perMention(mentions: EnrichedMention[], topic: string): Partial<Record<Label, number>> {
  const out: Partial<Record<Label, number>> = {};
  for (const item of mentions) {
    if (!item.topics.includes(topic) || !item.sentiment) continue;
    out[item.sentiment.label] = (out[item.sentiment.label] ?? 0) + 1;
  }
  return out;
}

describe("top topics per aspect, through the API on the real engine", () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await startApiFixture("aspects", ALL);
  }, 120_000);
  afterAll(async () => {
    await api?.cleanup();
  });

  const topics = async (team: "service" | "cx", query = ""): Promise<{ total: number; byTopic: Map<string, TopicCount> }> => {
    const response = await api.get(`/stats/topics?size=20${query}`, team);
    expect(response.status, response.text).toBe(200);
    return { total: response.body.total, byTopic: new Map((response.body.topics as TopicCount[]).map((item) => [item.topic, item])) };
  };

  it("counts each topic with the sentiment of its clause, not the mention's, in both views", async () => {
    for (const team of ["service", "cx"] as const) {
      const { total, byTopic } = await topics(team);
      expect(total, team).toBe(ALL.length);
      // Delivery: fast in 3 mixed reviews, slow in 2, lost in 1, on time in 2 older mentions.
      expect(byTopic.get("delivery"), team).toMatchObject({ count: 8, sentiment: { positive: 5, negative: 3 } });
      expect(byTopic.get("customer-service"), team).toMatchObject({ count: 3, sentiment: { negative: 3 } });
      expect(byTopic.get("product-quality"), team).toMatchObject({ count: 2, sentiment: { positive: 2 }, net: 1 });
      expect(byTopic.get("waiting-time"), team).toMatchObject({ count: 2, sentiment: { negative: 2 } });
      expect([...byTopic.keys()], team).toEqual(["delivery", "customer-service", "product-quality", "waiting-time"]);
      const shares = [...byTopic.values()].reduce((sum, item) => sum + item.share, 0);
      expect(shares, team).toBeCloseTo(1, 2);
    }
    // Counting per mention would have told another story for the mixed reviews.
    expect(perMention(ALL, "delivery")).toEqual({ negative: 6, positive: 2 });
    expect(perMention(ALL, "product-quality")).toEqual({ negative: 2 });
  });

  it("keeps the aspects of the sentiment asked for", async () => {
    const positive = await topics("service", "&sentiment=positive");
    // Mixed reviews with a positive aspect, and the older positive mentions; none of them is a positive mention but the older ones.
    expect(positive.total).toBe(mixedService.length + mixedBook.length + older.length);
    expect(Object.fromEntries([...positive.byTopic].map(([topic, item]) => [topic, item.sentiment]))).toEqual({
      delivery: { positive: 5 },
      "product-quality": { positive: 2 },
    });

    const negative = await topics("cx", "&sentiment=negative");
    expect(negative.total).toBe(mixedService.length + mixedBook.length + lost.length);
    expect(Object.fromEntries([...negative.byTopic].map(([topic, item]) => [topic, item.count]))).toEqual({
      delivery: 3,
      "customer-service": 3,
      "waiting-time": 2,
    });
  });

  it("narrows by the other filters as before, and shows the aspects of a mention in the pseudonymous view", async () => {
    const quality = await topics("service", "&topic=product-quality");
    expect(quality.total).toBe(mixedBook.length);
    expect(quality.byTopic.get("delivery")).toMatchObject({ count: 2, sentiment: { negative: 2 } });

    const one = await api.get(`/mentions/${mixedBook[0]!.id}`, "cx");
    expect(one.status).toBe(200);
    expect(one.body.hasReply).toBe(false);
    expect(one.body.aspects).toEqual(mixedBook[0]!.aspects);
  });
});
