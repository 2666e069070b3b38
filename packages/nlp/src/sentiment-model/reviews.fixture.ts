import type { TrainOptions } from "./training.ts";

/** Rated Polish reviews for the model's unit tests: enough to learn the obvious from. */
export const REVIEWS: { text: string; rating: number }[] = [
  { text: "Świetny produkt, działa bez zarzutu. Polecam każdemu!", rating: 5 },
  { text: "Bardzo dobra jakość wykonania, szybka wysyłka. Jestem zadowolony.", rating: 5 },
  { text: "Super sprzedawca, towar zgodny z opisem, polecam.", rating: 5 },
  { text: "Rewelacja! Bateria trzyma długo, ekran piękny. Gorąco polecam.", rating: 5 },
  { text: "Wszystko w porządku, produkt spełnia oczekiwania, jestem bardzo zadowolona.", rating: 5 },
  { text: "Doskonały czajnik, szybko gotuje wodę i jest cichy. Polecam.", rating: 5 },
  { text: "Świetna obsługa klienta, paczka dotarła następnego dnia. Super!", rating: 5 },
  { text: "Fajne słuchawki, dobry dźwięk, wygodne. Polecam serdecznie.", rating: 4 },
  { text: "Dobry stosunek jakości do ceny, zadowolony z zakupu.", rating: 4 },
  { text: "Produkt dobry, choć instrukcja mogłaby być lepsza. Polecam.", rating: 4 },
  { text: "Solidnie wykonany, działa dobrze, jestem zadowolony.", rating: 4 },
  { text: "Piękny kolor, świetnie leży, bardzo polecam ten sklep.", rating: 5 },
  { text: "Tragedia. Produkt przestał działać po tygodniu, nie polecam.", rating: 1 },
  { text: "Bubel! Zepsuł się od razu, kontakt ze sprzedawcą fatalny.", rating: 1 },
  { text: "Nie polecam, towar niezgodny z opisem, jestem bardzo niezadowolony.", rating: 1 },
  { text: "Fatalna jakość, plastik pęka, strata pieniędzy.", rating: 1 },
  { text: "Okropny zapach, woda nie do picia. Zwróciłam produkt, nie polecam.", rating: 1 },
  { text: "Paczka szła dwa tygodnie, a sprzęt nie działa. Porażka.", rating: 1 },
  { text: "Słaba bateria, rozładowuje się w godzinę. Rozczarowanie.", rating: 2 },
  { text: "Kiepska jakość wykonania, nie warto. Nie polecam.", rating: 2 },
  { text: "Niestety zepsuło się po miesiącu, serwis nie odpowiada. Słabo.", rating: 2 },
  { text: "Tandeta, odpadła rączka przy pierwszym użyciu, strata pieniędzy.", rating: 1 },
  { text: "Beznadziejny produkt, nie działa zgodnie z opisem, zwrot.", rating: 1 },
  { text: "Jest w porządku, ale spodziewałem się czegoś lepszego.", rating: 3 },
  { text: "Średni produkt, działa, ale głośno pracuje.", rating: 3 },
  { text: "Ani dobry, ani zły, przeciętny za tę cenę.", rating: 3 },
  { text: "Świetny towar, polecam sprzedawcę, wszystko super.", rating: 5 },
  { text: "Zadowolona, szybka dostawa, produkt bardzo dobry.", rating: 5 },
  { text: "Nie polecam, fatalny kontakt, produkt uszkodzony.", rating: 1 },
  { text: "Jakość słaba, zepsuł się szybko, nie kupujcie.", rating: 2 },
];

/** Small and quick: 2^16 buckets, a fixed seed, the last 20 % held out. */
export const options: TrainOptions = { heldOut: 0.2, seed: 7, features: { bits: 16 } };
