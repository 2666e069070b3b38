import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type AppStoreSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, resolveUrl, type Page, type PollProblem, type PollResult, type SourceAdapter } from "./adapter.ts";
import { cleanText, normaliseRating } from "./text.ts";

/** Apple serves at most 10 pages of 50 reviews per country and app; page 11 is refused. */
export const APP_STORE_MAX_PAGES = 10;

const MAX_TEXT = 100_000;

/**
 * Apple's public customer-reviews feed in JSON, newest first, one storefront (country) after
 * another. The feed is Atom turned into JSON: every scalar sits in `{label}`, a lone entry is
 * an object rather than a one-item array, an empty page has no `entry` key, and in the old
 * format the first entry of page 1 describes the app itself.
 *
 * A storefront that refuses the app's feed for good (400, 404, 410: the app is not sold in that
 * country) is a problem of that country only: the other countries are read, the poll says which
 * storefront refused and why, and its catch-up, if any, is kept. Only when every storefront
 * refuses does the poll fail. Refusals that pass or concern the collector (403, 429, 5xx) still
 * fail the poll.
 */
export const appStoreAdapter: SourceAdapter<AppStoreSourceConfig> = {
  type: "app-store",
  async poll(source, context) {
    const collectedAt = context.now.toISOString();
    const result: PollResult = { mentions: [], requests: 0, pages: 0, parsed: 0, problems: [], stoppedBy: "last-page" };
    const refused: unknown[] = [];
    for (const country of source.countries) {
      const first = feedUrl(source, country, 1);
      try {
        await paginate(
          source,
          context,
          first,
          async (url): Promise<Page> => {
            const fetched = await context.http.get(url, context.signal);
            return readFeedPage(source, country, fetched.url, fetched.text, collectedAt);
          },
          result,
        );
      } catch (error) {
        const status = storefrontRefusal(error);
        if (status === undefined) throw error;
        refused.push(error);
        result.requests += 1;
        result.problems.push({
          page: first,
          reason: `the ${country.toUpperCase()} storefront refused the app's reviews (HTTP ${status}): the app may not be sold there; remove "${country}" from countries if it never is`,
        });
        // Nothing read from this lane: a catch-up it had stays for the next poll.
        (result.lanes ??= []).push({ lane: first, head: { stoppedBy: "last-page" } });
      }
    }
    if (refused.length === source.countries.length) throw refused[0];
    return result;
  },
};

/** The status of a storefront's lasting refusal of the feed (400, 404, 410), else undefined. */
function storefrontRefusal(error: unknown): number | undefined {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP" || error.retryable) return undefined;
  const status = error.context.status;
  return status === 400 || status === 404 || status === 410 ? status : undefined;
}

function feedUrl(source: AppStoreSourceConfig, country: string, page: number): string {
  const base = source.baseUrl.replace(/\/+$/, "");
  return `${base}/${country}/rss/customerreviews/page=${page}/id=${source.appId}/sortby=mostrecent/json`;
}

/** The App Store page of the app's reviews: where a reader can see a review in context. */
function appReviewsUrl(source: AppStoreSourceConfig, country: string): string {
  return `https://apps.apple.com/${country}/app/id${source.appId}?see-all=reviews`;
}

function readFeedPage(source: AppStoreSourceConfig, country: string, url: string, text: string, collectedAt: string): Page {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OdzewError(
      "SOURCE_PARSE",
      `App Store feed ${url} is not JSON (starts with "${text.slice(0, 40).replace(/\s+/g, " ")}"); Apple may have changed the feed`,
      { context: { url } },
    );
  }
  const feed = isRecord(json) ? json.feed : undefined;
  if (!isRecord(feed)) {
    throw new OdzewError("SOURCE_PARSE", `App Store feed ${url} has no "feed" object; Apple may have changed the feed format`, {
      context: { url },
    });
  }

  const pageNumber = Number(/\/page=(\d+)\//.exec(url)?.[1] ?? "1");
  // No `entry` key: the page is empty (no reviews at all, or past the last page).
  const rawEntries = feed.entry === undefined ? [] : Array.isArray(feed.entry) ? (feed.entry as unknown[]) : [feed.entry];
  const page: Page = { url, mentions: [], problems: [] };
  rawEntries.forEach((entry, index) => {
    if (isAppEntry(entry)) return; // old format: the app itself heads the list
    const parsed = readEntry(entry, index, source, country, collectedAt);
    if ("problem" in parsed) page.problems?.push({ page: url, reason: parsed.problem } satisfies PollProblem);
    else page.mentions.push(parsed);
  });

  const lastPage = Math.min(APP_STORE_MAX_PAGES, lastPageFromLinks(feed.link) ?? APP_STORE_MAX_PAGES);
  // A page without one readable review ends the country: past the last page, or a changed format (reported above).
  page.next = page.mentions.length > 0 && pageNumber < lastPage ? feedUrl(source, country, pageNumber + 1) : undefined;
  return page;
}

/**
 * The page number of the `rel="last"` link. Its href points at the XML feed with the JSON path
 * in a `urlDesc` parameter, so only its `page=N` is used; the next page's URL is built here.
 */
function lastPageFromLinks(links: unknown): number | undefined {
  const list = Array.isArray(links) ? links : links === undefined ? [] : [links];
  for (const link of list) {
    const attributes = isRecord(link) ? link.attributes : undefined;
    if (!isRecord(attributes) || attributes.rel !== "last" || typeof attributes.href !== "string") continue;
    const match = /\/page=(\d+)\//.exec(attributes.href);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** The entry describing the app (old format): it has a name and a price, never a rating. */
function isAppEntry(entry: unknown): boolean {
  return isRecord(entry) && entry["im:rating"] === undefined && (entry["im:name"] !== undefined || entry["im:price"] !== undefined);
}

function readEntry(
  entry: unknown,
  index: number,
  source: AppStoreSourceConfig,
  country: string,
  collectedAt: string,
): RawMention | { problem: string } {
  if (!isRecord(entry)) return { problem: `entry #${index + 1} is not an object` };
  const nativeId = label(entry.id);
  if (!nativeId) return { problem: `entry #${index + 1} has no id.label` };
  const text = contentText(entry.content);
  if (!text) return { problem: `review ${nativeId} has no text (content.label)` };
  const updated = label(entry.updated);
  const at = updated ? Date.parse(updated) : Number.NaN;
  if (Number.isNaN(at)) return { problem: `review ${nativeId} has no readable date (updated.label "${updated ?? ""}")` };

  const ratingValue = Number(label(entry["im:rating"]));
  const rating = Number.isInteger(ratingValue) ? normaliseRating(ratingValue, 1, 5) : undefined;
  const title = label(entry.title);
  const author = isRecord(entry.author) ? label(entry.author.name) : undefined;
  const profileUrl = isRecord(entry.author) ? httpUrl(label(entry.author.uri)) : undefined;
  const appVersion = label(entry["im:version"]);
  const helpful = count(label(entry["im:voteSum"]));
  const votes = count(label(entry["im:voteCount"]));
  const link = isRecord(entry.link) && isRecord(entry.link.attributes) ? entry.link.attributes.href : undefined;

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "app-store" },
    nativeId,
    // Apple links each review to the app's review page (there is no page per review).
    url: httpUrl(typeof link === "string" ? link : undefined) ?? appReviewsUrl(source, country),
    ...(author ? { author: { name: author.slice(0, 500), ...(profileUrl ? { profileUrl } : {}) } } : {}),
    ...(title ? { title: title.slice(0, 2_000) } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    publishedAt: new Date(at).toISOString(),
    collectedAt,
    // voteCount: readers who voted on the review; voteSum: those who found it helpful.
    ...(votes !== undefined || helpful !== undefined
      ? { reach: { ...(votes !== undefined ? { votes } : {}), ...(helpful !== undefined ? { helpful } : {}) } }
      : {}),
    details: { country, ...(appVersion ? { appVersion: appVersion.slice(0, 100) } : {}) },
    brandHints: source.brands,
  };
}

/** `content` is `{label, attributes: {type: "text"}}`; where it comes as a list (text and html), the text one. */
function contentText(content: unknown): string | undefined {
  const parts = Array.isArray(content) ? content : [content];
  const typeOf = (part: unknown) => (isRecord(part) && isRecord(part.attributes) ? part.attributes.type : undefined);
  const plain = parts.find((part) => typeOf(part) === "text") ?? parts.find((part) => typeOf(part) !== "html");
  return label(plain);
}

function label(value: unknown): string | undefined {
  if (!isRecord(value) || typeof value.label !== "string") return undefined;
  const cleaned = cleanText(value.label);
  return cleaned === "" ? undefined : cleaned;
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function httpUrl(value: string | undefined): string | undefined {
  return value ? resolveUrl(value, "https://apps.apple.com/") : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
