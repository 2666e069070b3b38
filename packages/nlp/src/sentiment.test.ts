import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { CONTRADICTION, LEXICON_SCORER, decideSentiment, textSentiment, type PolishScorer } from "./sentiment.ts";
import type { SentimentLabel } from "./types.ts";

const label = (text: string, rating?: number): SentimentLabel => decideSentiment({ text, lang: "pl", rating }).sentiment.label;

describe("the demo reviews of issue 10", () => {
  it("'Zwrot bez problemu' (4 stars) is positive, from the text and the stars together", () => {
    const decision = decideSentiment({ text: "Zwrot bez problemu\nPieniądze wróciły po czterech dniach, bez zbędnych pytań", lang: "pl", rating: 4 });
    expect(decision.sentiment).toMatchObject({ label: "positive", basis: "text+rating", model: "lexicon-pl-2" });
    expect(decision.sentiment.score).toBeGreaterThan(0);
    expect(decision.ratingMismatch).toBe(false);
    // The text alone says so too.
    expect(label("Zwrot bez problemu\nPieniądze wróciły po czterech dniach, bez zbędnych pytań")).toBe("positive");
  });

  it("'Dostawa się ciągnęła' (2 stars: two weeks' wait, e-mail unanswered) is negative", () => {
    const text = "Dostawa się ciągnęła\nCzekałam dwa tygodnie, a e-mail do obsługi został bez odpowiedzi.";
    const decision = decideSentiment({ text, lang: "pl", rating: 2 });
    expect(decision.sentiment).toMatchObject({ label: "negative", basis: "text+rating" });
    expect(decision.sentiment.score).toBeLessThan(0);
    expect(label(text)).toBe("negative");
  });
});

describe("every sentence of issue 10 gets the right label from its text", () => {
  it.each([
    ["Super.", "positive"],
    ["super", "positive"],
    ["ok", "positive"],
    ["dobry", "positive"],
    ["jest ok", "positive"],
    ["Słabo", "negative"],
    ["Srednio", "neutral"],
    ["super zadowolona bardzo", "positive"],
    ["Abonament w Play za 50 zł z nielimitowanym internetem to świetna oferta, polecam.", "positive"],
    ["Twoje konto w Allegro zostało zawieszone", "negative"],
    ["Aplikację pobrałem z Google Play i po aktualizacji ciągle się wyłącza", "negative"],
    ["Kurier nawet nie zapukał, zostawił awizo i paczka wróciła do nadawcy", "negative"],
    ["Gazetka obiecywała promocję na masło, a na półce pusto. Znowu to samo.", "negative"],
    ["Pieniądze pobrane, a zamówienie nieopłacone", "negative"],
    ["Czekam od 2 tygodni na paczkę", "negative"],
    ["Dostawa się ciągnęła", "negative"],
    ["E-mail do obsługi bez odpowiedzi", "negative"],
    ["Nikt nie odpisał na maila", "negative"],
  ] as const)("%s → %s", (text, expected) => {
    expect(label(text)).toBe(expected);
  });
});

describe("labels of ordinary Polish reviews", () => {
  it.each([
    "Zwrot bez problemu",
    "Zwrot pieniędzy bez problemu",
    "Polecam!",
    "Świetna aplikacja, działa bez zarzutu",
    "Bez problemu, szybko i sprawnie",
    "bez problemu",
    "Nie ma problemu z dostawą",
    "nie ma problemu",
    "Nie mam zastrzeżeń",
    "Kurier przyjechał na czas, wszystko ok",
    "Obsługa pomogła od ręki",
    "Paczka przyszła następnego dnia, polecam.",
    "Nie żałuję zakupu",
    "Zwrócili pieniądze w dwa dni, bez zbędnych pytań",
    "Wszystko zgodnie z opisem",
    "Szybka wysyłka, towar zgodny z opisem",
    "Jestem bardzo zadowolony",
    "Działa jak należy",
    "Miła obsługa w sklepie",
    "Polecam serdecznie, super sprzedawca",
  ])("positive: %s", (text) => {
    expect(label(text)).toBe("positive");
  });

  it.each([
    "nie polecam",
    "Nie polecam tego sklepu",
    "NIE POLECAM",
    "Aplikacja nie działa",
    "Po aktualizacji nie da się zalogować",
    "Odradzam",
    "Szkoda pieniędzy",
    "Masakra",
    "Kasa samoobsługowa nie działa",
    "Reklamacja odrzucona bez podania przyczyny",
    "Nikt nie odbiera telefonu",
    "Czekam na zwrot pieniędzy od miesiąca",
    "Nie dostałem paczki",
    "Produkt niezgodny z opisem",
    "Sprzedawca nie odpisuje",
    "Nigdy więcej",
    "Towar uszkodzony",
    "Zamówienie anulowane bez słowa wyjaśnienia",
    "Nie polecam, strata czasu",
    "Kiepska jakość",
    "Apka ciągle się zawiesza",
    "Długo czekałem na kuriera",
    "Konto zablokowane, nikt nie odpisuje",
  ])("negative: %s", (text) => {
    expect(label(text)).toBe("negative");
  });

  it.each([
    ["Aplikacja działa płynnie, polecam", "positive"],
    ["Bardzo wygodna i intuicyjna", "positive"],
    ["Fajna apka", "positive"],
    ["Spoko", "positive"],
    ["Extra", "positive"],
    ["Obsługa klienta na medal", "positive"],
    ["Cena adekwatna do jakości", "positive"],
    ["Świeże pieczywo, miła obsługa", "positive"],
    ["Dziękuję za szybką realizację", "positive"],
    ["W porządku", "positive"],
    ["Najgorsza aplikacja bankowa jaką miałem", "negative"],
    ["Nie mogę się zalogować od wczoraj", "negative"],
    ["Po ostatniej aktualizacji nic nie działa", "negative"],
    ["Za dużo reklam", "negative"],
    ["Jedna gwiazdka to i tak za dużo", "negative"],
    ["Zero kontaktu ze sprzedawcą", "negative"],
    ["Paczka zaginęła", "negative"],
    ["Kurier rzucił paczką", "negative"],
    ["Za drogo", "negative"],
    ["Długie kolejki do kasy", "negative"],
    ["Oszuści!", "negative"],
    ["Uważajcie na ten sklep", "negative"],
    ["Internet ciągle zrywa", "negative"],
    ["Faktura się nie zgadza", "negative"],
    ["Naliczyli mi opłatę za coś czego nie zamawiałem", "negative"],
    ["Nic specjalnego", "neutral"],
    ["Dostawa trwała dwa tygodnie", "negative"],
    ["Bardzo trwała torba, polecam", "positive"],
  ] as const)("app-store and shop review: %s → %s", (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  it.each(["Paczka przyszła w czwartek.", "Zamówiłem kurtkę w rozmiarze M.", "Sklep jest przy ulicy Długiej.", "Kupiłem to dla żony."])(
    "neutral: %s",
    (text) => {
      expect(label(text)).toBe("neutral");
    },
  );
});

describe("stars as evidence", () => {
  it("lets the stars decide where the text is mild or silent, and says so", () => {
    expect(decideSentiment({ text: "Zamówiłem kurtkę w rozmiarze M.", lang: "pl", rating: 5 }).sentiment).toMatchObject({ label: "positive", basis: "rating" });
    expect(decideSentiment({ text: "Zamówiłem kurtkę w rozmiarze M.", lang: "pl", rating: 1 }).sentiment).toMatchObject({ label: "negative", basis: "rating" });
    // Mildly negative words on a 4-star review: still positive, the stars outweigh them.
    const mild = decideSentiment({ text: "Trochę za drogie, ale działa.", lang: "pl", rating: 4 });
    expect(mild.sentiment.label).toBe("positive");
    expect(mild.ratingMismatch).toBe(false);
  });

  it("lets the text win where it clearly contradicts the stars, and flags the mismatch", () => {
    const decision = decideSentiment({ text: "Masakra, nie polecam, szkoda pieniędzy. Produkt zepsuł się po dwóch dniach.", lang: "pl", rating: 5 });
    expect(decision.sentiment).toMatchObject({ label: "negative", basis: "text" });
    expect(decision.ratingMismatch).toBe(true);
    const happy = decideSentiment({ text: "Rewelacja, wszystko super, gorąco polecam!", lang: "pl", rating: 1 });
    expect(happy.sentiment).toMatchObject({ label: "positive", basis: "text" });
    expect(happy.ratingMismatch).toBe(true);
  });

  it("reads 3 stars as neutral unless the text is clearly one way", () => {
    expect(label("Produkt jak produkt.", 3)).toBe("neutral");
    expect(label("Rewelacja, gorąco polecam!", 3)).toBe("positive");
    expect(label("Nie polecam, bubel, szkoda pieniędzy.", 3)).toBe("negative");
  });

  it("takes the stars alone for a review without words", () => {
    expect(decideSentiment({ text: "  👍 ", lang: "und", rating: 5 })).toEqual({
      sentiment: { label: "positive", score: 1, model: "stars", basis: "rating" },
      ratingMismatch: false,
    });
    expect(decideSentiment({ text: "", lang: "und", rating: 3 }).sentiment).toMatchObject({ label: "neutral", score: 0, basis: "rating" });
  });

  it("uses the stars for a language without a model", () => {
    const decision = decideSentiment({ text: "Die Lieferung kam pünktlich an.", lang: "de", rating: 5 });
    expect(decision.sentiment).toMatchObject({ label: "positive", basis: "rating", model: "none-de" });
  });

  it("refuses a rating outside 1–5", () => {
    expect(() => decideSentiment({ text: "ok", lang: "pl", rating: 7 })).toThrow(/1–5 stars, got 7/);
  });

  it("keeps its promises on any review and rating (seeded random reviews)", () => {
    const random = seededRandom(2026);
    const pieces = [
      "Polecam", "nie polecam", "Super", "masakra", "bez problemu", "czekam od 3 tygodni", "konto zostało zablokowane",
      "paczka dotarła", "szybka wysyłka", "brak odpowiedzi", "ok", "produkt", "sklep", "Kurier", "zwrot", "dobra jakość",
      "fatalna obsługa", "nie działa", "działa", "i", "ale", ",", ".", "!",
    ];
    for (let round = 0; round < 500; round++) {
      const text = Array.from({ length: Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join(" ");
      const rating = 1 + Math.floor(random() * 5);
      const { sentiment, ratingMismatch } = decideSentiment({ text, lang: "pl", rating });
      const stars: SentimentLabel = rating >= 4 ? "positive" : rating <= 2 ? "negative" : "neutral";
      expect(sentiment.score).toBeGreaterThanOrEqual(-1);
      expect(sentiment.score).toBeLessThanOrEqual(1);
      if (ratingMismatch) {
        // The text won: it says the opposite of the stars, clearly.
        expect(sentiment.basis, text).toBe("text");
        expect(sentiment.label).not.toBe(stars);
        expect(Math.abs(sentiment.score)).toBeGreaterThanOrEqual(CONTRADICTION);
      } else if (stars !== "neutral") {
        expect(sentiment.label, `${text} (${rating}★)`).toBe(stars);
        expect(Math.sign(sentiment.score)).toBe(stars === "positive" ? 1 : -1);
      }
      // The same text without stars is labelled by the text alone.
      expect(decideSentiment({ text, lang: "pl" }).sentiment.basis).toBe("text");
    }
  });
});

describe("the text's label", () => {
  it("comes from the scorer's own neutral range", () => {
    const always = (score: number): PolishScorer => ({ score: () => ({ label: "neutral", score, model: "test" }), range: { negative: -0.2, positive: 0.3 } });
    expect(textSentiment("x", "pl", always(0.25)).label).toBe("neutral");
    expect(textSentiment("x", "pl", always(0.3)).label).toBe("positive");
    expect(textSentiment("x", "pl", always(-0.2)).label).toBe("negative");
    expect(textSentiment("x", "pl", LEXICON_SCORER).model).toBe("lexicon-pl-2");
  });

  it("reads English with AFINN, complaint events included, and gives other languages none", () => {
    expect(textSentiment("Great app, love it", "en").label).toBe("positive");
    expect(textSentiment("The app crashes after the update", "en").label).toBe("negative");
    expect(textSentiment("Still waiting for my refund", "en").label).toBe("negative");
    expect(textSentiment("Très bien", "fr")).toEqual({ label: "neutral", score: 0, model: "none-fr", basis: "text" });
  });
});
