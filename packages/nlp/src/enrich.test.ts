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
    expect(enrichment.enrich({ text: "", rating: 1 }).sentiment).toEqual({ label: "negative", score: -1, model: "stars" });
  });

  it("gives other languages a tag and neutral handling, not a guessed score", () => {
    const result = enrichment.enrich({ text: "Die Lieferung kam pünktlich an, das Buch war in einwandfreiem Zustand." });
    expect(result.lang).toBe("de");
    expect(result.sentiment).toEqual({ label: "neutral", score: 0, model: "none-de" });
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
