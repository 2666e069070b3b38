import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { DEFAULT_TOPIC_LABELS, checkTopicPattern, topicPatternWords, topicsFileSchema } from "@odzew/schema";
import { fold } from "./tokenize.ts";
import { createTermMatcher, createTopicTagger, DEFAULT_TOPIC_TAXONOMY, taxonomyFrom } from "./topics.ts";

const tagger = createTopicTagger();
const tag = (text: string) => tagger.tag(text);

describe("createTopicTagger (default taxonomy)", () => {
  it("finds delivery in every inflection, with and without diacritics", () => {
    expect(tag("Dostawa trwała tydzień, kurier zgubił paczkę.")).toContain("delivery");
    expect(tag("Nie dostarczono mi przesyłki, paczkomat pusty")).toContain("delivery");
    expect(tag("Czekam na dostawę od wtorku")).toEqual(["delivery", "waiting-time"]);
    expect(tag("Czekam na dostawe od wtorku, przesylka utknela")).toEqual(["delivery", "waiting-time"]);
    expect(tag("The parcel was delivered to the wrong address")).toEqual(["delivery"]);
  });

  it("finds price, customer service and product quality", () => {
    expect(tag("Za drogo, w innym sklepie taniej, promocja to ściema")).toEqual(["price", "store"]);
    expect(tag("Ceny wysokie, ale rabaty co tydzień")).toEqual(["price"]);
    expect(tag("Obsługa klienta fatalna, konsultant na infolinii się rozłączył")).toEqual(["customer-service"]);
    expect(tag("Obsluga klienta fatalna, nikt nie odpisal na maila")).toEqual(["customer-service"]);
    expect(tag("Słaba jakość, po tygodniu się zepsuł, drugi egzemplarz uszkodzony")).toEqual(["product-quality"]);
    expect(tag("Way too expensive for such flimsy, cheaply made stuff")).toEqual(["price", "product-quality"]);
  });

  it("finds the app, payments, returns, waiting time, staff and the store", () => {
    expect(tag("Aplikacja wywala błąd przy logowaniu")).toEqual(["app-website"]);
    expect(tag("Aplikacja wywala blad przy logowaniu")).toEqual(["app-website"]);
    expect(tag("Płatność BLIKiem nie przeszła, zapłaciłem przelewem")).toEqual(["payments"]);
    expect(tag("Platnosc karta odrzucona")).toEqual(["payments"]);
    expect(tag("Reklamacja odrzucona, zwrot pieniędzy odmówiony mimo gwarancji")).toEqual(["returns-complaints"]);
    expect(tag("Czas oczekiwania na infolinii to godzina, kolejka w sklepie długa")).toEqual(["customer-service", "store", "waiting-time"]);
    expect(tag("Ekspedientka była opryskliwa, kasjer też")).toEqual(["staff"]);
    expect(tag("Puste półki, działała jedna kasa samoobsługowa")).toEqual(["store"]);
    expect(tag("Customer support never answered and I am still waiting for my refund")).toEqual([
      "customer-service",
      "returns-complaints",
      "waiting-time",
    ]);
    expect(tag("The app crashes at login and the staff in the store were rude")).toEqual(["app-website", "staff", "store"]);
  });

  it("counts a word inside a phrase only for the phrase", () => {
    expect(tag("Sklep internetowy ładny i przejrzysty")).toEqual(["app-website"]);
    expect(tag("Byłem w sklepie stacjonarnym")).toEqual(["store"]);
  });

  it("does not fire on look-alikes", () => {
    expect(tag("Produkt spełnia oczekiwania, polecam")).toEqual([]);
    expect(tag("Z drugiej strony nie narzekam")).toEqual([]);
    expect(tag("Karton był zgnieciony")).toEqual([]);
    expect(tag("W centrum miasta, cenzura w komentarzach")).toEqual([]);
    expect(tag("")).toEqual([]);
    expect(tag("👍👍👍 5/5")).toEqual([]);
  });

  it("returns sorted unique ids", () => {
    const topics = tag("Kurier, kurier, paczka, cena, cena, aplikacja, aplikacja");
    expect(topics).toEqual([...new Set(topics)].sort());
    expect(topics).toEqual(["app-website", "delivery", "price"]);
  });

  it("has the ten default topics, every pattern valid", () => {
    expect(DEFAULT_TOPIC_TAXONOMY.map((topic) => topic.id).sort()).toEqual([
      "app-website", "customer-service", "delivery", "payments", "price", "product-quality", "returns-complaints", "staff", "store", "waiting-time",
    ]);
    for (const topic of DEFAULT_TOPIC_TAXONOMY) for (const pattern of [...topic.pl, ...topic.en]) expect(checkTopicPattern(pattern)).toBeNull();
    // Each has the label the workspace shows (packages/schema).
    expect(Object.keys(DEFAULT_TOPIC_LABELS).sort()).toEqual(DEFAULT_TOPIC_TAXONOMY.map((topic) => topic.id).sort());
  });

  it("reads words written in decomposed Unicode or other scripts like their composed, folded forms", () => {
    // "dostawę" with a combining ogonek, "Przesyłka" with a combining acute nowhere to fold.
    expect(tag("Dostawe\u0328 opóźniono")).toEqual(["delivery", "waiting-time"]);
    expect(tag("KURIE\u0301R przyjechał")).toEqual(["delivery"]);
    const greek = createTermMatcher([{ value: "greek", patterns: ["λόγος", "σπίτι*"] }]);
    // Upper-case sigma lower-cases to "ς" at the end of a word, as in the pattern: the word is folded whole.
    expect(greek.match("ΛΌΓΟΣ")).toEqual(["greek"]);
    expect(greek.match("Ο λόγος")).toEqual(["greek"]);
    expect(greek.match("ΣΠΙΤΙΑ στην πόλη")).toEqual(["greek"]);
    // A ligature folds to two letters ("ﬁ" → "fi"), inside a word as on its own.
    const ligature = createTermMatcher([{ value: "film", patterns: ["film*"] }]);
    expect(ligature.match("Świetny ﬁlm, polecam")).toEqual(["film"]);
  });

  it("splits patterns into words with the same folding as the text", () => {
    const letters = "AĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ aąbcćdeęfghijklłmnńoóprsśtuwyzźż ÀÉÎÕÜÇŠŽÆØß ǄǅǆİĲ ﬁﬂ ΣΛΌΓΟΣ Привет";
    expect(topicPatternWords(letters)).toEqual(Array.from(fold(letters).matchAll(/[\p{L}\p{N}]+\*?/gu), (match) => match[0]));
    expect(topicPatternWords("Poczta Polska*")).toEqual(["poczta", "polska*"]);
  });
});

describe("taxonomyFrom and topicsFileSchema", () => {
  it("adds words to a default topic, replaces them, or defines a new topic", () => {
    const file = topicsFileSchema.parse({
      topics: [
        { id: "delivery", pl: ["furgonetk*"] },
        { id: "price", replace: true, en: ["price*"] },
        { id: "loyalty", pl: ["karta lojalnościowa", "punkt*"], en: ["loyalty*"] },
      ],
    });
    const custom = createTopicTagger(taxonomyFrom(file));
    expect(custom.tag("Furgonetka przyjechała")).toEqual(["delivery"]);
    expect(custom.tag("Kurier przyjechał")).toEqual(["delivery"]);
    expect(custom.tag("Ceny wysokie")).toEqual([]);
    expect(custom.tag("Prices are high")).toEqual(["price"]);
    expect(custom.tag("Zbieram punkty na karcie lojalnościowej? Karta lojalnosciowa super")).toContain("loyalty");
    expect(custom.tag("Great loyalty programme")).toEqual(["loyalty"]);
  });

  it("switches a topic off with replace and no words", () => {
    const taxonomy = taxonomyFrom(topicsFileSchema.parse({ topics: [{ id: "store", replace: true }] }));
    expect(taxonomy.map((topic) => topic.id)).not.toContain("store");
  });

  it("refuses a taxonomy with a pattern the file's schema would reject", () => {
    expect(() => createTopicTagger([{ id: "x", pl: ["ab*"], en: [] }])).toThrow(/topic "x": "ab\*": a stem needs at least 3 letters/);
  });
});

describe("a term matcher's reading", () => {
  // Topics next to other terms that share words with them ("czas oczekiwania", "obsług*"), as the
  // enrichment matches its topics and urgency words in one pass.
  const matcher = createTermMatcher([
    ...DEFAULT_TOPIC_TAXONOMY.map((topic) => ({ value: `t:${topic.id}`, patterns: [...topic.pl, ...topic.en] })),
    { value: "u:wait", patterns: ["czas oczekiwania na", "obsługa klienta", "dostawa"] },
  ]);
  const scope = matcher.scope(new Map(DEFAULT_TOPIC_TAXONOMY.map((topic) => [`t:${topic.id}`, topic.id])));
  const PIECES = [
    "dostawa", "Dostawę", "czas oczekiwania", "czas", "oczekiwania na", "obsługa klienta", "sklep internetowy", "sklep", "internetowy",
    "e-mail", "cena", "przesyłka", "zwrot pieniędzy", "kurierem", "aplikacja", "ᾅ", "ﬁlm", "dobry", "123", "x",
  ];
  const JOINS = [" ", ", ", ". ", " i ", "-", "'", "", "\n", " – "];

  it("tags any part of a text as the topic tagger tags the part alone", () => {
    const random = seededRandom(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick(PIECES)).reduce((sum, piece) => `${sum}${pick(JOINS)}${piece}`);
      const reading = matcher.read(text);
      expect(reading.values, text).toEqual(matcher.match(text));
      for (let cut = 0; cut < 12; cut++) {
        const start = Math.floor(random() * (text.length + 1));
        const end = start + Math.floor(random() * (text.length - start + 1));
        expect(reading.part(start, end, scope), JSON.stringify([text, start, end])).toEqual(tag(text.slice(start, end)));
      }
    }
  });
});
