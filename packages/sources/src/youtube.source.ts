import { createHash } from "node:crypto";
import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type RawMention, type YoutubeSourceConfig } from "@odzew/schema";
import { paginate, requiredSecret, type Page, type PollContext, type PollProblem, type PollResult, type SourceAdapter } from "./adapter.ts";
import { googleTimestamp, isRecord, readGoogleJson } from "./google-oauth.ts";
import { cleanText } from "./text.ts";

const API = "The YouTube Data API";
const MAX_TEXT = 100_000;
/** commentThreads.list returns at most 100 threads a page. */
const THREADS_PER_PAGE = 100;

/**
 * Quota units per request, as the brief and YouTube's long-standing quota table give them:
 * search.list 100, commentThreads.list 1 (any call, even a refused one, costs at least 1).
 */
export const YOUTUBE_QUOTA_COST = { search: 100, commentThreads: 1 } as const;

/**
 * Comments on YouTube through the Data API v3 with an API key (sent in the `x-goog-api-key`
 * header, never in a URL, so it never reaches a log, an error or the cursor):
 * - `channelId`: every comment thread on the brand's channel and its videos
 *   (`commentThreads.list?allThreadsRelatedToChannelId=…&order=time`);
 * - `search`: the newest videos a search finds (`search.list?q=…&type=video&order=date`), then each
 *   video's threads (`commentThreads.list?videoId=…&order=time`); videos of the brand's own channel
 *   are left to the channel lane.
 * Each thread's top-level comment is one mention (its id is the native id); `order=time` lists
 * threads newest first, and every listing is its own paging lane (`paginate`), so the incremental
 * stop at the first seen comment and the catch-up of a cut-short lane work per channel and video.
 * Replies are not collected as mentions; the brand channel's own reply, when YouTube includes it
 * in the thread (`part=replies`), becomes the mention's `reply`.
 *
 * Quota: Google counts units per Cloud project per day and resets them at midnight Pacific time.
 * This adapter keeps its own account per API key (in this process: a restart starts it at zero,
 * and Google's own `quotaExceeded` answer stays the backstop) and never plans more than the
 * configured `dailyQuota` leaves for the day: each lane reads at most as many pages as the units
 * left allow (a lane cut short by the budget continues next poll like one cut by `maxPages`), a
 * search is made only when its 100 units and one page more are left (videos it cannot afford are
 * reported), and a poll that cannot afford a single request fails, retryable, with `retryAfterMs`
 * to the next Pacific midnight ("the daily quota is spent; collection resumes after midnight
 * Pacific time"). Google's `quotaExceeded` (403) marks the key's day spent in the account and
 * means the same; when it comes before a lane delivered anything, the comments earlier lanes read
 * are kept and the rest is reported as a problem, otherwise the poll fails and is read again
 * after the reset (a lane stopped half-way cannot be resumed safely).
 */
export const youtubeAdapter: SourceAdapter<YoutubeSourceConfig> = {
  type: "youtube",
  async poll(source, context) {
    const apiKey = requiredSecret(context.secret, source.apiKeyEnv, "the YouTube Data API key");
    const poll = new YoutubePoll(source, context, apiKey);
    return poll.run();
  },
};

// ---------------------------------------------------------------------------------------------
// Quota: pure rules, and the account this process keeps
// ---------------------------------------------------------------------------------------------

/** Units spent on one Pacific day. */
export interface QuotaEntry {
  day: string;
  spent: number;
}

/** The Pacific calendar day (YYYY-MM-DD) an instant falls on: the day YouTube counts quota in. */
export function quotaDay(at: Date): string {
  const parts = pacificParts(at);
  return `${parts.year}-${pad(parts.month)}-${pad(parts.day)}`;
}

/** The next midnight in America/Los_Angeles (PST or PDT, whichever holds then): when YouTube's daily quota resets. */
export function nextPacificMidnight(at: Date): Date {
  const today = pacificParts(at);
  const wall = Date.UTC(today.year, today.month - 1, today.day + 1, 0, 0, 0);
  // Midnight is never in a daylight-saving jump there (they happen at 2:00): the offset of a first guess is the one.
  let instant = wall + 8 * 3_600_000;
  for (let step = 0; step < 2; step++) instant = wall - pacificOffsetMs(new Date(instant));
  return new Date(instant);
}

/** Units left today of a daily quota, by the account kept for the key. */
export function unitsLeft(entry: QuotaEntry | undefined, day: string, dailyQuota: number): number {
  const spent = entry?.day === day ? entry.spent : 0;
  return Math.max(0, dailyQuota - spent);
}

/** The account after spending units today; a new day starts from zero. */
export function charge(entry: QuotaEntry | undefined, day: string, units: number): QuotaEntry {
  return { day, spent: (entry?.day === day ? entry.spent : 0) + units };
}

/** Per API key (its hash, never the key): units spent on the current Pacific day. */
const ledger = new Map<string, QuotaEntry>();
const LEDGER_LIMIT = 1_000;

function record(key: string, entry: QuotaEntry): void {
  if (!ledger.has(key) && ledger.size >= LEDGER_LIMIT) {
    const oldest = ledger.keys().next();
    if (!oldest.done) ledger.delete(oldest.value);
  }
  ledger.set(key, entry);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const PACIFIC = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Los_Angeles",
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});

function pacificParts(at: Date): WallClock {
  const parts: Record<string, number> = {};
  for (const part of PACIFIC.formatToParts(at)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** Pacific wall-clock time minus UTC at an instant (−8 h in winter, −7 h in summer). */
function pacificOffsetMs(at: Date): number {
  const wall = pacificParts(at);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const pad = (value: number) => String(value).padStart(2, "0");

// ---------------------------------------------------------------------------------------------
// One poll
// ---------------------------------------------------------------------------------------------

interface FoundVideo {
  videoId: string;
  title?: string;
}

class YoutubePoll {
  private readonly base: string;
  private readonly ledgerKey: string;
  private readonly day: string;
  private readonly collectedAt: string;
  private readonly result: PollResult = { mentions: [], requests: 0, pages: 0, parsed: 0, problems: [], stoppedBy: "last-page" };

  constructor(
    private readonly source: YoutubeSourceConfig,
    private readonly context: PollContext,
    private readonly apiKey: string,
  ) {
    this.base = source.baseUrl.replace(/\/+$/, "");
    this.ledgerKey = createHash("sha256").update(apiKey).digest("hex").slice(0, 32);
    this.day = quotaDay(context.now);
    this.collectedAt = context.now.toISOString();
  }

  private unitsLeft(): number {
    return unitsLeft(ledger.get(this.ledgerKey), this.day, this.source.dailyQuota);
  }

  private full(): boolean {
    return this.result.mentions.length >= this.source.limits.maxItemsPerPoll;
  }

  async run(): Promise<PollResult> {
    const { source } = this;
    if (this.unitsLeft() < YOUTUBE_QUOTA_COST.commentThreads) throw this.quotaSpent("budget");
    try {
      if (source.channelId) {
        await this.readLane(this.threadsUrl({ allThreadsRelatedToChannelId: source.channelId }), { lane: "channel" });
      }
      if (source.search && !this.full()) await this.searchAndRead(source.search);
    } catch (error) {
      if (!(error instanceof QuotaStop)) throw error;
      // The quota ran out between lanes: what was read stays delivered, the rest waits for the reset
      // (the next poll fails at once with retryAfterMs, by the account now marked spent).
      if (this.result.mentions.length === 0) throw error.quota;
      this.skip(error.page, `${error.quota.message}; the rest of this poll was left for then`);
    }
    return this.result;
  }

  private async searchAndRead(search: NonNullable<YoutubeSourceConfig["search"]>): Promise<void> {
    const left = this.unitsLeft();
    if (left < YOUTUBE_QUOTA_COST.search + YOUTUBE_QUOTA_COST.commentThreads) {
      // A source with a search only has nothing it can afford: the poll fails until the reset.
      if (!this.source.channelId) throw this.quotaSpent("budget");
      this.skip(
        `youtube search "${search.query}"`,
        `the search for "${search.query}" was not made: it costs ${YOUTUBE_QUOTA_COST.search} units and ${left} of today's ${this.source.dailyQuota} (dailyQuota) are left; it runs again after midnight Pacific time`,
      );
      return;
    }
    const params = new URLSearchParams({ part: "snippet", type: "video", order: "date", maxResults: String(search.maxVideos), q: search.query });
    if (search.lang) params.set("relevanceLanguage", search.lang);
    if (search.country) params.set("regionCode", search.country.toUpperCase());
    const url = `${this.base}/youtube/v3/search?${params.toString()}`;
    let text: string;
    try {
      text = await this.get(url, YOUTUBE_QUOTA_COST.search, { lane: "search" });
    } catch (error) {
      throw isQuotaSpent(error) ? new QuotaStop(error, url) : error;
    }
    const body = readGoogleJson(text, url, API);
    this.result.requests += 1;
    const items = body.items ?? [];
    if (!Array.isArray(items)) throw new OdzewError("SOURCE_PARSE", `${API} answered ${url} with "items" that is not a list`, { context: { url } });

    const videos: FoundVideo[] = [];
    for (const item of items) {
      const videoId = isRecord(item) && isRecord(item.id) && typeof item.id.videoId === "string" ? item.id.videoId : undefined;
      if (!videoId || !/^[\w-]{6,20}$/.test(videoId)) continue; // a channel or playlist result, or no id
      const snippet = isRecord(item) && isRecord(item.snippet) ? item.snippet : {};
      // The brand's own videos are read in full by the channel lane.
      if (this.source.channelId && snippet.channelId === this.source.channelId) continue;
      const title = typeof snippet.title === "string" ? cleanText(decodeEntities(snippet.title)) : "";
      videos.push(title ? { videoId, title } : { videoId });
    }
    for (const [index, video] of videos.entries()) {
      if (this.full()) return;
      if (this.unitsLeft() < YOUTUBE_QUOTA_COST.commentThreads) {
        const rest = videos.length - index;
        this.skip(url, `the comments of ${rest} video${rest === 1 ? "" : "s"} found by the search were not read: today's quota budget (dailyQuota ${this.source.dailyQuota}) is spent; they are read after midnight Pacific time`);
        return;
      }
      await this.readLane(this.threadsUrl({ videoId: video.videoId }), { lane: "video", video });
    }
  }

  /** A problem that is not an item on a page: counted as read, so that it never passes for a changed layout's empty page. */
  private skip(page: string, reason: string): void {
    this.result.problems.push({ page, reason });
    this.result.parsed += 1;
  }

  private threadsUrl(filter: { allThreadsRelatedToChannelId: string } | { videoId: string }): string {
    const params = new URLSearchParams({ part: "snippet,replies", ...filter, order: "time", maxResults: String(THREADS_PER_PAGE), textFormat: "plainText" });
    return `${this.base}/youtube/v3/commentThreads?${params.toString()}`;
  }

  /** One channel's or video's threads, newest first, page by page, as many pages as the quota left allows. */
  private async readLane(first: string, lane: LaneKind): Promise<void> {
    const { source, context } = this;
    const affordable = Math.floor(this.unitsLeft() / YOUTUBE_QUOTA_COST.commentThreads);
    const capped: YoutubeSourceConfig = {
      ...source,
      limits: { ...source.limits, maxPages: Math.min(source.limits.maxPages, affordable), backfillPages: Math.min(source.limits.backfillPages, affordable) },
    };
    const before = this.result.mentions.length;
    try {
      await paginate(capped, context, first, (ref) => this.readThreads(ref, lane), this.result);
    } catch (error) {
      // Spent on the lane's first page: nothing of it was delivered, so stopping here loses nothing.
      // Spent further on, the whole poll fails and is read again after the reset.
      throw isQuotaSpent(error) && this.result.mentions.length === before ? new QuotaStop(error, first) : error;
    }
  }

  private async readThreads(pageUrl: string, lane: LaneKind): Promise<Page> {
    let text: string;
    try {
      text = await this.get(pageUrl, YOUTUBE_QUOTA_COST.commentThreads, lane);
    } catch (error) {
      // A video found by the search whose comments are off, or that was deleted or made private since.
      if (error instanceof SkippedVideo) return { url: pageUrl, mentions: [], problems: [{ page: pageUrl, reason: error.message }] };
      throw error;
    }
    const body = readGoogleJson(text, pageUrl, API);
    const items = body.items ?? [];
    if (!Array.isArray(items)) {
      throw new OdzewError("SOURCE_PARSE", `${API} answered ${pageUrl} with "items" that is not a list: the API's format changed`, { context: { url: pageUrl } });
    }
    const mentions: RawMention[] = [];
    const problems: PollProblem[] = [];
    for (const [index, thread] of items.entries()) {
      const read = readThread(thread, index, this.source, this.collectedAt, lane.lane === "video" ? lane.video.title : undefined);
      if ("problem" in read) problems.push({ page: pageUrl, reason: read.problem });
      else mentions.push(read);
    }
    const token = typeof body.nextPageToken === "string" && body.nextPageToken !== "" ? body.nextPageToken : undefined;
    let next: string | undefined;
    if (token) {
      const url = new URL(pageUrl);
      url.searchParams.set("pageToken", token);
      next = url.toString();
    }
    return { url: pageUrl, mentions, problems, next };
  }

  /** A GET with the key in its header, charged to today's account before it is sent (Google charges refused calls too). */
  private async get(url: string, cost: number, lane: LaneKind | { lane: "search" }): Promise<string> {
    const { context } = this;
    if (this.unitsLeft() < cost) throw this.quotaSpent("budget");
    record(this.ledgerKey, charge(ledger.get(this.ledgerKey), this.day, cost));
    try {
      const response = await context.http.request("GET", url, {
        headers: { "x-goog-api-key": this.apiKey, accept: "application/json" },
        ...(context.signal ? { signal: context.signal } : {}),
      });
      return response.text;
    } catch (error) {
      throw this.refusal(error, lane);
    }
  }

  /** The error a refused request becomes: what it means for this source and what to do. */
  private refusal(error: unknown, lane: LaneKind | { lane: "search" }): unknown {
    if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP") return error;
    const status = error.context.status;
    if (typeof status !== "number" || status === 429 || status === 408 || status >= 500) return error; // retryable as the client made it
    const { reasons, message } = googleRefusal(error.context.body);
    const has = (...names: string[]) => names.some((name) => reasons.includes(name));
    const said = message ? ` YouTube said: ${message}` : "";
    const variable = this.source.apiKeyEnv;
    const url = String(error.context.url);
    const fail = (text: string, retryable = false, extra: Record<string, unknown> = {}) =>
      new OdzewError("SOURCE_HTTP", `${API} refused ${url} (HTTP ${status}): ${text}.${said}`, {
        retryable,
        cause: error,
        context: { ...error.context, ...extra },
      });

    if (status === 403 && (has("quotaExceeded", "dailyLimitExceeded") || /exceeded your\s.*quota/i.test(message ?? ""))) {
      // Google's own count says the day is spent: so does ours, for every source with this key.
      const entry = ledger.get(this.ledgerKey);
      record(this.ledgerKey, { day: this.day, spent: Math.max(this.source.dailyQuota, entry?.day === this.day ? entry.spent : 0) });
      return this.quotaSpent("google", error);
    }
    if (status === 403 && lane.lane === "video" && (has("commentsDisabled") || /disabled comments/i.test(message ?? ""))) {
      return new SkippedVideo(`comments are turned off on video ${lane.video.videoId}${lane.video.title ? ` ("${lane.video.title}")` : ""}: skipped`);
    }
    if (status === 404 && lane.lane === "video") {
      return new SkippedVideo(`video ${lane.video.videoId}${lane.video.title ? ` ("${lane.video.title}")` : ""} is gone (deleted or made private since the search found it): skipped`);
    }
    const keyProblem =
      status === 401 || has("keyInvalid", "keyExpired", "API_KEY_INVALID", "API_KEY_EXPIRED", "API_KEY_SERVICE_BLOCKED") || /\bAPI key\b/i.test(message ?? "");
    if (keyProblem) {
      return fail(
        `the API key in ${variable} was refused (revoked, expired, restricted or mistyped): create a key for the YouTube Data API v3 in the Google Cloud console (APIs & Services → Credentials) and put it in ${variable}`,
        false,
        { variable },
      );
    }
    if (has("accessNotConfigured", "SERVICE_DISABLED") || /has not been used in project|is disabled/i.test(message ?? "")) {
      return fail(`enable the YouTube Data API v3 for the Google Cloud project of the key in ${variable}`);
    }
    if (has("rateLimitExceeded", "userRateLimitExceeded")) return fail("YouTube asks to slow down; the next poll tries again", true);
    if (status === 404 && lane.lane === "channel") return fail(`check channelId ${this.source.channelId ?? ""}: YouTube does not know that channel`);
    if (has("invalidPageToken")) return fail("the page token is no longer valid");
    return fail(status === 403 ? `check the restrictions of the API key in ${variable}` : "check the source's settings");
  }

  private quotaSpent(why: "google" | "budget", cause?: OdzewError): OdzewError {
    const now = this.context.now;
    const resumeAt = nextPacificMidnight(now);
    const reason =
      why === "google"
        ? "Google answered quotaExceeded for the key's project"
        : `this key's budget of ${this.source.dailyQuota} units a day (dailyQuota) is used up`;
    return new OdzewError(
      "SOURCE_HTTP",
      `YouTube: the daily quota is spent (${reason}); collection resumes after midnight Pacific time (${resumeAt.toISOString()})`,
      {
        retryable: true,
        ...(cause ? { cause } : {}),
        context: {
          ...(cause ? { url: cause.context.url, status: cause.context.status } : {}),
          reason: "quotaExceeded",
          retryAfterMs: Math.max(1_000, resumeAt.getTime() - now.getTime()),
        },
      },
    );
  }
}

type LaneKind = { lane: "channel" } | { lane: "video"; video: FoundVideo };

/** The quota ran out before a lane delivered anything: the poll may end with what earlier lanes read. */
class QuotaStop extends Error {
  override readonly name = "QuotaStop";
  constructor(
    readonly quota: OdzewError,
    readonly page: string,
  ) {
    super(quota.message, { cause: quota });
  }
}

function isQuotaSpent(error: unknown): error is OdzewError {
  return error instanceof OdzewError && error.context.reason === "quotaExceeded";
}

/** A video lane that cannot be read (comments off, video gone): a problem, never a failed poll. */
class SkippedVideo extends Error {
  override readonly name = "SkippedVideo";
}

/**
 * The reasons and the message of a Google error body (`{error: {code, message, errors: [{reason}],
 * details: [{reason}]}}`). The HTTP client keeps only the start of an error body, and YouTube's
 * messages carry links, so the body may be cut before `errors[].reason`: the reasons found and the
 * first message (which comes first) are read from the text as it is.
 */
export function googleRefusal(body: unknown): { reasons: string[]; message?: string } {
  if (typeof body !== "string" || body === "") return { reasons: [] };
  const reasons = [...body.matchAll(/"reason"\s*:\s*"([A-Za-z_]+)"/g)].flatMap((match) => (match[1] ? [match[1]] : []));
  const found = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(body)?.[1];
  if (found === undefined) return { reasons };
  let message: string;
  try {
    message = String(JSON.parse(`"${found}"`));
  } catch {
    message = found;
  }
  message = cleanText(decodeEntities(message.replace(/<[^>]*>/g, ""))).slice(0, 300);
  return message ? { reasons, message } : { reasons };
}

function readThread(
  thread: unknown,
  index: number,
  source: YoutubeSourceConfig,
  collectedAt: string,
  videoTitle: string | undefined,
): RawMention | { problem: string } {
  if (!isRecord(thread)) return { problem: `comment thread #${index + 1} is not an object` };
  const threadSnippet = isRecord(thread.snippet) ? thread.snippet : undefined;
  const top = threadSnippet && isRecord(threadSnippet.topLevelComment) ? threadSnippet.topLevelComment : undefined;
  const comment = top && isRecord(top.snippet) ? top.snippet : undefined;
  const nativeId = typeof thread.id === "string" && thread.id !== "" ? thread.id : typeof top?.id === "string" && top.id !== "" ? top.id : undefined;
  if (!nativeId) return { problem: `comment thread #${index + 1} has no id` };
  if (!threadSnippet || !comment) return { problem: `comment thread ${nativeId} has no snippet.topLevelComment.snippet: the API's format changed` };
  // textDisplay is plain text when textFormat=plainText is asked; textOriginal only reaches the comment's author.
  const raw = typeof comment.textDisplay === "string" ? comment.textDisplay : typeof comment.textOriginal === "string" ? comment.textOriginal : "";
  const text = cleanText(raw);
  if (!text) return { problem: `comment ${nativeId} has no text (deleted or hidden since it was listed)` };
  const publishedAt = googleTimestamp(comment.publishedAt);
  if (!publishedAt) return { problem: `comment ${nativeId} has no readable publishedAt (${JSON.stringify(comment.publishedAt)})` };

  const commentId = typeof top?.id === "string" && top.id !== "" ? top.id : nativeId;
  const videoId = typeof threadSnippet.videoId === "string" ? threadSnippet.videoId : typeof comment.videoId === "string" ? comment.videoId : undefined;
  const url = videoId && /^[\w-]{6,20}$/.test(videoId) ? `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&lc=${encodeURIComponent(commentId)}` : undefined;
  const authorName = typeof comment.authorDisplayName === "string" ? cleanText(comment.authorDisplayName) : "";
  const profileUrl = httpUrl(comment.authorChannelUrl);
  // Likes are viewers endorsing the comment, the nearest thing to "found helpful"; YouTube shows
  // no dislike count and no views per comment. Replies are conversation, not reach.
  const likes = comment.likeCount;
  const reply = brandReply(thread.replies, source.channelId);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "youtube" },
    nativeId,
    ...(url ? { url } : {}),
    ...(authorName ? { author: { name: authorName.slice(0, 500), ...(profileUrl ? { profileUrl } : {}) } } : {}),
    text: text.slice(0, MAX_TEXT),
    publishedAt,
    collectedAt,
    ...(typeof likes === "number" && Number.isInteger(likes) && likes >= 0 ? { reach: { helpful: likes } } : {}),
    ...(reply ? { reply } : {}),
    ...(videoTitle ? { details: { subject: videoTitle.slice(0, 500) } } : {}),
    brandHints: source.brands,
  };
}

/** The brand channel's own answer among the replies YouTube includes in the thread (it includes some, not always all). */
function brandReply(replies: unknown, channelId: string | undefined): RawMention["reply"] {
  if (!channelId || !isRecord(replies) || !Array.isArray(replies.comments)) return undefined;
  for (const reply of replies.comments) {
    const snippet = isRecord(reply) && isRecord(reply.snippet) ? reply.snippet : undefined;
    if (!snippet || !isRecord(snippet.authorChannelId) || snippet.authorChannelId.value !== channelId) continue;
    const text = cleanText(typeof snippet.textDisplay === "string" ? snippet.textDisplay : typeof snippet.textOriginal === "string" ? snippet.textOriginal : "");
    if (!text) continue;
    const author = typeof snippet.authorDisplayName === "string" ? cleanText(snippet.authorDisplayName) : "";
    const publishedAt = googleTimestamp(snippet.publishedAt);
    return { text: text.slice(0, MAX_TEXT), ...(author ? { author: author.slice(0, 500) } : {}), ...(publishedAt ? { publishedAt } : {}) };
  }
  return undefined;
}

/** The entities YouTube writes in titles and error messages (`&quot;`, `&#39;`, `&amp;`, numeric ones). */
function decodeEntities(value: string): string {
  const named: Record<string, string> = { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">", nbsp: " " };
  return value.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (entity, name: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return named[name.toLowerCase()] ?? entity;
  });
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
