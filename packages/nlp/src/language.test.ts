import { francAll } from "franc-min";
import { describe, expect, it } from "vitest";
import { allegroReviews, evalDataAvailable, polemoReviews } from "./eval-data.ts";
import { SHORT_ENGLISH, SHORT_OTHER } from "./fixtures/short-texts.ts";
import { detectLanguage, priorLanguage } from "./language.ts";
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

describe("detectLanguage on short texts", () => {
  const polishPrior = { langs: ["pl"], country: "pl" };

  it("reads the short Polish reviews of issue 10 as Polish given a Polish prior", () => {
    for (const text of ["Super.", "super", "ok", "dobry", "jest ok", "Słabo", "Srednio", "super zadowolona bardzo"]) {
      expect(detectLanguage(text, polishPrior).lang, text).toBe("pl");
    }
  });

  it("reads Polish words and letters as Polish without any prior; words every language shares stay undetermined", () => {
    for (const text of ["dobry", "jest ok", "Słabo", "Srednio", "super zadowolona bardzo", "Polecam!", "nie polecam", "wszystko ok"]) {
      expect(detectLanguage(text).lang, text).toBe("pl");
    }
    // "ok" and "Super." are English as much as Polish: the prior decides, and without one nobody can.
    expect(detectLanguage("Super.").lang).toBe("und");
    expect(detectLanguage("ok").lang).toBe("und");
    expect(detectLanguage("Super.", { langs: ["en"] }).lang).toBe("en");
    expect(detectLanguage("ok", { country: "pl" }).lang).toBe("pl");
  });

  it("never gives a text with Polish letters or Polish function words another language", () => {
    expect(detectLanguage("Abonament w Play za 50 zł z nielimitowanym internetem to świetna oferta, polecam.").lang).toBe("pl");
    expect(detectLanguage("Twoje konto w Allegro zostało zawieszone").lang).toBe("pl");
    expect(detectLanguage("Zamowienie przyszlo szybko, jest ok i bardzo sie ciesze").lang).toBe("pl");
    expect(detectLanguage("Gra jest super, polecam", { langs: ["en"] }).lang).toBe("pl");
    // A Polish name in an English review does not make it Polish.
    expect(detectLanguage("Łukasz was very helpful and the service was great").lang).toBe("en");
  });

  it("keeps English and other languages with a Polish prior", () => {
    for (const text of SHORT_ENGLISH) expect(detectLanguage(text, polishPrior).lang, text).toBe("en");
    for (const [lang, text] of SHORT_OTHER) expect(detectLanguage(text, polishPrior).lang, text).toBe(lang);
  });

  it("takes the language of a country when the source names only that", () => {
    expect(priorLanguage({ country: "de" })).toBe("de");
    expect(priorLanguage({ langs: ["en-GB"], country: "pl" })).toBe("en");
    expect(priorLanguage({ langs: ["xx"] })).toBeUndefined();
    expect(detectLanguage("ok", { country: "gb" }).lang).toBe("en");
  });

  it.runIf(evalDataAvailable())("reads at least 98 % of the shared short Polish reviews as Polish with a Polish prior", () => {
    const short = allegroReviews()
      .map((review) => review.text)
      .filter((text) => /\p{L}/u.test(text) && text.trim().split(/\s+/).length <= 5);
    const polish = short.filter((text) => detectLanguage(text, polishPrior).lang === "pl").length;
    expect(polish / short.length).toBeGreaterThanOrEqual(0.98);
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
