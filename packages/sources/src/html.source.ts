import type { CheerioAPI } from "cheerio";
import type { AnyNode } from "domhandler";
import { MENTION_SCHEMA_VERSION, mentionId, type HtmlSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, resolveUrl, type Page, type SourceAdapter } from "./adapter.ts";
import { parseHtml } from "./html-guard.ts";
import { cleanText, normaliseRating, parseNumber, parseReviewDate } from "./text.ts";

const MAX_TEXT = 100_000;

/**
 * A site without a feed, read with the CSS selectors given in the config: one item per review,
 * and a next-page link followed up to the source's page limit.
 */
export const htmlAdapter: SourceAdapter<HtmlSourceConfig> = {
  type: "html",
  poll(source, context) {
    const collectedAt = context.now.toISOString();
    return paginate(source, context, source.url, async (url): Promise<Page> => {
      const fetched = await context.http.get(url, context.signal);
      const $ = loadHtml(fetched.text, fetched.url);
      const page: Page = { url: fetched.url, mentions: [], problems: [] };
      for (const item of $(source.selectors.item).toArray()) {
        const parsed = readItem($, item, source, fetched.url, collectedAt);
        if ("problem" in parsed) page.problems?.push({ page: fetched.url, reason: parsed.problem });
        else page.mentions.push(parsed);
      }
      const next = source.selectors.nextPage ? extract($, $.root().get(0) as AnyNode, source.selectors.nextPage) : undefined;
      page.next = next ? resolveUrl(next, fetched.url) : undefined;
      return page;
    });
  },
};

/**
 * Parse a page with its scripts, styles and templates removed: stored text is plain text. A page
 * nested too deep to parse safely is refused with a SOURCE_PARSE error naming `where`.
 */
export function loadHtml(text: string, where = "page"): CheerioAPI {
  const $ = parseHtml(text, where);
  $("script, style, noscript, template, iframe, object").remove();
  return $;
}

function readItem(
  $: CheerioAPI,
  item: AnyNode,
  source: HtmlSourceConfig,
  pageUrl: string,
  collectedAt: string,
): RawMention | { problem: string } {
  const selectors = source.selectors;
  const nativeId = extract($, item, selectors.id);
  if (!nativeId) return { problem: `an item has no id (selector "${selectors.id}")` };
  const ratingText = selectors.rating ? extract($, item, selectors.rating) : undefined;
  const ratingNumber = ratingText ? parseNumber(ratingText) : undefined;
  const rating =
    ratingNumber === undefined ? undefined : normaliseRating(ratingNumber, selectors.ratingScale[0], selectors.ratingScale[1]);
  // A review of stars only (no words) is a review; an item with neither is not one.
  const text = extract($, item, selectors.text) ?? (rating ? "" : undefined);
  if (text === undefined) return { problem: `item ${nativeId} has no text (selector "${selectors.text}")` };
  const dateText = extract($, item, selectors.date);
  const publishedAt = dateText ? parseReviewDate(dateText) : undefined;
  if (!publishedAt) return { problem: `item ${nativeId} has no readable date (selector "${selectors.date}", found "${dateText ?? ""}")` };

  const title = selectors.title ? extract($, item, selectors.title) : undefined;
  const author = selectors.author ? extract($, item, selectors.author) : undefined;
  const link = selectors.link ? extract($, item, selectors.link) : undefined;
  const replyText = selectors.reply ? extractMultiline($, item, selectors.reply) : undefined;
  const replyDateText = replyText && selectors.replyDate ? extract($, item, selectors.replyDate) : undefined;
  const replyAt = replyDateText ? parseReviewDate(replyDateText) : undefined;
  const url = (link ? resolveUrl(link, pageUrl) : undefined) ?? `${pageUrl.split("#")[0]}#${encodeURIComponent(nativeId)}`;

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "html" },
    nativeId,
    url,
    ...(author ? { author: { name: author.slice(0, 500) } } : {}),
    ...(title ? { title: title.slice(0, 2_000) } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    ...(replyText ? { reply: { text: replyText.slice(0, MAX_TEXT), ...(replyAt ? { publishedAt: replyAt } : {}) } } : {}),
    ...(source.lang ? { lang: source.lang } : {}),
    publishedAt,
    collectedAt,
    brandHints: source.brands,
  };
}

/** Elements that end a line of text where a page shows them. */
const LINE_BREAKING = "br, p, div, li, h1, h2, h3, h4, h5, h6, blockquote, tr";

/**
 * Like `extract`, but the element's line breaks stay: `<br>` and the end of a paragraph or block
 * become a new line (a shop's answer is written in lines; its text must read back the same).
 * The page's own source line breaks inside a paragraph are just spaces, as a browser shows them.
 */
export function extractMultiline($: CheerioAPI, scope: AnyNode, spec: string): string | undefined {
  if (spec.includes("@")) return extract($, scope, spec);
  const element = $(scope).find(spec.trim()).first();
  if (element.length === 0) return undefined;
  const copy = element.clone();
  // Line breaks in the page's source are spaces on screen.
  copy.find("*").addBack().contents().each((_, node) => {
    if (node.type === "text" && "data" in node) node.data = node.data.replace(/\s+/g, " ");
  });
  copy.find(LINE_BREAKING).each((_, node) => {
    const block = $(node);
    if (block.is("br")) block.replaceWith("\n");
    else block.prepend("\n").append("\n");
  });
  const lines = copy
    .text()
    .split("\n")
    .map((line) => cleanText(line))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return lines === "" ? undefined : lines;
}

/** `selector` → the element's text; `selector@attr` → its attribute; `@attr` → the item's own attribute. */
export function extract($: CheerioAPI, scope: AnyNode, spec: string | undefined): string | undefined {
  if (!spec) return undefined;
  const at = spec.lastIndexOf("@");
  const selector = (at >= 0 ? spec.slice(0, at) : spec).trim();
  const attribute = at >= 0 ? spec.slice(at + 1) : undefined;
  const element = selector ? $(scope).find(selector).first() : $(scope);
  if (element.length === 0) return undefined;
  const value = attribute ? element.attr(attribute) : element.text();
  if (value === undefined) return undefined;
  const cleaned = cleanText(value);
  return cleaned === "" ? undefined : cleaned;
}
