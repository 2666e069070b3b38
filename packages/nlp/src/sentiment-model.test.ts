import { describe, expect, it } from "vitest";
import { fold, words } from "./tokenize.ts";
import { POLISH_MODEL } from "./sentiment.pl.ts";
import {
  loadSentimentModel,
  modelNegatedTokens,
  modelTokens,
  parseSentimentModelFile,
  trainSentimentModel,
  type SentimentModelFile,
} from "./sentiment-model.ts";

const REVIEWS: { text: string; rating: number }[] = [
  { text: "Świetny produkt, działa bez zarzutu. Polecam każdemu!", rating: 5 },
  { text: "Bardzo dobra jakość wykonania, szybka wysyłka. Jestem zadowolony.", rating: 5 },
  { text: "Super sprzedawca, towar zgodny z opisem, polecam.", rating: 5 },
  { text: "Rewelacja! Bateria trzyma długo, ekran piękny. Gorąco polecam.", rating: 5 },
  { text: "Wszystko w porządku, produkt spełnia oczekiwania, jestem bardzo zadowolona.", rating: 5 },
  { text: "Doskonały czajnik, szybko gotuje wodę i jest cichy. Polecam.", rating: 5 },
  { text: "Świetna obsługa klienta, paczka dotarła następnego dnia. Super!", rating: 5 },
  { text: "Fajne słuchawki, dobry dźwięk, wygodne. Polecam serdecznie.", rating: 4 },
  { text: "Dobry stosunek jakości do ceny, zadowolony z zakupu.", rating: 4 },
  { text: "Produkt dobry, choć instrukcja mogłaby być lepsza. Polecam.", rating: 4 },
  { text: "Solidnie wykonany, działa dobrze, jestem zadowolony.", rating: 4 },
  { text: "Piękny kolor, świetnie leży, bardzo polecam ten sklep.", rating: 5 },
  { text: "Tragedia. Produkt przestał działać po tygodniu, nie polecam.", rating: 1 },
  { text: "Bubel! Zepsuł się od razu, kontakt ze sprzedawcą fatalny.", rating: 1 },
  { text: "Nie polecam, towar niezgodny z opisem, jestem bardzo niezadowolony.", rating: 1 },
  { text: "Fatalna jakość, plastik pęka, strata pieniędzy.", rating: 1 },
  { text: "Okropny zapach, woda nie do picia. Zwróciłam produkt, nie polecam.", rating: 1 },
  { text: "Paczka szła dwa tygodnie, a sprzęt nie działa. Porażka.", rating: 1 },
  { text: "Słaba bateria, rozładowuje się w godzinę. Rozczarowanie.", rating: 2 },
  { text: "Kiepska jakość wykonania, nie warto. Nie polecam.", rating: 2 },
  { text: "Niestety zepsuło się po miesiącu, serwis nie odpowiada. Słabo.", rating: 2 },
  { text: "Tandeta, odpadła rączka przy pierwszym użyciu, strata pieniędzy.", rating: 1 },
  { text: "Beznadziejny produkt, nie działa zgodnie z opisem, zwrot.", rating: 1 },
  { text: "Jest w porządku, ale spodziewałem się czegoś lepszego.", rating: 3 },
  { text: "Średni produkt, działa, ale głośno pracuje.", rating: 3 },
  { text: "Ani dobry, ani zły, przeciętny za tę cenę.", rating: 3 },
  { text: "Świetny towar, polecam sprzedawcę, wszystko super.", rating: 5 },
  { text: "Zadowolona, szybka dostawa, produkt bardzo dobry.", rating: 5 },
  { text: "Nie polecam, fatalny kontakt, produkt uszkodzony.", rating: 1 },
  { text: "Jakość słaba, zepsuł się szybko, nie kupujcie.", rating: 2 },
];

const options = { heldOut: 0.2, seed: 7, features: { bits: 16 } };

describe("learned sentiment model", () => {
  it("reads words exactly as the tokenizer does, folded", () => {
    const text = "Żółć gęślą jaźń! NIE polecam 👍 ❤️ rock'n'roll 2x ½ Zażółć, 'cytat' o’clock";
    expect(modelTokens(text)).toEqual(words(text).map(fold));
  });

  it("learns the obvious from a few rated reviews", () => {
    const { model, report } = trainSentimentModel(REVIEWS, { ...options, heldOut: 0 });
    const scorer = loadSentimentModel(model);
    const negative = scorer.score("Fatalny produkt, zepsuł się po dwóch dniach. Nie polecam, strata pieniędzy.");
    const positive = scorer.score("Świetny produkt, działa bardzo dobrze. Polecam!");
    expect(negative.label).toBe("negative");
    expect(negative.score).toBeLessThan(0);
    expect(positive.label).toBe("positive");
    expect(positive.score).toBeGreaterThan(0);
    expect(negative.model).toMatch(/^learned-pl-[0-9a-f]{10}$/);
    // Typed without diacritics, the same words count.
    expect(scorer.score("Fatalny produkt, zepsul sie, nie polecam, strata pieniedzy.").label).toBe("negative");
    expect(scorer.score("").label).toBe("neutral");
    expect(report.trainedOn).toBe(REVIEWS.filter((review) => review.rating !== 3).length);
  });

  it("holds out the LAST part of the rows and reports the baseline on the same reviews", () => {
    const { report } = trainSentimentModel(REVIEWS, { ...options, baseline: () => "positive" });
    const cut = Math.floor(REVIEWS.length * 0.8);
    const heldOut = REVIEWS.slice(cut).filter((review) => review.rating !== 3);
    const trainPart = REVIEWS.slice(0, cut).filter((review) => review.rating !== 3);
    expect(report.heldOutSize).toBe(heldOut.length);
    expect(report.trainedOn).toBe(trainPart.length);
    expect(report.baselineAccuracy).toBe(heldOut.filter((review) => review.rating > 3).length / heldOut.length);
    expect(report.heldOutAccuracy).toBeGreaterThanOrEqual(0);
    expect(report.heldOutAccuracy).toBeLessThanOrEqual(1);
  });

  it("scores the same after JSON and back", () => {
    const { model } = trainSentimentModel(REVIEWS, options);
    const reloaded = loadSentimentModel(parseSentimentModelFile(JSON.parse(JSON.stringify(model))));
    const original = loadSentimentModel(model);
    for (const { text } of REVIEWS) expect(reloaded.score(text)).toEqual(original.score(text));
    expect(reloaded.heldOutAccuracy).toBe(model.heldOutAccuracy);
  });

  it("trains the same weights twice with the same seed", () => {
    const first = trainSentimentModel(REVIEWS, options).model;
    const second = trainSentimentModel(REVIEWS, options).model;
    expect(second.weights).toEqual(first.weights);
    expect(second.bias).toBe(first.bias);
    expect(second.neutralBand).toBe(first.neutralBand);
  });

  it("refuses a foreign or broken file, naming what is wrong", () => {
    const { model } = trainSentimentModel(REVIEWS, options);
    const broken = (change: (file: Record<string, unknown>) => void): unknown => {
      const file = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
      change(file);
      return file;
    };
    expect(() => parseSentimentModelFile(broken((file) => (file.kind = "something-else")))).toThrow(/kind must be "odzew-sentiment-linear"/);
    expect(() => loadSentimentModel(broken((file) => (file.kind = "x")) as SentimentModelFile)).toThrow(/kind/);
    expect(() =>
      parseSentimentModelFile(broken((file) => ((file.weights as Record<string, unknown>).values = "AAAAAA=="))),
    ).toThrow(/weights: weights.values holds 2 weights, weights.count says \d+/);
    expect(() =>
      parseSentimentModelFile(broken((file) => ((file.weights as Record<string, unknown>).indices = "not base64!"))),
    ).toThrow(/weights.indices is not base64/);
    expect(() =>
      parseSentimentModelFile(broken((file) => ((file.weights as Record<string, unknown>).indices = Buffer.from([0xff, 0xff, 0xff]).toString("base64")))),
    ).toThrow(/weights/);
    expect(() => parseSentimentModelFile(broken((file) => delete file.bias))).toThrow(/bias/);
    expect(() => parseSentimentModelFile("{}")).toThrow(/not a usable Odzew sentiment model/);
  });

  it("marks the words after a negator, up to a punctuation mark, as negated", () => {
    expect(modelNegatedTokens("Nie jest to zbyt dobry produkt, ale cena niska.")).toEqual(["jest", "to", "zbyt"]);
    expect(modelNegatedTokens("Produkt bez wad. Polecam")).toEqual(["wad"]);
    expect(modelNegatedTokens("Żadnych problemów, wszystko działa.")).toEqual(["problemow"]);
    expect(modelNegatedTokens("Sprzedawca nie odpisuje na maile i nie wysłał towaru")).toEqual(["odpisuje", "na", "maile", "wyslal", "towaru"]);
    // "Niestety" and "nieduży" start like "nie" but negate nothing.
    expect(modelNegatedTokens("Niestety nieduży plecak, polecam")).toEqual([]);
  });

  it("learns a positive weight for the lexicon's score and scores with it", () => {
    const { model } = trainSentimentModel(REVIEWS, { ...options, heldOut: 0 });
    expect(model.features.lexicon).toBe(POLISH_MODEL);
    expect(model.lexiconWeight).toBeGreaterThan(0);
    // A review of words the training rows never had: only the lexicon knows them.
    const scorer = loadSentimentModel(model);
    expect(scorer.score("Bezużyteczny szmelc, skandal.").score).toBeLessThan(scorer.score("Znakomity, rewelacyjny zakup.").score);
  });

  it("refuses a model trained with another lexicon", () => {
    const { model } = trainSentimentModel(REVIEWS, options);
    const other = { ...model, features: { ...model.features, lexicon: "lexicon-pl-0" } };
    expect(() => parseSentimentModelFile(other)).toThrow(/features.lexicon: trained with the lexicon "lexicon-pl-0".*train the model again/);
    const noWeight: Record<string, unknown> = { ...model };
    delete noWeight.lexiconWeight;
    expect(() => parseSentimentModelFile(noWeight)).toThrow(/lexiconWeight/);
  });

  it("still reads a model written before the lexicon and negation features", () => {
    const { model } = trainSentimentModel(REVIEWS, { ...options, features: { bits: 16, lexicon: null, negation: 0 } });
    const file = JSON.parse(JSON.stringify(model)) as { features: Record<string, unknown> };
    delete file.features.lexicon;
    delete file.features.negation;
    const old = loadSentimentModel(parseSentimentModelFile(file));
    const current = loadSentimentModel(model);
    for (const { text } of REVIEWS) expect(old.score(text)).toEqual(current.score(text));
  });

  it("learns without naive-Bayes scaling too", () => {
    const plain = trainSentimentModel(REVIEWS, { ...options, heldOut: 0, nbSmoothing: 0 }).model;
    const scaled = trainSentimentModel(REVIEWS, { ...options, heldOut: 0 }).model;
    expect(plain.weights).not.toEqual(scaled.weights);
    const scorer = loadSentimentModel(plain);
    expect(scorer.score("Fatalny produkt, zepsuł się po dwóch dniach. Nie polecam.").label).toBe("negative");
    expect(scorer.score("Świetny produkt, działa bardzo dobrze. Polecam!").label).toBe("positive");
  });
});
