import { describe, expect, it } from "vitest";
import { detectLanguage } from "./language.ts";

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
