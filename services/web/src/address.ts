/**
 * The shapes of values a view reads from the address, the same the API checks
 * (services/api/src/params.ts): a value that does not fit is left out (or named) rather than sent.
 * Pure; one copy for every page.
 */

/** The sentiment labels, in the order the pages show them (worst first). */
export const SENTIMENTS = ["negative", "neutral", "positive"] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

/** Ids of sources, brands, topics and teams (lowercase letters, digits, dashes). */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** An ISO 639 language code. */
export const LANG_PATTERN = /^[a-z]{2,3}$/;
/** A mention id (see mentionId()). */
export const MENTION_ID_PATTERN = /^[a-f0-9]{32}$/;

/** Whether a value is one of the options (and narrows it). */
export const oneOf = <T extends string>(options: readonly T[], value: string | null | undefined): value is T =>
  typeof value === "string" && (options as readonly string[]).includes(value);

export const isSentiment = (value: string | null | undefined): value is Sentiment => oneOf(SENTIMENTS, value);

/** The value when it is an id, else undefined. */
export const idOrUndefined = (value: string | null | undefined): string | undefined => (value && ID_PATTERN.test(value) ? value : undefined);
