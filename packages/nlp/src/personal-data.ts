import { createHmac } from "node:crypto";

/**
 * Personal data in reviews: author pseudonyms and masking of contact details, order, account,
 * PESEL and card numbers in the text.
 *
 * Every regex here is linear: fixed-size or bounded quantifiers only, and each may start only
 * where a lookbehind of one character allows, so the work per position is bounded by a
 * constant (100 kB of adversarial input runs in milliseconds; see the tests).
 */

/** What every empty or anonymous author becomes. */
export const ANONYMOUS_AUTHOR = "a_anonymous";

const ANONYMOUS_NAMES = new Set([
  "", "-", "--", "?", "n/a", "na", "brak", "none", "null", "undefined",
  "anonim", "anonimowy", "anonimowa", "anonimowy użytkownik", "anonimowy klient", "anonymous", "anon",
  "użytkownik", "uzytkownik", "klient", "klientka", "gość", "gosc", "guest", "user", "customer",
  "użytkownik google", "uzytkownik google", "a google user", "google user", "app store user",
  "zweryfikowany klient", "verified customer", "verified buyer", "kupujący", "kupujacy",
]);

/**
 * A stable pseudonym for an author name: "a_" + the first 16 hex digits of HMAC-SHA256(key, name).
 * The name is normalised first (Unicode NFKC, trimmed, inner whitespace collapsed, lower case), so
 * "Jan Kowalski" and " jan  KOWALSKI" are the same person. Without the key the pseudonym can not
 * be reversed by hashing a list of names; the key is never part of the output. Empty and
 * anonymous names ("Anonim", "Użytkownik Google", "A Google user"…) all become ANONYMOUS_AUTHOR.
 */
export function pseudonymiseAuthor(name: string, key: string): string {
  if (key.length === 0) throw new Error("pseudonymiseAuthor: the key must not be empty");
  const normalised = name.normalize("NFKC").trim().replace(/\s+/g, " ").toLocaleLowerCase("pl");
  if (ANONYMOUS_NAMES.has(normalised)) return ANONYMOUS_AUTHOR;
  return "a_" + createHmac("sha256", key).update(normalised, "utf8").digest("hex").slice(0, 16);
}

export type PersonalDataKind = "email" | "phone" | "order" | "account" | "pesel" | "card";

export const PERSONAL_DATA_PLACEHOLDERS: Readonly<Record<PersonalDataKind, string>> = {
  email: "[e-mail]",
  phone: "[telefon]",
  order: "[nr zamówienia]",
  account: "[nr konta]",
  pesel: "[PESEL]",
  card: "[karta]",
};

const KIND_ORDER: readonly PersonalDataKind[] = ["email", "phone", "order", "account", "pesel", "card"];

// --- the patterns -------------------------------------------------------------------------------

// Letters and digits of the scripts reviews come in, for the boundaries: an explicit class is
// several times faster in V8 than \p{L} in a lookbehind.
const LN = String.raw`0-9A-Za-z\u00AA\u00B5\u00BA\u00C0-\u024F\u0370-\u052F`;
const rx = (source: string, flags: string): RegExp => new RegExp(source.replaceAll("LN", LN), flags);

// E-mail: found from each "@": the local part is read backwards by hand (at most 64 characters),
// the domain with a sticky regex.
const EMAIL_LOCAL = rx(String.raw`[LN._%+\-]`, "u");
const EMAIL_DOMAIN = rx(String.raw`[LN\-]{1,63}(?:\.[LN\-]{1,63}){0,6}\.[A-Za-z\u00C0-\u024F]{2,24}(?![LN\-]|\.[LN])`, "uy");

// Polish account number (NRB, 26 digits) or IBAN with PL: grouped 2+4×6 with optional spaces/dashes.
const PL_ACCOUNT = rx(String.raw`(?<![LN])(?:PL[ ]?)?\d{2}(?:[ \-]?\d{4}){6}(?!\d)`, "gi");
// Other IBANs: two letters, two check digits, 11–30 alphanumerics in groups; mod-97 checked.
const IBAN = rx(String.raw`(?<![LN])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?![LN])`, "g");

// Card numbers: 13–19 digits in one run, or 4-4-4-4(-3), or 4-6-5 (Amex); Luhn checked.
const CARD = rx(String.raw`(?<![LN.,])(?:\d{13,19}|\d{4}([ \-])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{4}([ \-])\d{6}\2\d{5})(?!\d|[.,]\d)`, "g");

// PESEL: 11 digits with a valid checksum and birth date; or any 11 digits right after "PESEL".
const PESEL = rx(String.raw`(?<![LN.,])\d{11}(?!\d|[.,]\d)`, "g");
const PESEL_KEYWORD = /pesel[ \t]{0,3}(?:nr\.?|numer)?[ \t:]{0,3}$/i;

// Order, parcel, invoice and complaint numbers: a word saying so right before the number.
const ORDER_CONTEXT = [
  String.raw`zam[oó]wieni(?:e|a|u|em)`,
  String.raw`zam[oó]wie[nń]`,
  String.raw`(?:nr|numer|numerem|numeru)\.?[ \t]{0,3}(?:zam[oó]wienia|przesy[lł]ki|paczki|faktury|transakcji|reklamacji|zg[lł]oszenia|sprawy|zwrotu|listu przewozowego)`,
  String.raw`przesy[lł]k[aięi]|paczk[aięi]|faktur[aęy]|reklamacj[aię]|zg[lł]oszeni[ea]|transakcj[aię]`,
  String.raw`(?:order|invoice|tracking|parcel|shipment|ticket|case|complaint|transaction)(?:[ \t]{1,3}(?:number|no\.?|id|ref\.?|reference))?`,
].join("|");
const GAP = String.raw`(?:[ \t]{1,3}(?:nr|numer|no|number|id)\.?)?(?:[ \t]{0,3}[:#][ \t]{0,3}|[ \t]{1,3}#?)$`;
const ORDER_BEFORE = rx(String.raw`(?<![LN])(?:${ORDER_CONTEXT})${GAP}`, "iu");
// Bank and customer account numbers, likewise.
const ACCOUNT_BEFORE = rx(
  String.raw`(?<![LN])(?:(?:nr|numer|numerem|numeru)\.?[ \t]{0,3}(?:konta|rachunku|klienta|karty klienta|iban)|konto|na[ \t]konto|account(?:[ \t]{1,3}(?:number|no\.?|id))?|iban|customer[ \t](?:number|id|no\.?))${GAP}`,
  "iu",
);
const ACCOUNT_NUMBER = /(?:PL[ ]?)?\d(?:[ -]?\d){3,33}/iy;

// Phones: +48 / 0048 optional, then 3-3-3, 9 in a row, 3-2-2-2, or landline (22) 123 45 67.
const PHONE = rx(
  String.raw`(?<![LN.,/+])(?:(?:\+|00)[ ]?48[ \-]?)?(?:[1-9]\d{2}([ \-]?)\d{3}\1\d{3}|[1-9]\d{2}[ \-]\d{2}[ \-]\d{2}[ \-]\d{2}|\(0?[1-9]\d\)[ ]?\d{3}[ \-]?\d{2}[ \-]?\d{2}|[1-9]\d[ \-]\d{3}[ \-]\d{2}[ \-]\d{2})(?!\d|[.,]\d)`,
  "g",
);

const CURRENCY_AFTER = /^[ \t]?(?:zł|zl|pln|eur|usd|gbp|€|\$|złotych|zlotych|euro)(?![\p{L}])/iu;
const CODE_BEFORE =
  /(?<![\p{L}])(?:ean|gtin|isbn|sku|kod|code|model|art|nip|regon|krs|ref|symbol|indeks|index|item|product)(?:[ \t]{1,2}(?:produktu|towaru|kreskowy|product|item|code))?[ \t.:#-]{0,4}(?:nr\.?[ \t]?)?$/iu;

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3] as const;

/** PESEL checksum and a real birth date (month +20/+40/+60/+80 for other centuries). */
export function isValidPesel(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (digits.charCodeAt(i) - 48) * (PESEL_WEIGHTS[i] ?? 0);
  if ((10 - (sum % 10)) % 10 !== digits.charCodeAt(10) - 48) return false;
  const month = Number(digits.slice(2, 4)) % 20;
  const day = Number(digits.slice(4, 6));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function ibanValid(iban: string): boolean {
  const compact = iban.replace(/ /g, "").toUpperCase();
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

const countDigits = (text: string): number => {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
};

/** The fewest digits each pattern above can match. */
const MIN_DIGITS = { plAccount: 26, iban: 2, card: 13, pesel: 11, phone: 9 } as const;

const EXPLICIT_NUMBER = /(?<![\p{L}])(?:nr|numer|numerem|numeru|no|number|id)(?![\p{L}])/iu;
const DATE_LIKE = /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;
const YEAR_LIKE = /^(?:19|20)\d\d$/;

export interface MaskedText {
  text: string;
  found: PersonalDataKind[];
}

/**
 * Replaces e-mail addresses, phone numbers, order and account numbers (in context), Polish
 * account numbers and IBANs, PESEL numbers and payment card numbers with placeholders
 * ("[e-mail]", "[telefon]", "[nr zamówienia]", "[nr konta]", "[PESEL]", "[karta]"); `found`
 * lists the kinds masked, in a fixed order. Leaves prices, dates, years, ratings, quantities and
 * product codes alone: numbers must have the shape of their kind (and a valid checksum for
 * PESEL, cards and foreign IBANs), order numbers need a word saying so before them, and a number
 * followed by a currency or preceded by "EAN", "kod", "model"… is not a phone or a card.
 */
export function maskPersonalData(text: string): MaskedText {
  const hasAt = text.includes("@");
  // Each pattern needs some digits; the count in the original text bounds the count after any
  // earlier replacement, so a pattern that needs more is not even tried.
  const digits = countDigits(text);
  if (!hasAt && digits === 0) return { text, found: [] };
  const found = new Set<PersonalDataKind>();
  let out = hasAt ? maskEmails(text, found) : text;
  if (digits === 0) return { text: out, found: KIND_ORDER.filter((kind) => found.has(kind)) };

  if (digits >= MIN_DIGITS.plAccount) {
    out = out.replace(PL_ACCOUNT, () => {
      found.add("account");
      return PERSONAL_DATA_PLACEHOLDERS.account;
    });
  }
  if (digits >= MIN_DIGITS.iban) {
    out = out.replace(IBAN, (match) => {
      if (!ibanValid(match)) return match;
      found.add("account");
      return PERSONAL_DATA_PLACEHOLDERS.account;
    });
  }
  out = maskInContext(out, found);
  if (digits < MIN_DIGITS.phone) return { text: out, found: KIND_ORDER.filter((kind) => found.has(kind)) };

  const notACode = (source: string, offset: number, length: number): boolean =>
    !CURRENCY_AFTER.test(source.slice(offset + length, offset + length + 12)) && !CODE_BEFORE.test(source.slice(Math.max(0, offset - 24), offset));

  out = out.replace(PHONE, (match: string, ...rest: unknown[]) => {
    const offset = rest[rest.length - 2] as number;
    const source = rest[rest.length - 1] as string;
    if (!notACode(source, offset, match.length)) return match;
    found.add("phone");
    return PERSONAL_DATA_PLACEHOLDERS.phone;
  });

  if (digits >= MIN_DIGITS.card) out = out.replace(CARD, (match: string, ...rest: unknown[]) => {
    const offset = rest[rest.length - 2] as number;
    const source = rest[rest.length - 1] as string;
    const digits = match.replace(/[ -]/g, "");
    const first = digits.charCodeAt(0) - 48;
    const plausible = digits.length === 13 ? first === 4 : first >= 2 && first <= 6;
    if (!plausible || !luhn(digits) || !notACode(source, offset, match.length)) return match;
    found.add("card");
    return PERSONAL_DATA_PLACEHOLDERS.card;
  });

  if (digits >= MIN_DIGITS.pesel) out = out.replace(PESEL, (match: string, offset: number, source: string) => {
    const keyword = PESEL_KEYWORD.test(source.slice(Math.max(0, offset - 20), offset));
    if (!keyword && (!isValidPesel(match) || !notACode(source, offset, match.length))) return match;
    found.add("pesel");
    return PERSONAL_DATA_PLACEHOLDERS.pesel;
  });

  return { text: out, found: KIND_ORDER.filter((kind) => found.has(kind)) };
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) || (code >= 0x370 && code <= 0x52f);
}
const isDigit = (code: number): boolean => code >= 48 && code <= 57;
/** What an order or account number is made of: letters, digits, "/", "-", "_". */
const isRunChar = (code: number): boolean => isWordChar(code) || code === 47 || code === 45 || code === 95;

function maskEmails(text: string, found: Set<PersonalDataKind>): string {
  let out = "";
  let copied = 0;
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    let start = at;
    while (start > copied && at - start < 64 && EMAIL_LOCAL.test(text.charAt(start - 1))) start--;
    if (start === at || (start > 0 && EMAIL_LOCAL.test(text.charAt(start - 1)))) continue;
    EMAIL_DOMAIN.lastIndex = at + 1;
    const domain = EMAIL_DOMAIN.exec(text);
    if (!domain) continue;
    out += text.slice(copied, start) + PERSONAL_DATA_PLACEHOLDERS.email;
    copied = at + 1 + domain[0].length;
    found.add("email");
    at = copied - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Order and account numbers after a word that says so. Jumps from digit to digit to the runs of
 * letters, digits and "/_-" that hold one; only a run right after a letter (past spaces, ":",
 * "#", ".") can follow such a word, and only for those a regex reads the 64 characters before it.
 */
function maskInContext(text: string, found: Set<PersonalDataKind>): string {
  let out = "";
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // The next digit, and the run around it (not reaching back before i: a masked number ends there).
    let digit = i;
    while (digit < n && !isDigit(text.charCodeAt(digit))) digit++;
    if (digit === n) break;
    let start = digit;
    while (start > i && isRunChar(text.charCodeAt(start - 1))) start--;
    i = digit + 1;
    while (i < n && isRunChar(text.charCodeAt(i))) i++;
    let back = start - 1;
    while (back >= 0 && back > start - 8 && /[ \t:#]/.test(text.charAt(back))) back--;
    if (back >= 0 && text.charAt(back) === ".") back--;
    if (back < 0 || back === start - 1 || !isWordChar(text.charCodeAt(back)) || isDigit(text.charCodeAt(back))) continue;
    // Both context patterns end in a space, a tab, ":" or "#" right before the number.
    const gapEnd = text.charCodeAt(start - 1);
    if (gapEnd !== 32 && gapEnd !== 9 && gapEnd !== 58 && gapEnd !== 35) continue;
    const before = text.slice(Math.max(copied, start - 64), start);
    if (ACCOUNT_BEFORE.test(before)) {
      ACCOUNT_NUMBER.lastIndex = start;
      const number = ACCOUNT_NUMBER.exec(text);
      const end = number ? start + number[0].length : i;
      const id = text.slice(start, end);
      if (countDigits(id) < 4 || DATE_LIKE.test(id)) continue;
      out += text.slice(copied, start) + PERSONAL_DATA_PLACEHOLDERS.account;
      copied = i = end;
      found.add("account");
      continue;
    }
    const match = ORDER_BEFORE.exec(before);
    if (!match) continue;
    let end = i;
    while (end > start && /[/_-]/.test(text.charAt(end - 1))) end--;
    const id = text.slice(start, end);
    const explicit = /[:#]/.test(match[0]) || EXPLICIT_NUMBER.test(match[0]);
    const idDigits = countDigits(id);
    if (idDigits < (explicit ? 3 : 4) || DATE_LIKE.test(id) || (!explicit && YEAR_LIKE.test(id))) continue;
    if (CURRENCY_AFTER.test(text.slice(end, end + 12))) continue;
    out += text.slice(copied, start) + PERSONAL_DATA_PLACEHOLDERS.order;
    copied = end;
    found.add("order");
  }
  return copied === 0 ? text : out + text.slice(copied);
}
