import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type RawMention, type TrustpilotSourceConfig } from "@odzew/schema";
import { parseHtml } from "./html-guard.ts";
import { paginate, resolveUrl, type Page, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { cleanText, normaliseRating, plainText } from "./text.ts";

const MAX_TEXT = 100_000;

/**
 * A company's page on Trustpilot (`https://pl.trustpilot.com/review/<domain>`), read from the
 * Next.js data the page embeds in `<script id="__NEXT_DATA__" type="application/json">`:
 * `props.pageProps.reviews[]` (`id`, `rating`, `title`, `text`, `language`, `likes`,
 * `consumer.displayName`, `dates.publishedDate`, `reply.message`/`reply.publishedDate`,
 * `labels.verification.isVerified`), `props.pageProps.businessUnit.displayName` and
 * `props.pageProps.filters.pagination` (`currentPage`, `totalPages`). Pages are `?page=N`.
 *
 * Trustpilot lists "most relevant" first unless asked otherwise, and an incremental poll needs
 * newest first: a URL without a `sort` is read with `sort=recency`.
 *
 * A page without `__NEXT_DATA__`, or whose data has no reviews list, is read as zero reviews with
 * a problem that says so (the collector alerts on a page where every item was unreadable); data
 * that is there but is not JSON (a cut-off response) fails the poll with `SOURCE_PARSE`.
 */
export const trustpilotAdapter: SourceAdapter<TrustpilotSourceConfig> = {
  type: "trustpilot",
  poll(source, context) {
    const collectedAt = context.now.toISOString();
    return paginate(source, context, firstPage(source.url), async (url): Promise<Page> => {
      const fetched = await context.http.get(url, context.signal);
      return readPage(fetched.text, fetched.url, source, collectedAt);
    });
  },
};

function firstPage(configured: string): string {
  const url = new URL(configured);
  url.hash = "";
  if (!url.searchParams.has("sort")) url.searchParams.set("sort", "recency");
  return url.toString();
}

function readPage(html: string, pageUrl: string, source: TrustpilotSourceConfig, collectedAt: string): Page {
  const page: Page & { problems: PollProblem[] } = { url: pageUrl, mentions: [], problems: [] };
  // Read before anything strips scripts: the data is the script.
  const script = parseHtml(html, pageUrl)("script#__NEXT_DATA__").first();
  if (script.length === 0) {
    page.problems.push({
      page: pageUrl,
      reason: 'no <script id="__NEXT_DATA__"> on the page: Trustpilot changed how it builds the page, or served something other than the review page',
    });
    return page;
  }
  let data: unknown;
  try {
    data = JSON.parse(script.text());
  } catch (error) {
    throw new OdzewError("SOURCE_PARSE", `${pageUrl}: the page's __NEXT_DATA__ is not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
      retryable: true,
      cause: error,
      context: { url: pageUrl },
    });
  }
  const pageProps = at(data, "props", "pageProps");
  const reviews = at(pageProps, "reviews");
  if (!Array.isArray(reviews)) {
    page.problems.push({ page: pageUrl, reason: "__NEXT_DATA__ has no reviews list (props.pageProps.reviews): Trustpilot changed its page data" });
    return page;
  }
  const company = text(at(pageProps, "businessUnit", "displayName"));
  for (const review of reviews) {
    const parsed = readReview(review, pageUrl, source, collectedAt, company);
    if ("problem" in parsed) page.problems.push({ page: pageUrl, reason: parsed.problem });
    else page.mentions.push(parsed);
  }
  page.next = nextPage(pageProps, pageUrl);
  return page;
}

function readReview(
  review: unknown,
  pageUrl: string,
  source: TrustpilotSourceConfig,
  collectedAt: string,
  company: string | undefined,
): RawMention | { problem: string } {
  const nativeId = text(at(review, "id"));
  if (!nativeId) return { problem: "a Trustpilot review has no id (props.pageProps.reviews[].id)" };
  const body = plainText(text(at(review, "text")) ?? "");
  if (!body) return { problem: `Trustpilot review ${nativeId} has no text` };
  const published = text(at(review, "dates", "publishedDate"));
  const publishedAt = isoDate(published);
  if (!publishedAt) return { problem: `Trustpilot review ${nativeId} has no readable date (dates.publishedDate, found "${published ?? ""}")` };

  const title = plainText(text(at(review, "title")) ?? "");
  const author = plainText(text(at(review, "consumer", "displayName")) ?? "");
  const consumerId = text(at(review, "consumer", "id"));
  const stars = at(review, "rating");
  const rating = typeof stars === "number" ? normaliseRating(stars, 1, 5) : undefined;
  const language = text(at(review, "language"));
  const likes = at(review, "likes");
  const replyText = plainText(text(at(review, "reply", "message")) ?? "");
  const replyAt = isoDate(text(at(review, "reply", "publishedDate")));
  const verified = at(review, "labels", "verification", "isVerified");

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "trustpilot" },
    nativeId,
    url: resolveUrl(`/reviews/${encodeURIComponent(nativeId)}`, pageUrl) ?? pageUrl,
    ...(author
      ? {
          author: {
            name: author.slice(0, 500),
            ...(consumerId ? { profileUrl: resolveUrl(`/users/${encodeURIComponent(consumerId)}`, pageUrl) } : {}),
          },
        }
      : {}),
    ...(title ? { title: title.slice(0, 2_000) } : {}),
    text: body.slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    ...(language && /^[a-z]{2,3}(-[a-z0-9]{2,4})?$/i.test(language) ? { lang: language.toLowerCase() } : {}),
    publishedAt,
    collectedAt,
    ...(typeof likes === "number" && Number.isInteger(likes) && likes >= 0 ? { reach: { helpful: likes } } : {}),
    ...(replyText
      ? { reply: { text: replyText.slice(0, MAX_TEXT), ...(company ? { author: company } : {}), ...(replyAt ? { publishedAt: replyAt } : {}) } }
      : {}),
    details: {
      ...(typeof verified === "boolean" ? { verifiedPurchase: verified } : {}),
      ...(company ? { subject: company.slice(0, 500) } : {}),
    },
    brandHints: source.brands,
  };
}

/** `?page=N+1` while `filters.pagination` says there are more pages. */
function nextPage(pageProps: unknown, pageUrl: string): string | undefined {
  const url = new URL(pageUrl);
  const total = at(pageProps, "filters", "pagination", "totalPages");
  const current = at(pageProps, "filters", "pagination", "currentPage");
  const page = typeof current === "number" ? current : Number(url.searchParams.get("page") ?? 1);
  if (typeof total !== "number" || !Number.isFinite(page) || page >= total) return undefined;
  url.searchParams.set("page", String(page + 1));
  return url.toString();
}

/** A value deep in parsed JSON, or undefined when any step is missing or not an object. */
function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function text(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return undefined;
  const cleaned = cleanText(value);
  return cleaned === "" ? undefined : cleaned;
}

function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
