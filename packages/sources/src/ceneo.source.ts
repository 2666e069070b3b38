import type { Cheerio, CheerioAPI } from "cheerio";
import type { AnyNode } from "domhandler";
import { MENTION_SCHEMA_VERSION, mentionId, type CeneoSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, resolveUrl, type Page, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { loadHtml } from "./html.source.ts";
import { cleanText, elementText, normaliseRating, parseNumber, parseReviewDate, parseScore } from "./text.ts";

const MAX_TEXT = 100_000;

/**
 * A product's (or shop's) reviews on Ceneo.pl: `/<product>` (or `#tab=reviews`), then
 * `/<product>/opinie-2`, …
 *
 * The markup is Ceneo's `user-post` card, as saved pages and scrapers of it show:
 * `div.user-post.js_product-review[data-entry-id]`, `span.user-post__author-name`,
 * `span.user-post__author-recomendation > em` ("Polecam" / "Nie polecam"),
 * `span.user-post__score-count` ("4,5/5"), `span.user-post__published > time[datetime]` (published,
 * then purchased), `div.user-post__text`, `div.review-feature__item--positive/--negative` under
 * "Zalety"/"Wady", `button.vote-yes[data-total-vote]`, `div.review-pz` (bought through Ceneo),
 * comments as nested `user-post`s in `div.js_product-review-comments`, and `a.pagination__next`.
 * A highlighted copy of an older review (`user-post--highlight`) is skipped: it is repeated in its
 * own place and would otherwise end an incremental poll early.
 */
export const ceneoAdapter: SourceAdapter<CeneoSourceConfig> = {
  type: "ceneo",
  poll(source, context) {
    const collectedAt = context.now.toISOString();
    return paginate(source, context, source.url, async (url): Promise<Page> => {
      const fetched = await context.http.get(url, context.signal);
      return readPage(loadHtml(fetched.text, fetched.url), fetched.url, source, collectedAt);
    });
  },
};

function readPage($: CheerioAPI, pageUrl: string, source: CeneoSourceConfig, collectedAt: string): Page {
  const page: Page & { problems: PollProblem[] } = { url: pageUrl, mentions: [], problems: [] };
  const subject = cleanText($("h1").first().text()) || cleanText($("meta[property='og:title']").attr("content") ?? "");
  const reviews = $(".js_product-review, .user-post[data-entry-id]")
    .not(".user-post--highlight")
    .filter((_, element) => $(element).parents(".js_product-review-comments, .user-post--highlight").length === 0);
  for (const item of reviews.toArray()) {
    const parsed = readReview($, $(item), pageUrl, source, collectedAt, subject.slice(0, 500));
    if ("problem" in parsed) page.problems.push({ page: pageUrl, reason: parsed.problem });
    else page.mentions.push(parsed);
  }
  page.next = nextPage($, pageUrl);
  return page;
}

function readReview(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  pageUrl: string,
  source: CeneoSourceConfig,
  collectedAt: string,
  subject: string,
): RawMention | { problem: string } {
  const nativeId = cleanText(item.attr("data-entry-id") ?? "");
  if (!nativeId) return { problem: "a Ceneo review has no id (no data-entry-id on div.js_product-review)" };

  // Comments (the shop's answer among them) are user-posts of their own inside the review:
  // read the answer, then set them aside so their text and dates are never the review's.
  const comments = item.find(".js_product-review-comments");
  const reply = readReply($, comments);
  comments.remove();

  const text = elementText(item.find(".user-post__text").first());
  if (!text) return { problem: `Ceneo review ${nativeId} has no text (div.user-post__text)` };

  const dateAttribute = item.find(".user-post__published time[datetime], time[datetime]").first().attr("datetime") ?? "";
  const publishedAt = parseReviewDate(dateAttribute);
  if (!publishedAt) return { problem: `Ceneo review ${nativeId} has no readable date (time[datetime], found "${dateAttribute}")` };

  const author = cleanText(item.find(".user-post__author-name").first().text());
  // Ceneo reviews have no title of their own; the author's verdict is the headline a reader sees.
  const recommendation = cleanText(item.find(".user-post__author-recomendation").first().text());
  const rating = readRating(cleanText(item.find(".user-post__score-count").first().text()));
  const { pros, cons } = features($, item);
  const helpful = voteCount(item.find("button.vote-yes, .vote-yes").first());
  const unhelpful = voteCount(item.find("button.vote-no, .vote-no").first());
  const verifiedPurchase = item.find(".review-pz, .product-review-pz").length > 0 || saysBought(item);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "ceneo" },
    nativeId,
    url: `${pageUrl.split("#")[0]}#${encodeURIComponent(nativeId)}`,
    ...(author ? { author: { name: author.slice(0, 500) } } : {}),
    ...(recommendation ? { title: recommendation.slice(0, 2_000) } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    lang: "pl",
    publishedAt,
    collectedAt,
    ...(helpful !== undefined
      ? { reach: { helpful, ...(unhelpful !== undefined ? { votes: helpful + unhelpful } : {}) } }
      : {}),
    ...(reply ? { reply } : {}),
    details: {
      verifiedPurchase,
      ...(pros.length > 0 ? { pros } : {}),
      ...(cons.length > 0 ? { cons } : {}),
      ...(subject ? { subject } : {}),
    },
    brandHints: source.brands,
  };
}

/**
 * "4,5/5": stars in half steps. The value is the star count a reader sees (4,5 stays 4.5); half a
 * star, below the 1–5 floor, counts as 1 and keeps its original.
 */
function readRating(printed: string) {
  const number = parseNumber(printed);
  const score = parseScore(printed) ?? (number === undefined ? undefined : { value: number, max: 5 });
  if (!score || score.value <= 0 || score.value > score.max) return undefined;
  const rating = normaliseRating(Math.max(1, score.value), 1, score.max);
  return rating ? { ...rating, original: score.value } : undefined;
}

/** Pros and cons: items marked positive/negative, or listed under a "Zalety"/"Wady" heading. */
function features($: CheerioAPI, item: Cheerio<AnyNode>): { pros: string[]; cons: string[] } {
  const pros: string[] = [];
  const cons: string[] = [];
  for (const element of item.find(".review-feature__item").toArray()) {
    const entry = $(element);
    const text = elementText(entry).slice(0, 5_000);
    if (!text) continue;
    const heading = entry.closest(".review-feature__col, .review-feature__section").find(".review-feature__title").first();
    const headingText = cleanText(heading.text()).toLowerCase();
    if (entry.hasClass("review-feature__item--positive") || heading.hasClass("review-feature__title--positives") || headingText.startsWith("zalety")) {
      pros.push(text);
    } else if (entry.hasClass("review-feature__item--negative") || heading.hasClass("review-feature__title--negatives") || headingText.startsWith("wady")) {
      cons.push(text);
    }
  }
  return { pros: pros.slice(0, 50), cons: cons.slice(0, 50) };
}

/** "Potwierdzony zakupem" / "Opinia potwierdzona zakupem" anywhere in the card but the review's own text. */
function saysBought(item: Cheerio<AnyNode>): boolean {
  const labels = item.clone();
  labels.find(".user-post__text").remove();
  return /potwierdzon\p{L}*\s+zakupem/iu.test(cleanText(labels.text()));
}

function voteCount(button: Cheerio<AnyNode>): number | undefined {
  if (button.length === 0) return undefined;
  const count = parseNumber(button.attr("data-total-vote") ?? button.text());
  return count === undefined ? 0 : Math.max(0, Math.trunc(count));
}

/** The shop's answer: the comment marked as the shop's. Other users' comments are not replies. */
function readReply($: CheerioAPI, comments: Cheerio<AnyNode>): RawMention["reply"] {
  for (const element of comments.find(".user-post").not(".js_product-review-comment-toggle").toArray()) {
    const comment = $(element);
    const marker = `${comment.attr("class") ?? ""} ${cleanText(comment.find(".user-post__author-badge, .user-post__author-label").text())}`;
    if (!/shop|sklep|sprzedaw/i.test(marker)) continue;
    const text = elementText(comment.find(".user-post__text").first());
    if (!text) continue;
    const author = cleanText(comment.find(".user-post__author-name").first().text());
    const publishedAt = parseReviewDate(comment.find("time[datetime]").first().attr("datetime") ?? "");
    return { text: text.slice(0, MAX_TEXT), ...(author ? { author } : {}), ...(publishedAt ? { publishedAt } : {}) };
  }
  return undefined;
}

/** `a.pagination__next`, else the numbered link to `/opinie-<n+1>`. */
function nextPage($: CheerioAPI, pageUrl: string): string | undefined {
  const href = $("a.pagination__next[href]").first().attr("href");
  if (href) return pageLink(href, pageUrl);
  const current = Number(/\/opinie-(\d+)/.exec(new URL(pageUrl).pathname)?.[1] ?? 1);
  for (const element of $("a[href*='/opinie-']").toArray()) {
    const link = $(element).attr("href") ?? "";
    if (Number(/\/opinie-(\d+)/.exec(link)?.[1]) === current + 1) return pageLink(link, pageUrl);
  }
  return undefined;
}

/** A next-page link without its "#tab=reviews" anchor, so the same page is never read twice under two names. */
function pageLink(href: string, base: string): string | undefined {
  const resolved = resolveUrl(href, base);
  if (!resolved) return undefined;
  const url = new URL(resolved);
  url.hash = "";
  return url.toString();
}
