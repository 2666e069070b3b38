import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type GooglePlaySourceConfig, type RawMention } from "@odzew/schema";
import { paginate, type Page, type PollContext, type PollResult, type SourceAdapter } from "./adapter.ts";
import type { FetchedPage } from "./http-client.ts";
import { forgetServiceAccountToken, resolveKeyFile, serviceAccountToken } from "./google-service-account.ts";
import { cleanText, normaliseRating } from "./text.ts";

const MAX_TEXT = 100_000;
const DEVELOPER_API_HOST = "https://androidpublisher.googleapis.com";
const PLAY_HOST = "https://play.google.com";
export const ANDROID_PUBLISHER_SCOPE = "https://www.googleapis.com/auth/androidpublisher";
/** The RPC behind the Play web app's review list. */
const REVIEWS_RPC = "UsvDTd";
/** Sort orders of the review list: 1 most relevant, 2 newest, 3 rating. */
const SORT_NEWEST = 2;
const PUBLIC_PAGE_SIZE = 100;
const API_PAGE_SIZE = 100;

/**
 * Google Play reviews of one app, newest first, in one of two modes:
 * - `developer-api`: your own app through the Play Developer API (reviews.list), with the
 *   developer's replies, as a service account. Note: the API only returns reviews created or
 *   modified in the last week, so poll at least weekly and backfill from elsewhere.
 * - `public`: any app's public reviews, the way the Play web app loads them (batchexecute).
 */
export const googlePlayAdapter: SourceAdapter<GooglePlaySourceConfig> = {
  type: "google-play",
  poll(source, context) {
    return source.mode === "developer-api" ? pollDeveloperApi(source, context) : pollPublic(source, context);
  },
};

/** The public page of one review on Google Play. */
export function playReviewUrl(appId: string, reviewId: string): string {
  return `${PLAY_HOST}/store/apps/details?id=${encodeURIComponent(appId)}&reviewId=${encodeURIComponent(reviewId)}`;
}

// ---------------------------------------------------------------------------------------------
// developer-api: GET /androidpublisher/v3/applications/{packageName}/reviews
// ---------------------------------------------------------------------------------------------

/** The Developer API's reviews of the app: `{host}/androidpublisher/v3/applications/{packageName}/reviews` (a review's id follows). */
export function developerApiReviewsUrl(source: GooglePlaySourceConfig): string {
  const base = (source.baseUrl ?? DEVELOPER_API_HOST).replace(/\/+$/, "");
  return `${base}/androidpublisher/v3/applications/${encodeURIComponent(source.appId)}/reviews`;
}

async function pollDeveloperApi(source: GooglePlaySourceConfig, context: PollContext): Promise<PollResult> {
  if (!source.serviceAccountKeyFile) {
    throw new OdzewError(
      "CONFIG_INVALID",
      `source "${source.id}": mode developer-api needs serviceAccountKeyFile (the service account's JSON key, or the variable holding its path)`,
    );
  }
  const keyFile = resolveKeyFile(source.serviceAccountKeyFile, (name) => context.secret(name));
  const listUrl = (token?: string) =>
    `${developerApiReviewsUrl(source)}?maxResults=${API_PAGE_SIZE}` +
    (token ? `&token=${encodeURIComponent(token)}` : "");
  const collectedAt = context.now.toISOString();

  return paginate(source, context, listUrl(), async (url): Promise<Page> => {
    let requests = 0;
    const fetchWithToken = async (): Promise<FetchedPage> => {
      const token = await serviceAccountToken({
        keyFile,
        tokenUrl: source.tokenUrl,
        scope: ANDROID_PUBLISHER_SCOPE,
        http: context.http,
        ...(context.signal ? { signal: context.signal } : {}),
      });
      requests += token.requests + 1;
      return context.http.request("GET", url, {
        headers: { authorization: `Bearer ${token.token}`, accept: "application/json" },
        ...(context.signal ? { signal: context.signal } : {}),
      });
    };
    let fetched: FetchedPage;
    try {
      fetched = await fetchWithToken();
    } catch (error) {
      if (!(error instanceof OdzewError) || error.context.status !== 401) throw explainApiError(error, source);
      // A cached token the API no longer accepts (revoked, clock skew): get a new one, once.
      forgetServiceAccountToken(keyFile, source.tokenUrl, ANDROID_PUBLISHER_SCOPE);
      try {
        fetched = await fetchWithToken();
      } catch (retryError) {
        throw explainApiError(retryError, source);
      }
    }

    const json = parseJson(fetched.text, `Play Developer API response ${url}`);
    if (!isRecord(json) || (json.reviews !== undefined && !Array.isArray(json.reviews))) {
      throw new OdzewError("SOURCE_PARSE", `Play Developer API response ${url} has no "reviews" list; the API may have changed`, {
        context: { url },
      });
    }
    const known = ["reviews", "tokenPagination", "pageInfo"];
    if (Object.keys(json).length > 0 && !Object.keys(json).some((key) => known.includes(key))) {
      throw new OdzewError(
        "SOURCE_PARSE",
        `Play Developer API response ${url} has none of ${known.join(", ")} (keys: ${Object.keys(json).slice(0, 5).join(", ")}); the API may have changed`,
        { context: { url } },
      );
    }
    // No `reviews` key: nothing was written or changed in the last week.
    const reviews = (json.reviews as unknown[] | undefined) ?? [];
    const page: Page = { url, mentions: [], problems: [], requests };
    reviews.forEach((review, index) => {
      const parsed = readApiReview(review, index, source, collectedAt);
      if ("problem" in parsed) page.problems?.push({ page: url, reason: parsed.problem });
      else page.mentions.push(parsed);
    });
    const nextToken = isRecord(json.tokenPagination) ? json.tokenPagination.nextPageToken : undefined;
    page.next = typeof nextToken === "string" && nextToken !== "" ? listUrl(nextToken) : undefined;
    return page;
  });
}

function readApiReview(
  review: unknown,
  index: number,
  source: GooglePlaySourceConfig,
  collectedAt: string,
): RawMention | { problem: string } {
  if (!isRecord(review)) return { problem: `review #${index + 1} is not an object` };
  const nativeId = typeof review.reviewId === "string" && review.reviewId !== "" ? review.reviewId : undefined;
  if (!nativeId) return { problem: `review #${index + 1} has no reviewId` };
  const comments = Array.isArray(review.comments) ? review.comments.filter(isRecord) : [];
  const user = comments.map((comment) => comment.userComment).find(isRecord);
  if (!user) return { problem: `review ${nativeId} has no userComment` };
  const developer = comments.map((comment) => comment.developerComment).find(isRecord);

  // Reviews from the time Play had titles come as "title\tbody".
  const raw = typeof user.text === "string" ? user.text : "";
  const tab = raw.indexOf("\t");
  const title = tab > 0 ? cleanText(raw.slice(0, tab)) : "";
  const text = cleanText(tab > 0 ? raw.slice(tab + 1) : raw) || cleanText(raw);
  if (!text) return { problem: `review ${nativeId} has no text (userComment.text)` };
  const publishedAt = timestamp(user.lastModified);
  if (!publishedAt) return { problem: `review ${nativeId} has no readable date (userComment.lastModified)` };

  const rating = typeof user.starRating === "number" ? normaliseRating(user.starRating, 1, 5) : undefined;
  const author = typeof review.authorName === "string" ? cleanText(review.authorName) : "";
  const lang = languageCode(user.reviewerLanguage);
  const appVersion = typeof user.appVersionName === "string" ? cleanText(user.appVersionName) : "";
  const helpful = nonNegativeInt(user.thumbsUpCount);
  const unhelpful = nonNegativeInt(user.thumbsDownCount);
  const replyText = developer && typeof developer.text === "string" ? cleanText(developer.text) : "";
  const replyAt = developer ? timestamp(developer.lastModified) : undefined;

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "google-play" },
    nativeId,
    url: playReviewUrl(source.appId, nativeId),
    ...(author ? { author: { name: author.slice(0, 500) } } : {}),
    ...(title ? { title: title.slice(0, 2_000) } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    ...(lang ? { lang } : {}),
    publishedAt,
    collectedAt,
    ...(helpful !== undefined
      ? { reach: { helpful, ...(unhelpful !== undefined ? { votes: helpful + unhelpful } : {}) } }
      : {}),
    ...(replyText ? { reply: { text: replyText.slice(0, MAX_TEXT), ...(replyAt ? { publishedAt: replyAt } : {}) } } : {}),
    ...(appVersion ? { details: { appVersion: appVersion.slice(0, 100) } } : {}),
    brandHints: source.brands,
  };
}

/** A 401/403 of the API says what to fix; keep Google's reason in the message. */
function explainApiError(error: unknown, source: GooglePlaySourceConfig): unknown {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP") return error;
  const status = error.context.status;
  if (status !== 401 && status !== 403) return error;
  const reason = apiErrorMessage(error.context.body);
  return new OdzewError(
    "SOURCE_HTTP",
    `Play Developer API refused the reviews of ${source.appId} (HTTP ${status}${reason ? `: ${reason}` : ""}); ` +
      "check that the Google Play Android Developer API is enabled and the service account has access to the app in Play Console",
    { retryable: false, cause: error, context: error.context },
  );
}

function apiErrorMessage(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  return /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(body)?.[1] ?? /"error_description"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(body)?.[1];
}

/** `{seconds: "1732", nanos: 5}` (seconds as a string, the JSON form of int64) to an ISO date. */
export function timestamp(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const seconds = Number(value.seconds);
  if (value.seconds === undefined || value.seconds === null || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  const nanos = Number(value.nanos ?? 0);
  return new Date(seconds * 1000 + (Number.isFinite(nanos) ? Math.floor(nanos / 1e6) : 0)).toISOString();
}

/** "pl_PL", "pl-PL", "pl" → "pl". */
function languageCode(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const code = value.split(/[_-]/)[0]?.toLowerCase();
  return code && /^[a-z]{2,3}$/.test(code) ? code : undefined;
}

// ---------------------------------------------------------------------------------------------
// public: POST /_/PlayStoreUi/data/batchexecute?rpcids=UsvDTd
// ---------------------------------------------------------------------------------------------

async function pollPublic(source: GooglePlaySourceConfig, context: PollContext): Promise<PollResult> {
  const base = (source.baseUrl ?? PLAY_HOST).replace(/\/+$/, "");
  const endpoint =
    `${base}/_/PlayStoreUi/data/batchexecute?rpcids=${REVIEWS_RPC}&source-path=%2Fstore%2Fapps%2Fdetails` +
    `&hl=${encodeURIComponent(source.lang)}&gl=${encodeURIComponent(source.country)}`;
  const collectedAt = context.now.toISOString();

  // The first page has no token: its reference is "".
  return paginate(source, context, "", async (token): Promise<Page> => {
    const fetched = await context.http.request("POST", endpoint, {
      headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
      body: reviewsRequestBody(source.appId, token || undefined),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const label = token ? `${endpoint} (page token ${token.slice(0, 16)}…)` : endpoint;
    const { items, nextToken } = parseReviewsResponse(fetched.text, label, source.appId);
    const page: Page = { url: label, mentions: [], problems: [], next: nextToken };
    items.forEach((item, index) => {
      const parsed = readPublicReview(item, index, source, collectedAt);
      if ("problem" in parsed) page.problems?.push({ page: label, reason: parsed.problem });
      else page.mentions.push(parsed);
    });
    return page;
  });
}

/**
 * The form body of one review-list call: `f.req` holds the RPC id and its arguments, which are
 * themselves JSON in a string: `[null, null, [2, sort, [count, null, token], null, []], [appId, 7]]`.
 */
export function reviewsRequestBody(appId: string, token?: string): string {
  const args = [null, null, [2, SORT_NEWEST, [PUBLIC_PAGE_SIZE, null, token ?? null], null, []], [appId, 7]];
  const request = [[[REVIEWS_RPC, JSON.stringify(args), null, "generic"]]];
  return `f.req=${encodeURIComponent(JSON.stringify(request))}`;
}

/**
 * A batchexecute answer: `)]}'`, a blank line, then a JSON list of rows (or, with `rt=c`,
 * length-prefixed chunks of them). The row `["wrb.fr", "UsvDTd", "<payload>", …]` carries the
 * payload as a JSON string: `[[review, …], [null, "<next page token>"]]`.
 */
export function parseReviewsResponse(text: string, url: string, appId: string): { items: unknown[]; nextToken?: string } {
  const body = text.replace(/^\s*\)\]\}'/, "");
  const rows = envelopeRows(body);
  const row = rows.find((candidate) => Array.isArray(candidate) && candidate[0] === "wrb.fr" && candidate[1] === REVIEWS_RPC) as
    | unknown[]
    | undefined;
  if (!row) {
    throw new OdzewError(
      "SOURCE_PARSE",
      `Google Play answer ${url} has no ${REVIEWS_RPC} result (starts with "${text.slice(0, 40).replace(/\s+/g, " ")}"); the Play web API may have changed`,
      { context: { url } },
    );
  }
  if (typeof row[2] !== "string") {
    throw new OdzewError(
      "SOURCE_PARSE",
      `Google Play refused the review list of ${appId} (error ${JSON.stringify(row[5] ?? null)}); check the appId, or the Play web API changed`,
      { context: { url } },
    );
  }
  const data = parseJson(row[2], `the ${REVIEWS_RPC} payload of ${url}`);
  // An app without reviews (or an unknown one) answers "[]" or "null".
  if (data === null || (Array.isArray(data) && data.length === 0)) return { items: [] };
  if (!Array.isArray(data) || (data[0] !== null && data[0] !== undefined && !Array.isArray(data[0]))) {
    throw new OdzewError("SOURCE_PARSE", `the ${REVIEWS_RPC} payload of ${url} is not a review list; the Play web API may have changed`, {
      context: { url },
    });
  }
  const items = (data[0] as unknown[] | null | undefined) ?? [];
  const pagination = data[1];
  const token = Array.isArray(pagination) && typeof pagination[1] === "string" && pagination[1] !== "" ? pagination[1] : undefined;
  return token ? { items, nextToken: token } : { items };
}

function envelopeRows(body: string): unknown[] {
  try {
    const whole: unknown = JSON.parse(body.trim());
    if (Array.isArray(whole)) return whole;
  } catch {
    // chunked (rt=c): lengths and rows on lines of their own
  }
  const rows: unknown[] = [];
  for (const line of body.split("\n")) {
    if (!line.trimStart().startsWith("[")) continue;
    try {
      const chunk: unknown = JSON.parse(line);
      if (Array.isArray(chunk)) rows.push(...chunk);
    } catch {
      // not a whole row: skip
    }
  }
  return rows;
}

/**
 * One review as the Play web app lists it:
 * `[id, [author, [avatar…]], stars, null, text, [seconds, nanos], thumbsUp,
 *   [null, replyText, [seconds, nanos]] | null, null, null, appVersion, …]`.
 */
function readPublicReview(
  item: unknown,
  index: number,
  source: GooglePlaySourceConfig,
  collectedAt: string,
): RawMention | { problem: string } {
  if (!Array.isArray(item)) return { problem: `review #${index + 1} is not a list` };
  const nativeId = typeof item[0] === "string" && item[0] !== "" ? item[0] : undefined;
  if (!nativeId) return { problem: `review #${index + 1} has no id` };
  const text = typeof item[4] === "string" ? cleanText(item[4]) : "";
  if (!text) return { problem: `review ${nativeId} has no text` };
  const publishedAt = secondsNanos(item[5]);
  if (!publishedAt) return { problem: `review ${nativeId} has no readable date` };

  const author = Array.isArray(item[1]) && typeof item[1][0] === "string" ? cleanText(item[1][0]) : "";
  const rating = typeof item[2] === "number" ? normaliseRating(item[2], 1, 5) : undefined;
  const helpful = nonNegativeInt(item[6]);
  const reply = Array.isArray(item[7]) ? item[7] : undefined;
  const replyText = reply && typeof reply[1] === "string" ? cleanText(reply[1]) : "";
  const replyAt = reply ? secondsNanos(reply[2]) : undefined;
  const appVersion = typeof item[10] === "string" ? cleanText(item[10]) : "";

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "google-play" },
    nativeId,
    url: playReviewUrl(source.appId, nativeId),
    ...(author ? { author: { name: author.slice(0, 500) } } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    // Play lists the reviews written in the language asked for (hl).
    lang: source.lang,
    publishedAt,
    collectedAt,
    ...(helpful !== undefined ? { reach: { helpful } } : {}),
    ...(replyText ? { reply: { text: replyText.slice(0, MAX_TEXT), ...(replyAt ? { publishedAt: replyAt } : {}) } } : {}),
    details: { country: source.country, ...(appVersion ? { appVersion: appVersion.slice(0, 100) } : {}) },
    brandHints: source.brands,
  };
}

/** `[seconds, nanos]` to an ISO date. */
function secondsNanos(value: unknown): string | undefined {
  if (!Array.isArray(value) || typeof value[0] !== "number" || !Number.isFinite(value[0]) || value[0] <= 0) return undefined;
  const nanos = typeof value[1] === "number" ? value[1] : 0;
  return new Date(value[0] * 1000 + Math.floor(nanos / 1e6)).toISOString();
}

// ---------------------------------------------------------------------------------------------

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OdzewError("SOURCE_PARSE", `${what} is not JSON (starts with "${text.slice(0, 40).replace(/\s+/g, " ")}")`);
  }
}

function nonNegativeInt(value: unknown): number | undefined {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) && number >= 0 ? number : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
