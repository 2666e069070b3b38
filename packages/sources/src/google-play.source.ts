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
/**
 * The RPC behind the Play web app's review list (since late 2023), and the one it replaced, still
 * answered: tried once per poll when the first gives no review list.
 */
const REVIEWS_RPC = "oCPfdb";
const LEGACY_REVIEWS_RPC = "UsvDTd";
export type ReviewsRpc = typeof REVIEWS_RPC | typeof LEGACY_REVIEWS_RPC;
/** Sort orders of the review list: 1 most relevant, 2 newest, 3 rating. */
const SORT_NEWEST = 2;
const PUBLIC_PAGE_SIZE = 100;
const API_PAGE_SIZE = 100;

/**
 * Google Play reviews of one app, newest first, in one of two modes:
 * - `developer-api`: your own app through the Play Developer API (reviews.list), with the
 *   developer's replies, as a service account. Note: the API only returns reviews created or
 *   modified in the last week, so poll at least weekly and backfill from elsewhere.
 * - `public`: any app's public reviews, the way the Play web app loads them (batchexecute RPC
 *   `oCPfdb`, falling back to the older `UsvDTd`).
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
// public: POST /_/PlayStoreUi/data/batchexecute?rpcids=oCPfdb (UsvDTd as the fallback)
// ---------------------------------------------------------------------------------------------

async function pollPublic(source: GooglePlaySourceConfig, context: PollContext): Promise<PollResult> {
  const base = (source.baseUrl ?? PLAY_HOST).replace(/\/+$/, "");
  const endpoint = (rpc: ReviewsRpc) =>
    `${base}/_/PlayStoreUi/data/batchexecute?rpcids=${rpc}&source-path=%2Fstore%2Fapps%2Fdetails` +
    `&hl=${encodeURIComponent(source.lang)}&gl=${encodeURIComponent(source.country)}`;
  const collectedAt = context.now.toISOString();
  // The call the Play web app makes today; the older one is tried once per poll when it gives no list.
  let rpc: ReviewsRpc = REVIEWS_RPC;
  let fellBack = false;

  const ask = async (asked: ReviewsRpc, token: string): Promise<ReviewsAnswer> => {
    let text: string;
    try {
      const fetched = await context.http.request("POST", endpoint(asked), {
        headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
        body: reviewsRequestBody(source.appId, token || undefined, asked),
        ...(context.signal ? { signal: context.signal } : {}),
      });
      text = fetched.text;
    } catch (error) {
      // An RPC the server no longer knows, or whose arguments changed, is answered 400 with an
      // error row: another call may still work. Anything else (403, 5xx, timeouts) is the site's.
      if (asked === REVIEWS_RPC && error instanceof OdzewError && error.code === "SOURCE_HTTP" && error.context.status === 400) {
        return { kind: "refused", detail: "HTTP 400" };
      }
      throw error;
    }
    return parseReviewsAnswer(text, asked);
  };

  // The first page has no token: its reference is "".
  return paginate(source, context, "", async (token): Promise<Page> => {
    const label = (asked: ReviewsRpc) => (token ? `${endpoint(asked)} (page token ${token.slice(0, 16)}…)` : endpoint(asked));
    const answered = rpc;
    const answer = await ask(answered, token);
    let list: ReviewList;
    let page: Page;
    if (answer.kind === "reviews") {
      list = answer;
      page = { url: label(answered), mentions: [], problems: [] };
    } else {
      if (answer.kind === "throttled") throw throttledError(source.appId, label(answered));
      if (answered === LEGACY_REVIEWS_RPC || fellBack) throw noReviewListError(source.appId, label(answered), [[answered, answer]]);
      fellBack = true;
      rpc = LEGACY_REVIEWS_RPC;
      const legacy = await ask(LEGACY_REVIEWS_RPC, token);
      if (legacy.kind === "throttled") throw throttledError(source.appId, label(LEGACY_REVIEWS_RPC));
      if (legacy.kind !== "reviews") {
        throw noReviewListError(source.appId, label(LEGACY_REVIEWS_RPC), [
          [answered, answer],
          [LEGACY_REVIEWS_RPC, legacy],
        ]);
      }
      list = legacy;
      page = {
        url: label(LEGACY_REVIEWS_RPC),
        mentions: [],
        requests: 2,
        problems: [
          {
            page: label(answered),
            reason: `the ${answered} review call gave no review list (Google Play ${describeAnswer(answer)}); read the reviews with the older ${LEGACY_REVIEWS_RPC} call instead (one extra request a poll) — the collector may need an update`,
          },
        ],
      };
    }
    page.next = list.nextToken;
    list.items.forEach((item, index) => {
      const parsed = readPublicReview(item, index, source, collectedAt);
      if ("problem" in parsed) page.problems?.push({ page: page.url, reason: parsed.problem });
      else page.mentions.push(parsed);
    });
    return page;
  });
}

/**
 * The form body of one review-list call: `f.req` holds the RPC id and its arguments, which are
 * themselves JSON in a string.
 * - `oCPfdb`: `[null, [2, sort, [count] | [count, null, token], null, [null, score, null×6, device]], [appId, 7]]`
 *   (no star or device filter: both null);
 * - `UsvDTd` (older): `[null, null, [2, sort, [count, null, token], null, []], [appId, 7]]`.
 */
export function reviewsRequestBody(appId: string, token?: string, rpc: ReviewsRpc = REVIEWS_RPC): string {
  const args =
    rpc === REVIEWS_RPC
      ? [null, [2, SORT_NEWEST, token ? [PUBLIC_PAGE_SIZE, null, token] : [PUBLIC_PAGE_SIZE], null, [null, null, null, null, null, null, null, null, null]], [appId, 7]]
      : [null, null, [2, SORT_NEWEST, [PUBLIC_PAGE_SIZE, null, token ?? null], null, []], [appId, 7]];
  const request = [[[rpc, JSON.stringify(args), null, "generic"]]];
  return `f.req=${encodeURIComponent(JSON.stringify(request))}`;
}

/** Reviews of one page and the token of the next, from the payload of whichever call answered. */
interface ReviewList {
  kind: "reviews";
  /** The rpc id of the row the list came from. */
  rpc: string;
  items: unknown[];
  nextToken?: string;
}

/** What one batchexecute answer holds for the review call asked. */
export type ReviewsAnswer =
  | ReviewList
  /** An `er` row, or the call's row without a payload but with an error status. */
  | { kind: "refused"; detail: string }
  /** Result rows, but no payload that is a review list. */
  | { kind: "not-a-list"; detail: string }
  /** No result rows at all (an HTML page, an empty body). */
  | { kind: "missing"; detail: string }
  /** Google's gateway is limiting requests (`PlayGatewayError`). */
  | { kind: "throttled" };

/**
 * A batchexecute answer: `)]}'`, a blank line, then a JSON list of rows (or, with `rt=c`,
 * length-prefixed chunks of them). A result row `["wrb.fr", "<rpc id>", "<payload>", …]` carries
 * its payload as a JSON string; a review list's payload is `[[review, …], [null, "<next page
 * token>"], …]` (oCPfdb adds a third slot; UsvDTd has two). Any row whose payload is a review list
 * is taken, whatever its rpc id, so that the next rename does not stop collection; the row of the
 * call asked comes first, and only it may carry an empty list (an app without reviews).
 */
export function parseReviewsAnswer(text: string, asked: string): ReviewsAnswer {
  const rows = envelopeRows(text.replace(/^\s*\)\]\}'/, "")).filter((row): row is unknown[] => Array.isArray(row));
  const results = rows.filter((row) => row[0] === "wrb.fr");
  const ordered = [...results.filter((row) => row[1] === asked), ...results.filter((row) => row[1] !== asked)];
  for (const row of ordered) {
    if (typeof row[2] !== "string") continue;
    let data: unknown;
    try {
      data = JSON.parse(row[2]);
    } catch {
      continue;
    }
    const list = reviewList(data, row[1] === asked);
    if (list) return { kind: "reviews", rpc: typeof row[1] === "string" ? row[1] : "?", ...list };
  }
  if (text.includes("com.google.play.gateway.proto.PlayGatewayError")) return { kind: "throttled" };
  const own = results.find((row) => row[1] === asked);
  const errorRow = rows.find((row) => row[0] === "er");
  if (own && typeof own[2] !== "string") return { kind: "refused", detail: `error ${JSON.stringify(own[5] ?? null)}` };
  if (errorRow) return { kind: "refused", detail: `error row ${JSON.stringify(errorRow.slice(1).filter((value) => value !== null)).slice(0, 80)}` };
  if (own) return { kind: "not-a-list", detail: `its payload is not a review list (starts with "${String(own[2]).slice(0, 40)}")` };
  if (results.length > 0) {
    const ids = results.map((row) => String(row[1])).join(", ");
    return { kind: "not-a-list", detail: `no ${asked} result, and none of the other results (${ids.slice(0, 80)}) is a review list` };
  }
  return { kind: "missing", detail: `no result rows (starts with "${text.slice(0, 40).replace(/\s+/g, " ")}")` };
}

/**
 * The review list in a payload: `[[review, …] | null, [null, token] | null, …]`. From the call
 * asked, "[]", "null" and an empty first slot mean an app without reviews; from any other row the
 * list must hold at least one review-like entry (`[id, [author…], stars, null, text, [seconds, nanos], …]`).
 */
function reviewList(data: unknown, asked: boolean): { items: unknown[]; nextToken?: string } | undefined {
  if (asked && (data === null || (Array.isArray(data) && data.length === 0))) return { items: [] };
  if (!Array.isArray(data)) return undefined;
  const items: unknown = data[0];
  if (asked ? items !== null && items !== undefined && !Array.isArray(items) : !Array.isArray(items) || !items.some(isReviewLike)) return undefined;
  const pagination = data[1];
  if (pagination !== null && pagination !== undefined && !Array.isArray(pagination)) return undefined;
  const token = Array.isArray(pagination) && typeof pagination[1] === "string" && pagination[1] !== "" ? pagination[1] : undefined;
  const list = Array.isArray(items) ? items : [];
  return token ? { items: list, nextToken: token } : { items: list };
}

function isReviewLike(item: unknown): boolean {
  return Array.isArray(item) && typeof item[0] === "string" && item[0] !== "" && (typeof item[4] === "string" || Array.isArray(item[5]));
}

/** How an answer fell short, for messages: "refused it (error [3])". */
function describeAnswer(answer: Exclude<ReviewsAnswer, ReviewList>): string {
  switch (answer.kind) {
    case "refused":
      return `refused (${answer.detail})`;
    case "not-a-list":
      return `answered without a review list (${answer.detail})`;
    case "missing":
      return `answered with no result (${answer.detail})`;
    case "throttled":
      return "is limiting requests (PlayGatewayError)";
  }
}

function noReviewListError(appId: string, url: string, answers: [ReviewsRpc, Exclude<ReviewsAnswer, ReviewList>][]): OdzewError {
  const said = answers.map(([rpc, answer]) => `${rpc}: ${describeAnswer(answer)}`).join("; ");
  const refused = answers.every(([, answer]) => answer.kind === "refused");
  return new OdzewError(
    "SOURCE_PARSE",
    `Google Play gave no review list of ${appId} (${said}); ` +
      (refused ? "check the appId, or the Play web API changed" : "the Play web API may have changed (the collector needs an update)"),
    { context: { url } },
  );
}

function throttledError(appId: string, url: string): OdzewError {
  return new OdzewError(
    "SOURCE_HTTP",
    `Google Play is limiting requests (PlayGatewayError) and gave no review list of ${appId}; the poll is retried later — poll less often if this repeats`,
    { retryable: true, context: { url } },
  );
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
