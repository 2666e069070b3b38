import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { aspectSentiments, splitClauses, type Aspect } from "./aspects.ts";
import { TextReading, decideSentiment } from "./sentiment.ts";
import { createTopicTagger } from "./topics.ts";
import type { SentimentLabel } from "./types.ts";

const tagger = createTopicTagger();

/** The aspects of a review as the enrichment would compute them: its topics and its own label first. */
function aspectsOf(text: string, options: { lang?: string; rating?: number; title?: string } = {}): Aspect[] {
  const lang = options.lang ?? "pl";
  const full = options.title ? `${options.title}\n${text}` : text;
  const { sentiment } = decideSentiment({ text: full, lang, rating: options.rating });
  return aspectSentiments({ text, title: options.title, lang, topics: tagger.tag(full), sentiment }, { tagger });
}

/** topic → label, what a CX analyst reads off the aspects. */
const labels = (aspects: Aspect[]): Record<string, SentimentLabel> => Object.fromEntries(aspects.map((aspect) => [aspect.topic, aspect.label]));
const texts = (text: string, title?: string) => splitClauses(text, title).map((clause) => clause.text);

describe("splitClauses", () => {
  it("cuts sentences, contrast words and concessions, and keeps clauses joined by a contrast in one group", () => {
    expect(splitClauses("Książka dobra, ale dostawa trwała dwa tygodnie")).toEqual([
      { text: "Książka dobra", group: 0 },
      { text: "dostawa trwała dwa tygodnie", group: 0 },
    ]);
    expect(splitClauses("Dostawa szybka. Obsługa miła! Polecam?")).toEqual([
      { text: "Dostawa szybka", group: 0 },
      { text: "Obsługa miła", group: 1 },
      { text: "Polecam", group: 2 },
    ]);
    expect(texts("Produkt super lecz kurier spóźniony")).toEqual(["Produkt super", "kurier spóźniony"]);
    expect(texts("Polecam, chociaż dostawa trwała długo.")).toEqual(["Polecam", "dostawa trwała długo"]);
    expect(texts("Polecam, chociaz dostawa trwala dlugo, mimo ze kurier byl mily")).toEqual(["Polecam", "dostawa trwala dlugo", "kurier byl mily"]);
    expect(texts("Great book but shipping took ages, although support helped.")).toEqual(["Great book", "shipping took ages", "support helped"]);
  });

  it("cuts at jednak, natomiast, za to, a, however only after a comma", () => {
    expect(splitClauses("Płatność nie przeszła, a pieniądze zniknęły")).toEqual([
      { text: "Płatność nie przeszła", group: 0 },
      { text: "pieniądze zniknęły", group: 1 },
    ]);
    expect(texts("Cena wysoka, jakość za to świetna")).toEqual(["Cena wysoka, jakość za to świetna"]);
    expect(texts("Cena wysoka, za to jakość świetna")).toEqual(["Cena wysoka", "jakość świetna"]);
    expect(texts("Paczka dotarła uszkodzona, natomiast obsługa wysłała nową")).toEqual(["Paczka dotarła uszkodzona", "obsługa wysłała nową"]);
    expect(texts("Dostawa natomiast była bardzo szybka")).toEqual(["Dostawa natomiast była bardzo szybka"]);
    expect(texts("Kurier jednak spóźniony")).toEqual(["Kurier jednak spóźniony"]);
    expect(texts("Gazetka obiecywała promocję na masło, a na półce pusto")).toEqual(["Gazetka obiecywała promocję na masło", "na półce pusto"]);
    expect(texts("Zamówiłem w poniedziałek, a potem czekałem")).toEqual(["Zamówiłem w poniedziałek, a potem czekałem"]);
    expect(texts("Love the app, however payments keep failing")).toEqual(["Love the app", "payments keep failing"]);
  });

  it("links a sentence that opens with a contrast word to the one before", () => {
    expect(splitClauses("Dostawa szybka. Ale obsługa tragiczna.")).toEqual([
      { text: "Dostawa szybka", group: 0 },
      { text: "obsługa tragiczna", group: 0 },
    ]);
    expect(splitClauses("Love the app. However, payments keep failing.")).toEqual([
      { text: "Love the app", group: 0 },
      { text: "payments keep failing", group: 0 },
    ]);
  });

  it("ends an opening concession at its first comma", () => {
    expect(splitClauses("Choć drogo, jakość świetna.")).toEqual([
      { text: "drogo", group: 0 },
      { text: "jakość świetna", group: 0 },
    ]);
    expect(texts("Although shipping was slow, the support team was very helpful.")).toEqual(["shipping was slow", "the support team was very helpful"]);
  });

  it("cuts at semicolons and dashes without making a contrast group, unless a contrast word follows", () => {
    expect(splitClauses("Książka dobra; niestety jednak kurier spóźniony")).toEqual([
      { text: "Książka dobra", group: 0 },
      { text: "niestety jednak kurier spóźniony", group: 1 },
    ]);
    expect(splitClauses("Książka dobra; ale kurier spóźniony")).toEqual([
      { text: "Książka dobra", group: 0 },
      { text: "kurier spóźniony", group: 0 },
    ]);
    expect(splitClauses("Aplikacja działa; płatność nie przechodzi")).toEqual([
      { text: "Aplikacja działa", group: 0 },
      { text: "płatność nie przechodzi", group: 1 },
    ]);
    expect(splitClauses("Zwrot bez problemu - pieniądze wróciły – szybko")).toEqual([
      { text: "Zwrot bez problemu", group: 0 },
      { text: "pieniądze wróciły", group: 1 },
      { text: "szybko", group: 2 },
    ]);
    // A hyphen inside a word or a number is no cut.
    expect(texts("Sklep e-commerce działa, wynik 4.5 na 5")).toEqual(["Sklep e-commerce działa, wynik 4.5 na 5"]);
  });

  it("reads the title as a sentence of its own, and drops clauses without letters", () => {
    expect(texts("Kurier miły.", "Dostawa się ciągnęła")).toEqual(["Dostawa się ciągnęła", "Kurier miły"]);
    expect(splitClauses("")).toEqual([]);
    expect(splitClauses("!!! 👍 5/5 ... ale")).toEqual([]);
  });
});

describe("aspectSentiments on Polish reviews", () => {
  it("gives the issue's example product-quality positive and delivery negative", () => {
    expect(labels(aspectsOf("Książka dobra, ale dostawa trwała dwa tygodnie"))).toEqual({ "product-quality": "positive", delivery: "negative" });
  });

  it("splits the demo review that waited two weeks for its parcel", () => {
    const aspects = aspectsOf(
      "Książka dobra, ale na dostawę czekałem prawie dwa tygodnie, a status zamówienia przez tydzień się nie zmieniał. Mail do obsługi bez odpowiedzi.",
      { title: "Dostawa się ciągnęła", rating: 2 },
    );
    expect(labels(aspects)).toEqual({
      "product-quality": "positive",
      delivery: "negative",
      "waiting-time": "negative",
      "customer-service": "negative",
    });
  });

  it.each([
    ["Dostawa szybka, obsługa fatalna.", { delivery: "positive", "customer-service": "negative" }],
    ["Szybka dostawa, ale obsługa klienta tragiczna, nikt nie odpisuje na maile.", { delivery: "positive", "customer-service": "negative" }],
    ["Dostawa szybka. Ale obsługa klienta tragiczna.", { delivery: "positive", "customer-service": "negative" }],
    ["Choć drogo, jakość świetna.", { price: "negative", "product-quality": "positive" }],
    ["Cena wysoka, za to jakość świetna i wykonanie solidne.", { price: "neutral", "product-quality": "positive" }],
    ["Paczka dotarła uszkodzona, natomiast obsługa od razu pomogła i wysłała nową.", { delivery: "negative", "product-quality": "negative", "customer-service": "positive" }],
    ["Aplikacja świetna, ale płatność kartą nie działa.", { "app-website": "positive", payments: "negative" }],
    ["Kurier był bardzo miły; produkt niestety uszkodzony.", { delivery: "positive", "product-quality": "negative" }],
    // Both halves name delivery: the stronger one decides.
    ["Kurier był miły, niestety paczka była zgnieciona i rozerwana, tragedia.", { delivery: "negative" }],
    ["Produkt super, lecz kurier zgubił paczkę i musiałem czekać tydzień.", { "product-quality": "positive", delivery: "negative", "waiting-time": "negative" }],
    ["Tanio i szybko, polecam. Jakość słaba.", { price: "positive", "product-quality": "negative" }],
    ["Reklamację rozpatrzono szybko, jestem bardzo zadowolony, ale infolinia to koszmar.", { "returns-complaints": "positive", "customer-service": "negative" }],
    ["Gazetka obiecywała promocję na masło, a na półce pusto. Znowu to samo.", { price: "neutral", store: "negative" }],
  ] as const)("%s", (text, expected) => {
    expect(labels(aspectsOf(text))).toEqual(expected);
  });

  it("gives each topic of a one-clause review the mention's own label, stars included", () => {
    expect(aspectsOf("Dostawa.", { rating: 5 })).toEqual([{ topic: "delivery", label: "positive", score: 1 }]);
    expect(labels(aspectsOf("Szybka dostawa i miła obsługa, polecam każdemu."))).toEqual({ delivery: "positive", "customer-service": "positive" });
    expect(labels(aspectsOf("Kurier, który przyjechał, był bardzo miły."))).toEqual({ delivery: "positive" });
    expect(labels(aspectsOf("Zamówienie przyszło kurierem.", { rating: 1 }))).toEqual({ delivery: "negative" });
  });

  it("leaves a topic neutral where its clause says nothing either way and the text has several clauses", () => {
    expect(labels(aspectsOf("Super, dziękuję! Dostawa w czwartek.", { rating: 5 }))).toEqual({ delivery: "neutral" });
    expect(aspectsOf("Świetna książka. Zapłaciłem BLIKiem.")).toEqual([{ topic: "payments", label: "neutral", score: 0 }]);
  });

  it("gives a topic named twice the clause with the strongest evidence", () => {
    const aspects = aspectsOf("Dostawa szybka. Niestety kurier zgubił paczkę, tragedia, nigdy więcej.");
    expect(labels(aspects)).toEqual({ delivery: "negative" });
  });

  it("does not turn a closing verdict, or a clause that only adds, into a product aspect", () => {
    expect(labels(aspectsOf("Dostawa szybka. Polecam!"))).toEqual({ delivery: "positive" });
    expect(labels(aspectsOf("Płatność kartą nie działa, a pieniądze zniknęły z konta. Masakra."))).toEqual({ payments: "negative" });
    expect(aspectsOf("Świetna książka, polecam!")).toEqual([]);
  });
});

describe("aspectSentiments on English reviews", () => {
  it.each([
    ["The book is great but delivery took two weeks.", { "product-quality": "positive", delivery: "negative" }],
    ["Love the app. However, payments keep failing.", { "app-website": "positive", payments: "negative" }],
    ["Although shipping was slow, the support team was very helpful.", { delivery: "neutral", "waiting-time": "neutral", "customer-service": "positive" }],
    ["Great price, terrible quality.", { price: "positive", "product-quality": "negative" }],
    ["Excellent product, but the customer service was awful and rude.", { "product-quality": "positive", "customer-service": "negative", staff: "negative" }],
  ] as const)("%s", (text, expected) => {
    expect(labels(aspectsOf(text, { lang: "en" }))).toEqual(expected);
  });
});

describe("aspectSentiments, whatever the review", () => {
  const FRAGMENTS = [
    "Książka dobra", "dostawa szybka", "kurier zgubił paczkę", "obsługa fatalna", "cena w porządku", "jakość świetna",
    "aplikacja się zawiesza", "płatność BLIK nie przeszła", "zwrot bez problemu", "czekałem dwa tygodnie", "polecam",
    "nigdy więcej", "the book is great", "shipping was slow", "support never replied", "sprzedawca był miły",
  ];
  const JOINS = [", ", ", ale ", " ale ", ". ", "! ", "; ", " - ", ", natomiast ", ", a ", " i ", ", chociaż ", " but ", ". However, "];

  it("gives one entry per topic, sorted, each a label with a score of its sign, for random reviews", () => {
    const random = seededRandom(20261129);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    for (let round = 0; round < 500; round++) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(FRAGMENTS));
      const text = parts.reduce((sum, part) => `${sum}${pick(JOINS)}${part}`);
      const lang = random() < 0.2 ? "en" : random() < 0.1 ? "de" : "pl";
      const rating = random() < 0.5 ? 1 + Math.floor(random() * 5) : undefined;
      const topics = tagger.tag(text);
      const { sentiment } = decideSentiment({ text, lang, rating });
      const aspects = aspectSentiments({ text, lang, topics, sentiment }, { tagger });
      const seen = aspects.map((aspect) => aspect.topic);
      expect(seen, text).toEqual([...new Set(seen)].sort());
      // Every topic of the mention has its aspect; the only extra is the product behind a contrast.
      for (const topic of topics) expect(seen, text).toContain(topic);
      for (const topic of seen) expect(topics.includes(topic) || topic === "product-quality", text).toBe(true);
      for (const aspect of aspects) {
        expect(aspect.score, text).toBeGreaterThanOrEqual(-1);
        expect(aspect.score, text).toBeLessThanOrEqual(1);
        if (aspect.label === "positive") expect(aspect.score, text).toBeGreaterThan(0);
        if (aspect.label === "negative") expect(aspect.score, text).toBeLessThan(0);
        if (aspect.score === 0) expect(aspect.label, text).toBe("neutral");
      }
      // The same input gives the same aspects (the tagger and scorers keep no state between texts).
      expect(aspectSentiments({ text, lang, topics, sentiment }, { tagger }), text).toEqual(aspects);
      // Clauses scored from the mention's reading (as the enrichment does) score as clauses read alone.
      expect(aspectSentiments({ text, lang, topics, sentiment }, { tagger, reading: new TextReading(text, lang) }), text).toEqual(aspects);
      // A language without a scorer has no clause evidence: several clauses leave every topic neutral.
      if (lang === "de" && splitClauses(text).length > 1) for (const aspect of aspects) expect(aspect.label, text).toBe("neutral");
    }
  });

  it("gives nothing for a mention without topics, and no product aspect when told not to", () => {
    expect(aspectSentiments({ text: "Świetna książka, polecam", lang: "pl", topics: [] }, { tagger })).toEqual([]);
    const text = "Książka dobra, ale dostawa powolna, kurier zgubił paczkę";
    const aspects = aspectSentiments({ text, lang: "pl", topics: tagger.tag(text) }, { tagger, productTopic: null });
    expect(aspects.map((aspect) => aspect.topic)).toEqual(["delivery"]);
  });
});
