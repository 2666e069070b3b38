import { describe, expect, it } from "vitest";
import { createLogger } from "@odzew/core";
import { createEnrichment, modelFileText, sha256Hex, trainSentimentModel, type Enricher, type SentimentModelFile } from "@odzew/nlp";
import { MODEL_PROMOTION_SCHEMA_VERSION, type ModelPromotion } from "@odzew/schema";
import { createModelSwitch, shouldSwap } from "./models.ts";

const REVIEWS = [
  ...["Świetny produkt, polecam", "Super jakość, bardzo zadowolona", "Rewelacja, szybka dostawa", "Dobry towar, polecam sprzedawcę"].map((text) => ({ text, rating: 5 })),
  ...["Fatalna jakość, nie polecam", "Bubel, zepsuł się od razu", "Tragedia, paczka zniszczona", "Słaby produkt, strata pieniędzy"].map((text) => ({ text, rating: 1 })),
];

function promotion(version: number, model: SentimentModelFile, overrides: Partial<ModelPromotion> = {}): ModelPromotion {
  const text = modelFileText(model);
  const modelId = `learned-v${version}`;
  const sha256 = sha256Hex(text);
  return {
    schemaVersion: MODEL_PROMOTION_SCHEMA_VERSION,
    family: "sentiment-pl",
    version,
    modelId,
    sha256,
    file: `/models/sentiment-pl-v${version}.json`,
    card: {
      family: "sentiment-pl",
      version,
      modelId,
      createdAt: "2026-11-29T12:00:00.000Z",
      data: { mentions: 8, trainedOn: 7, heldOut: 1, heldOutMeasured: 1, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", heldOutFrom: "2026-01-02T00:00:00Z" },
      heldOut: { candidate: { modelId, accuracy: 1, correct: 1 }, inUse: { modelId: "lexicon-pl-2", accuracy: 0, correct: 0 } },
      features: ["word unigrams"],
      weights: { kept: 1, learned: 1 },
      bytes: Buffer.byteLength(text),
      sha256,
    },
    promotedAt: "2026-11-29T12:00:00.000Z",
    reason: "learned",
    latestVersion: version,
    model,
    ...overrides,
  };
}

describe("the enricher's model switch", () => {
  const model = (seed: number) => ({ ...trainSentimentModel(REVIEWS, { heldOut: 0, seed, features: { bits: 12 } }).model, heldOutAccuracy: 1, baselineAccuracy: 0 });

  it("swaps on a new version or content (a rollback too), never twice for the same promotion", () => {
    const first = promotion(1, model(1));
    expect(shouldSwap(undefined, undefined, new Set())).toBe(false);
    expect(shouldSwap(undefined, first, new Set())).toBe(true);
    expect(shouldSwap({ version: 1, sha256: first.sha256 }, first, new Set())).toBe(false);
    expect(shouldSwap({ version: 2, sha256: "b".repeat(64) }, first, new Set())).toBe(true);
    expect(shouldSwap(undefined, first, new Set([first.sha256]))).toBe(false);
  });

  it("builds the enrichment with the promoted model once, keeps it while nothing new is promoted, and refuses a broken record without stopping", () => {
    const table = new Map<string, ModelPromotion>();
    const built: (SentimentModelFile | undefined)[] = [];
    const build = (file: SentimentModelFile | undefined): Enricher => {
      built.push(file);
      return createEnrichment({ brands: [], sentimentModel: file });
    };
    const initial = build(undefined);
    const models = createModelSwitch({ promotions: table, build, initial, logger: createLogger({ service: "test", level: "silent" }) });
    expect(models.current()).toBe(initial);
    expect(models.version()).toBeUndefined();

    const v1 = model(1);
    table.set("sentiment-pl", promotion(1, v1));
    const swapped = models.current();
    expect(swapped).not.toBe(initial);
    expect(swapped.sentimentModel).toBe("learned");
    expect(models.current()).toBe(swapped);
    expect(models.version()).toBe(1);
    expect(built).toHaveLength(2);

    table.set("sentiment-pl", promotion(2, v1, { model: { kind: "not-a-model" } }));
    expect(models.current()).toBe(swapped);
    expect(models.current()).toBe(swapped);
    expect(models.version()).toBe(1);
    expect(built).toHaveLength(2);
  });
});
