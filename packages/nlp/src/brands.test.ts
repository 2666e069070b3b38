import type { BrandConfig } from "@odzew/schema";
import { describe, expect, it } from "vitest";
import { createBrandTagger, inflect } from "./brands.ts";
import { measureBrands } from "./brands.measure.ts";

const SHOP_CONTEXT = ["sklep", "zakupy", "kasa"];

const BRANDS: BrandConfig[] = [
  { id: "zabka", name: "Żabka", aliases: ["Żabka", "Żabka Nano"], context: SHOP_CONTEXT },
  { id: "biedronka", name: "Biedronka", aliases: ["Biedronka"], context: SHOP_CONTEXT },
  { id: "decathlon", name: "Decathlon", aliases: ["Decathlon"] },
  { id: "ikea", name: "IKEA", aliases: ["IKEA"] },
  { id: "orlen", name: "Orlen", aliases: ["Orlen"] },
  { id: "santander-consumer", name: "Santander Consumer Bank", aliases: ["Santander Consumer Bank"] },
  { id: "santander", name: "Santander Bank Polska", aliases: ["Santander"] },
  { id: "play", name: "Play", aliases: ["Play"], exclude: ["Google Play", "Sklep Play"] },
  { id: "allegro", name: "Allegro", aliases: ["Allegro"] },
  { id: "inpost", name: "InPost", aliases: ["InPost", "Paczkomat"] },
  { id: "mbank", name: "mBank", aliases: ["mBank"] },
  { id: "lidl", name: "Lidl", aliases: ["Lidl"] },
  { id: "lot", name: "LOT", aliases: ["LOT"] },
];

const tagger = createBrandTagger(BRANDS);
const ids = (text: string): string[] => tagger.tag(text).map((match) => match.id);
const matched = (text: string): string[] => tagger.tag(text).map((match) => match.matched);

describe("createBrandTagger: Polish inflection", () => {
  it.each([
    ["Kupiłem rower w Decathlonie.", "Decathlonie"],
    ["Zwrot do Decathlonu poszedł gładko.", "Decathlonu"],
    ["Jestem zachwycony Decathlonem.", "Decathlonem"],
    ["Szafa z Ikei się rozpadła.", "Ikei"],
    ["W Ikei tłumy.", "Ikei"],
    ["Jestem rozczarowana Ikeą.", "Ikeą"],
    ["Tankowałem na Orlenie.", "Orlenie"],
    ["Kawa z Orlenu była zimna.", "Orlenu"],
    ["Wziąłem kredyt z Santander Consumer Banku.", "Santander Consumer Banku"],
    ["Kupiłem słuchawki na Allegro.", "Allegro"],
    ["na allegrze wszystko jest", "allegrze"],
    ["Od roku jestem w Play i działa.", "Play"],
    ["Zasięg Playu jest słaby.", "Playu"],
    ["Jestem w Play'u od roku.", "Play'u"],
    ["Faktura z Play-a znowu wyższa.", "Play-a"],
    ["Paczka leżała w paczkomacie.", "paczkomacie"],
    ["Reklamacja w InPoście trwała miesiąc.", "InPoście"],
    ["Konto w mBanku mam od lat.", "mBanku"],
    ["Z mBankiem nie ma problemów.", "mBankiem"],
    ["W Lidlu taniej.", "Lidlu"],
    ["Ekspres z Lidla działa.", "Lidla"],
  ])("%s → %s", (text, form) => {
    expect(matched(text)).toEqual([form]);
  });

  it("finds Biedronka and Żabka in every case when a shop word is near", () => {
    for (const form of ["w Biedronce", "z Biedronki", "na Biedronkę", "z Biedronką", "do Biedronek"])
      expect(ids(`Zakupy ${form} zawsze szybkie.`), form).toEqual(["biedronka"]);
    for (const form of ["do Żabki", "w Żabce", "w zabce", "przed Żabką", "na Żabkę"])
      expect(ids(`Sklep ${form} jest blisko.`), form).toEqual(["zabka"]);
  });

  it("declines multi-word aliases, earlier words included", () => {
    expect(tagger.tag("W Żabce Nano nie ma kasjera, kasa samoobsługowa.")).toEqual([{ id: "zabka", matched: "Żabce Nano", position: 2 }]);
    expect(matched("Żabki Nano to sklepy bez obsługi.")).toEqual(["Żabki Nano"]);
  });

  it("generates the forms with consonant alternations", () => {
    for (const form of ["biedronce", "biedronki", "biedronke", "biedronek", "biedronkach"]) expect(inflect("biedronka").has(form), form).toBe(true);
    for (const form of ["inposcie", "inpostu", "inpostem"]) expect(inflect("inpost").has(form), form).toBe(true);
    expect(inflect("praga").has("pradze")).toBe(true);
    expect(inflect("wedel").has("wedla")).toBe(true);
    expect(inflect("carrefour").has("carrefourze")).toBe(true);
    expect(inflect("nokia").has("nokii")).toBe(true);
  });

  it("is case- and diacritic-tolerant, but a different diacritic is a different word", () => {
    expect(ids("ZAKUPY W ZABCE")).toEqual(["zabka"]);
    expect(ids("kupilem w decathlonie buty")).toEqual(["decathlon"]);
    expect(ids("DOSTAWA Z IKEI SPÓŹNIONA")).toEqual(["ikea"]);
    expect(ids("Ząbki w sklepowym zamku połamane, kasa nie chciała zwrotu.")).toEqual([]);
  });
});

describe("createBrandTagger: word boundaries", () => {
  it("does not match inside other words", () => {
    expect(ids("Na PlayStation gram co wieczór.")).toEqual([]);
    expect(ids("Pan Orlenowski bardzo pomógł.")).toEqual([]);
    expect(ids("mbanking w moim banku to dramat")).toEqual([]);
  });

  it("treats a hyphen as a word boundary, with hyphenated endings part of the brand", () => {
    expect(tagger.tag("Mam Allegro-Smart od roku.")).toEqual([{ id: "allegro", matched: "Allegro", position: 4 }]);
    expect(matched("Sieć Play-u zawodzi.")).toEqual(["Play-u"]);
  });

  it("matches a short acronym only in capitals, then with endings", () => {
    expect(matched("Lecieliśmy LOT-em do Rzymu.")).toEqual(["LOT-em"]);
    expect(matched("Obsługa LOTu zawiodła.")).toEqual(["LOTu"]);
    expect(ids("Lot do Rzymu był opóźniony, w locie zimno.")).toEqual([]);
  });
});

describe("createBrandTagger: context", () => {
  it.each(["Biedronka na liściu to moje ulubione zdjęcie.", "Żabka nad stawem rechotała całą noc.", "Widziałem żabkę w ogrodzie."])(
    "%s is no shop",
    (text) => {
      expect(ids(text)).toEqual([]);
    },
  );

  it("counts the shop when a context word (any form) is near", () => {
    expect(tagger.tag("kupiłem w Żabce, kasa samoobsługowa")).toEqual([{ id: "zabka", matched: "Żabce", position: 10 }]);
    expect(ids("Byłem w Biedronce. Przy kasie kolejka.")).toEqual(["biedronka"]);
    expect(ids("W Biedronce po zakupach zawsze tłok.")).toEqual(["biedronka"]);
    expect(ids("Zakupiłem w Biedronce masło.")).toEqual(["biedronka"]);
  });

  it("looks only a window of words around the occurrence", () => {
    const far = `Widziałem biedronkę ${"i długo patrzyłem jak wędruje po trawie ".repeat(3)}a potem pojechałem na zakupy.`;
    expect(ids(far)).toEqual([]);
    expect(createBrandTagger(BRANDS, { contextWindow: 100 }).tag(far).map((match) => match.id)).toEqual(["biedronka"]);
  });

  it("tags the first occurrence that has its context", () => {
    expect(tagger.tag("Biedronka usiadła na płocie. Potem w sklepie, w Biedronce, kolejka.")).toEqual([
      { id: "biedronka", matched: "Biedronka", position: 0 },
    ]);
    const text = "Widziałem żabkę w ogrodzie, siedziała na kamieniu przy oczku wodnym przez całe popołudnie. Rano dopiero, w Żabce przy kasie, kupiłem kawę.";
    expect(tagger.tag(text)).toEqual([{ id: "zabka", matched: "Żabce", position: text.indexOf("Żabce") }]);
  });
});

describe("createBrandTagger: exclude", () => {
  it("explains away only the occurrence inside the phrase", () => {
    expect(ids("Aplikacja z Google Play się nie instaluje.")).toEqual([]);
    expect(ids("Pobrałem ją ze Sklepu Play.")).toEqual([]);
    const text = "Płaciłem w Google Play, a sieć Play i tak doliczyła opłatę.";
    expect(tagger.tag(text)).toEqual([{ id: "play", matched: "Play", position: text.lastIndexOf("Play") }]);
  });
});

describe("createBrandTagger: several brands", () => {
  it("tags each brand once, at its first occurrence, in order", () => {
    const text = "Zamówiłem na Allegro, odebrałem z paczkomatu przy Orlenie, płacę kartą mBanku; Allegro znowu.";
    expect(tagger.tag(text)).toEqual([
      { id: "allegro", matched: "Allegro", position: 13 },
      { id: "inpost", matched: "paczkomatu", position: 34 },
      { id: "orlen", matched: "Orlenie", position: 50 },
      { id: "mbank", matched: "mBanku", position: text.indexOf("mBanku") },
    ]);
  });

  it("prefers the longer alias when brands overlap", () => {
    expect(ids("Kredyt w Santander Consumer Banku, konto w Santanderze.")).toEqual(["santander-consumer", "santander"]);
    expect(ids("Santander Consumer Bank dzwoni codziennie.")).toEqual(["santander-consumer"]);
  });

  it("finds nothing in text without brands", () => {
    expect(tagger.tag("")).toEqual([]);
    expect(tagger.tag("Kurier przyszedł punktualnie, polecam sprzedawcę. 👍")).toEqual([]);
  });
});

describe("createBrandTagger: an alias that is a common word, configured without context", () => {
  // Documented behaviour: the tagger cannot tell the ladybird from the shop, so every occurrence
  // counts. Brands whose names are common words need `context`.
  const naive = createBrandTagger([{ id: "biedronka", name: "Biedronka", aliases: ["Biedronka"] }]);

  it("tags every occurrence, the insect included", () => {
    expect(naive.tag("Biedronka na liściu.")).toEqual([{ id: "biedronka", matched: "Biedronka", position: 0 }]);
    expect(naive.tag("Kupiłem to w Biedronce.").map((match) => match.matched)).toEqual(["Biedronce"]);
  });

  it("still does not inflect a short one (three letters or fewer) into other words", () => {
    const short = createBrandTagger([{ id: "lot", name: "Lot", aliases: ["Lot"] }]);
    expect(short.tag("Lot był opóźniony.").map((match) => match.id)).toEqual(["lot"]);
    expect(short.tag("Loty tanie, w locie zimno, lotem błyskawicy.")).toEqual([]);
  });
});

describe("measureBrands", () => {
  it("scores the hand-built test set", () => {
    const { precision, recall, textsPerSecond } = measureBrands({ seconds: 0.05 });
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(textsPerSecond).toBeGreaterThan(0);
  });
});
