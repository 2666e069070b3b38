import { francAll } from "franc-min";

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

export const UNDETERMINED = "und";

export interface LanguageGuess {
  /** ISO 639-1, or "und" when the text is too short or too mixed to tell. */
  lang: string;
  /** 0..1; how far ahead the best guess is of the runner-up. */
  confidence: number;
}

const MIN_LETTERS = 12;

export function detectLanguage(text: string): LanguageGuess {
  const letters = text.replace(/[^\p{L}]+/gu, "");
  if (letters.length < MIN_LETTERS) return { lang: UNDETERMINED, confidence: 0 };
  const ranked = francAll(text, { only: Object.keys(CANDIDATES), minLength: MIN_LETTERS });
  const [best, second] = ranked;
  const lang = best ? CANDIDATES[best[0]] : undefined;
  if (!best || !lang) return { lang: UNDETERMINED, confidence: 0 };
  // franc scores the best candidate 1 and the others relative to it.
  const gap = 1 - (second?.[1] ?? 0);
  const lengthFactor = Math.min(1, letters.length / 60);
  const confidence = Math.round(Math.min(1, gap * 4) * (0.5 + 0.5 * lengthFactor) * 100) / 100;
  return { lang, confidence };
}
