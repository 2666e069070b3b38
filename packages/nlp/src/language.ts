import { englishWordWeight } from "./sentiment.en.ts";
import { polishWordWeight } from "./sentiment.pl.ts";
import { createTrigramRanker } from "./trigram-ranking.ts";

/**
 * Languages Odzew tells apart (ISO 639-3 as franc reports them → ISO 639-1 as Odzew stores
 * them). Restricting the candidates to languages a Polish brand actually hears keeps short
 * reviews from being read as, say, Scots or Tagalog.
 */
const CANDIDATES: Record<string, string> = {
  pol: "pl",
  eng: "en",
  deu: "de",
  ukr: "uk",
  rus: "ru",
  ces: "cs",
  slk: "sk",
  lit: "lt",
  fra: "fr",
  spa: "es",
  ita: "it",
  nld: "nl",
  por: "pt",
};
const ONLY = Object.keys(CANDIDATES);
/** franc's trigram ranking restricted to the candidates (see trigram-ranking.ts). */
const ranker = createTrigramRanker(ONLY);

export const UNDETERMINED = "und";

export interface LanguageGuess {
  /** ISO 639-1, or "und" when the text is too short or too mixed to tell. */
  lang: string;
  /** 0..1; how far ahead the best guess is of the runner-up. */
  confidence: number;
}

/**
 * What is known of a mention's language before reading it: the language(s) its source is
 * configured for, the storefront's country, the brand's market. It decides only texts too short
 * to tell by themselves ("Super.", "ok"); evidence in the text always wins over it.
 */
export interface LanguagePrior {
  /** ISO 639-1 codes, the most likely first (a source's `lang`, the brand's market language). */
  langs?: readonly string[] | undefined;
  /** ISO 3166-1 alpha-2, lowercase: the source's storefront or the brand's market. */
  country?: string | undefined;
}

/** The language a country's reviews are mostly written in, for the prior. */
const COUNTRY_LANGUAGE: Record<string, string> = {
  pl: "pl", gb: "en", us: "en", ie: "en", au: "en", ca: "en", nz: "en", de: "de", at: "de", ch: "de", cz: "cs", sk: "sk",
  ua: "uk", ru: "ru", lt: "lt", fr: "fr", be: "fr", es: "es", mx: "es", it: "it", nl: "nl", pt: "pt", br: "pt",
};

/** The prior's language, if it names one Odzew knows. */
export function priorLanguage(prior: LanguagePrior | undefined): string | undefined {
  if (!prior) return undefined;
  const known = new Set(Object.values(CANDIDATES));
  for (const lang of prior.langs ?? []) {
    const code = lang.toLowerCase().slice(0, 2);
    if (known.has(code)) return code;
  }
  return prior.country ? COUNTRY_LANGUAGE[prior.country.toLowerCase()] : undefined;
}

const MIN_LETTERS = 12;
/** Trigram statistics settle long before this; reading further only costs time. */
const SAMPLE = 600;
/** Letters only Polish writes among the candidates: ł ś ź ż ć ń, both cases. */
const POLISH_ONLY = new Set([0x141, 0x142, 0x15a, 0x15b, 0x179, 0x17a, 0x17b, 0x17c, 0x106, 0x107, 0x143, 0x144]);
/** ą ę (Lithuanian writes them too) and ó (Czech, Spanish…): Polish letters, not Polish-only. */
const POLISH_SHARED = new Set([0x104, 0x105, 0x118, 0x119, 0xd3, 0xf3]);
/** ą ę: Polish unless the text also has letters only Lithuanian writes (ė į ų ū č š ž). */
const NASAL = new Set([0x104, 0x105, 0x118, 0x119]);
const LITHUANIAN = new Set([0x116, 0x117, 0x12e, 0x12f, 0x172, 0x173, 0x16a, 0x16b, 0x10c, 0x10d, 0x160, 0x161, 0x17d, 0x17e]);

interface LetterCounts {
  letters: number;
  /** a–z, A–Z and Latin letters with diacritics. */
  latin: number;
  polishOnly: number;
  nasal: number;
  lithuanian: number;
  /** Latin letters with diacritics Polish never writes (ä ö ü ß é č ř ñ ç à…). */
  foreign: number;
  cyrillic: number;
}

/** Built once: a `\p{…}` literal inside a function is compiled on every call under tsx. */
const ANY_LETTER = /\p{L}/u;

/** The letters of the sample by kind, in one pass without allocating. */
function countLetters(sample: string): LetterCounts {
  const counts: LetterCounts = { letters: 0, latin: 0, polishOnly: 0, nasal: 0, lithuanian: 0, foreign: 0, cyrillic: 0 };
  for (let index = 0; index < sample.length; index++) {
    const code = sample.charCodeAt(index);
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) {
      counts.letters++;
      counts.latin++;
    } else if (code >= 0xc0 && code < 0x250 && code !== 0xd7 && code !== 0xf7) {
      counts.letters++;
      counts.latin++;
      if (POLISH_ONLY.has(code)) counts.polishOnly++;
      else if (POLISH_SHARED.has(code)) {
        if (NASAL.has(code)) counts.nasal++;
      } else {
        counts.foreign++;
        if (LITHUANIAN.has(code)) counts.lithuanian++;
      }
    } else if (code >= 0x400 && code < 0x530) {
      counts.letters++;
      counts.cyrillic++;
    } else if (code >= 0x250 && code < 0x2000 && ANY_LETTER.test(sample[index] ?? "")) counts.letters++;
  }
  return counts;
}

/** Letters that give Polish away: any Polish-only letter, or ą/ę in a text with no Lithuanian-only letter. */
function polishLetters(counts: LetterCounts): number {
  return counts.polishOnly + (counts.lithuanian === 0 ? counts.nasal : 0);
}

/**
 * Words of short reviews that give a language away (lower case; Polish also without diacritics).
 * Polish: function words no other candidate writes, and the verdict words of app and shop reviews.
 * Words several candidates share ("to", "do", "na", "jak", "ale") count only as weak evidence.
 */
const POLISH_WORDS = new Set(
  (
    "się sie jest jestem jesteś są był była było były będzie też tez tylko już juz czy dla przez oraz mój moja moje mnie " +
    "w nie niestety polecam polecamy wszystko wszystkim dobry dobra dobre dobrze dobrą świetny świetna świetnie swietnie " +
    "słabo slabo słaba słaby średnio srednio średni sredni zadowolony zadowolona zadowoleni fajny fajna fajne fajnie spoko " +
    "zgodny zgodnie opisem towar towaru produktu aplikacja aplikacji działa dziala szybko szybka szybki wysyłka " +
    "wysylka dostawa przesyłka przesylka paczka sprzedawca sprzedawcy jakość jakosc zakup zakupu obsługa obsluga " +
    "okropny okropna tragiczna tragiczny beznadziejny beznadziejna kiepsko kiepski kiepska porażka porazka szkoda " +
    "rewelacja rewelacyjny rewelacyjnie idealnie idealny doskonały bubel dziękuję dziekuje dzięki dzieki całkiem calkiem " +
    "najbardziej naprawdę naprawde trochę troche może moze można mozna wcale jeszcze gdy kiedy bo " +
    "zamówienie zamowienie zamówiłem zamowilem zamówiłam zamowilam pieniądze pieniadze czekam czekałem czekałam tygodni uwag git " +
    "apka apki apkę apke apce appka sklepu sklepie przyszła przyszla przyszło przyszlo przyszły przyszly muli"
  ).split(" "),
);
/** Shared with Czech, Slovak or English: count only beside other Polish evidence. */
const WEAK_POLISH = new Set(
  "i z ze mi na to do jak ale po za co od bez o u a tak nic ani dni konto produkt cena ceny kontakt tragedia masakra super ok cool top hit wow mega extra".split(" "),
);
for (const word of WEAK_POLISH) POLISH_WORDS.delete(word);

const ENGLISH_WORDS = new Set(
  (
    "the and is are was were not with for this that but very my it of in on have has had be from you your i i'm it's don't doesn't " +
    "can't won't didn't great good bad love loved like nice excellent terrible awful horrible works work working worst best amazing " +
    "useless perfect fine thanks thank please fix update app crashes crash keeps easy fast slow service delivery product recommend " +
    "highly would again never always really so too well poor money waste support customer order refund quality happy disappointed " +
    "broken doesnt dont cant wont stars star five one what how why when all just no yes much more most an a exactly described rubbish"
  ).split(" "),
);
/** Shared with Polish or others ("a", "no", "to", "do"): count only beside other English evidence. */
const WEAK_ENGLISH = new Set(["a", "no", "i", "an", "to", "do", "so", "on", "be", "in"]);
for (const word of WEAK_ENGLISH) ENGLISH_WORDS.delete(word);

/** A few words of the other candidates, so that a short German or Czech review is not taken for the prior's language. */
const OTHER_WORDS: Record<string, Set<string>> = {
  de: new Set("und ist nicht sehr gut das die der ich sie es ein eine mit für auf schlecht danke leider toll tolle prima alles funktioniert zufrieden schnelle lieferung wieder".split(" ")),
  cs: new Set("je se velmi dobrá dobrý dobře špatné nefunguje aplikace doporučuji všechno jsem není".split(" ")),
  sk: new Set("veľmi dobrá dobrý odporúčam nefunguje aplikácia všetko som nie je".split(" ")),
  fr: new Set("très bien le la les est et je pas ne une un avec pour bon bonne merci nul génial marche du tout satisfait livraison rapide".split(" ")),
  es: new Set("muy bueno buena el los las es y no funciona gracias malo mala excelente todo con para".split(" ")),
  it: new Set("molto bene buono buona il lo gli è e non funziona grazie ottimo pessimo tutto con per".split(" ")),
  nl: new Set("heel goed het de een is en niet werkt slecht bedankt prima alles met voor".split(" ")),
  lt: new Set("labai gerai ačiū aciu puiki puikus neveikia programėlė geras gera".split(" ")),
  uk: new Set("дуже добре дякую чудовий працює не додаток".split(" ")),
  ru: new Set("очень хорошо спасибо отличное работает не приложение".split(" ")),
  pt: new Set("muito bom boa o os é e não funciona obrigado ótimo péssimo tudo com para".split(" ")),
};
const OTHER_LANGUAGES = Object.keys(OTHER_WORDS);

const WORD = /\p{L}+(?:['’]\p{L}+)?/gu;
const POLISH_SPELLING = /^[a-ząćęłńóśźż]+$/;
const ENGLISH_SPELLING = /^[a-z']+$/;

interface WordCounts {
  words: number;
  polish: number;
  weakPolish: number;
  english: number;
  weakEnglish: number;
  /** The other candidate with the most words, and how many. */
  other: string | undefined;
  otherCount: number;
}

function countWords(sample: string): WordCounts {
  const counts: WordCounts = { words: 0, polish: 0, weakPolish: 0, english: 0, weakEnglish: 0, other: undefined, otherCount: 0 };
  const others = new Map<string, number>();
  for (const match of sample.matchAll(WORD)) {
    counts.words++;
    const word = match[0].toLocaleLowerCase("pl").replace("’", "'");
    const polish = POLISH_WORDS.has(word);
    const english = ENGLISH_WORDS.has(word);
    const weakPolish = WEAK_POLISH.has(word);
    const weakEnglish = WEAK_ENGLISH.has(word);
    if (polish) counts.polish++;
    else if (weakPolish) counts.weakPolish++;
    if (english) counts.english++;
    else if (weakEnglish) counts.weakEnglish++;
    let other = false;
    if (word.length >= 2) {
      for (const lang of OTHER_LANGUAGES) {
        if (OTHER_WORDS[lang]?.has(word)) {
          others.set(lang, (others.get(lang) ?? 0) + 1);
          other = true;
        }
      }
    }
    // Sentiment words of either lexicon are evidence too, when no list claims the word.
    if (!polish && !english && !weakPolish && !weakEnglish && !other && word.length >= 4) {
      if (POLISH_SPELLING.test(word) && polishWordWeight(word) !== 0) counts.polish++;
      else if (ENGLISH_SPELLING.test(word) && englishWordWeight(word) !== 0) counts.english++;
    }
  }
  for (const [lang, count] of others) {
    if (count > counts.otherCount) {
      counts.other = lang;
      counts.otherCount = count;
    }
  }
  return counts;
}

/** Evidence of Polish and English in a few words: a strong word counts 1, a shared one ½ beside a strong one. */
function wordScores(words: WordCounts): { pl: number; en: number } {
  const pl = words.polish + (words.polish > 0 ? 0.5 * words.weakPolish : 0);
  const en = words.english + (words.english > 0 ? 0.5 * words.weakEnglish : 0);
  return { pl, en };
}

/** Below this, franc's trigram guess on a short text is no better than a coin. */
const UNSURE = 0.08;
/** A text of at most this many words is "short": its words and the prior decide, not trigrams. */
const SHORT_WORDS = 5;

/**
 * The language of a text. Rules, in order:
 * 1. Polish letters (ł ś ź ż ć ń, or ą ę without Lithuanian letters) in a Latin-script text make
 *    it Polish, unless letters Polish never writes outnumber them (a Czech text naming Łódź).
 * 2. Short texts (≤ 5 words, or too few letters for trigrams): the words decide (Polish function
 *    and verdict words, English ones, a few of the other candidates'); with none, the prior;
 *    without a prior, "und" (e.g. "ok", "Super.": the same in many languages).
 * 3. Longer texts: franc's trigrams, restricted to the candidates; a text franc gives another
 *    language to but whose function words are clearly Polish (and has no foreign letters) is Polish.
 */
export function detectLanguage(text: string, prior?: LanguagePrior): LanguageGuess {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  const letters = countLetters(sample);
  if (letters.letters === 0) return { lang: UNDETERMINED, confidence: 0 };
  const polish = polishLetters(letters);
  const latinText = letters.latin > letters.cyrillic;
  // Rule 1: letters no other candidate writes; but one or two in an English text are a name ("Łukasz was great").
  let words: WordCounts | undefined;
  if (polish > 0 && latinText && letters.foreign <= polish) {
    const polishGuess = { lang: "pl", confidence: Math.round(Math.min(1, 0.8 + (0.2 * polish) / Math.max(1, letters.letters / 20)) * 100) / 100 };
    if (polish > 2) return polishGuess;
    words = countWords(sample);
    const found = wordScores(words);
    if (!(found.pl === 0 && found.en >= 3)) return polishGuess;
  }
  words ??= countWords(sample);
  const scores = wordScores(words);
  const expected = priorLanguage(prior);
  const short = words.words <= SHORT_WORDS || letters.letters < MIN_LETTERS;
  if (short) return shortText(sample, letters, words, scores, expected);

  const ranked = ranker.rank(sample);
  const [best, second] = ranked;
  const lang = best ? CANDIDATES[best[0]] : undefined;
  if (!best || !lang) return { lang: UNDETERMINED, confidence: 0 };
  // franc scores the best candidate 1 and the others relative to it.
  const gap = 1 - (second?.[1] ?? 0);
  const lengthFactor = Math.min(1, letters.letters / 60);
  const confidence = Math.round(Math.min(1, gap * 4) * (0.5 + 0.5 * lengthFactor) * 100) / 100;
  // Rule 3: Polish function words are never given another language.
  if (lang !== "pl" && latinText && letters.foreign === 0 && scores.pl >= 2 && scores.pl >= 2 * (scores.en + words.otherCount)) {
    return { lang: "pl", confidence: Math.min(0.9, 0.4 + 0.1 * scores.pl) };
  }
  if (lang !== "en" && latinText && letters.foreign === 0 && scores.en >= 2 && scores.en >= 3 * (scores.pl + words.otherCount) && confidence < 0.5) {
    return { lang: "en", confidence: Math.min(0.9, 0.4 + 0.1 * scores.en) };
  }
  if (confidence < UNSURE) return byWords(scores, words) ?? (expected ? { lang: expected, confidence: 0.3 } : { lang: UNDETERMINED, confidence: 0 });
  return { lang, confidence };
}

/** Polish or English (or another candidate) by their words, when one clearly dominates. */
function byWords(scores: { pl: number; en: number }, words: WordCounts): LanguageGuess | undefined {
  const other = words.otherCount;
  if (scores.pl > 0 && scores.pl > scores.en && scores.pl > other) return { lang: "pl", confidence: Math.min(0.9, 0.4 + 0.15 * scores.pl) };
  if (scores.en > 0 && scores.en > scores.pl && scores.en > other) return { lang: "en", confidence: Math.min(0.9, 0.4 + 0.15 * scores.en) };
  if (other > 0 && words.other && other > scores.pl && other > scores.en) return { lang: words.other, confidence: Math.min(0.8, 0.3 + 0.15 * other) };
  return undefined;
}

function shortText(
  sample: string,
  letters: LetterCounts,
  words: WordCounts,
  scores: { pl: number; en: number },
  expected: string | undefined,
): LanguageGuess {
  // Another script: the trigrams tell Russian from Ukrainian even in a word or two.
  if (letters.cyrillic > letters.latin) {
    if ((words.other === "uk" || words.other === "ru") && words.otherCount > 0) return { lang: words.other, confidence: 0.5 };
    const best = ranker.rank(sample)[0];
    const lang = best ? CANDIDATES[best[0]] : undefined;
    if (lang === "ru" || lang === "uk") return { lang, confidence: 0.5 };
    return { lang: /[іїєґІЇЄҐ]/u.test(sample) ? "uk" : "ru", confidence: 0.4 };
  }
  const found = byWords(scores, words);
  if (found) return found;
  // ė į ų ū: only Lithuanian writes them among the candidates.
  if (/[ėįųūĖĮŲŪ]/u.test(sample)) return { lang: "lt", confidence: 0.4 };
  // Letters Polish never writes: not Polish, whatever the prior says; trigrams if there are enough letters.
  if (letters.foreign > 0) {
    if (expected && expected !== "pl" && expected !== "en") return { lang: expected, confidence: 0.3 };
    if (letters.letters >= MIN_LETTERS) {
      const best = ranker.rank(sample)[0];
      const lang = best ? CANDIDATES[best[0]] : undefined;
      if (lang && lang !== "pl") return { lang, confidence: 0.2 };
    }
    return { lang: UNDETERMINED, confidence: 0 };
  }
  // Nothing in the words: the prior decides, or nobody can.
  if (expected) return { lang: expected, confidence: 0.3 };
  return { lang: UNDETERMINED, confidence: 0 };
}
