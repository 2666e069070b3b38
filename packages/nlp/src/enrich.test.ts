import { describe, expect, it } from "vitest";
import { brandsFileSchema } from "@odzew/schema";
import { createEnrichment } from "./enrich.ts";

const { brands } = brandsFileSchema.parse({
  brands: [
    { id: "zabka", name: "Żabka", aliases: ["Żabka"], context: ["sklep", "zakupy", "kasa"] },
    { id: "inpost", name: "InPost", aliases: ["InPost", "Paczkomat"] },
  ],
});
const now = () => new Date("2026-11-25T12:00:00.000Z");
const enrichment = createEnrichment({ brands, authorKey: "test-author-key-0123456789", now });

describe("enrichment of one mention", () => {
  it("adds language, sentiment, brands (from the text, with position), topics and priority", () => {
    const text = "Zakupy w Żabce to porażka, kasa samoobsługowa nie działa, a paczka z Paczkomatu zaginęła.";
    const result = enrichment.enrich({ text, rating: 1, publishedAt: "2026-11-25T10:00:00.000Z" });
    expect(result).toMatchObject({ lang: "pl", sentiment: { label: "negative" }, ratingMismatch: false });
    expect(result.sentiment?.score).toBeLessThan(0);
    expect(result.brands.map((brand) => brand.id).sort()).toEqual(["inpost", "zabka"]);
    const zabka = result.brands.find((brand) => brand.id === "zabka");
    expect(text.slice(zabka?.position, (zabka?.position ?? 0) + (zabka?.matched?.length ?? 0))).toBe("Żabce");
    expect(result.topics).toEqual(expect.arrayContaining(["delivery", "store"]));
    expect(result.priority?.level).toMatch(/high|urgent/);
  });

  it("flags a review whose text contradicts its stars", () => {
    const result = enrichment.enrich({ text: "Masakra, nie polecam, szkoda pieniędzy. Produkt zepsuł się po dwóch dniach.", rating: 5 });
    expect(result.sentiment?.label).toBe("negative");
    expect(result.ratingMismatch).toBe(true);
  });

  it("takes the stars as the sentiment of a review without text", () => {
    expect(enrichment.enrich({ text: "", rating: 1 }).sentiment).toEqual({ label: "negative", score: -1, model: "stars", basis: "rating" });
  });

  it("gives other languages a tag and neutral handling, not a guessed score", () => {
    const result = enrichment.enrich({ text: "Die Lieferung kam pünktlich an, das Buch war in einwandfreiem Zustand." });
    expect(result.lang).toBe("de");
    expect(result.sentiment).toEqual({ label: "neutral", score: 0, model: "none-de", basis: "text" });
  });

  it("labels the two demo reviews of issue 10 right, from their stars and text", () => {
    const refund = enrichment.enrich({ title: "Zwrot bez problemu", text: "Pieniądze wróciły po czterech dniach, bez zbędnych pytań", rating: 4 });
    expect(refund.sentiment).toMatchObject({ label: "positive", basis: "text+rating" });
    expect(refund.sentiment?.score).toBeGreaterThan(0);
    expect(refund.ratingMismatch).toBe(false);
    const slow = enrichment.enrich({ title: "Dostawa się ciągnęła", text: "Czekałam dwa tygodnie, e-mail do obsługi bez odpowiedzi.", rating: 2 });
    expect(slow.sentiment).toMatchObject({ label: "negative", basis: "text+rating" });
    expect(slow.sentiment?.score).toBeLessThan(0);
  });

  it("reads short texts in the source's language, then the market's (Polish by default)", () => {
    for (const text of ["Super.", "ok", "dobry", "jest ok", "Słabo", "Srednio"]) {
      const result = enrichment.enrich({ text });
      expect(result.lang, text).toBe("pl");
      expect(result.sentiment?.model, text).toBe("lexicon-pl-2");
    }
    expect(enrichment.enrich({ text: "Super.", langPrior: { langs: ["en"], country: "gb" } }).lang).toBe("en");
    expect(enrichment.enrich({ text: "ok", langPrior: { country: "de" } }).lang).toBe("de");
    // Evidence in the text wins over any prior.
    expect(enrichment.enrich({ text: "Great app, works fine", langPrior: { langs: ["pl"] } }).lang).toBe("en");
    expect(enrichment.enrich({ text: "Słabo", langPrior: { langs: ["en"] } }).lang).toBe("pl");
    // A market of none: short international words stay undetermined, with no sentiment guessed.
    const noMarket = createEnrichment({ brands, market: {}, now });
    expect(noMarket.enrich({ text: "ok" })).toMatchObject({ lang: "und", sentiment: { label: "neutral", model: "none-und" } });
    const english = createEnrichment({ brands, market: { langs: ["en"], country: "gb" }, now });
    expect(english.enrich({ text: "Super." }).lang).toBe("en");
    expect(english.enrich({ text: "Super.", langPrior: { langs: ["pl"] } }).lang).toBe("pl");
  });

  it("knows praise worded as the absence of trouble or as beating expectations", () => {
    for (const text of [
      "5 gwiazdek, nie mam się do czego przyczepić.",
      "Zamówienie przyszło szybciej niż się spodziewałem.",
      "Nareszcie aplikacja, która się nie zawiesza.",
      "Apka nie zacina się nawet na starym telefonie.",
      "Jestem pod wrażeniem jakości wykonania.",
      "Opłaca się, za tę cenę nie znajdziecie nic lepszego.",
      "Paczka w paczkomacie po 24h, tak trzymać!",
    ]) {
      expect(enrichment.enrich({ text }), text).toMatchObject({ lang: "pl", sentiment: { label: "positive", basis: "text" } });
    }
    for (const text of [
      "Totalna klapa.",
      "Chamska obsługa, ochroniarz chodził za mną krok w krok.",
      "Paczka przyszła otwarta i pusta.",
      "Dostałam używany produkt zamiast nowego.",
      "Do bani",
      "Zero pomocy",
      "Wolno działa",
      "Zawiesza się",
      "Apka muli",
    ]) {
      expect(enrichment.enrich({ text }), text).toMatchObject({ lang: "pl", sentiment: { label: "negative", basis: "text" } });
    }
    expect(enrichment.enrich({ text: "Exceeded my expectations." })).toMatchObject({ lang: "en", sentiment: { label: "positive" } });
    // Thanks are often sarcastic in a complaint: they do not outweigh it.
    expect(enrichment.enrich({ text: "Ładowarka zgasła po sekundzie. Tak że bardzo dziękuję za 1 sekundę pracy nowej ładowarki." }).sentiment?.label).not.toBe("positive");
  });

  it("reads a text of symbols alone, in no language: emoji, emoticons and a score written out", () => {
    for (const [text, label] of [["👍", "positive"], ["😡😡😡", "negative"], ["5/5", "positive"], ["9/10!", "positive"], ["2/10", "negative"], ["5 / 10", "neutral"]] as const) {
      expect(enrichment.enrich({ text }), text).toMatchObject({ lang: "und", sentiment: { label, model: "symbols-1", basis: "text" } });
    }
    // Nothing said: no label guessed.
    expect(enrichment.enrich({ text: "..." }).sentiment).toMatchObject({ label: "neutral", model: "none-und" });
    // Stars, when there are any, are the evidence for a review without words.
    expect(enrichment.enrich({ text: "👍", rating: 2 }).sentiment).toMatchObject({ label: "negative", model: "stars" });
  });

  it("counts complaint events without sentiment words as negative", () => {
    for (const text of [
      "Twoje konto w Allegro zostało zawieszone",
      "Aplikację pobrałem z Google Play i po aktualizacji ciągle się wyłącza",
      "Kurier nawet nie zapukał, zostawił awizo i paczka wróciła do nadawcy",
      "Gazetka obiecywała promocję na masło, a na półce pusto. Znowu to samo.",
      "Kolejka na pół godziny, czynna jedna kasa.",
    ]) {
      expect(enrichment.enrich({ text })).toMatchObject({ lang: "pl", sentiment: { label: "negative", basis: "text" } });
    }
  });

  it("masks personal data for the CX slice and pseudonymises the author", () => {
    const result = enrichment.enrich({
      title: "Kontakt: jan.kowalski@example.pl",
      text: "Zamówienie nr 123456 nie dotarło, proszę o telefon 601 234 567.",
      author: { name: "Jan Kowalski" },
    });
    expect(result.masked?.text).not.toMatch(/123456|601 234 567/);
    expect(result.masked?.title).not.toContain("jan.kowalski@example.pl");
    expect(result.personalData).toEqual(expect.arrayContaining(["email", "phone", "order"]));
    expect(result.authorPseudonym).toMatch(/^a_[0-9a-f]{16}$/);
    expect(JSON.stringify(result)).not.toContain("Jan Kowalski");
    const other = createEnrichment({ brands, authorKey: "another-key-0123456789", now });
    expect(other.enrich({ text: "x", author: { name: "Jan Kowalski" } }).authorPseudonym).not.toBe(result.authorPseudonym);
  });

  it("carries no second copy of the text when there was nothing to mask", () => {
    const result = enrichment.enrich({ title: "Szybka dostawa", text: "Paczka przyszła następnego dnia, polecam.", author: { name: "Ola" } });
    expect(result.masked).toBeUndefined();
    expect(result.personalData).toEqual([]);
    // Only the title held personal data: the masked copy is there, with the title masked.
    const titled = enrichment.enrich({ title: "Pisać na ola@example.pl", text: "Paczka przyszła następnego dnia." });
    expect(titled.masked?.title).not.toContain("ola@example.pl");
  });

  it("keeps the source's brands and adds those found in the text", () => {
    const result = enrichment.enrich({ text: "Odbiór z Paczkomatu bez problemu.", brandHints: ["zabka"] });
    expect(result.brands).toEqual([
      { id: "inpost", via: "text", matched: "Paczkomatu", position: 9 },
      { id: "zabka", via: "source" },
    ]);
  });
});
