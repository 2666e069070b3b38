import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { readPolish, scorePolish } from "./sentiment.pl.ts";

const label = (text: string): string => scorePolish(text).label;
const score = (text: string): number => scorePolish(text).score;

describe("scorePolish", () => {
  it("names its model and keeps the score in -1..1", () => {
    const result = scorePolish("Rewelacja!!! Super, bardzo bardzo polecam 👍👍👍 :)");
    expect(result.model).toBe("lexicon-pl-2");
    expect(result.score).toBeGreaterThan(0.9);
    expect(result.score).toBeLessThanOrEqual(1);
    expect(scorePolish("Masakra, porażka, dno, złom 😡😡").score).toBeGreaterThanOrEqual(-1);
  });

  it("leaves text without evidence neutral", () => {
    expect(scorePolish("Paczka przyszła w czwartek.")).toEqual({ label: "neutral", score: 0, model: "lexicon-pl-2" });
    expect(label("")).toBe("neutral");
    expect(label("Telefon ma 6 cali i waży 180 g.")).toBe("neutral");
  });

  it("matches inflected forms", () => {
    for (const text of ["Świetny telefon.", "Świetna jakość.", "Świetnie działa.", "Bardzo wygodne buty."]) expect(label(text)).toBe("positive");
    for (const text of ["Kiepska jakość.", "Kiepskiego wykonania.", "Słabo.", "Zepsuł się.", "Popsuła się po miesiącu."]) expect(label(text)).toBe("negative");
  });

  it("handles negation", () => {
    expect(label("Nie polecam.")).toBe("negative");
    expect(label("Nie działa.")).toBe("negative");
    expect(label("Nie jestem zadowolony z zakupu.")).toBe("negative");
    expect(label("Nie mam zastrzeżeń.")).toBe("positive");
    expect(label("Bez zastrzeżeń.")).toBe("positive");
    expect(label("Wszystko bez problemu.")).toBe("positive");
    expect(label("Działa bez problemów.")).toBe("positive");
    expect(label("Nie jest to zły produkt.")).toBe("positive");
    expect(label("Nie żałuję zakupu.")).toBe("positive");
  });

  it("limits the scope of a negation to a few words and to the clause", () => {
    // "nie" stops at the comma: "dobry" is not turned.
    expect(label("Nie wiem, dobry.")).toBe("positive");
    // … and after three words.
    expect(label("Nie wiem jak to się stało ale dobry")).toBe("positive");
  });

  it("weighs intensifiers and diminishers", () => {
    expect(score("Bardzo dobry.")).toBeGreaterThan(score("Dobry."));
    expect(score("Naprawdę mega dobry.")).toBeGreaterThan(score("Bardzo dobry."));
    expect(score("Trochę słaby.")).toBeGreaterThan(score("Słaby."));
    expect(score("Nieco za mały.")).toBeGreaterThan(score("Za mały."));
    expect(score("Całkiem dobry.")).toBeLessThan(score("Dobry."));
    expect(label("Super!")).toBe("positive");
  });

  it("lets the clause after a contrast weigh more", () => {
    expect(label("Ładnie wygląda, ale po tygodniu się zepsuł.")).toBe("negative");
    expect(label("Drogi i trochę głośny, ale świetnie działa.")).toBe("positive");
    expect(label("Dobry. Jednak po miesiącu pękł.")).toBe("negative");
    expect(label("Wygląda kiepsko, natomiast działa bardzo dobrze.")).toBe("positive");
    expect(label("Tani, lecz słaby.")).toBe("negative");
    expect(label("Dobry, choć drogi.")).toBe("positive");
  });

  it("reads emoji and emoticons", () => {
    expect(label("👍")).toBe("positive");
    expect(label("Przyszło 🙂")).toBe("positive");
    expect(label("😡")).toBe("negative");
    expect(label("Dostawa :)")).toBe("positive");
    expect(label("Dostawa :D")).toBe("positive");
    expect(label("Dostawa :(")).toBe("negative");
    expect(label("https://example.com/produkt")).toBe("neutral");
  });

  it("knows review idioms", () => {
    for (const text of ["Masakra.", "Porażka.", "Szkoda pieniędzy.", "Nie warto.", "Omijać szerokim łukiem.", "Żądam zwrotu pieniędzy.", "Dno.", "Do niczego.", "Złom.", "Reklamacja odrzucona.", "Zepsuł się po dwóch dniach.", "Pieniądze wyrzucone w błoto."]) {
      expect(label(text), text).toBe("negative");
    }
    for (const text of ["Polecam.", "Godny polecenia.", "Rewelacja.", "Strzał w dziesiątkę!", "Wszystko ok.", "Zgodnie z opisem.", "Szybka wysyłka.", "Sprawdza się.", "Z czystym sumieniem."]) {
      expect(label(text), text).toBe("positive");
    }
  });

  it("scores text without diacritics the same as with them", () => {
    const pairs = [
      ["Nie polecam, porażka.", "nie polecam, porazka"],
      ["Świetna jakość, szybka wysyłka, zgodnie z opisem.", "swietna jakosc, szybka wysylka, zgodnie z opisem"],
      ["Omijać szerokim łukiem! Szkoda pieniędzy.", "omijac szerokim lukiem! szkoda pieniedzy"],
      ["Żenująca jakość, złom.", "ZENUJACA JAKOSC, ZLOM"],
    ];
    for (const [withDiacritics, without] of pairs) expect(scorePolish(without ?? "")).toEqual(scorePolish(withDiacritics ?? ""));
  });

  it("keeps weak or mixed evidence neutral", () => {
    expect(label("Dobry, ale zły.")).not.toBe("positive");
    expect(Math.abs(score("Może być."))).toBeLessThan(0.1);
  });
});

describe("readPolish", () => {
  const PIECES = [
    "Świetna jakość", "nie polecam", "Kurier nawet nie zapukał", "zostawił awizo", "paczka wróciła do nadawcy", "won't open",
    "czekam od 2 tygodni", "Nie jest to zły produkt", "bez zastrzeżeń", "szkoda pieniędzy", "http://example.com/a", "omijać szerokim łukiem",
    ":)", ";)", ":/", ":D", "👍", "😡", "Znowu to samo", "na półce pusto", "dobry", "5dni", "super!!!", "ale", "choć drogo",
  ];
  const JOINS = [" ", ", ", ". ", "! ", "? ", "; ", " - ", "\n", "...", " ale ", ":", "'", "/", ""];

  it("scores any part of a text exactly as the part read alone", () => {
    const random = seededRandom(20261129);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick(PIECES)).reduce((sum, piece) => `${sum}${pick(JOINS)}${piece}`);
      const reading = readPolish(text);
      expect(reading.sentiment, text).toEqual(scorePolish(text));
      for (let cut = 0; cut < 10; cut++) {
        const start = Math.floor(random() * (text.length + 1));
        const end = start + Math.floor(random() * (text.length - start + 1));
        expect(reading.part(start, end), JSON.stringify([text, start, end])).toEqual(scorePolish(text.slice(start, end)));
      }
      // Parts cut where clauses are: at punctuation and spaces.
      const cuts = [0, ...[...text.matchAll(/[\s,.;!?:]+/g)].flatMap((match) => [match.index, match.index + match[0].length]), text.length];
      for (let cut = 0; cut < 10; cut++) {
        const start = pick(cuts);
        const end = pick(cuts.filter((at) => at >= start));
        expect(reading.part(start, end), JSON.stringify([text, start, end])).toEqual(scorePolish(text.slice(start, end)));
      }
    }
  });
});
