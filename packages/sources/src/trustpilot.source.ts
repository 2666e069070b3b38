import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type RawMention, type TrustpilotSourceConfig } from "@odzew/schema";
import { parseHtml } from "./html-guard.ts";
import { paginate, resolveUrl, type Page, type PollContext, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { botWallOf } from "./bot-wall.ts";
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
 * The lighter route: the page is a Next.js page rendered with getServerSideProps, so the same
 * `pageProps` come as JSON from its data route, `/_next/data/<buildId>/<locale>/review/<domain>.json?page=N`
 * (the path Next.js's own router fetches on client-side navigation: the build id and locale come
 * from the page's `__NEXT_DATA__`; the answer is `{ "pageProps": …, "__N_SSP": true }`). Once a
 * page has been read, the build is remembered for the source and later pages and polls ask the
 * data route: a few kilobytes of JSON instead of the whole page. A 404 there means Trustpilot
 * deployed a new build: the HTML page is read again once (it carries the new build id). Any
 * other answer that is not the data (a 4xx, not JSON, no reviews list, a redirect) is read from
 * the HTML page instead, and the route is not asked again until the build changes. A bot wall, a
 * rate limit or a server error on the route fails the poll as it would on the page.
 *
 * Trustpilot lists "most relevant" first unless asked otherwise, and an incremental poll needs
 * newest first: a URL without a `sort` is read with `sort=recency`. A country's site can list
 * only the reviews in its language unless asked for all (`languages=all`, as scrapers of it ask,
 * and `filters.selected.languages` in the page data says which are shown): a URL without a
 * `languages` filter is read with `languages=all`.
 *
 * A page without `__NEXT_DATA__`, or whose data has no reviews list, is read as zero reviews with
 * a problem that says so (the collector alerts on a page where every item was unreadable); data
 * that is there but is not JSON (a cut-off response) fails the poll with `SOURCE_PARSE`.
 */
export const trustpilotAdapter: SourceAdapter<TrustpilotSourceConfig> = {
  type: "trustpilot",
  poll(source, context) {
    const collectedAt = context.now.toISOString();
    const first = firstPage(source.url);
    const key = `${source.id}\n${new URL(first).origin}`;
    return paginate(source, context, first, (url) => readAnyRoute(url, key, source, context, collectedAt));
  },
};

/** The Next.js build a source's pages were last served by, per source and origin. */
interface NextBuild {
  buildId: string;
  locale?: string;
  /** The data route of this build did not answer with the data: read the HTML pages until the build changes. */
  routeBroken?: boolean;
}

const builds = new Map<string, NextBuild>();
/** Never more builds remembered than this (one per source in practice). */
const BUILDS_LIMIT = 1_000;

function remember(key: string, build: NextBuild): void {
  if (!builds.has(key) && builds.size >= BUILDS_LIMIT) {
    const oldest = builds.keys().next();
    if (!oldest.done) builds.delete(oldest.value);
  }
  builds.set(key, build);
}

async function readAnyRoute(url: string, key: string, source: TrustpilotSourceConfig, context: PollContext, collectedAt: string): Promise<Page> {
  const build = builds.get(key);
  if (build && !build.routeBroken) {
    const routed = await readDataRoute(url, build, source, context, collectedAt);
    if ("page" in routed) return routed.page;
    // A new build (404), or an answer that is not the data: the HTML page, once.
    const page = await readHtmlPage(url, key, source, context, collectedAt);
    const after = builds.get(key);
    // The page is still of the build whose route did not answer: that route is of no use.
    if (after && after.buildId === build.buildId && !after.routeBroken) remember(key, { ...after, routeBroken: true });
    return { ...page, requests: (page.requests ?? 1) + 1 };
  }
  return readHtmlPage(url, key, source, context, collectedAt);
}

async function readHtmlPage(url: string, key: string, source: TrustpilotSourceConfig, context: PollContext, collectedAt: string): Promise<Page> {
  const fetched = await context.http.get(url, context.signal);
  const { page, build } = readPage(fetched.text, fetched.url, source, collectedAt);
  if (build) {
    const known = builds.get(key);
    // A build whose route failed stays marked until Trustpilot deploys another one.
    remember(key, known?.buildId === build.buildId && known.routeBroken ? known : build);
  }
  return page;
}

/** The data route's URL for a review page: `/_next/data/<buildId>[/<locale>]<path>.json?<query>`. */
export function dataRouteUrl(pageUrl: string, build: Pick<NextBuild, "buildId" | "locale">): string {
  const url = new URL(pageUrl);
  const path = url.pathname.replace(/\/+$/, "") || "/index";
  url.pathname = `/_next/data/${encodeURIComponent(build.buildId)}${build.locale ? `/${build.locale}` : ""}${path}.json`;
  url.hash = "";
  return url.toString();
}

type RouteOutcome = { page: Page } | { fallback: "new-build" | "other" };

async function readDataRoute(url: string, build: NextBuild, source: TrustpilotSourceConfig, context: PollContext, collectedAt: string): Promise<RouteOutcome> {
  const dataUrl = dataRouteUrl(url, build);
  let text: string;
  try {
    text = (await context.http.get(dataUrl, context.signal)).text;
  } catch (error) {
    if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP" || botWallOf(error.context)) throw error;
    const status = error.context.status;
    if (status === 404) return { fallback: "new-build" };
    // Rate limits and server errors are the site's, not the route's: the page would fail the same way.
    if (typeof status === "number" && status >= 400 && status < 500 && status !== 429 && status !== 408) return { fallback: "other" };
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { fallback: "other" };
  }
  const pageProps = at(data, "pageProps");
  if (!Array.isArray(at(pageProps, "reviews"))) return { fallback: "other" };
  return { page: readProps(pageProps, url, source, collectedAt) };
}

function firstPage(configured: string): string {
  const url = new URL(configured);
  url.hash = "";
  if (!url.searchParams.has("sort")) url.searchParams.set("sort", "recency");
  // A country's site (pl.trustpilot.com) may list only the reviews in its own language; a brand
  // hears every customer, so unless the URL filters languages itself, all of them.
  if (!url.searchParams.has("languages")) url.searchParams.set("languages", "all");
  return url.toString();
}

function readPage(html: string, pageUrl: string, source: TrustpilotSourceConfig, collectedAt: string): { page: Page; build?: NextBuild } {
  // Read before anything strips scripts: the data is the script.
  const script = parseHtml(html, pageUrl)("script#__NEXT_DATA__").first();
  if (script.length === 0) {
    const reason = 'no <script id="__NEXT_DATA__"> on the page: Trustpilot changed how it builds the page, or served something other than the review page';
    return { page: { url: pageUrl, mentions: [], problems: [{ page: pageUrl, reason }] } };
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
  const buildId = at(data, "buildId");
  const locale = at(data, "locale");
  const build: NextBuild | undefined =
    typeof buildId === "string" && /^[\w.-]{1,200}$/.test(buildId)
      ? { buildId, ...(typeof locale === "string" && /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(locale) ? { locale } : {}) }
      : undefined;
  const page = readProps(at(data, "props", "pageProps"), pageUrl, source, collectedAt);
  return build ? { page, build } : { page };
}

/** The reviews of one page from its `pageProps`, embedded in the page or from the data route. */
function readProps(pageProps: unknown, pageUrl: string, source: TrustpilotSourceConfig, collectedAt: string): Page {
  const page: Page & { problems: PollProblem[] } = { url: pageUrl, mentions: [], problems: [] };
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
