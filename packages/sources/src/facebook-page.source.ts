import { createHash } from "node:crypto";
import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type FacebookPageSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, requiredSecret, resolveUrl, type Page, type PollContext, type PollProblem, type PollResult, type SourceAdapter } from "./adapter.ts";
import { getBearerJson } from "./bearer-json.ts";
import { isRecord } from "./google-oauth.ts";
import { cleanText, normaliseRating } from "./text.ts";

const API = "Facebook's Graph API";
const MAX_TEXT = 100_000;
/** Items per request: the Graph API's edges take `limit` up to 100. */
export const FACEBOOK_PAGE_SIZE = 100;
/** Graph error codes of its rate limits: app (4), user (17), Page (32), a method's own (613). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
/**
 * A throttled app waits this long when Facebook gave no Retry-After: the Graph API counts its
 * platform limits over a rolling hour (it states the time to regain access only in its
 * X-App-Usage / X-Business-Use-Case-Usage headers).
 */
export const FACEBOOK_RATE_LIMIT_WAIT_MS = 60 * 60_000;
/** The Page's own replies looked for in a comment's thread. */
const REPLIES_PER_COMMENT = 10;

const RATING_FIELDS = "created_time,recommendation_type,review_text,rating,has_review,reviewer{id,name},open_graph_story{id}";
const POST_FIELDS = "id,message,created_time,permalink_url";
const COMMENT_FIELDS = `id,message,created_time,from{id,name},like_count,permalink_url,comments.limit(${REPLIES_PER_COMMENT}){from{id,name},message,created_time}`;

/**
 * The brand's own Facebook Page through the Graph API with a Page access token (permissions
 * `pages_read_engagement` and `pages_read_user_content`, from an admin who can moderate the
 * Page). The token goes in the `Authorization: Bearer` header, never in a URL, so it never
 * reaches a log, an error or the cursor; the `paging.next` links Facebook returns carry the token
 * in their query, so they are never followed as they are: the next page is this source's own URL
 * with the paging parameters of `paging.next` (`after=<paging.cursors.after>`), and without
 * `paging.next` the page is the last (https://developers.facebook.com/docs/graph-api/results/).
 *
 * Two kinds of mentions, each list its own paging lane (`paginate`):
 * - ratings (`GET /{page-id}/ratings`, newest first): a recommendation (`recommendation_type`
 *   positive or negative, which replaced the 1–5 `rating` in 2018) with its `review_text`; the
 *   native id is its `open_graph_story.id`. A recommendation becomes a rating of 5 (positive) or
 *   1 (negative) on a 0–1 scale; an old 1–5 rating is kept as it is. Facebook removed the ratings
 *   edge from v22.0 on (error code 12): with such an `apiVersion` the lane is reported and skipped.
 * - comments on the Page's newest `maxPosts` posts (`GET /{page-id}/posts`, then per post
 *   `GET /{post-id}/comments?filter=toplevel&order=reverse_chronological`): each top-level
 *   comment is a mention, its likes are reach (`votes`), and the Page's own answer in the thread
 *   is its `reply`. The Page's own comments are not mentions. A post deleted since it was listed
 *   (code 100) is reported and skipped.
 *
 * Errors (`{"error": {message, type, code, error_subcode, fbtrace_id}}`,
 * https://developers.facebook.com/docs/graph-api/guides/error-handling): code 190 (an expired or
 * revoked token: a password change, the admin left the Page, the app was removed) stops the
 * source naming the variable to renew; codes 4, 17, 32 and 613 (rate limits) are retryable after
 * an hour; a missing permission (10, 200–299) names the permissions the token needs.
 */
export const facebookPageAdapter: SourceAdapter<FacebookPageSourceConfig> = {
  type: "facebook-page",
  async poll(source, context) {
    const token = requiredSecret(context.secret, source.accessTokenEnv, "a Facebook Page access token", { sourceId: source.id });
    const graph: Graph = { source, context, token, base: `${source.baseUrl.replace(/\/+$/, "")}/${source.apiVersion}` };
    const collectedAt = context.now.toISOString();
    const result: PollResult = { mentions: [], requests: 0, pages: 0, parsed: 0, problems: [], stoppedBy: "last-page" };
    const full = () => result.mentions.length >= source.limits.maxItemsPerPoll;

    if (source.ratings) {
      await paginate(source, context, ratingsUrl(graph), (url) => readRatings(graph, url, collectedAt), result);
    }
    if (source.comments && !full()) {
      const posts = await listPosts(graph, result);
      for (const post of posts) {
        if (full()) break;
        await paginate(source, context, commentsUrl(graph, post.id), (url) => readComments(graph, url, post, collectedAt), result);
      }
    }
    return result;
  },
};

interface Graph {
  source: FacebookPageSourceConfig;
  context: PollContext;
  token: string;
  /** `https://graph.facebook.com/v21.0` */
  base: string;
}

interface PagePost {
  id: string;
  /** The start of the post's text, for the mention's subject. */
  subject?: string;
}

function ratingsUrl(graph: Graph): string {
  const url = new URL(`${graph.base}/${graph.source.pageId}/ratings`);
  url.searchParams.set("fields", RATING_FIELDS);
  url.searchParams.set("limit", String(FACEBOOK_PAGE_SIZE));
  return url.toString();
}

function commentsUrl(graph: Graph, postId: string): string {
  const url = new URL(`${graph.base}/${encodeURIComponent(postId)}/comments`);
  url.searchParams.set("filter", "toplevel");
  url.searchParams.set("order", "reverse_chronological");
  url.searchParams.set("fields", COMMENT_FIELDS);
  url.searchParams.set("limit", String(FACEBOOK_PAGE_SIZE));
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// Requests and refusals
// ---------------------------------------------------------------------------------------------

/** A Graph API list (`{data: [...], paging}`) by GET with the token in the header. */
async function getList(graph: Graph, url: string): Promise<{ data: unknown[] | undefined; paging: unknown }> {
  const body = await getBearerJson(graph.context, url, graph.token, API, (error) => refusal(error, graph, url));
  return { data: isRecord(body) && Array.isArray(body.data) ? body.data : undefined, paging: isRecord(body) ? body.paging : undefined };
}

/**
 * The next page of a list: the URL just read with the paging parameters of `paging.next`
 * (its `after` cursor, or whatever else Facebook pages that edge by), never its host or its
 * `access_token`. No `paging.next`: the last page.
 */
export function nextPageUrl(current: string, paging: unknown): string | undefined {
  if (!isRecord(paging) || typeof paging.next !== "string") return undefined;
  const next = new URL(current);
  const cursors = isRecord(paging.cursors) ? paging.cursors : undefined;
  const after = typeof cursors?.after === "string" && cursors.after !== "" ? cursors.after : undefined;
  let given: URLSearchParams | undefined;
  try {
    given = new URL(paging.next).searchParams;
  } catch {
    given = undefined;
  }
  if (given) {
    for (const [name, value] of given) {
      if (name === "access_token" || name === "appsecret_proof" || name === "before") continue;
      next.searchParams.set(name, value);
    }
  }
  if (after) next.searchParams.set("after", after);
  next.searchParams.delete("before");
  const changed = next.toString() !== new URL(current).toString();
  return changed ? next.toString() : undefined;
}

export interface GraphErrorBody {
  status?: number;
  message?: string;
  type?: string;
  code?: number;
  subcode?: number;
}

/** The Graph error of a refused request (`{"error": {message, type, code, error_subcode}}`), read from the start of its body. */
export function graphErrorOf(error: unknown): GraphErrorBody {
  if (!(error instanceof OdzewError)) return {};
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  const body = typeof error.context.body === "string" ? error.context.body : "";
  const found: GraphErrorBody = status !== undefined ? { status } : {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const fields = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  // The body may be cut short: read the fields from the text as it stands.
  const text = (name: string) => (fields ? (typeof fields[name] === "string" ? fields[name] : undefined) : new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){1,300})`).exec(body)?.[1]);
  const number = (name: string) => {
    const value = fields ? fields[name] : Number(new RegExp(`"${name}"\\s*:\\s*(\\d{1,9})`).exec(body)?.[1]);
    return typeof value === "number" && Number.isInteger(value) ? value : undefined;
  };
  const message = text("message");
  const type = text("type");
  const code = number("code");
  const subcode = number("error_subcode");
  if (message) found.message = cleanText(message).slice(0, 300);
  if (type) found.type = type;
  if (code !== undefined) found.code = code;
  if (subcode !== undefined) found.subcode = subcode;
  return found;
}

/** Why a token was refused, by code 190's subcode. */
const TOKEN_SUBCODES: Record<number, string> = {
  458: "the app was removed from the account",
  459: "the account must sign in to Facebook to fix a checkpoint",
  460: "the password of the account that made it was changed",
  463: "it expired",
  464: "the account is not confirmed",
  467: "it is not valid (signed out, or revoked)",
  492: "the account is no longer an admin of the Page",
};

/** What a refused request means for this source and what to do. */
function refusal(error: unknown, graph: Graph, url: string): unknown {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP" || error.context.botWall) return error;
  const { status, message, code, subcode, type } = graphErrorOf(error);
  if (status === undefined) return error;
  const { source } = graph;
  const shown = typeof error.context.url === "string" ? error.context.url : url;
  const said = message ? ` Facebook said: ${message}` : "";
  const context = { url: shown, status, ...(code !== undefined ? { graphCode: code } : {}), ...(subcode !== undefined ? { graphSubcode: subcode } : {}) };
  const fail = (text: string, retryable: boolean, extra: Record<string, unknown> = {}) =>
    new OdzewError("SOURCE_HTTP", `${API} refused ${shown} (HTTP ${status}${code !== undefined ? `, code ${code}` : ""}): ${text}.${said}`, {
      retryable,
      cause: error,
      context: { ...context, ...extra },
    });

  if (code === 190 || code === 102 || (status === 401 && code === undefined) || (type === "OAuthException" && code === undefined && status === 400)) {
    const why = subcode !== undefined ? TOKEN_SUBCODES[subcode] : undefined;
    return fail(
      `the Page access token in ${source.accessTokenEnv} was refused${why ? ` (${why})` : " (expired or revoked)"}; ` +
        `create a new long-lived Page token (Graph API Explorer or Meta Business Suite, by an admin of Page ${source.pageId}, ` +
        `with pages_read_engagement and pages_read_user_content) and put it in ${source.accessTokenEnv}`,
      false,
      { variable: source.accessTokenEnv },
    );
  }
  if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || status === 429) {
    const retryAfterMs = typeof error.context.retryAfterMs === "number" ? error.context.retryAfterMs : FACEBOOK_RATE_LIMIT_WAIT_MS;
    const which = code === 32 ? "the Page's" : code === 17 ? "the account's" : code === 613 ? "this call's" : "the app's";
    return fail(`${which} rate limit is reached; collection resumes in ${Math.ceil(retryAfterMs / 60_000)} min`, true, { retryAfterMs, reason: "rateLimited" });
  }
  if (code === 12) {
    return new DeprecatedEdge(
      `${API} no longer serves this in ${source.apiVersion} (code 12: deprecated)${said ? `:${said.replace(" Facebook said:", "")}` : ""}; ` +
        "Facebook removed Page ratings from Graph API v22.0 on: set apiVersion: v21.0 while Facebook still serves it, or ratings: false",
    );
  }
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) {
    return fail(
      `the Page token in ${source.accessTokenEnv} lacks a permission: it needs pages_read_engagement and pages_read_user_content, ` +
        `granted by someone who can moderate Page ${source.pageId}`,
      false,
      { variable: source.accessTokenEnv },
    );
  }
  if (code === 100) return new GoneObject(message ?? "the object does not exist");
  if (status >= 500 || status === 408) return error;
  return fail("check the source's pageId and apiVersion", false);
}

/** Code 12: the edge is gone in this API version. */
class DeprecatedEdge extends Error {
  override readonly name = "DeprecatedEdge";
}

/** Code 100: the object does not exist (deleted), or the token cannot see it. */
class GoneObject extends Error {
  override readonly name = "GoneObject";
}

// ---------------------------------------------------------------------------------------------
// Ratings
// ---------------------------------------------------------------------------------------------

async function readRatings(graph: Graph, url: string, collectedAt: string): Promise<Page> {
  let list: Awaited<ReturnType<typeof getList>>;
  try {
    list = await getList(graph, url);
  } catch (error) {
    if (error instanceof DeprecatedEdge) return { url, mentions: [], problems: [{ page: url, reason: `ratings were not read: ${error.message}` }] };
    if (error instanceof GoneObject) throw pageUnknown(graph, url, error);
    throw error;
  }
  if (!list.data) return { url, mentions: [], problems: [{ page: url, reason: `${API} answered the ratings without a "data" list: the format changed` }] };
  const mentions: RawMention[] = [];
  const problems: PollProblem[] = [];
  for (const [index, rating] of list.data.entries()) {
    const read = readRating(rating, index, graph.source, collectedAt);
    if ("problem" in read) problems.push({ page: url, reason: read.problem });
    else mentions.push(read);
  }
  return { url, mentions, problems, next: list.data.length > 0 ? nextPageUrl(url, list.paging) : undefined };
}

function pageUnknown(graph: Graph, url: string, cause: Error): OdzewError {
  const { source } = graph;
  return new OdzewError(
    "SOURCE_HTTP",
    `${API} does not know Page ${source.pageId}, or the token in ${source.accessTokenEnv} cannot see it (code 100: ${cause.message}); check pageId and that the token is the Page's own`,
    { retryable: false, cause, context: { url, graphCode: 100, variable: source.accessTokenEnv } },
  );
}

/** One recommendation of `/{page-id}/ratings`. */
export function readRating(rating: unknown, index: number, source: FacebookPageSourceConfig, collectedAt: string): RawMention | { problem: string } {
  if (!isRecord(rating)) return { problem: `rating #${index + 1} is not an object` };
  const publishedAt = graphTime(rating.created_time);
  if (!publishedAt) return { problem: `rating #${index + 1} has no readable created_time (${JSON.stringify(rating.created_time ?? null)})` };
  const text = typeof rating.review_text === "string" ? cleanText(rating.review_text) : "";
  const reviewer = isRecord(rating.reviewer) ? rating.reviewer : undefined;
  const storyId = isRecord(rating.open_graph_story) && typeof rating.open_graph_story.id === "string" && /^[\w-]{1,100}$/.test(rating.open_graph_story.id) ? rating.open_graph_story.id : undefined;
  // A recommendation has no id of its own; its story has. Without one: what identifies it for good.
  const nativeId =
    storyId ?? `rating:${createHash("sha256").update([publishedAt, typeof reviewer?.id === "string" ? reviewer.id : "", text].join("\u0000")).digest("hex").slice(0, 32)}`;

  const stars = typeof rating.rating === "number" && Number.isInteger(rating.rating) ? normaliseRating(rating.rating, 1, 5) : undefined;
  const recommends = rating.recommendation_type === "positive" ? 1 : rating.recommendation_type === "negative" ? 0 : undefined;
  const score = stars ?? (recommends !== undefined ? normaliseRating(recommends, 0, 1) : undefined);
  if (!score && text === "") return { problem: `rating ${nativeId} has neither a recommendation nor a text` };
  const name = typeof reviewer?.name === "string" ? cleanText(reviewer.name) : "";

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "facebook-page" },
    nativeId,
    url: storyId ? `https://www.facebook.com/${storyId}` : `https://www.facebook.com/${source.pageId}/reviews`,
    ...(name ? { author: { name: name.slice(0, 500) } } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(score ? { rating: score } : {}),
    publishedAt,
    collectedAt,
    brandHints: source.brands,
  };
}

// ---------------------------------------------------------------------------------------------
// Posts and their comments
// ---------------------------------------------------------------------------------------------

/** The Page's newest posts (one request, not paged: `maxPosts` of them). */
async function listPosts(graph: Graph, result: PollResult): Promise<PagePost[]> {
  const url = new URL(`${graph.base}/${graph.source.pageId}/posts`);
  url.searchParams.set("fields", POST_FIELDS);
  url.searchParams.set("limit", String(graph.source.maxPosts));
  let list: Awaited<ReturnType<typeof getList>>;
  try {
    list = await getList(graph, url.toString());
  } catch (error) {
    if (error instanceof GoneObject) throw pageUnknown(graph, url.toString(), error);
    if (error instanceof DeprecatedEdge) throw new OdzewError("SOURCE_HTTP", error.message, { retryable: false, context: { url: url.toString() } });
    throw error;
  }
  result.requests += 1;
  if (!list.data) {
    result.problems.push({ page: url.toString(), reason: `${API} answered the Page's posts without a "data" list: the format changed` });
    result.parsed += 1;
    return [];
  }
  const posts: PagePost[] = [];
  for (const post of list.data) {
    if (!isRecord(post) || typeof post.id !== "string" || !/^[\d_]{1,100}$/.test(post.id)) continue;
    const message = typeof post.message === "string" ? cleanText(post.message) : "";
    const subject = message.length > 120 ? `${message.slice(0, 119)}…` : message;
    posts.push(subject ? { id: post.id, subject } : { id: post.id });
  }
  return posts;
}

async function readComments(graph: Graph, url: string, post: PagePost, collectedAt: string): Promise<Page> {
  let list: Awaited<ReturnType<typeof getList>>;
  try {
    list = await getList(graph, url);
  } catch (error) {
    // A post deleted (or hidden from the token) since it was listed: nothing to read there.
    if (error instanceof GoneObject) return { url, mentions: [], problems: [{ page: url, reason: `post ${post.id} is gone (deleted since it was listed, code 100): its comments were skipped` }] };
    if (error instanceof DeprecatedEdge) throw new OdzewError("SOURCE_HTTP", error.message, { retryable: false, context: { url } });
    throw error;
  }
  if (!list.data) return { url, mentions: [], problems: [{ page: url, reason: `${API} answered the comments of post ${post.id} without a "data" list: the format changed` }] };
  const mentions: RawMention[] = [];
  const problems: PollProblem[] = [];
  for (const [index, comment] of list.data.entries()) {
    const read = readComment(comment, index, graph.source, collectedAt, post.subject);
    if (read === "own") continue;
    if ("problem" in read) problems.push({ page: url, reason: read.problem });
    else mentions.push(read);
  }
  return { url, mentions, problems, next: list.data.length > 0 ? nextPageUrl(url, list.paging) : undefined };
}

/** One top-level comment on a Page post; `"own"` for the Page's own comment, which is no mention. */
export function readComment(
  comment: unknown,
  index: number,
  source: FacebookPageSourceConfig,
  collectedAt: string,
  subject?: string,
): RawMention | { problem: string } | "own" {
  if (!isRecord(comment)) return { problem: `comment #${index + 1} is not an object` };
  const id = typeof comment.id === "string" && /^[\w-]{1,200}$/.test(comment.id) ? comment.id : undefined;
  if (!id) return { problem: `comment #${index + 1} has no id (the token cannot moderate the Page: Facebook hides comment ids from others)` };
  const from = isRecord(comment.from) ? comment.from : undefined;
  if (from?.id === source.pageId) return "own";
  const text = typeof comment.message === "string" ? cleanText(comment.message) : "";
  if (!text) return { problem: `comment ${id} has no text (a sticker, photo or GIF only, or deleted since it was listed)` };
  const publishedAt = graphTime(comment.created_time);
  if (!publishedAt) return { problem: `comment ${id} has no readable created_time (${JSON.stringify(comment.created_time ?? null)})` };
  const name = typeof from?.name === "string" ? cleanText(from.name) : "";
  const likes = comment.like_count;
  const reply = pageReply(comment.comments, source.pageId);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, id),
    source: { id: source.id, type: "facebook-page" },
    nativeId: id,
    url: (typeof comment.permalink_url === "string" ? resolveUrl(comment.permalink_url, "https://www.facebook.com/") : undefined) ?? `https://www.facebook.com/${id}`,
    ...(name ? { author: { name: name.slice(0, 500) } } : {}),
    text: text.slice(0, MAX_TEXT),
    publishedAt,
    collectedAt,
    // Likes (reactions) on the comment: people endorsing it. Replies are conversation, not reach.
    ...(typeof likes === "number" && Number.isInteger(likes) && likes >= 0 ? { reach: { votes: likes } } : {}),
    ...(reply ? { reply } : {}),
    ...(subject ? { details: { subject: subject.slice(0, 500) } } : {}),
    brandHints: source.brands,
  };
}

/** The Page's own answer among the replies in a comment's thread (`comments{from,message,created_time}`). */
function pageReply(replies: unknown, pageId: string): RawMention["reply"] {
  if (!isRecord(replies) || !Array.isArray(replies.data)) return undefined;
  for (const reply of replies.data) {
    if (!isRecord(reply) || !isRecord(reply.from) || reply.from.id !== pageId) continue;
    const text = typeof reply.message === "string" ? cleanText(reply.message) : "";
    if (!text) continue;
    const author = typeof reply.from.name === "string" ? cleanText(reply.from.name) : "";
    const publishedAt = graphTime(reply.created_time);
    return { text: text.slice(0, MAX_TEXT), ...(author ? { author: author.slice(0, 500) } : {}), ...(publishedAt ? { publishedAt } : {}) };
  }
  return undefined;
}

/** The Graph API's times, `2026-11-25T09:41:17+0000` (an offset without a colon), as ISO 8601 UTC. */
export function graphTime(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})$/.exec(value.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const offset = match[2] === "Z" ? "Z" : `${match[2].slice(0, 3)}:${match[2].slice(-2)}`;
  const time = Date.parse(`${match[1]}${offset}`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
