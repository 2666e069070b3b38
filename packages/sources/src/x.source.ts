import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type RawMention, type XSourceConfig } from "@odzew/schema";
import { paginate, requiredSecret, type Page, type PollContext, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { getBearerJson } from "./bearer-json.ts";
import { isRecord } from "./google-oauth.ts";
import { cleanText } from "./text.ts";

const API = "The X API";
const MAX_TEXT = 100_000;
const WEB = "https://x.com";
/** X counts its rate limits in 15-minute windows; without a Retry-After the source waits one window. */
export const X_RATE_LIMIT_WINDOW_MS = 15 * 60_000;
/** A spent monthly post cap: tried again a day later (X resets it on the plan's billing day). */
export const X_USAGE_CAP_WAIT_MS = 24 * 60 * 60_000;
/** Recent search reaches 7 days back; a `since_id` older than that is refused. Kept clear of the edge by an hour. */
const RECENT_WINDOW_MS = 7 * 24 * 60 * 60_000 - 60 * 60_000;
/** X's epoch in snowflake ids (2010-11-04T01:42:54.657Z). */
const SNOWFLAKE_EPOCH = 1_288_834_974_657n;

/**
 * Posts on X through the API v2 recent search (`GET /2/tweets/search/recent`, the last 7 days,
 * newest first), with an app's bearer token in the `Authorization` header (never in a URL). It
 * needs a paid access level; the free one cannot search and is refused with 403
 * (`client-not-enrolled`), which the error says.
 *
 * A request asks `tweet.fields=created_at,public_metrics,lang,author_id,note_tweet`,
 * `expansions=author_id` and `user.fields=name,username,public_metrics`, so each post comes with
 * its author's name, handle and followers (from `includes.users`); a long post's full text is its
 * `note_tweet.text`. Paging: `meta.next_token` → `next_token`, each page `pageSize` (10–100)
 * posts. In an incremental poll the search starts after the newest post delivered before
 * (`since_id`, the largest snowflake id among the seen ones, when it is still inside the 7-day
 * window): X bills by the post read, so posts seen before are not read again. The lane's first
 * reference stays the URL without `since_id`, so a catch-up continues the same lane.
 *
 * Reach: `votes` = likes + reposts + quotes (endorsements and re-shares; replies are
 * conversation, bookmarks private); `followers` = the author's followers. Impressions
 * (`public_metrics.impression_count`) have no place in the mention's reach and are not mapped.
 *
 * Errors (`{title, detail, type}` problems, https://docs.x.com/x-api/fundamentals/response-codes-and-errors):
 * 401 stops the source naming the variable to renew; 429 is retryable after the Retry-After, or
 * one 15-minute window (X sends its reset time as `x-rate-limit-reset`,
 * https://docs.x.com/fundamentals/rate-limits); a spent monthly cap (`UsageCapExceeded`) after a
 * day; 400 names the query. Posts and authors X could not include (deleted, suspended: the
 * `errors` of a 200 answer) are reported.
 */
export const xAdapter: SourceAdapter<XSourceConfig> = {
  type: "x",
  async poll(source, context) {
    const token = requiredSecret(context.secret, source.bearerTokenEnv, "an X API bearer token (Developer Console → your app → Keys and tokens)", {
      sourceId: source.id,
    });
    const collectedAt = context.now.toISOString();
    const first = searchUrl(source);
    const sinceId = context.mode === "incremental" ? sinceIdFor(context.seen, context.now) : undefined;
    return paginate(source, context, first, (ref) => {
      const url = new URL(ref);
      if (ref === first && sinceId) url.searchParams.set("since_id", sinceId);
      return readPage(url.toString(), source, context, token, collectedAt);
    });
  },
};

/** The search's first page, as the lane is known from poll to poll. */
export function searchUrl(source: Pick<XSourceConfig, "baseUrl" | "query" | "pageSize">): string {
  const url = new URL(`${source.baseUrl.replace(/\/+$/, "")}/2/tweets/search/recent`);
  url.searchParams.set("query", source.query);
  url.searchParams.set("max_results", String(source.pageSize));
  url.searchParams.set("tweet.fields", "created_at,public_metrics,lang,author_id,note_tweet");
  url.searchParams.set("expansions", "author_id");
  url.searchParams.set("user.fields", "name,username,public_metrics");
  return url.toString();
}

/** When a post was made, from its snowflake id; undefined for an id that is not one. */
export function snowflakeTime(id: string): number | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  return Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH);
}

/**
 * The `since_id` of an incremental search: the newest post delivered before (the largest id
 * among the seen ones), when recent search still reaches it; otherwise none.
 */
export function sinceIdFor(seen: ReadonlySet<string>, now: Date): string | undefined {
  let newest: bigint | undefined;
  for (const id of seen) {
    if (!/^\d{1,20}$/.test(id)) continue;
    const value = BigInt(id);
    if (newest === undefined || value > newest) newest = value;
  }
  if (newest === undefined) return undefined;
  const made = snowflakeTime(newest.toString());
  return made !== undefined && now.getTime() - made < RECENT_WINDOW_MS ? newest.toString() : undefined;
}

async function readPage(url: string, source: XSourceConfig, context: PollContext, token: string, collectedAt: string): Promise<Page> {
  const body = await getBearerJson(context, url, token, API, (error) => refusal(error, source, url));
  return readSearchPage(body, url, source, collectedAt);
}

/** One page of recent search (`{data, includes: {users}, errors, meta: {next_token, result_count}}`) as mentions. */
export function readSearchPage(body: unknown, url: string, source: XSourceConfig, collectedAt: string): Page {
  if (!isRecord(body) || !isRecord(body.meta)) {
    return { url, mentions: [], problems: [{ page: url, reason: `${API} answered the search without "meta": the format changed` }] };
  }
  const problems: PollProblem[] = [];
  const users = new Map<string, Author>();
  const included = isRecord(body.includes) && Array.isArray(body.includes.users) ? body.includes.users : [];
  for (const user of included) {
    const author = readAuthor(user);
    if (author) users.set(author.id, author);
  }
  // Partial errors: a post or an author X could not include (deleted, suspended, protected).
  if (Array.isArray(body.errors)) {
    for (const partial of body.errors) {
      if (!isRecord(partial)) continue;
      const what = typeof partial.resource_type === "string" ? partial.resource_type : "item";
      const which = typeof partial.resource_id === "string" || typeof partial.value === "string" ? String(partial.resource_id ?? partial.value) : "";
      const detail = typeof partial.detail === "string" ? cleanText(partial.detail).slice(0, 200) : typeof partial.title === "string" ? partial.title : "not found";
      problems.push({ page: url, reason: `X could not include ${what === "user" ? "the author" : what} ${which} (${detail}): deleted, suspended or protected` });
    }
  }
  const data = body.data === undefined ? [] : body.data;
  if (!Array.isArray(data)) return { url, mentions: [], problems: [...problems, { page: url, reason: `${API} answered with "data" that is not a list: the format changed` }] };
  const mentions: RawMention[] = [];
  for (const [index, tweet] of data.entries()) {
    const read = readTweet(tweet, index, users, source, collectedAt);
    if ("problem" in read) problems.push({ page: url, reason: read.problem });
    else mentions.push(read);
  }
  const token = typeof body.meta.next_token === "string" && body.meta.next_token !== "" ? body.meta.next_token : undefined;
  let next: string | undefined;
  if (token && data.length > 0) {
    const nextUrl = new URL(url);
    nextUrl.searchParams.set("next_token", token);
    next = nextUrl.toString();
  }
  return { url, mentions, problems, next };
}

interface Author {
  id: string;
  name?: string;
  username?: string;
  followers?: number;
}

function readAuthor(user: unknown): Author | undefined {
  if (!isRecord(user) || typeof user.id !== "string" || !/^\d{1,20}$/.test(user.id)) return undefined;
  const author: Author = { id: user.id };
  if (typeof user.name === "string" && cleanText(user.name)) author.name = cleanText(user.name).slice(0, 500);
  if (typeof user.username === "string" && /^\w{1,50}$/.test(user.username)) author.username = user.username;
  const followers = isRecord(user.public_metrics) ? user.public_metrics.followers_count : undefined;
  if (typeof followers === "number" && Number.isInteger(followers) && followers >= 0) author.followers = followers;
  return author;
}

/** One post of the search with its author from `includes.users`. */
export function readTweet(tweet: unknown, index: number, users: ReadonlyMap<string, Author>, source: XSourceConfig, collectedAt: string): RawMention | { problem: string } {
  if (!isRecord(tweet)) return { problem: `post #${index + 1} is not an object` };
  const id = typeof tweet.id === "string" && /^\d{1,20}$/.test(tweet.id) ? tweet.id : undefined;
  if (!id) return { problem: `post #${index + 1} has no id` };
  const long = isRecord(tweet.note_tweet) && typeof tweet.note_tweet.text === "string" ? cleanText(tweet.note_tweet.text) : "";
  const text = long || (typeof tweet.text === "string" ? cleanText(tweet.text) : "");
  if (!text) return { problem: `post ${id} has no text (withheld, or deleted since the search found it)` };
  const created = typeof tweet.created_at === "string" ? Date.parse(tweet.created_at) : Number.NaN;
  const publishedAt = Number.isNaN(created) ? snowflakeTime(id) : created;
  if (publishedAt === undefined) return { problem: `post ${id} has no readable created_at` };

  const author = typeof tweet.author_id === "string" ? users.get(tweet.author_id) : undefined;
  const profile = author?.username ? `${WEB}/${author.username}` : undefined;
  const metrics = isRecord(tweet.public_metrics) ? tweet.public_metrics : {};
  const votes = count(metrics.like_count) + count(metrics.retweet_count) + count(metrics.quote_count);
  const lang = typeof tweet.lang === "string" && /^[a-z]{2}$/.test(tweet.lang) ? tweet.lang : undefined; // not "und", "qme", "zxx"
  const name = author?.name ?? (author?.username ? `@${author.username}` : undefined);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, id),
    source: { id: source.id, type: "x" },
    nativeId: id,
    url: profile ? `${profile}/status/${id}` : `${WEB}/i/web/status/${id}`,
    ...(name ? { author: { name, ...(profile ? { profileUrl: profile } : {}) } } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(lang ? { lang } : {}),
    publishedAt: new Date(publishedAt).toISOString(),
    collectedAt,
    reach: { votes, ...(author?.followers !== undefined ? { followers: author.followers } : {}) },
    brandHints: source.brands,
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : 0;
}

/** The problem of a refused request (`{title, detail, type, reason, errors: [{message}]}`), read from the start of its body. */
export function xProblemOf(error: unknown): { status?: number; title?: string; detail?: string; type?: string; reason?: string } {
  if (!(error instanceof OdzewError)) return {};
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  const body = typeof error.context.body === "string" ? error.context.body : "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const field = (name: string): string | undefined => {
    const value = isRecord(parsed) ? parsed[name] : new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){1,300})`).exec(body)?.[1];
    return typeof value === "string" && value !== "" ? cleanText(value).slice(0, 300) : undefined;
  };
  const first = isRecord(parsed) && Array.isArray(parsed.errors) && isRecord(parsed.errors[0]) ? parsed.errors[0] : undefined;
  const detail = typeof first?.message === "string" ? cleanText(first.message).slice(0, 300) : field("detail");
  const found: { status?: number; title?: string; detail?: string; type?: string; reason?: string } = status !== undefined ? { status } : {};
  const title = field("title");
  const type = field("type");
  const reason = field("reason");
  if (title) found.title = title;
  if (detail) found.detail = detail;
  if (type) found.type = type;
  if (reason) found.reason = reason;
  return found;
}

/** What a refused search means for this source and what to do; server errors pass through as they are (retryable). */
function refusal(error: unknown, source: XSourceConfig, url: string): unknown {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP" || error.context.botWall) return error;
  const { status, title, detail, type, reason } = xProblemOf(error);
  if (status === undefined || status >= 500 || status === 408) return error;
  const shown = typeof error.context.url === "string" ? error.context.url : url;
  const said = detail ?? title ? ` X said: ${detail ?? title}` : "";
  const context = { url: shown, status, ...(type ? { problemType: type } : {}) };
  const fail = (text: string, retryable: boolean, extra: Record<string, unknown> = {}) =>
    new OdzewError("SOURCE_HTTP", `${API} refused the search of source ${source.id} (HTTP ${status}): ${text}.${said}`, { retryable, cause: error, context: { ...context, ...extra } });

  if (status === 429) {
    if (title === "UsageCapExceeded" || /usage-capped|usage cap/i.test(`${type ?? ""} ${detail ?? ""}`)) {
      return fail(`the plan's monthly cap of posts read is spent; collection resumes when X resets it (tried again in a day)`, true, {
        retryAfterMs: X_USAGE_CAP_WAIT_MS,
        reason: "usageCapExceeded",
      });
    }
    const retryAfterMs = typeof error.context.retryAfterMs === "number" ? error.context.retryAfterMs : X_RATE_LIMIT_WINDOW_MS;
    return fail(`the app's requests for this 15-minute window are spent; collection resumes in ${Math.ceil(retryAfterMs / 60_000)} min`, true, {
      retryAfterMs,
      reason: "rateLimited",
    });
  }
  if (status === 401) {
    return fail(
      `the bearer token in ${source.bearerTokenEnv} was refused (revoked, regenerated or mistyped); ` +
        `create a new one in the X Developer Console (your app → Keys and tokens → Bearer Token) and put it in ${source.bearerTokenEnv}`,
      false,
      { variable: source.bearerTokenEnv },
    );
  }
  if (status === 403) {
    if (reason === "client-not-enrolled" || /client-forbidden/.test(type ?? "")) {
      return fail(
        `the app's access level cannot use recent search: it needs a paid plan (Basic or higher, or pay-per-use credits) and the app must belong to a Project`,
        false,
      );
    }
    return fail(`the app may not read this (check its access level and the Project it belongs to)`, false);
  }
  if (status === 400) return fail(`check the query of source ${source.id} (X's search syntax; at most 512 characters below Pro)`, false);
  return fail("check the source's settings", false);
}
