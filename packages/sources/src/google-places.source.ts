import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type GooglePlacesSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, requiredSecret, type Page, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { googleApiError, googleTimestamp, isRecord, readGoogleJson } from "./google-oauth.ts";
import { cleanText, normaliseRating } from "./text.ts";

const API = "The Google Places API";
const MAX_TEXT = 100_000;
const FIELD_MASK = "id,displayName,reviews";

/**
 * Any place's reviews through Place Details of the Places API (New), with an API key.
 *
 * Google returns AT MOST 5 reviews per place, chosen by relevance, not the newest, with no
 * paging and no way to ask for more: this source samples what Google shows, it cannot collect
 * a place's full history (use `google-business` for your own locations). The five are sorted
 * newest first here so that the incremental stop at the first seen review stays correct.
 *
 * The review's own words (`originalText`, with their language) are preferred over Google's
 * translation into `languageCode` (`text`).
 */
export const googlePlacesAdapter: SourceAdapter<GooglePlacesSourceConfig> = {
  type: "google-places",
  async poll(source, context) {
    const apiKey = requiredSecret(context.secret, source.apiKeyEnv, "the Google Places API key");
    const collectedAt = context.now.toISOString();
    const url = `${source.baseUrl.replace(/\/+$/, "")}/v1/places/${encodeURIComponent(source.placeId)}?languageCode=${encodeURIComponent(source.lang)}`;

    return paginate(source, context, url, async (pageUrl): Promise<Page> => {
      let text: string;
      try {
        const response = await context.http.request("GET", pageUrl, {
          headers: { "x-goog-api-key": apiKey, "x-goog-fieldmask": FIELD_MASK, accept: "application/json" },
          ...(context.signal ? { signal: context.signal } : {}),
        });
        text = response.text;
      } catch (error) {
        throw googleApiError(error, API, (status) =>
          status === 404
            ? `check the placeId ${source.placeId}; Place IDs can expire, look it up again`
            : status === 400
              ? `check the API key in ${source.apiKeyEnv} (Google answers an invalid key with 400) and the placeId ${source.placeId}`
              : `check the API key in ${source.apiKeyEnv}: the Places API (New) must be enabled for its project and its restrictions must allow this server`,
        );
      }
      const body = readGoogleJson(text, pageUrl, API);
      const reviews = body.reviews ?? [];
      if (!Array.isArray(reviews)) {
        throw new OdzewError("SOURCE_PARSE", `${API} answered ${pageUrl} with "reviews" that is not a list`, { context: { url: pageUrl } });
      }
      const displayName = isRecord(body.displayName) && typeof body.displayName.text === "string" ? cleanText(body.displayName.text) : "";

      const problems: PollProblem[] = [];
      const dated: { mention: RawMention; at: number }[] = [];
      for (const [index, review] of reviews.entries()) {
        const parsed = readReview(review, index, source, displayName, collectedAt);
        if ("problem" in parsed) problems.push({ page: pageUrl, reason: parsed.problem });
        else dated.push({ mention: parsed, at: Date.parse(parsed.publishedAt) });
      }
      dated.sort((a, b) => b.at - a.at); // Google lists them by relevance
      return { url: pageUrl, mentions: dated.map((entry) => entry.mention), problems, next: undefined };
    });
  },
};

function readReview(
  review: unknown,
  index: number,
  source: GooglePlacesSourceConfig,
  placeName: string,
  collectedAt: string,
): RawMention | { problem: string } {
  if (!isRecord(review)) return { problem: `review #${index + 1} is not an object` };
  // The resource name, places/{placeId}/reviews/{review}: stable, and unique across places.
  const nativeId = typeof review.name === "string" && review.name.includes("/reviews/") ? review.name : undefined;
  if (!nativeId) return { problem: `review #${index + 1} has no name (places/…/reviews/…)` };
  // relativePublishTimeDescription ("2 tygodnie temu") is no date: without publishTime the review is reported.
  const publishedAt = googleTimestamp(review.publishTime);
  if (!publishedAt) return { problem: `review ${nativeId} has no readable publishTime (${JSON.stringify(review.publishTime)})` };

  const original = localizedText(review.originalText);
  const translated = localizedText(review.text);
  const chosen = original ?? translated;
  const lang = chosen?.languageCode?.toLowerCase().split("-")[0]; // "pl-PL", "zh-Hant" → "pl", "zh"
  const rating = typeof review.rating === "number" ? normaliseRating(review.rating, 1, 5) : undefined;
  const author = isRecord(review.authorAttribution) ? review.authorAttribution : {};
  const authorName = typeof author.displayName === "string" ? cleanText(author.displayName) : "";
  const profileUrl = httpUrl(author.uri);
  const url = httpUrl(review.googleMapsUri);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "google-places" },
    nativeId,
    ...(url ? { url } : {}),
    ...(authorName ? { author: { name: authorName.slice(0, 500), ...(profileUrl ? { profileUrl } : {}) } } : {}),
    // A review with stars only has no text: kept, with an empty text, for its rating.
    text: (chosen?.text ?? "").slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    ...(lang ? { lang } : {}),
    publishedAt,
    collectedAt,
    ...(placeName ? { details: { subject: placeName.slice(0, 500) } } : {}),
    brandHints: source.brands,
  };
}

/** A LocalizedText ({text, languageCode}) with some text, or undefined. */
function localizedText(value: unknown): { text: string; languageCode?: string } | undefined {
  if (!isRecord(value) || typeof value.text !== "string") return undefined;
  const text = cleanText(value.text);
  if (!text) return undefined;
  return typeof value.languageCode === "string" && /^[a-zA-Z]{2,3}(-|$)/.test(value.languageCode)
    ? { text, languageCode: value.languageCode }
    : { text };
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
