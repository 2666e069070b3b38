import { fold, wordOfKey } from "./tokenize.ts";

/**
 * Complaint events: what customers report without a single sentiment word ("konto zostało
 * zawieszone", "paczka wróciła do nadawcy", "czekam od 2 tygodni"). Each event is a few groups
 * of word patterns that must all occur in one sentence, within a few words of each other, in any
 * order; patterns are diacritic-folded stems (`zawiesz*`: zawieszone, zawieszono, zawiesili…) or
 * exact forms (`konto|konta|koncie`), so Polish inflection and text typed without diacritics
 * match alike. Found events are negative evidence for the sentiment (see sentiment.ts).
 */

export const COMPLAINT_KINDS = [
  "account-suspended",
  "app-crashes",
  "parcel-returned",
  "courier-no-show",
  "out-of-stock",
  "no-answer",
  "charged-unpaid",
  "long-wait",
  "again",
  "not-received",
] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];

interface EventDefinition {
  kind: ComplaintKind;
  /** Groups of alternatives (`stem*` or an exact form); every group must match a word. */
  groups: readonly string[];
  /** The words one span holding a match of every group may have (2: two adjacent words). */
  within: number;
}

/** Ways of saying "how long": weeks and months (days only with a verb of waiting now: "czekam od 5 dni"). */
const WEEKS = "tydzien tygodnia tygodnie tygodni tygodniach miesiac miesiaca miesiace miesiecy miesiacach weeks week months month";
const DAYS = `${WEEKS} dni dnia dniach days`;

const EVENTS: readonly EventDefinition[] = [
  // Polish
  { kind: "account-suspended", groups: ["zawiesz* zawiesi* zablokow* blokad* zamkniet* usuniet* usunel* usunieto", "konto konta koncie kontem"], within: 5 },
  { kind: "app-crashes", groups: ["wylacza* wylaczy* wywala* wysypuje* wysypal* crashuje* zawiesza zawiesil* zawiesila restartuje* zamyka* zrywa zrywal* rozlacza*", "ciagle wciaz nonstop aktualizacji aktualizacja aktualizacje aktualizacjach update updacie"], within: 6 },
  { kind: "app-crashes", groups: ["crashuje* scrashowal* crashe crash wywala wywalila wywalilo wywalaja wysypuje wysypala wysypalo"], within: 1 },
  { kind: "app-crashes", groups: ["uruchamia uruchomi otwiera loguje zaloguje", "nie"], within: 2 },
  { kind: "app-crashes", groups: ["zalogowac uruchomic otworzyc zaplacic polaczyc dodzwonic", "nie"], within: 4 },
  { kind: "parcel-returned", groups: ["wrocil* wrocila wrocilo zwrocon* odeslan* odeslal* odeslali cofnie* cofnel* cofniet*", "nadawcy nadawcy nadawca nadawcow"], within: 6 },
  { kind: "courier-no-show", groups: ["awizo awiza awizem awizowal*"], within: 1 },
  { kind: "courier-no-show", groups: ["zapukal* zadzwonil* przyjechal* probowal* pojawil* podjechal*", "nawet", "nie"], within: 3 },
  { kind: "out-of-stock", groups: ["polce polkach polki polek regale regalach", "pusto pusta puste pustych brak brakuje braki"], within: 5 },
  { kind: "no-answer", groups: ["odpowiedzi odzewu reakcji kontaktu", "bez brak zero"], within: 2 },
  { kind: "no-answer", groups: ["odpisal* odpisuj* odpisze odpowiada odpowiadaja odpowiedzial* odpowiedzieli odbiera odbieraja oddzwonil* oddzwania odezwal* reaguja reaguje zareagowal*", "nie nikt"], within: 3 },
  { kind: "charged-unpaid", groups: ["nieoplacon*"], within: 1 },
  { kind: "charged-unpaid", groups: ["pobral pobrali pobrano pobrane pobrala obciazyl* obciazon* obciazono", "dwukrotnie podwojnie dwa razy"], within: 4 },
  { kind: "long-wait", groups: ["czekam czekamy", DAYS], within: 5 },
  { kind: "long-wait", groups: ["czekalem czekalam czekal czekala czekali czekaly czekac czekania", WEEKS], within: 5 },
  { kind: "long-wait", groups: ["czekam czekamy", "nadal wciaz dalej ciagle jeszcze"], within: 3 },
  { kind: "long-wait", groups: ["trwala trwalo trwal szla szedl szlo jechala jechal lezala lezal", WEEKS], within: 5 },
  { kind: "long-wait", groups: ["ciagnela ciagnal ciagnelo ciagneli przeciagnel* przeciagala przeciagalo opoznil* opoznion*"], within: 1 },
  // A queue of half an hour, an hour in the queue (a short wait says "tylko 5 minut" without a queue).
  { kind: "long-wait", groups: ["kolejka kolejce kolejki kolejke kolejek", "godzine godziny godzin godzina"], within: 4 },
  { kind: "again", groups: ["samo", "znowu znow znowuz ponownie", "to"], within: 3 },
  { kind: "not-received", groups: ["dostalem dostalam dostalismy otrzymalem otrzymalam dotarla dotarlo dotarl doszla doszlo doszedl", "nie"], within: 2 },
  // English
  { kind: "account-suspended", groups: ["suspended banned blocked locked deactivated disabled terminated", "account"], within: 4 },
  { kind: "app-crashes", groups: ["crash crashes crashing crashed freezes freezing"], within: 1 },
  { kind: "app-crashes", groups: ["open load start launch", "won't wont doesn't doesnt can't cant"], within: 2 },
  { kind: "parcel-returned", groups: ["returned sent", "sender"], within: 4 },
  { kind: "courier-no-show", groups: ["knock knocked ring rang", "didn't didnt never"], within: 3 },
  { kind: "out-of-stock", groups: ["shelf shelves", "empty"], within: 2 },
  { kind: "out-of-stock", groups: ["stock", "out", "of"], within: 3 },
  { kind: "no-answer", groups: ["response reply answer answered replied responded responds replies answers", "no never nobody"], within: 3 },
  { kind: "charged-unpaid", groups: ["charged", "twice"], within: 3 },
  { kind: "long-wait", groups: ["waiting waited", DAYS], within: 5 },
  { kind: "long-wait", groups: ["waiting", "still"], within: 2 },
  { kind: "long-wait", groups: ["took", WEEKS], within: 4 },
  { kind: "long-wait", groups: ["queue queued queuing line", "hour hours"], within: 4 },
  { kind: "again", groups: ["again", "same", "problem issue thing"], within: 4 },
  { kind: "not-received", groups: ["arrived received came delivered", "never"], within: 2 },
];

interface Pattern {
  exact: ReadonlySet<string>;
  prefixes: readonly string[];
}

function compileGroup(group: string): Pattern {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const part of group.split(" ")) {
    if (part.endsWith("*")) prefixes.push(fold(part.slice(0, -1)));
    else exact.add(fold(part));
  }
  return { exact, prefixes };
}

/** Every group of every event, numbered; an event is the numbers of its groups. */
const GROUPS: Pattern[] = [];
const COMPILED = EVENTS.map((event) => ({
  kind: event.kind,
  within: event.within,
  groups: event.groups.map((group) => GROUPS.push(compileGroup(group)) - 1),
}));
/** The events by their first group (the rarest words of each): a sentence is checked only for the events its words start. */
const BY_FIRST = new Map<number, (typeof COMPILED)[number][]>();
for (const event of COMPILED) {
  const first = event.groups[0] ?? -1;
  BY_FIRST.set(first, [...(BY_FIRST.get(first) ?? []), event]);
}

const NONE: readonly number[] = [];
/** Exact forms → their groups; stems by their first three letters → [stem, group] pairs. */
const EXACT = new Map<string, number[]>();
const STEMS = new Map<string, [string, number][]>();
GROUPS.forEach((group, id) => {
  for (const form of group.exact) EXACT.set(form, [...(EXACT.get(form) ?? []), id]);
  for (const prefix of group.prefixes) {
    if (prefix.length < 3) throw new Error(`complaints: stem "${prefix}*" is shorter than 3 letters`);
    const key = prefix.slice(0, 3);
    STEMS.set(key, [...(STEMS.get(key) ?? []), [prefix, id]]);
  }
});

const CACHE_LIMIT = 200_000;
/** The groups each word (as written) matches; most words match none. */
const cache = new Map<string, readonly number[]>();

function groupsOf(raw: string): readonly number[] {
  let found = cache.get(raw);
  if (found === undefined) {
    found = describeWord(fold(raw.replace("’", "'")));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(raw, found);
  }
  return found;
}

function describeWord(word: string): readonly number[] {
  const exact = EXACT.get(word);
  const stems = word.length >= 3 ? STEMS.get(word.slice(0, 3)) : undefined;
  if (!stems) return exact ?? NONE;
  const ids = exact ? [...exact] : [];
  for (const [prefix, id] of stems) if (word.startsWith(prefix) && !ids.includes(id)) ids.push(id);
  return ids.length > 0 ? ids : NONE;
}

/** Folded letter of each char below 0x250: 1–26 for a–z (after folding: "Ż" → z), 27 for other letters, 0 otherwise. */
const OTHER_LETTER = 27;
const LETTER = new Uint8Array(0x250);
for (let code = 0; code < 0x250; code++) {
  const char = String.fromCharCode(code);
  const folded = fold(char);
  if (folded.length === 1 && folded >= "a" && folded <= "z") LETTER[code] = folded.charCodeAt(0) - 96;
  else if (/^\p{L}$/u.test(char)) LETTER[code] = OTHER_LETTER;
}
/** Once, at load: a regular expression written in a function is built anew on every call where tsx lowers it. */
const IS_LETTER = /\p{L}/u;
const letterOf = (code: number): number => (code < 0x250 ? (LETTER[code] ?? 0) : code >= 0xd800 && code <= 0xdfff ? 0 : IS_LETTER.test(String.fromCharCode(code)) ? OTHER_LETTER : 0);

/** Which first three folded letters can start a word some pattern matches: only those words are looked up. */
const STARTS = new Uint8Array(27 * 27 * 27);
const startKey = (word: string): number => {
  let key = 0;
  for (let k = 0; k < 3; k++) {
    const code = k < word.length ? word.charCodeAt(k) - 96 : 0;
    key = key * 27 + (code >= 1 && code <= 26 ? code : 0);
  }
  return key;
};
for (const group of GROUPS) for (const form of [...group.exact, ...group.prefixes]) STARTS[startKey(form.replace(/[^a-z]/g, ""))] = 1;

/**
 * Which first four letters a–z can start a plain word (letters a–z only) longer than four letters
 * that some pattern matches: an exact form of five or more letters, or a stem (one of three letters
 * takes any fourth).
 */
const FOUR = new Uint8Array(27 ** 4);
const fourKey = (word: string): number => {
  let key = 0;
  for (let k = 0; k < 4; k++) key = key * 27 + (word.charCodeAt(k) - 96);
  return key;
};
for (const group of GROUPS) {
  for (const form of group.exact) if (form.length > 4 && /^[a-z]{4}/.test(form)) FOUR[fourKey(form)] = 1;
  for (const prefix of group.prefixes) {
    if (!/^[a-z]{3}/.test(prefix)) continue;
    if (prefix.length >= 4) {
      if (/^[a-z]{4}/.test(prefix)) FOUR[fourKey(prefix)] = 1;
    } else for (let fourth = 1; fourth <= 26; fourth++) FOUR[fourKey(prefix + "a") - 1 + fourth] = 1;
  }
}

/** The groups of plain words of up to four letters, by their key (letters 1–26, 0 after the end). */
const SHORT: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(27 ** 4);

function shortGroups(key: number): readonly number[] {
  const word = wordOfKey(key);
  const groups = describeWord(word);
  SHORT[key] = groups;
  return groups;
}


/** The complaint events in a text (each kind once), in the order of `COMPLAINT_KINDS`. */
export function findComplaints(text: string): ComplaintKind[] {
  return scanComplaints(text).kinds;
}

/** What one reading of a text found: its events, and where the words that can start one stand. */
export interface ComplaintScan {
  /** The complaint events (each kind once), in the order of `COMPLAINT_KINDS`. */
  kinds: ComplaintKind[];
  /**
   * The offsets of the words that can start an event (a match of some event's first group), in
   * order. A part of the text holding none of them has no complaint event (`findComplaints` of
   * that part is empty): the sentiment of a clause needs no second reading for complaints.
   */
  cues: number[];
}

type CompiledEvent = (typeof COMPILED)[number];

/** Per sentence while reading: the groups of each word, and the events its words start (reused). */
const sentenceGroups: (readonly number[])[] = [];
const candidates: CompiledEvent[] = [];

function checkSentence(found: Set<ComplaintKind>): void {
  for (const event of candidates) if (!found.has(event.kind) && occurs(event.groups, event.within, sentenceGroups)) found.add(event.kind);
  sentenceGroups.length = 0;
  candidates.length = 0;
}

/** `findComplaints` with the offsets of the words that can start an event (see `ComplaintScan`). */
export function scanComplaints(text: string): ComplaintScan {
  const found = new Set<ComplaintKind>();
  const cues: number[] = [];
  sentenceGroups.length = 0;
  candidates.length = 0;
  const length = text.length;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    const letter = letterOf(code);
    if (letter === 0) {
      if (code >= 48 && code <= 57) {
        // A number is a word of its own ("czekam od 2 tygodni"): it counts in the distances.
        while (index < length && text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) index++;
        sentenceGroups.push(NONE);
        continue;
      }
      if (code === 46 || code === 33 || code === 63 || code === 10 || code === 8230) checkSentence(found); // . ! ? new line …
      index++;
      continue;
    }
    const start = index;
    let key = 0;
    let keyed = 0;
    // The first four letters and the count of letters; "plain": letters a–z only (after folding), no apostrophe.
    let key4 = 0;
    let letters = 0;
    let plain = true;
    for (; index < length; index++) {
      const current = letterOf(text.charCodeAt(index));
      if (current === 0) {
        // One apostrophe inside a word ("won't", "doesn’t").
        const mark = text.charCodeAt(index);
        if ((mark === 0x27 || mark === 0x2019) && index + 1 < length && letterOf(text.charCodeAt(index + 1)) !== 0) {
          plain = false;
          continue;
        }
        break;
      }
      if (current === OTHER_LETTER) plain = false;
      if (keyed < 3) {
        key = key * 27 + (current === OTHER_LETTER ? 0 : current);
        keyed++;
      }
      if (letters < 4) key4 = key4 * 27 + (current === OTHER_LETTER ? 0 : current);
      letters++;
    }
    for (; keyed < 3; keyed++) key *= 27;
    for (let k = letters; k < 4; k++) key4 *= 27;
    let groups: readonly number[];
    // A plain word of up to four letters is known by its key alone; a longer one is looked up
    // only when its first four letters can start a pattern; any other by its first three.
    if (plain && letters <= 4) groups = SHORT[key4] ?? shortGroups(key4);
    else if (plain ? FOUR[key4] !== 1 : STARTS[key] !== 1) groups = NONE;
    else groups = groupsOf(text.slice(start, index));
    if (groups !== NONE) {
      let cue = false;
      for (const id of groups) {
        const events = BY_FIRST.get(id);
        if (events === undefined) continue;
        cue = true;
        for (const event of events) if (!candidates.includes(event)) candidates.push(event);
      }
      if (cue) cues.push(start);
    }
    sentenceGroups.push(groups);
  }
  checkSentence(found);
  return { kinds: found.size === 0 ? [] : COMPLAINT_KINDS.filter((kind) => found.has(kind)), cues };
}

/** Whether some span of `within` words holds a match of every group (distinct words, any order). */
function occurs(groups: readonly number[], within: number, sentence: readonly (readonly number[])[]): boolean {
  const first = groups[0] ?? -1;
  for (let at = 0; at < sentence.length; at++) {
    if (!(sentence[at] ?? NONE).includes(first)) continue;
    if (groups.length === 1) return true;
    for (let from = Math.max(0, at - within + 1); from <= at; from++) {
      const to = Math.min(sentence.length, from + within);
      if (assign(groups, 1, sentence, from, to, [at])) return true;
    }
  }
  return false;
}

/** Whether groups[index…] each match a different word in [from, to), none of the words in `used`. */
function assign(groups: readonly number[], index: number, sentence: readonly (readonly number[])[], from: number, to: number, used: number[]): boolean {
  if (index >= groups.length) return true;
  const id = groups[index] ?? -1;
  for (let at = from; at < to; at++) {
    if (used.includes(at) || !(sentence[at] ?? NONE).includes(id)) continue;
    used.push(at);
    if (assign(groups, index + 1, sentence, from, to, used)) return true;
    used.pop();
  }
  return false;
}

/**
 * How much each complaint event counts against a text, in lexicon weights (a plain "zły" is −1.5,
 * "brak odpowiedzi" −2), and the most all of a text's events may: a complaint weighs like a
 * clearly negative word, several like a verdict.
 */
export const COMPLAINT_WEIGHT = 2;
export const COMPLAINT_CAP = 4;

/** Negative evidence from the complaint events found in a text, in lexicon weights (0 when there is none). */
export function complaintEvidence(kinds: readonly ComplaintKind[]): number {
  return kinds.length === 0 ? 0 : -Math.min(COMPLAINT_CAP, COMPLAINT_WEIGHT * kinds.length);
}
