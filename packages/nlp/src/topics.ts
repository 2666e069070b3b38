import { fold } from "./tokenize.ts";

/**
 * Topic tagging for the customer voice: which of a fixed set of subjects (delivery, price,
 * customer service…) a review talks about. Dictionary based, Polish and English, no model.
 *
 * Patterns (in the default taxonomy and in config/topics.yaml) are matched on folded tokens
 * (lower case, Polish letters without diacritics: "Dostawę" ≡ "dostawe"):
 *   - `kurier`          the word exactly (after folding);
 *   - `dostaw*`         any word starting with the stem (dostawa, dostawy, dostawę, dostawca…);
 *                       a stem has at least 3 letters, the `*` only at the end of a word;
 *   - `czas oczekiwania` a phrase: consecutive words, each exact or a stem, at most 4 words.
 * Words are split on anything that is not a letter or a digit, in patterns as in the text, so
 * `e-mail` is the phrase `e mail`. A word covered by a matched phrase does not also count on
 * its own ("sklep internetowy" is app-website, not store; "czas oczekiwania" is waiting-time).
 *
 * Matching is a hash lookup per token (exact word, then each prefix between the shortest and
 * the longest stem), cached per distinct word, plus a check of the phrases starting at that
 * word: linear in the text, a few microseconds for a review.
 */

export interface TopicDefinition {
  id: string;
  pl: readonly string[];
  en: readonly string[];
}

export type TopicTaxonomy = readonly TopicDefinition[];

/** The default taxonomy. Polish patterns are written with diacritics; matching folds them. */
export const DEFAULT_TOPIC_TAXONOMY: TopicTaxonomy = [
  {
    id: "delivery",
    pl: [
      "dostaw*", "dostarcz*", "doręcz*", "kurier*", "paczk*", "paczek", "przesył*", "wysyłk*", "wysyłek",
      "wysłan*", "dowóz", "dowozu", "dowozem", "listonosz*", "inpost*", "dpd", "dhl", "gls", "fedex",
      "pocztex", "poczta polska", "punkt odbioru", "odbiór osobisty", "śledzeni* przesył*", "nie dotarł*",
      "dotarła", "dotarł", "dotarło", "zgubion* przesył*",
    ],
    en: [
      "deliver*", "courier*", "parcel*", "package*", "shipping", "shipped", "shipment*", "dispatch*",
      "postman", "postie", "tracking", "arrived", "arrival", "never arrived", "parcel locker*",
    ],
  },
  {
    id: "price",
    pl: [
      "cena", "ceny", "cenę", "ceną", "cenie", "cen", "cenach", "cenami", "cenom", "cenow*", "cennik*",
      "drogo", "drożej", "droższ*", "drożyzn*", "drogie", "za drog*", "tani*", "tańsz*", "tanio",
      "promocj*", "promo", "rabat*", "zniżk*", "przecen*", "wyprzedaż*", "koszt*", "kosztuj*", "kosztował*",
      "opłat*", "przepłac*", "okazj*", "kod rabatowy",
    ],
    en: [
      "pric*", "expensive", "overpric*", "cheap", "cheaper", "cheapest", "cost", "costs", "costly",
      "discount*", "promo", "promotion*", "coupon*", "voucher*", "bargain*", "afford*", "fee", "fees",
      "value for money", "rip off", "ripoff",
    ],
  },
  {
    id: "customer-service",
    pl: [
      "obsług*", "infolini*", "konsultant*", "kontakt*", "skontaktow*", "biuro obsługi", "helpdesk",
      "czat*", "chat*", "mail*", "email*", "e mail*", "odpowiedź", "odpowiedzi", "odpowiedzia*",
      "odpowiada*", "odpisa*", "dzwoni*", "zadzwoni*", "dodzwoni*", "bot*", "support*",
    ],
    en: [
      "customer service", "customer support", "customer care", "support", "helpdesk", "help desk", "hotline",
      "call center", "call centre", "representative*", "contact*", "respond*", "response*", "unresponsive",
      "reply", "replied", "replies", "email*", "e mail*", "chat*", "live chat", "on hold",
    ],
  },
  {
    id: "product-quality",
    pl: [
      "jakość", "jakości", "jakościow*", "zepsu*", "psuj*", "popsu*", "uszkodz*", "wadliw*", "wada", "wady",
      "wadę", "wadami", "defekt*", "usterk*", "rozpadł*", "rozleciał*", "pękł*", "pęknię*", "pęka*",
      "materiał*", "wykonani*", "solidn*", "tandet*", "badziew*", "trwałoś*", "nietrwał*", "przetermin*",
      "nieśwież*", "spleśnia*", "pleśń", "pleśni",
    ],
    en: [
      "quality", "broke", "broken", "breaks", "defect*", "faulty", "damag*", "flimsy", "cheaply made",
      "stopped working", "fell apart", "falls apart", "durab*", "material*", "workmanship", "expired", "stale",
      "mould*", "moldy",
    ],
  },
  {
    id: "app-website",
    pl: [
      "aplikacj*", "apka", "apki", "apkę", "apce", "appk*", "stron* internetow*", "stron* www", "www",
      "witryn* internetow*", "sklep* internetow*", "logowa*", "zaloguj*", "zalogowa*", "login*", "hasł*",
      "błąd", "błędu", "błędy", "błędem", "błędów", "aktualizacj*", "przeglądar*", "koszyk*", "formularz*",
      "interfejs*", "crash*", "zawiesza*", "zawiesił*", "android*", "ios",
    ],
    en: [
      "app", "apps", "application", "website*", "web site", "webpage", "site", "online shop", "online store",
      "login", "log in", "logging in", "sign in", "password*", "bug", "bugs", "buggy", "crash*", "error*",
      "glitch*", "interface", "ui", "ux", "browser", "cart", "app update", "android", "ios",
    ],
  },
  {
    id: "payments",
    pl: [
      "płatn*", "blik*", "karta", "karty", "kartę", "kartą", "karcie", "kartami", "przelew*", "zapłac*",
      "zapłat*", "płacić", "płacę", "płacił*", "zapłacon*", "opłacon*", "obciąż*", "paypal", "payu",
      "przelewy24", "google pay", "apple pay", "gotówk*", "terminal*", "transakcj*", "faktur*", "rachun*",
      "pobrano", "pobrali pieniądze", "pobrali środki",
    ],
    en: [
      "pay", "paid", "paying", "payment*", "card", "cards", "credit card", "debit", "blik", "paypal",
      "bank transfer", "charged", "overcharg*", "double charged", "invoice*", "billing", "billed", "cash",
      "transaction*", "google pay", "apple pay",
    ],
  },
  {
    id: "returns-complaints",
    pl: [
      "zwrot*", "zwróc*", "zwraca*", "reklamacj*", "reklamowa*", "zareklamowa*", "gwaranc*", "rękojm*",
      "odstąpieni*", "wymian*", "wymieni*", "skarg*", "zażaleni*", "zwrot pieniędzy",
    ],
    en: [
      "return", "returns", "returned", "returning", "refund*", "complain*", "warranty", "guarantee*",
      "exchang*", "rma", "replacement*", "money back",
    ],
  },
  {
    id: "waiting-time",
    pl: [
      "czeka*", "poczeka*", "odczeka*", "czas oczekiwania", "oczekiwanie na", "oczekiwania na",
      "oczekuję na", "kolejk*", "długo", "dłużej", "opóźn*", "spóźn*", "zwłok*", "wieki", "wieczność",
    ],
    en: [
      "wait", "waits", "waited", "waiting", "queue*", "queuing", "delay*", "late", "slow*", "took forever",
      "forever", "long wait", "weeks later", "took ages", "ages",
    ],
  },
  {
    id: "staff",
    pl: [
      "sprzedawc*", "sprzedawczyni*", "kasjer*", "pracowni*", "personel*", "ekspedient*", "kierowni*",
      "menedżer*", "menadżer*", "doradc*", "załoga", "załogi", "załogę", "kelner*", "ochroniar*",
      "nieuprzejm*", "opryskliw*", "chamsk*", "bezczeln*",
    ],
    en: [
      "staff", "employee*", "cashier*", "sales assistant*", "salesperson", "salesman", "saleswoman",
      "shop assistant*", "clerk*", "manager*", "waiter*", "waitress*", "personnel", "worker*", "seller*", "rude",
    ],
  },
  {
    id: "store",
    pl: [
      "sklep*", "salon*", "półka", "półki", "półce", "półkach", "półkami", "półek", "kasa", "kasy", "kasie",
      "kasach", "kasami", "samoobsługow*", "kasa samoobsługow*", "market*", "supermarket*", "hipermarket*",
      "dyskont*", "galeri* handlow*", "oddział*", "placówk*", "stoisk*", "przymierzal*", "parking*",
      "godziny otwarcia",
    ],
    en: [
      "store", "stores", "shop", "shops", "in store", "branch", "aisle*", "shelf", "shelves", "self checkout",
      "checkout line", "till", "fitting room*", "parking", "supermarket*", "mall", "showroom*", "opening hours",
    ],
  },
];

const MAX_PHRASE_WORDS = 4;
const MIN_STEM = 3;
const PATTERN_WORD = /[\p{L}\p{N}]+\*?/gu;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const wordCharCache = new Map<number, boolean>();

/** Letter, digit or combining mark: ASCII by hand, the rest by a regex once per character. */
function isWordChar(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  let known = wordCharCache.get(code);
  if (known === undefined) {
    known = WORD_CHAR.test(String.fromCharCode(code));
    wordCharCache.set(code, known);
  }
  return known;
}

/** The words of a pattern after folding, each possibly ending with `*`. */
function patternWords(pattern: string): string[] {
  return Array.from(fold(pattern).matchAll(PATTERN_WORD), (match) => match[0]);
}

/** Why a pattern is not usable, or null when it is. Shared by the config schema. */
export function checkTopicPattern(pattern: string): string | null {
  const parts = patternWords(pattern);
  if (parts.length === 0) return `"${pattern}": no letters or digits`;
  if (parts.length > MAX_PHRASE_WORDS) return `"${pattern}": a phrase has at most ${MAX_PHRASE_WORDS} words`;
  if (/\*(?=[\p{L}\p{N}])/u.test(pattern)) return `"${pattern}": "*" may only end a word`;
  for (const part of parts) {
    if (part.endsWith("*") && part.length - 1 < MIN_STEM) return `"${pattern}": a stem needs at least ${MIN_STEM} letters`;
  }
  return null;
}

export interface TermMatcherEntry {
  /** What a match yields: a topic id, a label. */
  value: string;
  patterns: readonly string[];
}

export interface TermMatcher {
  /** The values whose patterns occur in the text, sorted, unique. */
  match(text: string): string[];
}

interface Phrase {
  terms: number[];
  value: number;
}

const NONE: readonly number[] = Object.freeze([]);
const CACHE_LIMIT = 50_000;

/**
 * The engine behind the topic tagger and the urgency words: compiles patterns (syntax above)
 * once into hash maps. Throws on a pattern `checkTopicPattern` rejects.
 */
export function createTermMatcher(entries: readonly TermMatcherEntry[]): TermMatcher {
  const values = [...new Set(entries.map((entry) => entry.value))].sort();
  const valueIndex = new Map(values.map((value, index) => [value, index]));
  const termIndex = new Map<string, number>();
  const singleValues: number[][] = [];
  const exact = new Map<string, number[]>();
  const prefix = new Map<string, number[]>();
  const phrasesByFirst = new Map<number, Phrase[]>();
  let minStem = Number.POSITIVE_INFINITY;
  let maxStem = 0;

  const term = (word: string): number => {
    let id = termIndex.get(word);
    if (id !== undefined) return id;
    id = termIndex.size;
    termIndex.set(word, id);
    singleValues.push([]);
    const stem = word.endsWith("*");
    const key = stem ? word.slice(0, -1) : word;
    const map = stem ? prefix : exact;
    const list = map.get(key);
    if (list) list.push(id);
    else map.set(key, [id]);
    if (stem) {
      minStem = Math.min(minStem, key.length);
      maxStem = Math.max(maxStem, key.length);
    }
    return id;
  };

  for (const entry of entries) {
    const value = valueIndex.get(entry.value) ?? 0;
    for (const pattern of entry.patterns) {
      const problem = checkTopicPattern(pattern);
      if (problem !== null) throw new Error(`topic "${entry.value}": ${problem}`);
      const terms = patternWords(pattern).map(term);
      const first = terms[0] ?? 0;
      if (terms.length === 1) {
        const list = singleValues[first] ?? [];
        if (!list.includes(value)) list.push(value);
      } else {
        const list = phrasesByFirst.get(first);
        if (list) list.push({ terms, value });
        else phrasesByFirst.set(first, [{ terms, value }]);
      }
    }
  }
  // Longest phrases first, so that the words they cover are the most.
  for (const list of phrasesByFirst.values()) list.sort((a, b) => b.terms.length - a.terms.length);

  // Keyed by the word as written: folding ("Dostawę" → "dostawe") happens once per spelling.
  const cache = new Map<string, readonly number[]>();
  const termsOf = (raw: string): readonly number[] => {
    const cached = cache.get(raw);
    if (cached !== undefined) return cached;
    const word = fold(raw);
    let found: number[] | undefined = exact.get(word);
    if (found) found = found.slice();
    const longest = Math.min(word.length, maxStem);
    for (let length = minStem; length <= longest; length++) {
      const hits = prefix.get(word.slice(0, length));
      if (hits) found = found ? found.concat(hits) : hits.slice();
    }
    const result = found ?? NONE;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(raw, result);
    return result;
  };

  const hasPhrases = phrasesByFirst.size > 0;
  return {
    match(text: string): string[] {
      const tokens: (readonly number[])[] = [];
      let any = false;
      const n = text.length;
      for (let i = 0; i < n; ) {
        if (!isWordChar(text.charCodeAt(i))) {
          i++;
          continue;
        }
        const start = i;
        while (i < n && isWordChar(text.charCodeAt(i))) i++;
        const ids = termsOf(text.slice(start, i));
        if (ids.length > 0) any = true;
        tokens.push(ids);
      }
      if (!any) return [];
      const hit = new Uint8Array(values.length);
      // Phrases first: they mark the words they cover, which then do not count on their own.
      let covered: Uint8Array | null = null;
      if (hasPhrases) {
        for (let i = 0; i < tokens.length; i++) {
          for (const id of tokens[i] ?? NONE) {
            const phrases = phrasesByFirst.get(id);
            if (!phrases) continue;
            for (const phrase of phrases) {
              let ok = true;
              for (let k = 1; k < phrase.terms.length && ok; k++) ok = (tokens[i + k] ?? NONE).includes(phrase.terms[k] ?? -1);
              if (!ok) continue;
              hit[phrase.value] = 1;
              covered ??= new Uint8Array(tokens.length);
              covered.fill(1, i, i + phrase.terms.length);
            }
          }
        }
      }
      for (let i = 0; i < tokens.length; i++) {
        if (covered?.[i]) continue;
        for (const id of tokens[i] ?? NONE) for (const value of singleValues[id] ?? NONE) hit[value] = 1;
      }
      const out: string[] = [];
      for (let v = 0; v < values.length; v++) if (hit[v]) out.push(values[v] ?? "");
      return out;
    },
  };
}

export interface TopicTagger {
  /** Topic ids the text talks about, sorted, unique. */
  tag(text: string): string[];
}

/** A tagger for the taxonomy (the default one when none is given), compiled once. */
export function createTopicTagger(taxonomy: TopicTaxonomy = DEFAULT_TOPIC_TAXONOMY): TopicTagger {
  const matcher = createTermMatcher(taxonomy.map((topic) => ({ value: topic.id, patterns: [...topic.pl, ...topic.en] })));
  return { tag: (text) => matcher.match(text) };
}

/** config/topics.yaml as parsed (see topicsFileSchema in topics.schema.ts). */
export interface TopicsFile {
  topics: readonly { id: string; replace?: boolean | undefined; pl?: readonly string[] | undefined; en?: readonly string[] | undefined }[];
}

/**
 * The taxonomy config/topics.yaml asks for. Every listed topic:
 *   - whose id is a default topic, without `replace` (or `replace: false`): its words are ADDED
 *     to the default words of that topic;
 *   - whose id is a default topic, with `replace: true`: its words REPLACE the default ones, both
 *     languages (an omitted list is empty; `replace: true` with no words switches the topic off);
 *   - whose id is new: a NEW topic with exactly its words (`replace` makes no difference).
 * Default topics not listed stay as they are. Order: default topics, then new ones in file order.
 */
export function taxonomyFrom(file: TopicsFile, base: TopicTaxonomy = DEFAULT_TOPIC_TAXONOMY): TopicTaxonomy {
  const byId = new Map(file.topics.map((topic) => [topic.id, topic]));
  const unique = (list: readonly string[]): string[] => [...new Set(list)];
  const merged: TopicDefinition[] = base.map((topic) => {
    const override = byId.get(topic.id);
    if (!override) return topic;
    const pl = override.pl ?? [];
    const en = override.en ?? [];
    return override.replace
      ? { id: topic.id, pl: unique(pl), en: unique(en) }
      : { id: topic.id, pl: unique([...topic.pl, ...pl]), en: unique([...topic.en, ...en]) };
  });
  const known = new Set(base.map((topic) => topic.id));
  for (const topic of file.topics) {
    if (known.has(topic.id)) continue;
    known.add(topic.id);
    merged.push({ id: topic.id, pl: unique(topic.pl ?? []), en: unique(topic.en ?? []) });
  }
  return merged.filter((topic) => topic.pl.length + topic.en.length > 0);
}
