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

const MIN_LETTERS = 12;
/** Trigram statistics settle long before this; reading further only costs time. */
const SAMPLE = 600;
/** Letters only Polish uses among the candidates (ó is Czech too; ą and ę are Lithuanian too): ł ś ź ż ć ń, both cases. */
const POLISH_ONLY = new Set([0x141, 0x142, 0x15a, 0x15b, 0x179, 0x17a, 0x17b, 0x17c, 0x106, 0x107, 0x143, 0x144]);

/** Letters and Polish-only letters in the sample, in one pass without allocating. */
function countLetters(sample: string): { letters: number; polish: number } {
  let letters = 0;
  let polish = 0;
  for (let index = 0; index < sample.length; index++) {
    const code = sample.charCodeAt(index);
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) letters++;
    else if (code >= 0xc0 && code < 0x2000 && code !== 0xd7 && code !== 0xf7) {
      letters++;
      if (POLISH_ONLY.has(code)) polish++;
    }
  }
  return { letters, polish };
}

/** Function words that give Polish or English away even in a few words. */
const FUNCTION_WORDS: Record<string, Set<string>> = {
  pl: new Set("i w na nie z do się że jest to jak ale co od po za bez dla mój moja moje już tylko bardzo jestem był była było są przez czy też oraz".split(" ")),
  en: new Set("the and is are was were not with for this that but very my i it of to in on have has had be from".split(" ")),
};
const WORD = /\p{L}+/gu;

/** Polish or English by their function words, when one of them clearly dominates. */
function byFunctionWords(sample: string): LanguageGuess | undefined {
  let pl = 0;
  let en = 0;
  for (const match of sample.matchAll(WORD)) {
    const word = match[0].toLocaleLowerCase("pl");
    if (FUNCTION_WORDS.pl!.has(word)) pl += 1;
    if (FUNCTION_WORDS.en!.has(word)) en += 1;
  }
  if (pl >= 2 && pl >= 3 * en) return { lang: "pl", confidence: Math.min(0.9, 0.4 + 0.1 * pl) };
  if (en >= 2 && en >= 3 * pl) return { lang: "en", confidence: Math.min(0.9, 0.4 + 0.1 * en) };
  return undefined;
}

/** Below this, franc's trigram guess on a short text is no better than a coin. */
const UNSURE = 0.08;

export function detectLanguage(text: string): LanguageGuess {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  const { letters, polish } = countLetters(sample);
  if (letters < MIN_LETTERS) return { lang: UNDETERMINED, confidence: 0 };
  // Fast path: several letters no other candidate language writes.
  if (polish >= 3 && polish / letters > 0.01) return { lang: "pl", confidence: Math.min(1, 0.8 + polish / letters) };
  const ranked = ranker.rank(sample);
  const [best, second] = ranked;
  const lang = best ? CANDIDATES[best[0]] : undefined;
  if (!best || !lang) return { lang: UNDETERMINED, confidence: 0 };
  // franc scores the best candidate 1 and the others relative to it.
  const gap = 1 - (second?.[1] ?? 0);
  const lengthFactor = Math.min(1, letters / 60);
  const confidence = Math.round(Math.min(1, gap * 4) * (0.5 + 0.5 * lengthFactor) * 100) / 100;
  if (confidence < UNSURE) return byFunctionWords(sample) ?? { lang: UNDETERMINED, confidence: 0 };
  return { lang, confidence };
}
