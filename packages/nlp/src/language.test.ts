import { francAll } from "franc-min";
import { describe, expect, it } from "vitest";
import { allegroReviews, evalDataAvailable, polemoReviews } from "./eval-data.ts";
import { detectLanguage } from "./language.ts";
import { createTrigramRanker } from "./trigram-ranking.ts";

describe("detectLanguage", () => {
  it("recognises Polish reviews, with and without diacritics", () => {
    expect(detectLanguage("Przesyłka dotarła na czas, książka w idealnym stanie. Polecam ten sklep!").lang).toBe("pl");
    expect(detectLanguage("Zamowienie przyszlo po dwoch tygodniach, nikt nie odpowiadal na maile").lang).toBe("pl");
  });

  it("recognises English reviews", () => {
    const guess = detectLanguage("The parcel arrived two weeks late and customer support never answered my emails.");
    expect(guess.lang).toBe("en");
    expect(guess.confidence).toBeGreaterThan(0.3);
  });

  it("tells Polish from its neighbours", () => {
    expect(detectLanguage("Objednávka dorazila včas, kniha byla v perfektním stavu, doporučuji.").lang).toBe("cs");
    expect(detectLanguage("Die Lieferung kam pünktlich an, das Buch war in einwandfreiem Zustand.").lang).toBe("de");
  });

  it("reads short Polish and English by their function words when trigrams cannot tell", () => {
    expect(detectLanguage("Super\nDostawa bez problemu, mój numer 601 234 567").lang).toBe("pl");
    expect(detectLanguage("Works fine and the app is fast").lang).toBe("en");
  });

  it("says 'und' rather than guessing on text too short to tell", () => {
    expect(detectLanguage("OK!!")).toEqual({ lang: "und", confidence: 0 });
    expect(detectLanguage("👍👍👍 5/5")).toEqual({ lang: "und", confidence: 0 });
  });
});

describe("createTrigramRanker", () => {
  const only = ["pol", "eng", "deu", "ukr", "rus", "ces", "slk", "lit", "fra", "spa", "ita", "nld", "por"];
  const ranker = createTrigramRanker(only);
  const same = (text: string) => expect(ranker.rank(text), text).toEqual(francAll(text, { only, minLength: 12 }));

  it("ranks exactly as franc does, in every script and with emoji", () => {
    for (const text of [
      "Przesylka dotarla na czas, ksiazka w idealnym stanie. Polecam ten sklep!",
      "The parcel arrived two weeks late 👍 and customer support never answered",
      "Доставка пришла вовремя, книга в идеальном состоянии",
      "Доставка прийшла вчасно, книжка в ідеальному стані",
      "Objednávka dorazila včas, kniha byla v perfektním stavu, doporučuji.",
      "Die Lieferung kam pünktlich an, das Buch war in einwandfreiem Zustand.",
      "Très bien, livraison rapide, je recommande ce vendeur",
      "配送很快，书的状态很好，推荐这家店",
      "배송이 빨랐어요 추천합니다 정말 좋아요",
      "مرحبا بكم في المتجر الجديد",
      "İstanbul'dan GELDİ, ΣΟΦΙΑ σοφία ǅungla Straße",
      "12345 67890 !!!! ???? ....",
    ]) same(text);
  });

  it.runIf(evalDataAvailable())("ranks exactly as franc does on the real reviews", () => {
    const reviews = [...allegroReviews().slice(0, 1500), ...polemoReviews().slice(0, 500)];
    for (const { text } of reviews) if (text.length >= 12) same(text.slice(0, 600));
  });
});
