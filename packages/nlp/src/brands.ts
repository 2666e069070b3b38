import type { BrandConfig } from "@odzew/schema";

/**
 * Brand tagging that reads Polish: "w Biedronce", "z Ikei", "Decathlonem", "na Orlenie",
 * "Żabki Nano", "w Play'u", "zakupy w zabce" all find their brand.
 *
 * Design. Every alias, exclude phrase and context word is turned at construction time into the
 * set of its folded (lower-case, no diacritics) inflected forms: a Polish noun/adjective
 * declension by the word's ending, with the consonant alternations of the dative/locative
 * (k→c, g→dz, ch→sz, r→rz, t→ci, d→dzi, ł→l, n→ni, st→ści…), the fleeting e ("Wedel" →
 * "Wedla", "Żabka" → "Żabek") and hyphen/apostrophe endings ("LOT-u", "Play'a"). Generating
 * a generous set is cheap and safe: a form only ever matches a whole word that starts like the
 * brand. Matching is one pass over the text's words with one hash lookup per word (alias
 * phrases indexed by the forms of their first word), so the cost does not grow with the number
 * of aliases; context and exclusions are only looked at around a hit.
 *
 * Rules, decided:
 * - Whole words only: "PlayStation" is not Play, "Orlenowski" (a surname, or a derived
 *   adjective) is not Orlen. A hyphen separates words: "Allegro-Smart" is Allegro, and a
 *   hyphen or apostrophe ending belongs to the brand ("Play-u", "Play'a").
 * - Short aliases (three letters or fewer) are not inflected: "Lot" is only "lot", "LOT-u".
 *   An all-capital short alias (an acronym: "LOT", "PZU") must be written in capitals, and
 *   then takes endings too ("LOTu", "LOT-em").
 * - `context`: an occurrence counts only if a context word (any inflected form, or a word
 *   derived from its stem: "zakupy" → "zakupach", "zakupiłem") occurs within
 *   `contextWindow` words (default 12) before or after it. Not the whole text: reviews run
 *   on, and "Widziałem biedronkę w ogrodzie. […] Potem pojechałem na zakupy." is no shop; not
 *   only the sentence: "Byłem w Biedronce. Kasy samoobsługowe znowu nie działały." is one, and
 *   reviews often have no punctuation to split sentences on. Twelve words is about a sentence
 *   either side.
 * - `exclude`: an occurrence inside an exclude phrase (itself matched with inflection: "w
 *   Sklepie Play") is explained away; other occurrences in the same text still count.
 * - Overlaps between brands: the longer match wins ("Santander Consumer Bank" is not also a
 *   brand whose alias is just "Santander").
 * - An alias that is also a common word, configured without `context`, matches every time
 *   ("biedronka na liściu" is Biedronka): the tagger cannot tell; give such brands a context.
 */

export interface BrandMatch {
  id: string;
  /** The text as written, endings included ("w Biedronce" → "Biedronce"). */
  matched: string;
  /** Offset of `matched` in the text. */
  position: number;
}

export interface BrandTagger {
  /** One match per brand (its first counted occurrence), in order of position. */
  tag(text: string): BrandMatch[];
}

export interface BrandTaggerOptions {
  /** Words before and after an occurrence searched for a context word. */
  contextWindow?: number;
}

export const DEFAULT_CONTEXT_WINDOW = 12;

// ---------------------------------------------------------------------------------------------
// Words and folding
// ---------------------------------------------------------------------------------------------

const POLISH_FOLD: Record<string, string> = { ą: "a", ć: "c", ę: "e", ł: "l", ń: "n", ó: "o", ś: "s", ź: "z", ż: "z" };

/**
 * What each UTF-16 code is to the scanner: 0 not part of a word; otherwise the code of its
 * lower-case, folded form ("Ż" → "z"). Filled in lazily above ASCII. A hand-written scan over
 * this table is several times faster than a Unicode regex, and it lets most words be dismissed
 * without ever being sliced out of the text.
 */
const INFO = new Int32Array(65536).fill(-1);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  INFO[code] = /[a-zA-Z0-9]/.test(char) ? char.toLowerCase().charCodeAt(0) : 0;
}
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
function info(code: number): number {
  const known = INFO[code] ?? 0;
  if (known >= 0) return known;
  let value = 0;
  const char = String.fromCharCode(code);
  if (!(code >= 0xd800 && code <= 0xdfff) && WORD_CHAR.test(char)) {
    const lower = char.toLowerCase();
    const folded = lower.length === 1 ? foldChar(lower.charCodeAt(0)) : lower;
    value = folded.length === 1 ? folded.charCodeAt(0) : code;
  }
  INFO[code] = value;
  return value;
}
/** Beyond Latin Extended: the word's folded length may differ from its written one; skip the filter. */
const EXOTIC = 0x250;

/** Folded form of one lower-case character ("ż" → "z", "é" → "e", "ß" → "ß"). */
const FOLDED = new Map<number, string>();
function foldChar(code: number): string {
  if (code < 128) return String.fromCharCode(code);
  let folded = FOLDED.get(code);
  if (folded === undefined) {
    const char = String.fromCharCode(code);
    folded = POLISH_FOLD[char] ?? char.normalize("NFKD").replace(/\p{M}/gu, "");
    FOLDED.set(code, folded);
  }
  return folded;
}

/** A lower-cased word folded to ASCII letters ("żabce" → "zabce", "müller" → "muller"). */
function foldLower(word: string): string {
  let result = "";
  let from = 0;
  for (let index = 0; index < word.length; index++) {
    const code = word.charCodeAt(index);
    if (code < 128) continue;
    result += word.slice(from, index) + foldChar(code);
    from = index + 1;
  }
  return from === 0 ? word : result + word.slice(from);
}

/**
 * A filter on (first letter, last letter, length) of a folded word: a set bit means some indexed
 * form has that shape. Letters are taken modulo 32, lengths capped at 31: collisions only cost a
 * hash lookup.
 */
type Shapes = Uint8Array;
const shapeOf = (first: number, last: number, length: number): number => ((first & 31) << 10) | ((last & 31) << 5) | Math.min(length, 31);
function addShape(shapes: Shapes, key: string): void {
  if (key.length === 0) return;
  shapes[shapeOf(key.charCodeAt(0), key.charCodeAt(key.length - 1), key.length)] = 1;
}

/** The words of one text: offsets for all, folded keys computed on demand. */
class Words {
  private readonly cache: (string | undefined)[] = [];
  constructor(
    readonly text: string,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    readonly count: number,
    /** Words whose shape passed the filter, in order. */
    readonly candidates: number[],
  ) {}

  key(index: number): string {
    let key = this.cache[index];
    if (key === undefined) {
      key = index < this.count ? foldLower(this.text.slice(this.starts[index], this.ends[index]).toLowerCase()) : "";
      this.cache[index] = key;
    }
    return key;
  }

  start(index: number): number {
    return this.starts[index] ?? 0;
  }

  end(index: number): number {
    return this.ends[index] ?? 0;
  }
}

let scratchStarts = new Int32Array(256);
let scratchEnds = new Int32Array(256);

/** Splits text into words; only words whose shape is in `shapes` become candidates (all of them without a filter). */
function scan(text: string, shapes?: Shapes): Words {
  const candidates: number[] = [];
  const length = text.length;
  if (scratchStarts.length < length / 2 + 2) {
    scratchStarts = new Int32Array(length + 2);
    scratchEnds = new Int32Array(length + 2);
  }
  const starts = scratchStarts;
  const ends = scratchEnds;
  let count = 0;
  let index = 0;
  while (index < length) {
    let code = text.charCodeAt(index);
    const first = code < 128 ? (INFO[code] ?? 0) : info(code);
    if (first === 0) {
      index++;
      continue;
    }
    const start = index;
    let last = first;
    let exotic = code >= EXOTIC;
    index++;
    while (index < length) {
      code = text.charCodeAt(index);
      const folded = code < 128 ? (INFO[code] ?? 0) : info(code);
      if (folded === 0) break;
      if (code >= EXOTIC) exotic = true;
      last = folded;
      index++;
    }
    starts[count] = start;
    ends[count] = index;
    if (!shapes || exotic || shapes[shapeOf(first, last, index - start)] === 1) candidates.push(count);
    count++;
  }
  return new Words(text, starts, ends, count, candidates);
}

/** A phrase's words as written, folded, and the marks between them. */
function phraseWords(phrase: string): { raw: string[]; keys: string[]; gaps: string[] } {
  const words = scan(phrase);
  const raw: string[] = [];
  const keys: string[] = [];
  const gaps: string[] = [];
  for (let index = 0; index < words.count; index++) {
    raw.push(phrase.slice(words.start(index), words.end(index)));
    keys.push(words.key(index));
    gaps.push(index === 0 ? "" : gapMark(phrase.slice(words.end(index - 1), words.start(index))));
  }
  return { raw, keys, gaps };
}

/** What separates two words of a phrase, whitespace and hyphens aside ("H&M" → "&"). */
function gapMark(gap: string): string {
  return gap.replace(/[\s\-‐‑–—]/g, "");
}

const MAX_GAP = 4;

// ---------------------------------------------------------------------------------------------
// Polish inflection
// ---------------------------------------------------------------------------------------------

const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);
const isVowel = (char: string | undefined): boolean => char !== undefined && VOWELS.has(char);

/** Dative/locative stem + "e" with the consonant alternation (folded spelling). */
const SOFTENING: [string, string][] = [
  ["st", "scie"],
  ["zd", "zdzie"],
  ["sl", "sle"],
  ["sn", "snie"],
  ["ch", "sze"],
  ["rz", ""],
  ["sz", ""],
  ["cz", ""],
  ["dz", ""],
  ["k", "ce"],
  ["g", "dze"],
  ["r", "rze"],
  ["t", "cie"],
  ["d", "dzie"],
  ["l", "le"],
  ["n", "nie"],
  ["s", "sie"],
  ["z", "zie"],
  ["m", "mie"],
  ["p", "pie"],
  ["b", "bie"],
  ["w", "wie"],
  ["f", "fie"],
  ["x", "ksie"],
];

function softened(stem: string): string | undefined {
  for (const [tail, replacement] of SOFTENING) {
    if (stem.endsWith(tail)) return replacement ? stem.slice(0, -tail.length) + replacement : undefined;
  }
  return undefined;
}

/** Endings of masculine nouns (and foreign names declined like them), singular and plural. */
const MASCULINE = ["", "a", "u", "owi", "em", "e", "y", "i", "ie", "om", "ow", "ach", "ami", "owie", "iu", "ia", "iem", "iowi", "iom", "iach", "iami"];
/** Feminine -a nouns (and feminine adjectives in names: "Poczta Polska"). */
const FEMININE = ["a", "y", "i", "e", "o", "om", "ach", "ami", "ej"];
const NEUTER = ["o", "a", "u", "em", "om", "ach", "ami"];
const ADJECTIVE = ["y", "ego", "emu", "ym", "ych", "ymi", "a", "ej", "e", "ow", "om", "ach", "ami", "u"];
const ADJECTIVE_SOFT = ["i", "iego", "iemu", "im", "ich", "imi", "a", "iej", "ie"];
const FOREIGN_VOWEL = ["", "a", "u", "em", "owi", "m"];
/** Endings written after a hyphen or an apostrophe: "LOT-u", "Play'a", "ZUS-ie". */
const ATTACHED_ENDINGS = new Set(["a", "u", "owi", "em", "e", "ie", "y", "i", "om", "ow", "ach", "ami", "iem", "iu", "m"]);
const JOINERS = new Set(["-", "‐", "‑", "'", "’"]);

const add = (forms: Set<string>, stem: string, endings: readonly string[]): void => {
  for (const ending of endings) forms.add(stem + ending);
};

/** "żabk" → "żabek": the genitive plural of a feminine noun, or a masculine nominative. */
function withFleetingE(stem: string): string | undefined {
  const last = stem.at(-1);
  const before = stem.at(-2);
  if (stem.length < 4 || last === undefined || before === undefined || isVowel(last) || isVowel(before)) return undefined;
  if (before === "z" || before === "c" || (before === "s" && last === "z")) return undefined; // rz, cz, sz, dz: one sound
  return `${stem.slice(0, -1)}e${last}`;
}

/** Folded inflected forms of one folded, lower-case word (the word itself included). */
export function inflect(word: string): Set<string> {
  const forms = new Set<string>([word]);
  if (/\p{N}/u.test(word) || word.length <= 2) return forms;
  const last = word.at(-1) ?? "";
  const before = word.at(-2);
  const stem = word.slice(0, -1);
  if (last === "a") {
    add(forms, stem, FEMININE);
    const soft = softened(stem);
    if (soft) forms.add(soft);
    if (stem.endsWith("k") || stem.endsWith("g")) add(forms, stem, ["iej", "ie", "ich", "imi"]);
    const plural = withFleetingE(stem);
    if (plural) forms.add(plural);
    else if (!isVowel(stem.at(-1)) && stem.length >= 3) forms.add(stem);
  } else if (last === "o") {
    add(forms, stem, NEUTER);
    const soft = softened(stem);
    if (soft) forms.add(soft);
  } else if (last === "y" && !isVowel(before)) {
    add(forms, stem, ADJECTIVE);
  } else if (last === "i" && (before === "k" || before === "g")) {
    add(forms, stem, ADJECTIVE_SOFT);
  } else if (last === "e") {
    add(forms, word, FOREIGN_VOWEL);
    if (before === "k" || before === "g") add(forms, stem, ADJECTIVE_SOFT);
    else add(forms, stem, ["ego", "emu", "ym", "ych", "ej"]);
  } else if (isVowel(last) && last !== "y") {
    // -i, -u: "Audi", "PZU", "Tiramisu" do not decline.
  } else {
    // A consonant, or -y after a vowel ("Play", "Disney"): masculine.
    add(forms, word, MASCULINE);
    const soft = softened(word);
    if (soft) forms.add(soft);
    if (last === "k" || last === "g") add(forms, word, ["iem", "i", "ie"]);
    const fleeting = /e[kcl]$/.test(word) && word.length >= 4 ? word.slice(0, -2) + last : undefined;
    if (fleeting) add(forms, fleeting, MASCULINE.filter((ending) => ending !== ""));
  }
  return forms;
}

// ---------------------------------------------------------------------------------------------
// Phrases
// ---------------------------------------------------------------------------------------------

interface Phrase {
  brand: number;
  exclude: boolean;
  /** Accepted forms of each word. */
  words: Set<string>[];
  /** gapMark required before each word (index 0 unused). */
  gaps: string[];
  /** For each word: how many leading letters must be capitals in the text (acronyms), or 0. */
  capitals: number[];
  /** Each word as configured, lower-case with its diacritics, and how much of it is stem. */
  written: string[];
  stems: number[];
}

/** Polish letters that make another word of a stem; ś, ź, ć, ń come with declension ("InPoście"). */
const DISTINCT_LETTERS = new Set(["ą", "ę", "ó", "ł", "ż"]);

/**
 * Text may drop diacritics ("zabce" is "Żabce") but not have other ones: "ząbki" (little teeth)
 * is not "Żabki". Checked over the stem only, as endings are folded ("Żabką"); ś, ź, ć, ń may
 * come from the declension ("InPoście") and letters outside Polish (é, ü) are let through.
 */
function diacriticsAgree(text: string, start: number, end: number, key: string, written: string, stem: number): boolean {
  for (let index = 0; index < stem && start + index < end; index++) {
    const code = text.charCodeAt(start + index);
    if (code < 128) continue;
    if (key.charCodeAt(index) !== foldChar(written.charCodeAt(index)).charCodeAt(0)) return true; // past the shared stem
    const char = String.fromCharCode(code).toLowerCase();
    const expected = written[index] ?? "";
    if (char !== expected && (expected.charCodeAt(0) >= 128 || DISTINCT_LETTERS.has(char))) return false;
  }
  return true;
}


const SHORT = 3;

function isAcronym(raw: string): boolean {
  return raw.length >= 2 && raw === raw.toUpperCase() && raw !== raw.toLowerCase();
}

/** The phrase's word variants: as written, joined ("Media Markt" → "MediaMarkt"), split ("InPost" → "In Post"). */
function variants(phrase: string): { raw: string[]; keys: string[]; gaps: string[] }[] {
  const { raw, keys, gaps } = phraseWords(phrase);
  const result = [{ raw, keys, gaps }];
  if (raw.length > 1 && gaps.every((gap) => gap === "")) {
    const joined = keys.join("");
    if (joined.length >= 6) result.push({ raw: [raw.join("")], keys: [joined], gaps: [""] });
  }
  if (raw.length === 1 && raw[0] !== undefined && !isAcronym(raw[0])) {
    const parts = raw[0].split(/(?<=\p{Ll})(?=\p{Lu})/u);
    if (parts.length > 1) result.push({ raw: parts, keys: parts.map((part) => foldLower(part.toLowerCase())), gaps: parts.map(() => "") });
  }
  return result;
}

function compilePhrase(phrase: string, brand: number, exclude: boolean): Phrase[] {
  return variants(phrase)
    .filter((variant) => variant.keys.length > 0)
    .map(({ raw, keys, gaps }) => {
      const capitals = raw.map((word) => (word.length <= SHORT && isAcronym(word) ? word.length : 0));
      const words = keys.map((key, index) => {
        const isLast = index === keys.length - 1;
        const shortWord = key.length <= SHORT;
        if (capitals[index]) return isLast ? inflectAcronym(key) : new Set([key]);
        if (shortWord) return new Set([key]);
        return inflect(key);
      });
      const written = raw.map((word) => word.toLowerCase());
      const stems = written.map((word) => word.replace(/[aeiouyąęó]+$/, "").length);
      return { brand, exclude, words, gaps, capitals, written, stems };
    });
}

function inflectAcronym(key: string): Set<string> {
  const forms = new Set([key]);
  add(forms, key, MASCULINE);
  return forms;
}

interface ContextWord {
  forms: Set<string>;
  /** Words starting with this count as well (derived words, verb forms); null when too short to trust. */
  prefix: string | null;
}

/** A context entry: all its words must occur in the window. */
type Context = ContextWord[];

function compileContext(phrase: string): Context {
  return phraseWords(phrase).keys.map((key) => {
    let stem = key.replace(/[aeiouy]+$/, "");
    let minimum = 4;
    if (/[aeiy]c$/.test(key) && key.length >= 5) {
      // An infinitive ("kupić" → "kup…"): verbs have short stems.
      stem = key.slice(0, key.endsWith("owac") ? -4 : -2);
      minimum = 3;
    }
    return { forms: inflect(key), prefix: stem.length >= minimum ? stem : null };
  });
}

// ---------------------------------------------------------------------------------------------
// The tagger
// ---------------------------------------------------------------------------------------------

interface Occurrence {
  brand: number;
  first: number;
  last: number;
  start: number;
  end: number;
}

export function createBrandTagger(brands: BrandConfig[], options: BrandTaggerOptions = {}): BrandTagger {
  const window = options.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
  const index = new Map<string, Phrase[]>();
  const shapes: Shapes = new Uint8Array(1 << 15);
  const contexts: (Context[] | undefined)[] = [];
  const hasExclusions: boolean[] = [];

  const register = (phrase: Phrase): void => {
    for (const form of phrase.words[0] ?? []) {
      addShape(shapes, form);
      const list = index.get(form);
      if (list) list.push(phrase);
      else index.set(form, [phrase]);
    }
  };

  brands.forEach((brand, brandIndex) => {
    for (const alias of new Set(brand.aliases)) for (const phrase of compilePhrase(alias, brandIndex, false)) register(phrase);
    for (const phrase of brand.exclude ?? []) for (const compiled of compilePhrase(phrase, brandIndex, true)) register(compiled);
    hasExclusions.push((brand.exclude ?? []).length > 0);
    const context = (brand.context ?? []).map(compileContext).filter((entry) => entry.length > 0);
    contexts.push(context.length > 0 ? context : undefined);
  });

  function matchAt(text: string, words: Words, at: number, phrase: Phrase): Occurrence | undefined {
    const count = phrase.words.length;
    if (at + count > words.count) return undefined;
    for (let offset = 0; offset < count; offset++) {
      const position = at + offset;
      if (offset > 0) {
        if (!phrase.words[offset]?.has(words.key(position))) return undefined;
        const gap = text.slice(words.end(position - 1), words.start(position));
        if (gap.length > MAX_GAP || gapMark(gap) !== phrase.gaps[offset]) return undefined;
      }
      const start = words.start(position);
      if (!diacriticsAgree(text, start, words.end(position), words.key(position), phrase.written[offset] ?? "", phrase.stems[offset] ?? 0)) return undefined;
      const capitals = phrase.capitals[offset] ?? 0;
      if (capitals > 0) {
        if (!isAcronym(text.slice(start, start + capitals))) return undefined;
      }
    }
    let last = at + count - 1;
    let end = words.end(last);
    if (last + 1 < words.count && JOINERS.has(text.slice(end, words.start(last + 1))) && ATTACHED_ENDINGS.has(words.key(last + 1))) {
      last += 1;
      end = words.end(last);
    }
    return { brand: phrase.brand, first: at, last, start: words.start(at), end };
  }

  function inContext(words: Words, occurrence: Occurrence, context: Context[]): boolean {
    const from = Math.max(0, occurrence.first - window);
    const to = Math.min(words.count - 1, occurrence.last + window);
    const found = (word: ContextWord): boolean => {
      for (let position = from; position <= to; position++) {
        if (position >= occurrence.first && position <= occurrence.last) continue;
        const key = words.key(position);
        if (word.forms.has(key) || (word.prefix !== null && key.startsWith(word.prefix))) return true;
      }
      return false;
    };
    return context.some((entry) => entry.every(found));
  }

  function tag(text: string): BrandMatch[] {
    const words = scan(text, shapes);
    const found: Occurrence[] = [];
    const excluded: Occurrence[] = [];
    for (const at of words.candidates) {
      const phrases = index.get(words.key(at));
      if (!phrases) continue;
      for (const phrase of phrases) {
        const occurrence = matchAt(text, words, at, phrase);
        if (occurrence) (phrase.exclude ? excluded : found).push(occurrence);
      }
    }
    if (found.length === 0) return [];

    const counted = found.filter((occurrence) => {
      if (
        hasExclusions[occurrence.brand] &&
        excluded.some((span) => span.brand === occurrence.brand && span.first <= occurrence.last && occurrence.first <= span.last)
      )
        return false;
      const context = contexts[occurrence.brand];
      return !context || inContext(words, occurrence, context);
    });

    // Leftmost-longest: an occurrence inside a longer one of another brand does not count.
    counted.sort((a, b) => a.first - b.first || b.last - a.last);
    const kept: Occurrence[] = [];
    let reach = -1;
    for (const occurrence of counted) {
      const previous = kept.at(-1);
      if (previous && occurrence.first <= reach) {
        if (previous.brand === occurrence.brand) continue;
        const sameSpan = previous.first === occurrence.first && previous.last === occurrence.last;
        if (!sameSpan && occurrence.last <= previous.last) continue;
      }
      kept.push(occurrence);
      reach = Math.max(reach, occurrence.last);
    }

    const seen = new Set<number>();
    const matches: BrandMatch[] = [];
    for (const occurrence of kept) {
      if (seen.has(occurrence.brand)) continue;
      seen.add(occurrence.brand);
      const brand = brands[occurrence.brand];
      if (brand) matches.push({ id: brand.id, matched: text.slice(occurrence.start, occurrence.end), position: occurrence.start });
    }
    return matches;
  }

  return { tag };
}
