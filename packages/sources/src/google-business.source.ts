import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type GoogleBusinessSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, type Page, type PollContext, type PollProblem, type SourceAdapter } from "./adapter.ts";
import {
  forgetGoogleAccessToken,
  googleAccessToken,
  googleApiError,
  googleTimestamp,
  isRecord,
  readGoogleJson,
  readOAuthSecrets,
  type GoogleOAuthConfig,
} from "./google-oauth.ts";
import { cleanText, normaliseRating } from "./text.ts";

const API = "The Google Business Profile API";
const MAX_TEXT = 100_000;
/** The largest page the API serves. */
const PAGE_SIZE = 50;

const STARS: Record<string, number> = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 };

/**
 * Your own location's reviews through the Business Profile API (accounts.locations.reviews.list,
 * v4), with your replies, as the user who manages the location (OAuth refresh token). Pages of
 * 50 by `nextPageToken`, ordered by `updateTime desc`.
 *
 * The API gives no language and no public link of a review: `lang` and `url` stay unset. A
 * review with stars only has no `comment`: it is kept, with an empty text, since the rating is
 * the message. Google prefixes some comments with its own translation ("(Translated by Google)
 * … (Original) …"): only the reviewer's original words are kept.
 */
export const googleBusinessAdapter: SourceAdapter<GoogleBusinessSourceConfig> = {
  type: "google-business",
  async poll(source, context) {
    const oauth: GoogleOAuthConfig = { tokenUrl: source.tokenUrl, ...source.oauth };
    readOAuthSecrets(oauth, context); // a missing secret fails the poll before any request
    const collectedAt = context.now.toISOString();
    const location = locationName(source);
    const reviewsUrl = businessReviewsUrl(source);

    return paginate(source, context, "", async (pageToken): Promise<Page> => {
      const url =
        `${reviewsUrl}?pageSize=${PAGE_SIZE}` +
        (pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : "") +
        `&orderBy=${encodeURIComponent("updateTime desc")}`;
      const { text, requests } = await authorisedGet(url, oauth, context, location);
      const body = readGoogleJson(text, url, API);
      const reviews = body.reviews ?? [];
      if (!Array.isArray(reviews)) {
        throw new OdzewError("SOURCE_PARSE", `${API} answered ${url} with "reviews" that is not a list`, { context: { url } });
      }

      const problems: PollProblem[] = [];
      const dated: { mention: RawMention; at: number }[] = [];
      for (const [index, review] of reviews.entries()) {
        const parsed = readReview(review, index, source, collectedAt);
        if ("problem" in parsed) problems.push({ page: url, reason: parsed.problem });
        else dated.push({ mention: parsed, at: Date.parse(parsed.publishedAt) });
      }
      // The API orders by update time: an old review edited (or answered) since the last poll
      // comes first. Ordered by when they were written, the new reviews of the page come before
      // it, so the incremental stop at the first seen review does not hide them.
      dated.sort((a, b) => b.at - a.at);

      const next = typeof body.nextPageToken === "string" && body.nextPageToken !== "" ? body.nextPageToken : undefined;
      return { url, mentions: dated.map((entry) => entry.mention), problems, next, requests };
    });
  },
};

/** The location's resource name: `accounts/{accountId}/locations/{locationId}`. */
export function locationName(source: GoogleBusinessSourceConfig): string {
  return `accounts/${source.accountId}/locations/${source.locationId}`;
}

/** The location's reviews in the v4 API: `{baseUrl}/v4/accounts/{a}/locations/{l}/reviews` (a review's id follows). */
export function businessReviewsUrl(source: GoogleBusinessSourceConfig): string {
  return `${source.baseUrl.replace(/\/+$/, "")}/v4/${locationName(source)}/reviews`;
}

/** GET with a bearer token; a cached token the API refuses is replaced once (it may have been revoked). */
async function authorisedGet(
  url: string,
  oauth: GoogleOAuthConfig,
  context: PollContext,
  location: string,
): Promise<{ text: string; requests: number }> {
  let requests = 0;
  for (;;) {
    const access = await googleAccessToken(oauth, context);
    if (!access.cached) requests += 1;
    try {
      const response = await context.http.request("GET", url, {
        headers: { authorization: `Bearer ${access.token}`, accept: "application/json" },
        ...(context.signal ? { signal: context.signal } : {}),
      });
      return { text: response.text, requests: requests + 1 };
    } catch (error) {
      requests += 1;
      if (error instanceof OdzewError && error.context.status === 401) {
        forgetGoogleAccessToken(oauth, context);
        if (access.cached) continue; // revoked before its time: one more try with a fresh token
      }
      throw googleApiError(error, API, (status) =>
        status === 404 || status === 400
          ? `check the accountId and locationId of the source (${location})`
          : `the Google user of the refresh token in ${oauth.refreshTokenEnv} must be an owner or manager of ${location}, ` +
            "and the OAuth client's project must have the My Business APIs enabled",
      );
    }
  }
}

function readReview(
  review: unknown,
  index: number,
  source: GoogleBusinessSourceConfig,
  collectedAt: string,
): RawMention | { problem: string } {
  if (!isRecord(review)) return { problem: `review #${index + 1} is not an object` };
  const name = typeof review.name === "string" ? review.name : undefined;
  const nativeId =
    (typeof review.reviewId === "string" && review.reviewId) || name?.split("/reviews/")[1] || undefined;
  if (!nativeId) return { problem: `review #${index + 1} has neither reviewId nor name` };
  const publishedAt = googleTimestamp(review.createTime) ?? googleTimestamp(review.updateTime);
  if (!publishedAt) return { problem: `review ${nativeId} has no readable createTime (${JSON.stringify(review.createTime)})` };

  const reviewer = isRecord(review.reviewer) ? review.reviewer : {};
  const authorName = typeof reviewer.displayName === "string" ? cleanText(reviewer.displayName) : "";
  const stars = typeof review.starRating === "string" ? STARS[review.starRating] : undefined;
  const rating = stars === undefined ? undefined : normaliseRating(stars, 1, 5);
  // A stars-only review has no comment: an empty text is allowed and keeps the rating.
  const text = typeof review.comment === "string" ? originalComment(review.comment) : "";
  const reply = readReply(review.reviewReply);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "google-business" },
    nativeId,
    // An anonymous reviewer's displayName is not their name (Google fills it in, if at all).
    ...(authorName && reviewer.isAnonymous !== true ? { author: { name: authorName.slice(0, 500) } } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    publishedAt,
    collectedAt,
    ...(reply ? { reply } : {}),
    brandHints: source.brands,
  };
}

function readReply(value: unknown): RawMention["reply"] {
  if (!isRecord(value) || typeof value.comment !== "string") return undefined;
  const text = cleanText(value.comment);
  if (!text) return undefined;
  const publishedAt = googleTimestamp(value.updateTime);
  return { text: text.slice(0, MAX_TEXT), ...(publishedAt ? { publishedAt } : {}) };
}

const TRANSLATED = /(?:^|\n)[ \t]*\(Translated by Google\)[ \t]*/;
const ORIGINAL = /(?:^|\n)[ \t]*\(Original\)[ \t]*/;

/**
 * The reviewer's own words of a comment Google may have wrapped with its translation:
 * "(Translated by Google) <translation>\n\n(Original)\n<original>", or the original first and
 * "(Translated by Google)" after it. A comment that only has the translation keeps it.
 */
export function originalComment(comment: string): string {
  const original = ORIGINAL.exec(comment);
  if (original) {
    const rest = comment.slice(original.index + original[0].length);
    const translated = TRANSLATED.exec(rest);
    return cleanText(translated ? rest.slice(0, translated.index) : rest);
  }
  const translated = TRANSLATED.exec(comment);
  if (!translated) return cleanText(comment);
  const before = comment.slice(0, translated.index);
  return cleanText(before.trim() ? before : comment.slice(translated.index + translated[0].length));
}
