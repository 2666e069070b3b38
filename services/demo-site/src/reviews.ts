/** The shop's answer under a review, as its reply API stores it. */
export interface DemoReply {
  text: string;
  updatedAt: string;
}

/** A review as the demo shop shows it. */
export interface DemoReview {
  id: string;
  author: string;
  /** Empty when the customer gave none. */
  title: string;
  /** Empty for a stars-only review. */
  text: string;
  /** 1–5 stars. */
  rating: number;
  publishedAt: string;
  /** The shop's reply, when it answered. */
  reply?: DemoReply;
}

/** Reviews of "Żuraw", a made-up Polish online bookshop, as customers write them. */
export const SEED_REVIEWS: Omit<DemoReview, "id" | "publishedAt">[] = [
  {
    author: "Katarzyna W.",
    title: "Szybko i starannie",
    text: "Zamówiłam trzy książki w poniedziałek, w środę były już w paczkomacie. Wszystko zapakowane w folię bąbelkową, żadnych zagiętych rogów. Na pewno wrócę.",
    rating: 5,
  },
  {
    author: "Marek_z_Łodzi",
    title: "Dostawa się ciągnęła",
    text: "Książka dobra, ale na dostawę czekałem prawie dwa tygodnie, a status zamówienia przez tydzień się nie zmieniał. Mail do obsługi bez odpowiedzi.",
    rating: 2,
  },
  {
    author: "Ola",
    title: "Polecam!",
    text: "Bardzo miła obsługa na czacie, pomogli mi znaleźć wydanie, którego szukałam od miesięcy. Cena niższa niż w innych księgarniach.",
    rating: 5,
  },
  {
    author: "Grzegorz Żak",
    title: "Uszkodzona przesyłka",
    text: "Paczka przyszła zgnieciona, okładka albumu pęknięta. Reklamację zgłosiłem przez formularz, zobaczymy jak szybko ją rozpatrzą.",
    rating: 1,
  },
  {
    author: "Paweł",
    title: "W porządku",
    text: "Zamówienie przyszło zgodnie z opisem, nic szczególnego. Strona mogłaby działać szybciej na telefonie.",
    rating: 3,
  },
  {
    author: "Zofia Dąbrowska",
    title: "Świetny wybór literatury dziecięcej",
    text: "Kupuję tu regularnie książki dla wnuków. Duży wybór, rzetelne opisy i zawsze dołączony zakładek gratis. Dziękuję!",
    rating: 5,
  },
  {
    author: "tomek88",
    title: "Płatność nie przeszła, a pieniądze zniknęły",
    text: "Przy płatności BLIK-iem strona wywaliła błąd, pieniądze zeszły z konta, a zamówienie dalej nieopłacone. Czekam trzeci dzień na zwrot. Masakra.",
    rating: 1,
  },
  {
    author: "Ewa Nowicka",
    title: "Zwrot bez problemu",
    text: "Odesłałam książkę, która okazała się duplikatem prezentu. Pieniądze wróciły po czterech dniach, bez zbędnych pytań.",
    rating: 4,
  },
];

/** New reviews the demo site "receives" over time, so the demo pipeline has something to do. */
export const LATER_REVIEWS: Omit<DemoReview, "id" | "publishedAt">[] = [
  // Stars only, no words: what the demo's reply rule thanks (config/demo/replies.yaml).
  {
    author: "Anna K.",
    title: "",
    text: "",
    rating: 5,
  },
  {
    author: "Łukasz",
    title: "Kurier zostawił paczkę pod drzwiami",
    text: "Książki w porządku, ale kurier nawet nie zadzwonił, tylko zostawił karton na klatce. Dobrze, że sąsiadka go zabrała.",
    rating: 3,
  },
  {
    author: "Magdalena S.",
    title: "Jak zawsze niezawodnie",
    text: "Kolejne zamówienie i kolejny raz wszystko idealnie. Przedsprzedaż dotarła w dniu premiery. Żuraw to moja ulubiona księgarnia.",
    rating: 5,
  },
  {
    author: "Jan Kowalczyk",
    title: "Zła książka w paczce",
    text: "Zamiast drugiego tomu przyszedł pierwszy. Na infolinii czekałem 40 minut, w końcu się rozłączyło.",
    rating: 2,
  },
];
