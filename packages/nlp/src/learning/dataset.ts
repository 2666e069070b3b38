import { compareVersions, type EnrichedMention } from "@odzew/schema";

/**
 * The training data of the brand's own model: the rated Polish mentions on the enriched topic,
 * the latest version of each, ordered by when they were published.
 */

/** One rated Polish mention, as much of it as learning needs. */
export interface RatedMention {
  id: string;
  /** Title and text, as the enrichment reads them. */
  text: string;
  /** Stars, 1–5. */
  rating: number;
  publishedAt: string;
}

/** One version of a mention on the enriched topic: when it was read, and what it offers learning (if anything). */
export interface MentionVersion {
  id: string;
  collectedAt: string;
  enrichedAt: string;
  /** Absent when this version is not a rated Polish mention with text. */
  rated?: RatedMention;
}

const HAS_LETTER = /\p{L}/u;

/**
 * What a version of a mention offers learning: a rated mention when it is Polish (as the enricher
 * detected it), carries stars and has text with at least one letter (a review of stars alone
 * teaches the text nothing).
 */
export function mentionVersion(mention: EnrichedMention): MentionVersion {
  const text = mention.title ? `${mention.title}\n${mention.text}` : mention.text;
  const rating = mention.rating?.value;
  const usable = mention.lang === "pl" && rating !== undefined && HAS_LETTER.test(text);
  return {
    id: mention.id,
    collectedAt: mention.collectedAt,
    enrichedAt: mention.enrichedAt,
    ...(usable ? { rated: { id: mention.id, text, rating, publishedAt: mention.publishedAt } } : {}),
  };
}

/**
 * Whether `candidate` is a newer version than `current`: read later, or the same reading
 * enriched later (the indexer's order, see `compareVersions` in @odzew/search); equal counts as
 * newer, so the last of equal versions wins, as on a compacted topic.
 */
export function isNewerVersion(candidate: MentionVersion, current: MentionVersion): boolean {
  return compareVersions(candidate, current) >= 0;
}

/** Keeps the newest version per mention; call once per version read, in any order. */
export function keepNewest(versions: Map<string, MentionVersion>, version: MentionVersion): void {
  const current = versions.get(version.id);
  if (!current || isNewerVersion(version, current)) versions.set(version.id, version);
}

/** The rated mentions among the newest versions, oldest first (ties by id, so the order is total). */
export function ratedMentions(versions: Iterable<MentionVersion>): RatedMention[] {
  const rated: RatedMention[] = [];
  for (const version of versions) if (version.rated) rated.push(version.rated);
  return rated.sort(byPublished);
}

function byPublished(a: RatedMention, b: RatedMention): number {
  return Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Split by time: the newest `heldOut` share (by publishedAt) is held out for evaluation, the rest
 * is learned from. A model is judged on mentions newer than any it learned from, as it will be used.
 * The input need not be sorted.
 */
export function splitByTime(mentions: readonly RatedMention[], heldOut = 0.15): { train: RatedMention[]; test: RatedMention[] } {
  if (!(heldOut > 0 && heldOut < 1)) throw new RangeError(`the held-out share is in (0, 1), got ${heldOut}`);
  const sorted = [...mentions].sort(byPublished);
  const cut = Math.floor(sorted.length * (1 - heldOut));
  return { train: sorted.slice(0, cut), test: sorted.slice(cut) };
}
