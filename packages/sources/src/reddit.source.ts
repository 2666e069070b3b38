import { createHash } from "node:crypto";
import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type RawMention, type RedditSourceConfig } from "@odzew/schema";
import { paginate, requiredSecret, resolveUrl, type Page, type PollContext, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { cleanText } from "./text.ts";

const MAX_TEXT = 100_000;
/** The most a Reddit listing gives per request. */
export const REDDIT_PAGE_SIZE = 100;
/** Where permalinks point: the API host serves JSON, people read www.reddit.com. */
const WEB = "https://www.reddit.com";
/** A 429 without Retry-After: wait a minute (the free tier's limit is 100 queries a minute per client). */
const RATE_LIMIT_FALLBACK_MS = 60_000;
/** A token is not used in its last minute. */
const EXPIRY_MARGIN_MS = 60_000;
/** Reddit's app-only tokens live 24 hours; used when `expires_in` is missing. */
const DEFAULT_LIFETIME_S = 86_400;

/**
 * Reddit through its OAuth API with an app-only token (the client-credentials grant: `POST
 * /api/v1/access_token`, HTTP Basic with the app's client id and secret,
 * `grant_type=client_credentials`), sent as `Authorization: bearer …` to `oauth.reddit.com` with
 * the descriptive User-Agent Reddit's API rules require (`<platform>:<app ID>:<version> (by
 * /u/<username>)`; default agents are throttled hard).
 *
 * Two paging lanes, each a Listing (`{kind: "Listing", data: {children: [{kind, data}], after}}`)
 * read with `limit=100`, `raw_json=1` (text without HTML entities) and `after=<fullname of the
 * last item>`:
 * - posts: `/search` (or `/r/a+b/search?restrict_sr=true` with `subreddits`), `q`, `type=link`,
 *   `sort=new`: newest first, so the stop at the first post seen before stays correct;
 * - comments, with `subreddits` only: the API has no comment search (`type` of /search is
 *   `sr`, `link` or `user`), so the newest comments of those subreddits (`/r/a+b/comments`,
 *   newest first) are read and those containing one of the query's words or phrases are kept.
 *
 * Every mention's `nativeId` is the item's fullname (`t3_…` a post, `t1_…` a comment). Reach:
 * the score (upvotes minus downvotes, fuzzed by Reddit; a negative score counts as 0) as
 * `votes`; a subreddit's subscribers are not the author's followers and are not mapped. Reddit
 * does not state a post's language: `lang` is left to detection. Posts and comments whose text
 * reads `[deleted]` or `[removed]` (or that a moderator removed) are skipped with a problem.
 *
 * A 401 from the API gets one new token (the cached one may have been revoked early); a second
 * 401, or a refused token request, is a non-retryable error naming the variables to renew. A 429
 * is retryable with the Retry-After Reddit sent (a minute when it sent none).
 */
export const redditAdapter: SourceAdapter<RedditSourceConfig> = {
  type: "reddit",
  async poll(source, context) {
    const credentials = readCredentials(source, context);
    const collectedAt = context.now.toISOString();
    const read = (lane: Lane) => (url: string) => readListing(url, lane, source, context, credentials, collectedAt);
    const result = await paginate(source, context, searchUrl(source), read("posts"));
    if (source.subreddits && source.comments) await paginate(source, context, commentsUrl(source, source.subreddits), read("comments"), result);
    return result;
  },
};

type Lane = "posts" | "comments";

interface Credentials {
  clientId: string;
  clientSecret: string;
}

function readCredentials(source: RedditSourceConfig, context: Pick<PollContext, "secret">): Credentials {
  const read = (name: string, what: string) =>
    requiredSecret(context.secret, name, `${what} of the Reddit source ${source.id}, from https://www.reddit.com/prefs/apps`, { sourceId: source.id });
  return { clientId: read(source.clientIdEnv, "the Reddit app's client id"), clientSecret: read(source.clientSecretEnv, "the Reddit app's secret") };
}

/** The posts lane's first page. */
export function searchUrl(source: Pick<RedditSourceConfig, "baseUrl" | "query" | "subreddits">): string {
  const base = source.baseUrl.replace(/\/+$/, "");
  const url = new URL(source.subreddits ? `${base}/r/${source.subreddits.join("+")}/search` : `${base}/search`);
  url.searchParams.set("q", source.query);
  url.searchParams.set("type", "link");
  url.searchParams.set("sort", "new");
  url.searchParams.set("limit", String(REDDIT_PAGE_SIZE));
  if (source.subreddits) url.searchParams.set("restrict_sr", "true");
  url.searchParams.set("raw_json", "1");
  return url.toString();
}

/** The comments lane's first page: the newest comments of the subreddits. */
export function commentsUrl(source: Pick<RedditSourceConfig, "baseUrl">, subreddits: readonly string[]): string {
  const url = new URL(`${source.baseUrl.replace(/\/+$/, "")}/r/${subreddits.join("+")}/comments`);
  url.searchParams.set("limit", String(REDDIT_PAGE_SIZE));
  url.searchParams.set("raw_json", "1");
  return url.toString();
}

// --- the app-only token ---------------------------------------------------------------------

interface CachedToken {
  token: string;
  usableUntil: number;
}

const tokens = new Map<string, CachedToken>();
const pendingTokens = new Map<string, Promise<CachedToken>>();

/** Secrets never become map keys as they are: only their hash does. */
function tokenKey(source: RedditSourceConfig, credentials: Credentials): string {
  return createHash("sha256").update([source.tokenUrl, credentials.clientId, credentials.clientSecret].join("\u0000")).digest("hex");
}

/** The app-only token, cached per app until its last minute; `requested` when this call asked for it. */
async function accessToken(source: RedditSourceConfig, context: PollContext, credentials: Credentials): Promise<{ token: string; requested: boolean }> {
  const key = tokenKey(source, credentials);
  const cached = tokens.get(key);
  if (cached && cached.usableUntil > Date.now()) return { token: cached.token, requested: false };
  let pending = pendingTokens.get(key);
  if (!pending) {
    pending = requestToken(source, context, credentials).finally(() => pendingTokens.delete(key));
    pendingTokens.set(key, pending);
  }
  const entry = await pending;
  tokens.set(key, entry);
  return { token: entry.token, requested: true };
}

function renewHint(source: RedditSourceConfig): string {
  return `create a new secret for the app at https://www.reddit.com/prefs/apps (a "script" or "web app") and put its client id in ${source.clientIdEnv} and its secret in ${source.clientSecretEnv}`;
}

async function requestToken(source: RedditSourceConfig, context: PollContext, credentials: Credentials): Promise<CachedToken> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString("base64");
  const startedAt = Date.now();
  let text: string;
  try {
    const response = await context.http.request("POST", source.tokenUrl, {
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        "user-agent": source.userAgent,
      },
      body: "grant_type=client_credentials",
      ...(context.signal ? { signal: context.signal } : {}),
    });
    text = response.text;
  } catch (error) {
    if (error instanceof OdzewError && (error.context.status === 401 || error.context.status === 403)) {
      throw new OdzewError("SOURCE_HTTP", `Reddit refused the app's credentials at ${source.tokenUrl} (HTTP ${String(error.context.status)}): they are wrong or were revoked; ${renewHint(source)}`, {
        retryable: false,
        cause: error,
        context: { url: source.tokenUrl, status: error.context.status, variables: [source.clientIdEnv, source.clientSecretEnv] },
      });
    }
    throw error;
  }
  const body = parseJson(text);
  const token = isRecord(body) && typeof body.access_token === "string" ? body.access_token : "";
  if (!token) {
    // Reddit answers some refusals with 200 and {"error": "invalid_grant"} or {"error": "unsupported_grant_type"}.
    const reason = isRecord(body) && (typeof body.error === "string" || typeof body.error === "number") ? ` (error: ${String(body.error).slice(0, 100)})` : "";
    throw new OdzewError("SOURCE_HTTP", `Reddit's token endpoint ${source.tokenUrl} gave no access token${reason}; ${renewHint(source)}`, {
      retryable: false,
      context: { url: source.tokenUrl, variables: [source.clientIdEnv, source.clientSecretEnv] },
    });
  }
  const lifetime = isRecord(body) && typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : DEFAULT_LIFETIME_S;
  return { token, usableUntil: startedAt + lifetime * 1000 - Math.min(EXPIRY_MARGIN_MS, (lifetime * 1000) / 2) };
}

// --- reading a listing ----------------------------------------------------------------------

async function fetchListing(url: string, source: RedditSourceConfig, context: PollContext, credentials: Credentials): Promise<{ text: string; requests: number }> {
  let requests = 0;
  for (let attempt = 1; ; attempt++) {
    const { token, requested } = await accessToken(source, context, credentials);
    requests += requested ? 2 : 1;
    try {
      const response = await context.http.request("GET", url, {
        headers: { authorization: `bearer ${token}`, accept: "application/json", "user-agent": source.userAgent },
        ...(context.signal ? { signal: context.signal } : {}),
      });
      return { text: response.text, requests };
    } catch (error) {
      if (!(error instanceof OdzewError) || error.context.botWall) throw error;
      const status = error.context.status;
      if (status === 401 && attempt === 1) {
        // The cached token may have been revoked before it expired: one new token.
        tokens.delete(tokenKey(source, credentials));
        continue;
      }
      throw apiError(error, url, source);
    }
  }
}

function apiError(error: OdzewError, url: string, source: RedditSourceConfig): OdzewError {
  const status = error.context.status;
  const shown = typeof error.context.url === "string" ? error.context.url : url;
  const where = source.subreddits ? `r/${source.subreddits.join(", r/")}` : "Reddit";
  if (status === 401) {
    return new OdzewError("SOURCE_HTTP", `Reddit refused a new app-only token (HTTP 401) for ${shown}: the app's credentials were revoked; ${renewHint(source)}`, {
      retryable: false,
      cause: error,
      context: { url: shown, status, variables: [source.clientIdEnv, source.clientSecretEnv] },
    });
  }
  if (status === 429) {
    const retryAfterMs = typeof error.context.retryAfterMs === "number" ? error.context.retryAfterMs : RATE_LIMIT_FALLBACK_MS;
    return new OdzewError(
      "SOURCE_HTTP",
      `Reddit's rate limit (HTTP 429) for ${shown}: the app's queries a minute are spent (other tools using the same client id count too); collection resumes in ${Math.ceil(retryAfterMs / 1000)} s`,
      { retryable: true, cause: error, context: { url: shown, status, retryAfterMs } },
    );
  }
  if (status === 403 || status === 404) {
    return new OdzewError(
      "SOURCE_HTTP",
      `Reddit refused ${shown} (HTTP ${status}): ${where} is private, quarantined, banned or does not exist; check the subreddits of source ${source.id}`,
      { retryable: false, cause: error, context: { url: shown, status } },
    );
  }
  return error;
}

async function readListing(
  url: string,
  lane: Lane,
  source: RedditSourceConfig,
  context: PollContext,
  credentials: Credentials,
  collectedAt: string,
): Promise<Page> {
  const { text, requests } = await fetchListing(url, source, context, credentials);
  const body = parseJson(text);
  if (body === undefined) {
    throw new OdzewError("SOURCE_PARSE", `Reddit answered ${url} with something that is not JSON (a cut-off answer or an error page)`, {
      retryable: true,
      context: { url },
    });
  }
  const problems: PollProblem[] = [];
  const page: Page = { url, mentions: [], problems, requests };
  const data = isRecord(body) && body.kind === "Listing" && isRecord(body.data) ? body.data : undefined;
  const children = data?.children;
  if (!data || !Array.isArray(children)) {
    problems.push({ page: url, reason: 'Reddit\'s answer is not a Listing ({kind: "Listing", data: {children: […]}}): the API changed its format' });
    return page;
  }
  const terms = lane === "comments" ? queryTerms(source.query) : [];
  for (const [index, child] of children.entries()) {
    const parsed = readThing(child, index, source, collectedAt);
    if ("problem" in parsed) problems.push({ page: url, reason: parsed.problem });
    else if (lane === "posts" || mentionsAny(parsed.text, terms)) page.mentions.push(parsed);
  }
  const after = typeof data.after === "string" && /^t\d_[a-z0-9]+$/i.test(data.after) ? data.after : undefined;
  if (after && children.length > 0) {
    const next = new URL(url);
    next.searchParams.set("after", after);
    page.next = next.toString();
  }
  return page;
}

const GONE = new Set(["[deleted]", "[removed]"]);

/** One `t3` (post) or `t1` (comment) of a listing. */
function readThing(child: unknown, index: number, source: RedditSourceConfig, collectedAt: string): RawMention | { problem: string } {
  const kind = isRecord(child) ? child.kind : undefined;
  const data = isRecord(child) && isRecord(child.data) ? child.data : undefined;
  if ((kind !== "t3" && kind !== "t1") || !data) return { problem: `item #${index + 1} of the listing is not a post (t3) or comment (t1) (kind ${JSON.stringify(kind)})` };
  const nativeId = typeof data.name === "string" && /^t[13]_[a-z0-9]+$/i.test(data.name) ? data.name : undefined;
  if (!nativeId) return { problem: `a Reddit ${kind === "t3" ? "post" : "comment"} (#${index + 1}) has no fullname (data.name)` };
  const created = data.created_utc;
  if (typeof created !== "number" || !Number.isFinite(created) || created <= 0) return { problem: `Reddit item ${nativeId} has no readable created_utc` };

  const raw = kind === "t3" ? data.selftext : data.body;
  const body = typeof raw === "string" ? cleanText(raw) : "";
  const removedBy = typeof data.removed_by_category === "string" ? data.removed_by_category : undefined;
  if (GONE.has(body) || removedBy) {
    return { problem: `Reddit ${kind === "t3" ? "post" : "comment"} ${nativeId} was ${removedBy ? `removed (${removedBy})` : body.slice(1, -1)}: skipped` };
  }
  const title = kind === "t3" && typeof data.title === "string" ? cleanText(data.title) : "";
  if (kind === "t1" && body === "") return { problem: `Reddit comment ${nativeId} has no body` };

  const author = typeof data.author === "string" && !GONE.has(data.author) ? cleanText(data.author) : "";
  const permalink = typeof data.permalink === "string" && data.permalink.startsWith("/") ? resolveUrl(data.permalink, WEB) : undefined;
  const subreddit = typeof data.subreddit === "string" && /^[A-Za-z0-9_]{2,21}$/.test(data.subreddit) ? data.subreddit : undefined;
  const score = data.score;
  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "reddit" },
    nativeId,
    ...(permalink ? { url: permalink } : {}),
    ...(author ? { author: { name: `u/${author}`.slice(0, 500), profileUrl: `${WEB}/user/${encodeURIComponent(author)}` } } : {}),
    ...(title ? { title: title.slice(0, 2_000) } : {}),
    // A link post has only its title; the enricher reads the title with the text.
    text: body.slice(0, MAX_TEXT),
    publishedAt: new Date(Math.round(created * 1000)).toISOString(),
    collectedAt,
    // Reddit's score: upvotes minus downvotes (fuzzed); below zero is no reach at all.
    ...(typeof score === "number" && Number.isFinite(score) ? { reach: { votes: Math.max(0, Math.trunc(score)) } } : {}),
    ...(subreddit ? { details: { subject: `r/${subreddit}` } } : {}),
    brandHints: source.brands,
  };
}

// --- matching comments to the query -----------------------------------------------------------

/**
 * The words and "quoted phrases" of a Reddit search, without its operators (AND, OR, NOT),
 * excluded words (`-word`, `NOT word`), field searches (`subreddit:…`) and grouping.
 */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  const pattern = /(-?)"([^"]+)"|(\S+)/g;
  let negateNext = false;
  for (const match of query.matchAll(pattern)) {
    const phrase = match[2];
    const word = match[3];
    if (phrase !== undefined) {
      if (match[1] !== "-" && !negateNext) terms.push(phrase);
      negateNext = false;
      continue;
    }
    if (word === undefined) continue;
    const bare = word.replace(/^[()]+|[()]+$/g, "");
    if (bare === "AND" || bare === "OR" || bare === "") continue;
    if (bare === "NOT") {
      negateNext = true;
      continue;
    }
    if (!negateNext && !bare.startsWith("-") && !/^[a-z_]+:/i.test(bare)) terms.push(bare);
    negateNext = false;
  }
  return [...new Set(terms.map(fold).filter((term) => term !== ""))];
}

/** Whether a text contains one of the terms, ignoring case and Polish diacritics ("zuraw" finds "Żuraw"). */
export function mentionsAny(text: string, terms: readonly string[]): boolean {
  const folded = fold(text);
  return terms.some((term) => folded.includes(term));
}

function fold(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/ł/g, "l")
    .replace(/Ł/g, "L")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
