import type { Cheerio, CheerioAPI } from "cheerio";
import type { AnyNode } from "domhandler";
import { MENTION_SCHEMA_VERSION, mentionId, type OpineoSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, resolveUrl, type Page, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { loadHtml } from "./html.source.ts";
import { cleanText, elementText, normaliseRating, parseNumber, parseReviewDate, parseScore } from "./text.ts";

const MAX_TEXT = 100_000;

/**
 * A shop's review page on Opineo.pl (`/opinie/<shop>`, then `/opinie/<shop>/2`, …), newest first
 * as Opineo sorts it by default.
 *
 * The markup (`div.revz_container` per review with schema.org Review microdata, `span.revz_nick`,
 * `span.revz_date` "4 stycznia 2015 | 16:33", `a[href^="/opinia/<id>"]`, `span.review_badge` with
 * `<strong>7.5</strong> / 10` and `bestRating`/`worstRating` metas, `span.revz_wo_badge` for a
 * review from a post-purchase survey, `div.pagi_sec_right a[rel=next]`) is read from saved Opineo
 * pages. Shop reviews are scored 0–10, product reviews "/ 5": the scale is read from each review.
 */
export const opineoAdapter: SourceAdapter<OpineoSourceConfig> = {
  type: "opineo",
  poll(source, context) {
    const collectedAt = context.now.toISOString();
    return paginate(source, context, source.url, async (url): Promise<Page> => {
      const fetched = await context.http.get(url, context.signal);
      return readPage(loadHtml(fetched.text, fetched.url), fetched.url, source, collectedAt);
    });
  },
};

function readPage($: CheerioAPI, pageUrl: string, source: OpineoSourceConfig, collectedAt: string): Page {
  const page: Page & { problems: PollProblem[] } = { url: pageUrl, mentions: [], problems: [] };
  const subject = shopName($);
  for (const item of $("div.revz_container").toArray()) {
    const parsed = readReview($, $(item), pageUrl, source, collectedAt, subject);
    if ("problem" in parsed) page.problems.push({ page: pageUrl, reason: parsed.problem });
    else page.mentions.push(parsed);
  }
  const next = $(".pagi_sec_right a[href], a[rel='next'][href]").first().attr("href");
  page.next = next ? pageLink(next, pageUrl) : undefined;
  return page;
}

function readReview(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  pageUrl: string,
  source: OpineoSourceConfig,
  collectedAt: string,
  subject: string | undefined,
): RawMention | { problem: string } {
  // The shop's answer sits inside the review with its own date and text: read it, then set it
  // aside so it is never taken for the review's own.
  const answer = item.find(".revz_answer, .revz_reply").first();
  const reply = answer.length > 0 ? readReply(answer) : undefined;
  answer.remove();

  const link = item.find("a[href*='/opinia/']").first().attr("href") ?? "";
  const nativeId = /\/opinia\/(\d+)/.exec(link)?.[1];
  if (!nativeId) return { problem: 'an Opineo review has no id (no "/opinia/<id>" link in div.revz_container)' };

  const textElement = item.find(".revz_txt [itemprop='description'], .revz_txt, [itemprop='description']").first();
  const text = textElement.length > 0 ? elementText(textElement) : "";
  if (!text) return { problem: `Opineo review ${nativeId} has no text (div.revz_txt)` };

  const dateText = cleanText(item.find(".revz_head .revz_date, .revz_date").first().text());
  const publishedAt =
    parseReviewDate(dateText) ?? shortDate(item.find("meta[itemprop='datePublished']").first().attr("content") ?? "");
  if (!publishedAt) return { problem: `Opineo review ${nativeId} has no readable date (span.revz_date, found "${dateText}")` };

  const author = cleanText(item.find(".revz_nick, [itemprop='author']").first().text());
  const rating = readRating(item.find(".review_badge, [itemprop='reviewRating']").first());
  const pros = featureList($, item.find(".ph_pros2, .revz_pros"), /^zalety\s*:?\s*/i);
  const cons = featureList($, item.find(".ph_cons2, .revz_cons"), /^wady\s*:?\s*/i);
  const helpful = voteCount(item.find(".revz_vote_yes, [class*='vote_yes'], [class*='vote-yes']").first());
  const unhelpful = voteCount(item.find(".revz_vote_no, [class*='vote_no'], [class*='vote-no']").first());

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "opineo" },
    nativeId,
    url: resolveUrl(link, pageUrl) ?? `${pageUrl.split("#")[0]}#${nativeId}`,
    ...(author ? { author: { name: author.slice(0, 500) } } : {}),
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
      verifiedPurchase: isVerified(item),
      ...(pros.length > 0 ? { pros } : {}),
      ...(cons.length > 0 ? { cons } : {}),
      ...(subject ? { subject } : {}),
    },
    brandHints: source.brands,
  };
}

/** The score in its own scale: the microdata's ratingValue/bestRating/worstRating, else "7.5 / 10". */
function readRating(badge: Cheerio<AnyNode>) {
  if (badge.length === 0) return undefined;
  const meta = (name: string) => {
    const content = badge.find(`meta[itemprop='${name}']`).attr("content");
    return content === undefined ? undefined : parseNumber(content);
  };
  const printed = parseScore(cleanText(badge.text()));
  const value = meta("ratingValue") ?? printed?.value ?? parseNumber(badge.find("strong").text());
  const best = meta("bestRating") ?? printed?.max ?? 10;
  // Shop reviews run 0–10 (worstRating 0); product reviews 1–5.
  const worst = meta("worstRating") ?? (best === 10 ? 0 : 1);
  return value === undefined ? undefined : normaliseRating(value, worst, best);
}

/** A review from Opineo's post-purchase survey carries the "wo" badge or says so in words. */
function isVerified(item: Cheerio<AnyNode>): boolean {
  if (item.find(".revz_wo_badge, .revz_txt.wo").length > 0) return true;
  const labels = item.clone();
  labels.find(".revz_txt, [itemprop='description']").remove();
  return /(zweryfikowan|potwierdzon)\p{L}*\s+zakup/iu.test(labels.text());
}

function readReply(answer: Cheerio<AnyNode>): RawMention["reply"] {
  const textElement = answer.find(".revz_answer_txt, .revz_reply_txt").first();
  const text = elementText(textElement.length > 0 ? textElement : answer);
  if (!text) return undefined;
  const author = cleanText(answer.find(".revz_answer_nick, .revz_reply_nick").first().text())
    .replace(/^odpowied[źz]\s+(sklepu|firmy)\s*:?\s*/i, "")
    .trim();
  const publishedAt = parseReviewDate(cleanText(answer.find(".revz_date").first().text()));
  return { text: text.slice(0, MAX_TEXT), ...(author ? { author } : {}), ...(publishedAt ? { publishedAt } : {}) };
}

/** "Zalety: …" as a list: one entry per list item, or the block's text without its label. */
function featureList($: CheerioAPI, block: Cheerio<AnyNode>, label: RegExp): string[] {
  if (block.length === 0) return [];
  const items = block.find("li").toArray();
  const entries = items.length > 0 ? items.map((li) => elementText($(li))) : [elementText(block).replace(label, "")];
  return entries.map((entry) => entry.trim()).filter(Boolean).slice(0, 50).map((entry) => entry.slice(0, 5_000));
}

function voteCount(button: Cheerio<AnyNode>): number | undefined {
  if (button.length === 0) return undefined;
  const count = parseNumber(button.attr("data-count") ?? button.text());
  return count === undefined ? 0 : Math.max(0, Math.trunc(count));
}

function shopName($: CheerioAPI): string | undefined {
  const name = cleanText($(".sh_name, h1").first().text()).replace(/\s*[-–:]\s*opinie.*$/i, "");
  return name ? name.slice(0, 500) : undefined;
}

/** The microdata's "04-01-15 16:33" (day-month-year), used only when the visible date is missing. */
function shortDate(value: string): string | undefined {
  const match = /^(\d{2})-(\d{2})-(\d{2})(?:\s+(\d{1,2}:\d{2}))?$/.exec(value.trim());
  return match ? parseReviewDate(`${match[1]}.${match[2]}.20${match[3]}${match[4] ? ` ${match[4]}` : ""}`) : undefined;
}

/** A next-page link without its "#opinie" anchor, so the same page is never read twice under two names. */
function pageLink(href: string, base: string): string | undefined {
  const resolved = resolveUrl(href, base);
  if (!resolved) return undefined;
  const url = new URL(resolved);
  url.hash = "";
  return url.toString();
}
