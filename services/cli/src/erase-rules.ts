/**
 * The decisions of `odzew erase`, without Kafka or the engine: whether a name may be erased at
 * all, whether a stored copy belongs to what is erased, what a topic holds once compacted, what
 * an alert looks like without the erased mentions, and whether to go ahead.
 */

/** Folds a name for comparison: no diacritics (ł too), lower case, punctuation as spaces. */
export function foldName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[łŁ]/g, "l")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * What sources and reviewers put where a name would be, folded: the same text stands for many
 * different people, so erasing it would erase them all and block all their future reviews.
 * Google's "A Google User" and "Użytkownik Google", Opineo's and Ceneo's "anonim", the shop's
 * "Klient"… and the English and Polish words anyone may type instead of a name.
 */
const PLACEHOLDER_WORDS = [
  "anonim", "anonimowy", "anonimowa", "anonimowe", "anonymous", "anon", "incognito",
  "uzytkownik", "uzytkowniczka", "user", "klient", "klientka", "customer", "client",
  "gosc", "guest", "kupujacy", "kupujaca", "buyer", "purchaser", "shopper", "nabywca",
  "konsument", "konsumentka", "recenzent", "recenzentka", "reviewer", "autor", "author",
  "osoba", "person", "someone", "ktos", "nieznany", "nieznana", "unknown", "brak", "none",
  "null", "undefined", "n a", "na", "nd", "pan", "pani", "ja", "me", "x", "xx", "xxx",
];
const PLACEHOLDER_QUALIFIERS = [
  "anonimowy", "anonimowa", "anonymous", "zweryfikowany", "zweryfikowana", "verified", "a", "an", "the", "jakis", "jakas",
  "zadowolony", "zadowolona", "niezadowolony", "niezadowolona", "staly", "stala", "happy", "unhappy",
];
const PLACEHOLDER_PLATFORMS = [
  "google", "google play", "play", "play store", "app store", "apple", "itunes", "ceneo", "opineo", "allegro", "trustpilot",
  "facebook", "sklepu", "serwisu", "aplikacji", "app", "store", "shop", "sklep",
];

const word = `(?:${PLACEHOLDER_WORDS.join("|")})`;
const qualifier = `(?:${PLACEHOLDER_QUALIFIERS.join("|")})`;
const platform = `(?:${PLACEHOLDER_PLATFORMS.join("|")})`;
/** "anonim", "Anonimowy użytkownik", "A Google user", "Użytkownik Google", "App Store user", "anonim123". */
const PLACEHOLDER = new RegExp(`^(?:(?:${qualifier} )*(?:${platform} )?${word}(?: ${platform})?(?: ?\\d+)?|${platform})?$`);

export type NameVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether an author name names one person and may be erased. Refused: empty names, placeholders
 * such as "Anonim", "Klient", "A Google user" (any case, with or without diacritics), and names
 * the enricher's pseudonym already lumps together (`lumpedTogether`: its own rule).
 */
export function judgeAuthorName(name: string, lumpedTogether: (name: string) => boolean): NameVerdict {
  const folded = foldName(name);
  if (folded === "") return { ok: false, reason: "an empty name (or only punctuation) is what every anonymous review has" };
  if (PLACEHOLDER.test(folded) || lumpedTogether(name)) {
    return {
      ok: false,
      reason:
        `"${name}" is a placeholder that sources and reviewers use for anonymous authors, not one person's name; ` +
        "erasing it would erase every anonymous review and block all future ones. Erase the person's reviews by id instead: --mention ID",
    };
  }
  return { ok: true };
}

const MENTION_ID = /^[a-f0-9]{32}$/;

export interface EraseRequest {
  /** The author's name as the source shows it. */
  author?: string;
  /** Mentions to erase alone, by id. */
  mentionIds: string[];
  reference?: string;
}

/** Checks what the user asked for; a message that says what to do otherwise. */
export function parseEraseRequest(
  input: { author?: string | undefined; mention?: string[] | undefined; reference?: string | undefined },
  lumpedTogether: (name: string) => boolean,
): { ok: true; request: EraseRequest } | { ok: false; reason: string } {
  const mentionIds = [...new Set((input.mention ?? []).map((id) => id.trim().toLowerCase()))];
  if (input.author === undefined && mentionIds.length === 0) {
    return { ok: false, reason: "erase needs --author NAME (the name as the source shows it) or --mention ID (repeatable)" };
  }
  const badId = mentionIds.find((id) => !MENTION_ID.test(id));
  if (badId !== undefined) return { ok: false, reason: `--mention takes a mention id (32 hex characters, as the API shows it), not "${badId}"` };
  if (input.author !== undefined) {
    const verdict = judgeAuthorName(input.author, lumpedTogether);
    if (!verdict.ok) return verdict;
  }
  if (input.reference !== undefined && input.reference.length > 200) return { ok: false, reason: "--reference takes at most 200 characters (a ticket number, never the person's name)" };
  return {
    ok: true,
    request: {
      ...(input.author !== undefined ? { author: input.author } : {}),
      mentionIds,
      ...(input.reference !== undefined ? { reference: input.reference } : {}),
    },
  };
}

/** What is erased, in the terms copies can be compared with. */
export interface ErasureTarget {
  /** Pseudonyms of the authors erased (never the anonymous pseudonym). */
  pseudonyms: ReadonlySet<string>;
  /** The names as given: for copies that cannot be parsed (a truncated dead letter). */
  names: readonly string[];
  /** Mentions erased, by id: named by the user, or found to be the author's (grows as copies are found). */
  mentionIds: Set<string>;
}

/** What can be read of a stored copy of a mention. */
export interface CopyFacts {
  id?: string;
  authorName?: string;
  authorPseudonym?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The id and author of a mention-like JSON value (raw, enriched, or an alert's mention), whatever else it fails. */
export function copyFacts(value: unknown): CopyFacts {
  if (!isRecord(value)) return {};
  const facts: CopyFacts = {};
  if (typeof value.id === "string") facts.id = value.id;
  if (typeof value.authorPseudonym === "string") facts.authorPseudonym = value.authorPseudonym;
  if (isRecord(value.author) && typeof value.author.name === "string") facts.authorName = value.author.name;
  else if (typeof value.author === "string") facts.authorName = value.author;
  return facts;
}

/**
 * Whether a copy belongs to what is erased: its id is erased, or its author is (by the stored
 * pseudonym, or by the stored name put through the enricher's own pseudonym: raw copies have
 * no pseudonym, and "jan  KOWALSKI" is the same person as "Jan Kowalski" there too).
 */
export function copyMatches(facts: CopyFacts, target: ErasureTarget, pseudonymise: (name: string) => string): boolean {
  if (facts.id !== undefined && target.mentionIds.has(facts.id)) return true;
  if (target.pseudonyms.size === 0) return false;
  if (facts.authorPseudonym !== undefined && target.pseudonyms.has(facts.authorPseudonym)) return true;
  return facts.authorName !== undefined && target.pseudonyms.has(pseudonymise(facts.authorName));
}

/** Parses JSON, or says it is not JSON. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Whether a record of a mention topic (raw or enriched) belongs to what is erased. A copy that
 * is not JSON at all is judged by its text: it holds one of the names as a JSON string.
 */
export function mentionRecordMatches(key: string | null, value: string, target: ErasureTarget, pseudonymise: (name: string) => string): boolean {
  if (key !== null && target.mentionIds.has(key)) return true;
  const parsed = parseJson(value);
  if (parsed.ok) return copyMatches(copyFacts(parsed.value), target, pseudonymise);
  return target.names.some((name) => value.includes(JSON.stringify(name)));
}

/**
 * Whether a dead letter carries what is erased: its key (the original message's key, a mention
 * id) is erased, or its original payload is a matching mention. A truncated or otherwise
 * unparsable payload is judged by its text.
 */
export function deadLetterMatches(key: string | null, value: string, target: ErasureTarget, pseudonymise: (name: string) => string): boolean {
  if (key !== null && target.mentionIds.has(key)) return true;
  const parsed = parseJson(value);
  if (!parsed.ok || !isRecord(parsed.value) || !isRecord(parsed.value.original)) return mentionRecordMatches(null, value, target, pseudonymise);
  const original = parsed.value.original;
  if (typeof original.key === "string" && target.mentionIds.has(original.key)) return true;
  if (typeof original.value !== "string") return false;
  const text = original.encoding === "base64" ? Buffer.from(original.value, "base64").toString("utf8") : original.value;
  return mentionRecordMatches(null, text, target, pseudonymise);
}

/** A record as read from a topic: a null value is a tombstone. */
export interface TopicRecord<T> {
  key: string | null;
  value: T | null;
}

/**
 * What a compacted topic holds once the log cleaner has run: the latest value of each key,
 * keys whose latest record is a tombstone gone, records without a key dropped.
 */
export function compacted<T>(records: Iterable<TopicRecord<T>>): Map<string, T> {
  const latest = new Map<string, T | null>();
  for (const record of records) if (record.key !== null) latest.set(record.key, record.value);
  const live = new Map<string, T>();
  for (const [key, value] of latest) if (value !== null) live.set(key, value);
  return live;
}

/**
 * An alert record without the erased mentions: undefined when it names none of them. Every
 * other field is kept as it was (the alerter owns the record's shape); `mentions` entries are
 * matched by id, and by author where the alerter records one.
 */
export function alertWithout(alert: unknown, target: ErasureTarget, pseudonymise: (name: string) => string): Record<string, unknown> | undefined {
  if (!isRecord(alert) || !Array.isArray(alert.mentions)) return undefined;
  const kept = alert.mentions.filter((mention) => !copyMatches(copyFacts(mention), target, pseudonymise));
  if (kept.length === alert.mentions.length) return undefined;
  return { ...alert, mentions: kept };
}

/** How many copies of what is erased each place holds. */
export interface ErasureCounts {
  index: number;
  raw: number;
  enriched: number;
  deadLetters: number;
  alerts: number;
  /** Distinct mentions over the index and the mention topics. */
  mentions: number;
}

export type EraseDecision =
  | { action: "dry-run"; message: string }
  | { action: "proceed" }
  | { action: "ask"; question: string }
  | { action: "refuse"; message: string };

/** One line a person can read before saying yes: what a request matches, where. */
export function describeCounts(counts: ErasureCounts): string {
  return (
    `matches ${counts.mentions} mention${counts.mentions === 1 ? "" : "s"} ` +
    `(index ${counts.index}, raw topic ${counts.raw}, enriched topic ${counts.enriched}, dead letters ${counts.deadLetters}, alerts ${counts.alerts})`
  );
}

/**
 * Whether to go ahead. Erasure cannot be undone, so it goes ahead only with `--yes` or a yes
 * typed on a terminal; without a terminal and without `--yes` it refuses, with the count and
 * how to confirm. `--dry-run` only tells.
 */
export function decideErase(input: { counts: ErasureCounts; yes: boolean; dryRun: boolean; interactive: boolean; author: boolean }): EraseDecision {
  const what = `${describeCounts(input.counts)}${input.author ? "; future reviews of this author will be dropped when collected" : ""}`;
  if (input.dryRun) return { action: "dry-run", message: `dry run: this erasure ${what}; nothing was changed` };
  if (input.yes) return { action: "proceed" };
  if (input.interactive) return { action: "ask", question: `This erasure ${what}. It cannot be undone. Erase? [y/N] ` };
  return {
    action: "refuse",
    message: `this erasure ${what}; it cannot be undone, so confirm it: run again with --yes (or on a terminal), or look first with --dry-run`,
  };
}
