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

/**
 * Built once, at load: tsx (esbuild, for Node 20) turns a `\p{…}` literal into `new RegExp(…)`
 * where it stands, so one written inside a function is compiled again on every call.
 */
const POLISH_LETTER = /[ąćęłńóśźż]/g;
const MARK = /\p{M}/gu;
const FOLD: Record<string, string> = { ą: "a", ć: "c", ę: "e", ł: "l", ń: "n", ó: "o", ś: "s", ź: "z", ż: "z" };

/** Polish letters folded to ASCII ("Żabce" → "zabce"), for matching text typed without diacritics. */
export function fold(word: string): string {
  // ASCII needs only lower case (most words of a review, and every miss of a per-word cache).
  let ascii = true;
  for (let index = 0; index < word.length && ascii; index++) ascii = word.charCodeAt(index) < 128;
  if (ascii) return word.toLowerCase();
  return word.toLocaleLowerCase("pl").replace(POLISH_LETTER, (char) => FOLD[char] ?? char).normalize("NFKD").replace(MARK, "");
}

/**
 * The word of up to four letters a–z that a key stands for: the scanners (sentiment.pl.ts,
 * complaints.ts) key short words by their letters, 1–26 each in base 27, padded with 0 after the
 * end, so a word of up to four letters is known without building its string.
 */
export function wordOfKey(key: number): string {
  let word = "";
  for (let rest = key, k = 0; k < 4; k++, rest = Math.floor(rest / 27)) {
    const code = rest % 27;
    if (code !== 0) word = String.fromCharCode(96 + code) + word;
  }
  return word;
}
