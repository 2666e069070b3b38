import { checkTopicPattern, topicPatternWords, type TopicsFile } from "@odzew/schema";
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
 * The syntax is checked, and patterns split into words, by the topics file's schema in
 * packages/schema (`checkTopicPattern`, `topicPatternWords`), so a file and the tagger agree.
 *
 * Matching walks a trie of the folded pattern words along each word of the text, one character
 * at a time, plus a check of the phrases starting at a word that matched: linear in the text,
 * no allocation per word, a few microseconds for a review.
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

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const wordCharCache = new Map<number, boolean>();

/** Letter, digit or combining mark: ASCII by hand, the rest by a regex once per character. */
function isWordChar(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  let known = wordCharCache.get(code);
  if (known === undefined) {
    known = WORD_CHAR.test(String.fromCharCode(code));
    if (wordCharCache.size < 4096) wordCharCache.set(code, known);
  }
  return known;
}

export interface TermMatcherEntry {
  /** What a match yields: a topic id, a label. */
  value: string;
  patterns: readonly string[];
}

export interface TermMatcher {
  /** The values whose patterns occur in the text, sorted, unique. */
  match(text: string): string[];
  /**
   * A scope: some of the matcher's values, each under a name of its own (`"t:delivery"` →
   * `"delivery"`). Within a scope, a text's parts match as a matcher of only those values would.
   */
  scope(names: ReadonlyMap<string, string>): TermScope;
  /** Reads a text once: its values (`match`), and those of any part of it (see `TermReading`). */
  read(text: string): TermReading;
}

/** Some values of a matcher under names of their own (`TermMatcher.scope`). */
export interface TermScope {
  /** The name of each value of the matcher (by its index in sorted order), undefined outside the scope. */
  readonly names: readonly (string | undefined)[];
}

/** A text read once by a term matcher. */
export interface TermReading {
  readonly text: string;
  /** `match(text)`. */
  readonly values: string[];
  /**
   * The names, sorted and unique, that a matcher of only the scope's values finds in
   * `text.slice(start, end)`. Where the part's edges fall between words (as clause cuts do) it is
   * read off the words already read; anywhere else the part is read alone. The same either way.
   */
  part(start: number, end: number, scope: TermScope): string[];
}

interface Phrase {
  terms: number[];
  value: number;
}

/**
 * Below this code, a character is folded on its own exactly as `fold()` folds it inside a word
 * (Latin letters have no context-dependent lower case); a word with a character at or above it
 * (Greek final sigma, combining marks, other scripts) is folded whole with `fold()`.
 */
const FAST = 0x250;
/** Dense children for a–z and 0–9 (the folded alphabet of nearly every word), a map for the rest. */
const DENSE = 36;
const denseSlot = (unit: number): number => (unit >= 97 && unit <= 122 ? unit - 97 : unit >= 48 && unit <= 57 ? unit - 22 : -1);
const NOT_WORD = -2;
const OTHER_FOLD = -1;
/**
 * For each character below FAST: the dense slot of its folded form when that is one letter a–z or
 * digit; OTHER_FOLD when it folds to something else (then FAST_FOLD has the code units); NOT_WORD.
 */
const FAST_SLOT = new Int8Array(FAST).fill(NOT_WORD);
const FAST_FOLD: (readonly number[] | undefined)[] = [];
for (let code = 0; code < FAST; code++) {
  if (!isWordChar(code)) continue;
  const folded = fold(String.fromCharCode(code));
  const slot = folded.length === 1 ? denseSlot(folded.charCodeAt(0)) : -1;
  FAST_SLOT[code] = slot >= 0 ? slot : OTHER_FOLD;
  if (slot < 0) FAST_FOLD[code] = Array.from({ length: folded.length }, (_, index) => folded.charCodeAt(index));
}

/** Whether word `word` of a text read (its term ids `wordIds`, from `starts[word]`) has term `id`. */
function wordHas(wordIds: Int32Array, starts: Int32Array, word: number, id: number): boolean {
  const end = starts[word + 1] ?? 0;
  for (let at = starts[word] ?? 0; at < end; at++) if (wordIds[at] === id) return true;
  return false;
}

/**
 * The engine behind the topic tagger and the urgency words: compiles patterns (syntax above)
 * once into a trie of folded words, each node knowing the terms that end there exactly and the
 * stems it completes. A text is read once, character by character, folding each through a table
 * and walking the trie: no string per word, no per-word cache; a word that leaves the trie stops
 * costing anything but the scan to its end. Throws on a pattern `checkTopicPattern` rejects.
 */
export function createTermMatcher(entries: readonly TermMatcherEntry[]): TermMatcher {
  const values = [...new Set(entries.map((entry) => entry.value))].sort();
  const valueIndex = new Map(values.map((value, index) => [value, index]));
  const termIndex = new Map<string, number>();
  const singleValues: number[][] = [];
  const phrasesByFirst: (Phrase[] | undefined)[] = [];

  // The trie, built with maps, then packed.
  const building: Map<number, number>[] = [new Map()];
  const exactAt: number[][] = [[]];
  const stemAt: number[][] = [[]];
  const nodeFor = (key: string): number => {
    let node = 0;
    for (let index = 0; index < key.length; index++) {
      const unit = key.charCodeAt(index);
      const children = building[node] as Map<number, number>;
      let child = children.get(unit);
      if (child === undefined) {
        child = building.length;
        children.set(unit, child);
        building.push(new Map());
        exactAt.push([]);
        stemAt.push([]);
      }
      node = child;
    }
    return node;
  };

  const term = (word: string): number => {
    let id = termIndex.get(word);
    if (id !== undefined) return id;
    id = termIndex.size;
    termIndex.set(word, id);
    singleValues.push([]);
    const stem = word.endsWith("*");
    const node = nodeFor(stem ? word.slice(0, -1) : word);
    (stem ? stemAt : exactAt)[node]?.push(id);
    return id;
  };

  for (const entry of entries) {
    const value = valueIndex.get(entry.value) ?? 0;
    for (const pattern of entry.patterns) {
      const problem = checkTopicPattern(pattern);
      if (problem !== null) throw new Error(`topic "${entry.value}": ${problem}`);
      const terms = topicPatternWords(pattern).map(term);
      const first = terms[0] ?? 0;
      if (terms.length === 1) {
        const list = singleValues[first] ?? [];
        if (!list.includes(value)) list.push(value);
      } else {
        const list = phrasesByFirst[first];
        if (list) list.push({ terms, value });
        else phrasesByFirst[first] = [{ terms, value }];
      }
    }
  }
  // Longest phrases first, so that the words they cover are the most.
  for (const list of phrasesByFirst) list?.sort((a, b) => b.terms.length - a.terms.length);

  const nodes = building.length;
  const dense = new Int32Array(nodes * DENSE).fill(-1);
  const sparse = new Map<number, number>();
  building.forEach((children, node) => {
    for (const [unit, child] of children) {
      const slot = denseSlot(unit);
      if (slot >= 0) dense[node * DENSE + slot] = child;
      else sparse.set(node * 0x10000 + unit, child);
    }
  });
  const exact = exactAt.map((ids) => (ids.length > 0 ? ids : undefined));
  const stems = stemAt.map((ids) => (ids.length > 0 ? ids : undefined));
  const hasSparse = sparse.size > 0;
  const step = (node: number, unit: number): number => {
    const slot = denseSlot(unit);
    if (slot >= 0) return dense[node * DENSE + slot] ?? -1;
    return hasSparse ? (sparse.get(node * 0x10000 + unit) ?? -1) : -1;
  };

  // Per text, reused: the term ids of each word, flat, and where each word's ids start.
  let ids = new Int32Array(64);
  let idCount = 0;
  let wordStarts = new Int32Array(256);
  const pushIds = (list: readonly number[] | undefined): void => {
    if (list === undefined) return;
    if (idCount + list.length > ids.length) {
      const grown = new Int32Array(Math.max(ids.length * 2, idCount + list.length));
      grown.set(ids);
      ids = grown;
    }
    for (const id of list) ids[idCount++] = id;
  };
  /** Walks the trie along a folded word (the slow path), collecting its terms. */
  const walk = (folded: string): void => {
    let node = 0;
    for (let index = 0; index < folded.length && node >= 0; index++) {
      node = step(node, folded.charCodeAt(index));
      if (node >= 0) pushIds(stems[node]);
    }
    if (node >= 0) pushIds(exact[node]);
  };

  const hit = new Uint8Array(values.length);
  // Where each word of the text read last starts.
  let wordFrom = new Int32Array(256);
  /** Reads a text into the shared buffers (`ids`, `wordStarts`, `wordFrom`); returns its number of words. */
  const scanWords = (text: string): number => {
    idCount = 0;
    let words = 0;
    const n = text.length;
    for (let i = 0; i < n; ) {
      let code = text.charCodeAt(i);
      if (code < FAST ? FAST_SLOT[code] === NOT_WORD : !isWordChar(code)) {
        i++;
        continue;
      }
      if (words + 2 > wordStarts.length) {
        const grown = new Int32Array(wordStarts.length * 2);
        grown.set(wordStarts);
        wordStarts = grown;
        const from = new Int32Array(wordStarts.length);
        from.set(wordFrom);
        wordFrom = from;
      }
      wordStarts[words] = idCount;
      const start = i;
      let node = 0;
      let slow = false;
      for (; i < n; i++) {
        code = text.charCodeAt(i);
        if (code >= FAST) {
          if (!isWordChar(code)) break;
          slow = true;
          continue;
        }
        const slot = FAST_SLOT[code] ?? NOT_WORD;
        if (slot === NOT_WORD) break;
        if (node < 0 || slow) continue;
        if (slot >= 0) {
          node = dense[node * DENSE + slot] ?? -1;
          if (node >= 0 && stems[node] !== undefined) pushIds(stems[node]);
          continue;
        }
        for (const unit of FAST_FOLD[code] ?? []) {
          node = step(node, unit);
          if (node < 0) break;
          pushIds(stems[node]);
        }
      }
      if (slow) {
        idCount = wordStarts[words] ?? 0;
        walk(fold(text.slice(start, i)));
      } else if (node >= 0) pushIds(exact[node]);
      wordFrom[words] = start;
      words++;
    }
    wordStarts[words] = idCount;
    return words;
  };

  /**
   * The values (under their names) of the words [first, last) of what `wordIds`/`starts` hold;
   * `names` undefined: every value, as itself.
   */
  const valuesIn = (wordIds: Int32Array, starts: Int32Array, first: number, last: number, names: readonly (string | undefined)[] | undefined): string[] => {
    if ((starts[last] ?? 0) === (starts[first] ?? 0)) return [];
    hit.fill(0);
    // Phrases first: they mark the words they cover, which then do not count on their own.
    let covered: Uint8Array | null = null;
    for (let word = first; word < last; word++) {
      const end = starts[word + 1] ?? 0;
      for (let at = starts[word] ?? 0; at < end; at++) {
        const phrases = phrasesByFirst[wordIds[at] ?? 0];
        if (!phrases) continue;
        for (const phrase of phrases) {
          if (names !== undefined && names[phrase.value] === undefined) continue;
          const length = phrase.terms.length;
          if (word + length > last) continue;
          let ok = true;
          for (let k = 1; k < length && ok; k++) ok = wordHas(wordIds, starts, word + k, phrase.terms[k] ?? -1);
          if (!ok) continue;
          hit[phrase.value] = 1;
          covered ??= new Uint8Array(last - first);
          covered.fill(1, word - first, word - first + length);
        }
      }
    }
    for (let word = first; word < last; word++) {
      if (covered?.[word - first]) continue;
      const end = starts[word + 1] ?? 0;
      for (let at = starts[word] ?? 0; at < end; at++) for (const value of singleValues[wordIds[at] ?? 0] ?? []) hit[value] = 1;
    }
    const out: string[] = [];
    for (let v = 0; v < values.length; v++) {
      if (!hit[v]) continue;
      const name = names === undefined ? values[v] : names[v];
      if (name !== undefined) out.push(name);
    }
    if (names !== undefined && out.length > 1) out.sort();
    return out;
  };

  /** Whether a part may start or end next to this character: not inside a word. */
  const outsideWord = (code: number): boolean => (code < FAST ? FAST_SLOT[code] === NOT_WORD : !isWordChar(code));

  class Reading implements TermReading {
    readonly values: string[];
    private readonly ids: Int32Array;
    private readonly starts: Int32Array;
    private readonly from: Int32Array;
    private readonly words: number;

    constructor(readonly text: string) {
      this.words = scanWords(text);
      this.ids = ids.slice(0, idCount);
      this.starts = wordStarts.slice(0, this.words + 1);
      this.from = wordFrom.slice(0, this.words);
      this.values = valuesIn(this.ids, this.starts, 0, this.words, undefined);
    }

    part(start: number, end: number, scope: TermScope): string[] {
      const { text } = this;
      const fits =
        start >= 0 && end <= text.length && start <= end && (start === 0 || outsideWord(text.charCodeAt(start - 1))) && (end === text.length || outsideWord(text.charCodeAt(end)));
      if (!fits) {
        const words = scanWords(text.slice(start, end));
        return valuesIn(ids, wordStarts, 0, words, scope.names);
      }
      // Words lie wholly inside or outside the part: those that start in it.
      let low = 0;
      let high = this.words;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((this.from[middle] ?? 0) < start) low = middle + 1;
        else high = middle;
      }
      let last = low;
      while (last < this.words && (this.from[last] ?? 0) < end) last++;
      return valuesIn(this.ids, this.starts, low, last, scope.names);
    }
  }

  return {
    match(text: string): string[] {
      const words = scanWords(text);
      return valuesIn(ids, wordStarts, 0, words, undefined);
    },
    scope(names: ReadonlyMap<string, string>): TermScope {
      return { names: values.map((value) => names.get(value)) };
    },
    read(text: string): TermReading {
      return new Reading(text);
    },
  };
}

export interface TopicTagger {
  /** Topic ids the text talks about, sorted, unique. */
  tag(text: string): string[];
}

/** The topics of the parts of one text, read once: `tag(start, end)` is a tagger's `tag(text.slice(start, end))`. */
export interface TopicReading {
  readonly text: string;
  tag(start: number, end: number): string[];
}

/** A text read by a term matcher as a topic reading: the topics are the values in `scope`, under its names. */
export function topicReading(reading: TermReading, scope: TermScope): TopicReading {
  return { text: reading.text, tag: (start, end) => reading.part(start, end, scope) };
}

/** A tagger for the taxonomy (the default one when none is given), compiled once. */
export function createTopicTagger(taxonomy: TopicTaxonomy = DEFAULT_TOPIC_TAXONOMY): TopicTagger {
  const matcher = createTermMatcher(taxonomy.map((topic) => ({ value: topic.id, patterns: [...topic.pl, ...topic.en] })));
  return { tag: (text) => matcher.match(text) };
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
