import { load, type CheerioAPI } from "cheerio";
import type { AnyNode } from "domhandler";
import { MENTION_SCHEMA_VERSION, mentionId, type HtmlSourceConfig, type RawMention } from "@odzew/schema";
import type { HttpClient } from "./http-client.ts";
import { cleanText, normaliseRating, parseNumber, parseReviewDate } from "./text.ts";

/** What one poll of a source found. */
export interface PollResult {
  mentions: RawMention[];
  requests: number;
  pages: number;
  /** Items on the pages that could not be read (no id, no text, no date), with the reason. */
  problems: { page: string; reason: string }[];
}

/** Pages deeper than this are flattened by the parser's limits; no page can stall a worker. */
const MAX_TEXT = 100_000;

/**
 * A site without a feed, read with the CSS selectors given in the config: one item per review,
 * and a next-page link followed up to the source's page limit.
 */
export async function pollHtmlSource(
  source: HtmlSourceConfig,
  http: HttpClient,
  options: { signal?: AbortSignal; now?: Date } = {},
): Promise<PollResult> {
  const collectedAt = (options.now ?? new Date()).toISOString();
  const result: PollResult = { mentions: [], requests: 0, pages: 0, problems: [] };
  const seenIds = new Set<string>();
  const seenPages = new Set<string>();
  let url: string | undefined = source.url;

  while (url && result.pages < source.limits.maxPages && result.mentions.length < source.limits.maxItemsPerPoll) {
    if (seenPages.has(url)) break; // a next-page loop
    seenPages.add(url);
    const page = await http.get(url, options.signal);
    result.requests++;
    result.pages++;
    const $ = load(page.text, { xml: false });
    $("script, style, noscript, template").remove();
    const items = $(source.selectors.item).toArray();
    for (const item of items) {
      const parsed = readItem($, item, source, page.url, collectedAt);
      if ("problem" in parsed) {
        result.problems.push({ page: page.url, reason: parsed.problem });
        continue;
      }
      if (seenIds.has(parsed.id)) continue; // pagination shifted while we read it
      seenIds.add(parsed.id);
      result.mentions.push(parsed);
      if (result.mentions.length >= source.limits.maxItemsPerPoll) break;
    }
    const next = source.selectors.nextPage ? extract($, $.root().get(0) as AnyNode, source.selectors.nextPage) : undefined;
    url = next ? resolveUrl(next, page.url) : undefined;
  }
  return result;
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
  const text = extract($, item, selectors.text);
  if (!text) return { problem: `item ${nativeId} has no text (selector "${selectors.text}")` };
  const dateText = extract($, item, selectors.date);
  const publishedAt = dateText ? parseReviewDate(dateText) : undefined;
  if (!publishedAt) return { problem: `item ${nativeId} has no readable date (selector "${selectors.date}", found "${dateText ?? ""}")` };

  const title = selectors.title ? extract($, item, selectors.title) : undefined;
  const author = selectors.author ? extract($, item, selectors.author) : undefined;
  const link = selectors.link ? extract($, item, selectors.link) : undefined;
  const ratingText = selectors.rating ? extract($, item, selectors.rating) : undefined;
  const ratingNumber = ratingText ? parseNumber(ratingText) : undefined;
  const rating =
    ratingNumber === undefined ? undefined : normaliseRating(ratingNumber, selectors.ratingScale[0], selectors.ratingScale[1]);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "html" },
    nativeId,
    url: link ? resolveUrl(link, pageUrl) : `${pageUrl.split("#")[0]}#${encodeURIComponent(nativeId)}`,
    ...(author ? { author: { name: author.slice(0, 500) } } : {}),
    ...(title ? { title: title.slice(0, 2_000) } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    ...(source.lang ? { lang: source.lang } : {}),
    publishedAt,
    collectedAt,
    brandHints: source.brands,
  };
}

/** `selector` → the element's text; `selector@attr` → its attribute; `@attr` → the item's own attribute. */
function extract($: CheerioAPI, scope: AnyNode, spec: string | undefined): string | undefined {
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

function resolveUrl(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
