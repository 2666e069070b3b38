/**
 * Words as the NLP sees them: lower-case letter runs (diacritics kept), numbers, and emoji as
 * their own tokens, with their offsets in the original text. No allocation beyond the tokens.
 */
export interface Token {
  text: string;
  start: number;
}

const TOKEN = /\p{L}+(?:['’]\p{L}+)?|\p{N}+|\p{Extended_Pictographic}/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) tokens.push({ text: match[0].toLocaleLowerCase("pl"), start: match.index });
  return tokens;
}

/** Just the words, lower-cased. */
export function words(text: string): string[] {
  return tokenize(text).map((token) => token.text);
}

const FOLD: Record<string, string> = { ą: "a", ć: "c", ę: "e", ł: "l", ń: "n", ó: "o", ś: "s", ź: "z", ż: "z" };

/** Polish letters folded to ASCII ("Żabce" → "zabce"), for matching text typed without diacritics. */
export function fold(word: string): string {
  // ASCII needs only lower case (most words of a review, and every miss of a per-word cache).
  let ascii = true;
  for (let index = 0; index < word.length && ascii; index++) ascii = word.charCodeAt(index) < 128;
  if (ascii) return word.toLowerCase();
  return word.toLocaleLowerCase("pl").replace(/[ąćęłńóśźż]/g, (char) => FOLD[char] ?? char).normalize("NFKD").replace(/\p{M}/gu, "");
}
