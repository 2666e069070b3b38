import { createHash } from "node:crypto";
import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type BlueskySourceConfig, type RawMention } from "@odzew/schema";
import { paginate, requiredSecret, type Page, type PollContext, type PollProblem, type PollResult, type SourceAdapter } from "./adapter.ts";
import { isRecord } from "./google-oauth.ts";
import { cleanText } from "./text.ts";

const API = "Bluesky";
const MAX_TEXT = 100_000;
/** Hosts of Bluesky's public AppView: they refuse `cursor` (and sometimes all search) to anonymous callers. */
const PUBLIC_APPVIEW_HOSTS = new Set(["public.api.bsky.app", "api.bsky.app"]);
const PUBLIC_APPVIEW = "https://public.api.bsky.app";
/** Labels by which Bluesky's moderation hides a post or account from everyone. */
const REMOVAL_LABELS = new Set(["!takedown", "!suspend", "!hide"]);
/** A session's access token is reused this long (Bluesky's access tokens live about two hours). */
const SESSION_REUSE_MS = 30 * 60_000;

/**
 * Posts on Bluesky that mention the brand, through `app.bsky.feed.searchPosts` with
 * `sort=latest` (lexicon `app/bsky/feed/searchPosts.json`): `q`, `limit` (≤ 100), `cursor`,
 * `lang`, `since`; the answer is `{ posts: PostView[], cursor?, hitsTotal? }`.
 *
 * Newest first: `latest` orders by the post's `sortAt`, the earlier of its `createdAt` and the
 * time the AppView indexed it, and `publishedAt` is that same time here, so the incremental stop
 * at the first seen post stays correct even for a post whose client claimed a future date. The
 * search cursor is an offset: posts that arrive while a poll pages shift older ones onto the next
 * page, and `paginate` delivers such a post once.
 *
 * `terms` are searched one by one, each its own paging lane: the lexicon leaves the query syntax
 * "unspecified" (Lucene recommended), and Bluesky's open-source search service (indigo
 * `search/query.go`) reads `q` as an OpenSearch `simple_query_string`, where OR is `|` and the
 * word OR is just a word; separate searches are right on any implementation. A post found by two
 * terms is delivered once.
 *
 * Anonymous (no `auth`): the public AppView, which refuses `cursor` (HTTP 403, Bluesky issue
 * atproto#2838, bsky-docs#296), so a poll reads the first page only; a full first page with no
 * post seen before says that posts may have been missed. With `auth`, an app-password session
 * (`com.atproto.server.createSession` on the PDS, cached and reused) and the search through the
 * PDS, which pages.
 *
 * Reach: `votes` = likes + reposts + quotes (each an account endorsing the post or putting it in
 * front of its own followers); replies are conversation, not reach, and are left out. The
 * author's follower count is not in a PostView and is not fetched.
 *
 * Errors: XRPC errors are `{ error, message }`. A refused app password (401) or a refused session
 * is not retried and names the variables to renew; 429 (Retry-After, RateLimit-Reset) and 5xx
 * are retryable through the HTTP client; 400 BadQueryString names the query; a 403 from the
 * public AppView says to sign in. Deleted, blocked or taken-down posts (`notFound`, `blocked`, a
 * `!takedown` label) are skipped with a problem; an answer without a `posts` list is reported as
 * a changed format.
 */
export const blueskyAdapter: SourceAdapter<BlueskySourceConfig> = {
  type: "bluesky",
  async poll(source, context) {
    const collectedAt = context.now.toISOString();
    const session = source.auth ? await signIn(source, source.auth, context, false) : undefined;
    const host = (source.baseUrl ?? source.auth?.service ?? PUBLIC_APPVIEW).replace(/\/+$/, "");
    const canPage = session !== undefined || !PUBLIC_APPVIEW_HOSTS.has(new URL(host).hostname);
    const searches = source.query !== undefined ? [source.query] : (source.terms ?? []).map(asPhrase);
    const state: SearchState = { session };

    const result: PollResult = { mentions: [], requests: session?.fresh ? 1 : 0, pages: 0, parsed: 0, problems: [], stoppedBy: "last-page" };
    for (const q of searches) {
      await paginate(source, context, searchUrl(host, source, q), (url) => readPage(url, source, context, state, canPage, collectedAt), result);
    }
    return result;
  },
};

interface Session {
  accessJwt: string;
  /** Created for this poll (its request counts), not taken from the cache. */
  fresh: boolean;
}

interface SearchState {
  session: Session | undefined;
}

/** A term with spaces as a phrase ("księgarnia Żuraw"); a single word as it is. */
function asPhrase(term: string): string {
  return /\s/.test(term) && !/^".*"$/.test(term) ? `"${term.replace(/"/g, "")}"` : term;
}

function searchUrl(host: string, source: BlueskySourceConfig, q: string): string {
  const url = new URL(`${host}/xrpc/app.bsky.feed.searchPosts`);
  url.searchParams.set("q", q);
  url.searchParams.set("sort", "latest");
  url.searchParams.set("limit", String(source.pageSize));
  if (source.lang) url.searchParams.set("lang", source.lang);
  if (source.since) url.searchParams.set("since", source.since);
  return url.toString();
}

async function readPage(
  url: string,
  source: BlueskySourceConfig,
  context: PollContext,
  state: SearchState,
  canPage: boolean,
  collectedAt: string,
): Promise<Page> {
  let text: string;
  let requests = 1;
  try {
    text = await search(url, state.session, context);
  } catch (error) {
    // A cached session the server no longer takes (expired, revoked early): sign in again, once.
    if (state.session && !state.session.fresh && source.auth && isRefusedToken(error)) {
      forgetSession(source.auth, context);
      state.session = await signIn(source, source.auth, context, true);
      requests += 2;
      try {
        text = await search(url, state.session, context);
      } catch (again) {
        throw searchError(again, source, url);
      }
    } else if (new URL(url).searchParams.has("cursor") && xrpcErrorOf(error).status === 400 && !isRefusedToken(error)) {
      // Deep pages: the search pages by offset and refuses one too deep (Bluesky's own search
      // service allows offset + limit ≤ 10,000). What was read stands; the lane ends here.
      const { name, message } = xrpcErrorOf(error);
      const said = name || message ? ` (${[name, message].filter(Boolean).join(": ")})` : "";
      return { url, mentions: [], problems: [{ page: url, reason: `${API}'s search refused to page further (HTTP 400)${said}: older posts cannot be read through search` }] };
    } else {
      throw searchError(error, source, url);
    }
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new OdzewError("SOURCE_PARSE", `${API} answered the search with something that is not JSON (${error instanceof Error ? error.message : String(error)})`, {
      retryable: true,
      cause: error,
      context: { url },
    });
  }
  const posts = isRecord(body) ? body.posts : undefined;
  if (!Array.isArray(posts)) {
    const reason = `${API} answered the search without a "posts" list (app.bsky.feed.searchPosts output): the format changed, or the host is not an AppView`;
    return { url, mentions: [], problems: [{ page: url, reason }], requests };
  }

  const problems: PollProblem[] = [];
  const mentions: RawMention[] = [];
  for (const [index, post] of posts.entries()) {
    const parsed = readPost(post, index, source, collectedAt);
    if ("problem" in parsed) problems.push({ page: url, reason: parsed.problem });
    else mentions.push(parsed);
  }

  const cursor = isRecord(body) && typeof body.cursor === "string" && body.cursor !== "" ? body.cursor : undefined;
  let next: string | undefined;
  if (cursor !== undefined && posts.length > 0) {
    if (canPage) {
      const nextUrl = new URL(url);
      nextUrl.searchParams.set("cursor", cursor);
      next = nextUrl.toString();
    } else if (context.mode === "incremental" && context.seen.size > 0 && posts.length >= source.pageSize && !mentions.some((mention) => context.seen.has(mention.nativeId))) {
      problems.push({
        page: url,
        reason:
          `more than ${source.pageSize} new posts since the last poll, and the public AppView serves only the first page to anonymous callers: ` +
          `older new posts may have been missed; poll more often or set auth (an app password) on the source`,
      });
    }
  }
  return { url, mentions, problems, next, requests };
}

async function search(url: string, session: Session | undefined, context: PollContext): Promise<string> {
  const response = await context.http.request("GET", url, {
    headers: { accept: "application/json", ...(session ? { authorization: `Bearer ${session.accessJwt}` } : {}) },
    ...(context.signal ? { signal: context.signal } : {}),
  });
  return response.text;
}

/** The XRPC error of a refused request (`{ error, message }`), read from the start of its body. */
function xrpcErrorOf(error: unknown): { status?: number; name?: string; message?: string } {
  if (!(error instanceof OdzewError)) return {};
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  const body = typeof error.context.body === "string" ? error.context.body : "";
  let name: string | undefined;
  let message: string | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      if (typeof parsed.error === "string") name = parsed.error;
      if (typeof parsed.message === "string") message = parsed.message;
    }
  } catch {
    // The snippet may be cut short: read the fields as they stand.
    name = /"error"\s*:\s*"([^"\\]{1,100})"/.exec(body)?.[1];
    message = /"message"\s*:\s*"([^"\\]{1,200})/.exec(body)?.[1];
  }
  return { ...(status !== undefined ? { status } : {}), ...(name ? { name } : {}), ...(message ? { message: cleanText(message).slice(0, 200) } : {}) };
}

/** An access token the server does not take: 401, or 400 ExpiredToken/InvalidToken (atproto's answer to an old token). */
function isRefusedToken(error: unknown): boolean {
  const { status, name } = xrpcErrorOf(error);
  return status === 401 || (status === 400 && (name === "ExpiredToken" || name === "InvalidToken"));
}

/** What a refused search means for the user; rate limits and server errors pass through as they are (retryable). */
function searchError(error: unknown, source: BlueskySourceConfig, url: string): unknown {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP" || error.context.botWall) return error;
  const { status, name, message } = xrpcErrorOf(error);
  if (status === undefined || status === 429 || status === 408 || status >= 500) return error;
  const said = name || message ? ` (${[name, message].filter(Boolean).join(": ")})` : "";
  const context = { url: error.context.url ?? url, status, ...(name ? { xrpcError: name } : {}) };
  if (source.auth && isRefusedToken(error)) {
    return new OdzewError(
      "SOURCE_HTTP",
      `${API} refused the signed-in search (HTTP ${status})${said}: the app password in ${source.auth.appPasswordEnv} was revoked or the account ` +
        `in ${source.auth.identifierEnv} can no longer sign in; create a new app password and put it in ${source.auth.appPasswordEnv}`,
      { retryable: false, cause: error, context: { ...context, variable: source.auth.appPasswordEnv } },
    );
  }
  if (status === 400) {
    return new OdzewError("SOURCE_HTTP", `${API} refused the search (HTTP 400)${said}: check the source's query/terms, lang and since`, {
      retryable: false,
      cause: error,
      context,
    });
  }
  if ((status === 401 || status === 403) && !source.auth) {
    return new OdzewError(
      "SOURCE_HTTP",
      `${API}'s AppView refused the anonymous search (HTTP ${status})${said}: Bluesky turns public post search off for anonymous callers under load; ` +
        `sign in: set auth (an app password in BLUESKY_APP_PASSWORD, your handle in BLUESKY_IDENTIFIER) on the source`,
      { retryable: false, cause: error, context },
    );
  }
  return new OdzewError("SOURCE_HTTP", `${API} refused the search (HTTP ${status})${said}`, { retryable: false, cause: error, context });
}

// ---------------------------------------------------------------------------------------------
// Sessions (app password)
// ---------------------------------------------------------------------------------------------

interface CachedSession {
  accessJwt: string;
  usableUntil: number;
}

/** Sessions by a hash of service, identifier and password: createSession is rate-limited (30 per 5 minutes per account). */
const sessions = new Map<string, CachedSession>();

type Auth = NonNullable<BlueskySourceConfig["auth"]>;

function readCredentials(auth: Auth, context: Pick<PollContext, "secret">): { identifier: string; password: string } {
  const read = (name: string, what: string) => requiredSecret(context.secret, name, what);
  return { identifier: read(auth.identifierEnv, "the Bluesky handle, DID or email to sign in with"), password: read(auth.appPasswordEnv, "a Bluesky app password") };
}

function sessionKey(auth: Auth, credentials: { identifier: string; password: string }): string {
  return createHash("sha256").update([auth.service, credentials.identifier, credentials.password].join("\u0000")).digest("hex");
}

function forgetSession(auth: Auth, context: Pick<PollContext, "secret">): void {
  sessions.delete(sessionKey(auth, readCredentials(auth, context)));
}

/** An access token by `com.atproto.server.createSession` (identifier + app password), cached. */
async function signIn(source: BlueskySourceConfig, auth: Auth, context: PollContext, renew: boolean): Promise<Session> {
  const credentials = readCredentials(auth, context);
  const key = sessionKey(auth, credentials);
  const cached = sessions.get(key);
  if (!renew && cached && cached.usableUntil > Date.now()) return { accessJwt: cached.accessJwt, fresh: false };

  const url = `${auth.service.replace(/\/+$/, "")}/xrpc/com.atproto.server.createSession`;
  let text: string;
  try {
    const response = await context.http.request("POST", url, {
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ identifier: credentials.identifier, password: credentials.password }),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    text = response.text;
  } catch (error) {
    throw sessionError(error, auth, source);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const accessJwt = isRecord(parsed) && typeof parsed.accessJwt === "string" ? parsed.accessJwt : "";
  if (!accessJwt) {
    throw new OdzewError("SOURCE_PARSE", `${API}: com.atproto.server.createSession at ${auth.service} answered without an accessJwt`, { context: { url } });
  }
  sessions.set(key, { accessJwt, usableUntil: Date.now() + SESSION_REUSE_MS });
  return { accessJwt, fresh: true };
}

function sessionError(error: unknown, auth: Auth, source: BlueskySourceConfig): unknown {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP" || error.retryable) return error;
  const { status, name, message } = xrpcErrorOf(error);
  if (status === undefined) return error;
  const said = name || message ? ` (${[name, message].filter(Boolean).join(": ")})` : "";
  const hint =
    name === "AccountTakedown"
      ? `the account in ${auth.identifierEnv} was taken down by Bluesky; sign in with another account`
      : status === 401
        ? `the app password in ${auth.appPasswordEnv} was revoked or is wrong, or ${auth.identifierEnv} names another account; ` +
          `create a new app password (Settings → Privacy and security → App passwords) and put it in ${auth.appPasswordEnv}`
        : `check ${auth.identifierEnv} and ${auth.appPasswordEnv}`;
  return new OdzewError("SOURCE_HTTP", `source ${source.id}: signing in to ${API} at ${auth.service} failed (HTTP ${status})${said}: ${hint}`, {
    retryable: false,
    cause: error,
    context: { url: error.context.url, status, variable: auth.appPasswordEnv, ...(name ? { xrpcError: name } : {}) },
  });
}

// ---------------------------------------------------------------------------------------------
// Posts
// ---------------------------------------------------------------------------------------------

/** `at://<did>/app.bsky.feed.post/<rkey>` → its parts. */
function parseAtUri(value: string): { repo: string; rkey: string } | undefined {
  const match = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._~:-]{1,512})$/.exec(value);
  return match?.[1] && match[2] ? { repo: match[1], rkey: match[2] } : undefined;
}

function readPost(post: unknown, index: number, source: BlueskySourceConfig, collectedAt: string): RawMention | { problem: string } {
  if (!isRecord(post)) return { problem: `post #${index + 1} is not an object` };
  const uri = typeof post.uri === "string" ? post.uri : undefined;
  if (post.notFound === true) return { problem: `post ${uri ?? `#${index + 1}`} was deleted (notFound)` };
  if (post.blocked === true) return { problem: `post ${uri ?? `#${index + 1}`} is from an author who blocks or is blocked (blocked)` };
  const at = uri ? parseAtUri(uri) : undefined;
  if (!uri || !at) return { problem: `post #${index + 1} has no at:// URI of an app.bsky.feed.post (uri: ${JSON.stringify(post.uri ?? null)})` };

  const author = isRecord(post.author) ? post.author : undefined;
  const removedBy = [...labelValues(post.labels), ...labelValues(author?.labels)].find((value) => REMOVAL_LABELS.has(value));
  if (removedBy) return { problem: `post ${uri} was taken down or hidden by Bluesky's moderation (label ${removedBy})` };

  const record = isRecord(post.record) ? post.record : undefined;
  if (!record || typeof record.text !== "string") return { problem: `post ${uri} has no record text (deleted, or not an app.bsky.feed.post)` };
  const createdAt = timestamp(record.createdAt);
  const indexedAt = timestamp(post.indexedAt);
  // sortAt: the earlier of the two, as `sort=latest` orders.
  const publishedAt = createdAt !== undefined && indexedAt !== undefined ? Math.min(createdAt, indexedAt) : (createdAt ?? indexedAt);
  if (publishedAt === undefined) return { problem: `post ${uri} has no readable date (record.createdAt ${JSON.stringify(record.createdAt ?? null)})` };

  const did = typeof author?.did === "string" && author.did.startsWith("did:") ? author.did : at.repo;
  const handle = typeof author?.handle === "string" && author.handle !== "handle.invalid" && /^[a-zA-Z0-9.-]{3,253}$/.test(author.handle) ? author.handle : undefined;
  const profile = `https://bsky.app/profile/${encodeURIComponent(handle ?? did)}`;
  const displayName = typeof author?.displayName === "string" ? cleanText(author.displayName) : "";
  const name = displayName || handle || did;

  const body = cleanText(record.text) || embedText(record.embed);
  const lang = Array.isArray(record.langs) ? languageOf(record.langs[0]) : undefined;
  const votes = count(post.likeCount) + count(post.repostCount) + count(post.quoteCount);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, uri),
    source: { id: source.id, type: "bluesky" },
    nativeId: uri,
    url: `${profile}/post/${encodeURIComponent(at.rkey)}`,
    author: { name: name.slice(0, 500), profileUrl: profile },
    text: body.slice(0, MAX_TEXT),
    ...(lang ? { lang } : {}),
    publishedAt: new Date(publishedAt).toISOString(),
    collectedAt,
    reach: { votes },
    brandHints: source.brands,
  };
}

/** A post with images or a link card only: its alt texts, or the card's title and description. */
function embedText(embed: unknown): string {
  if (!isRecord(embed)) return "";
  const parts: string[] = [];
  if (Array.isArray(embed.images)) for (const image of embed.images) if (isRecord(image) && typeof image.alt === "string") parts.push(image.alt);
  if (isRecord(embed.external)) for (const field of [embed.external.title, embed.external.description]) if (typeof field === "string") parts.push(field);
  if (isRecord(embed.media)) parts.push(embedText(embed.media));
  return cleanText(parts.filter((part) => part.trim() !== "").join("\n"));
}

function labelValues(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  return labels.flatMap((label) => (isRecord(label) && typeof label.val === "string" && label.neg !== true ? [label.val] : []));
}

/** A BCP 47 tag ("pl", "pt-BR") → its primary language ("pl", "pt"). */
function languageOf(tag: unknown): string | undefined {
  if (typeof tag !== "string") return undefined;
  const primary = /^([a-zA-Z]{2,3})(?:-|$)/.exec(tag)?.[1];
  return primary?.toLowerCase();
}

function timestamp(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : 0;
}
