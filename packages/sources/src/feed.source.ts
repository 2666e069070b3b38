import { createHash } from "node:crypto";
import type { Cheerio, CheerioAPI } from "cheerio";
import type { AnyNode } from "domhandler";
import { parseFeed } from "@rowanmanning/feed-parser";
import { OdzewError, redactUrl } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type FeedSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, resolveUrl, type Page, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { MAX_HTML_DEPTH, htmlDepth, roughText } from "./html-guard.ts";
import { loadHtml } from "./html.source.ts";
import { cleanText } from "./text.ts";

const MAX_TEXT = 100_000;
const MAX_NATIVE_ID = 512;

type Feed = ReturnType<typeof parseFeed>;
type FeedItem = Feed["items"][number];

/**
 * Any RSS (0.9x, 1.0/RDF, 2.0) or Atom feed: news sites, blogs, forums. The feed is fetched
 * with our own HTTP client (politeness, charset from the header or the XML declaration) and
 * parsed from the decoded string by @rowanmanning/feed-parser. A feed is one "page": items
 * are sorted newest first so that the incremental stop at the first seen item is right even
 * for feeds that do not list newest first.
 */
export const feedAdapter: SourceAdapter<FeedSourceConfig> = {
  type: "feed",
  poll(source, context) {
    const collectedAt = context.now.toISOString();
    return paginate(source, context, source.url, async (url): Promise<Page> => {
      const fetched = await context.http.get(url, context.signal);
      const feed = parseFeedText(fetched.text, fetched.url);
      const lang = normaliseLang(source.lang) ?? normaliseLang(feed.language ?? undefined);
      const problems: PollProblem[] = [];
      const dated: { mention: RawMention; at: number }[] = [];
      for (const [index, item] of feed.items.entries()) {
        const parsed = readItem(item, index, source, fetched.url, lang, collectedAt);
        if ("problem" in parsed) problems.push({ page: fetched.url, reason: parsed.problem });
        else dated.push({ mention: parsed, at: Date.parse(parsed.publishedAt) });
      }
      // Feeds usually list newest first, but not always; paginate relies on newest first.
      dated.sort((a, b) => b.at - a.at);
      return { url: fetched.url, mentions: dated.map((entry) => entry.mention), problems, next: undefined };
    });
  },
};

function parseFeedText(text: string, url: string): Feed {
  try {
    return parseFeed(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OdzewError("SOURCE_PARSE", `${redactUrl(url)} is not a readable RSS or Atom feed: ${reason}`, {
      cause: error,
      context: { url: redactUrl(url), start: text.slice(0, 200) },
    });
  }
}

function readItem(
  item: FeedItem,
  index: number,
  source: FeedSourceConfig,
  feedUrl: string,
  lang: string | undefined,
  collectedAt: string,
): RawMention | { problem: string } {
  const title = item.title ? htmlToText(item.title) : "";
  const link = item.url ? resolveUrl(item.url, feedUrl) : undefined;
  const shownLink = link ? withoutTracking(link) : undefined;
  const date = item.published ?? item.updated;
  const label = item.id ?? link ?? (title ? `"${title.slice(0, 80)}"` : `#${index + 1}`);
  // Never invent a date: an undated item cannot be placed in time, so it is reported.
  if (!date) return { problem: `feed item ${label} has no date (pubDate, dc:date, published or updated)` };
  const publishedAt = date.toISOString();

  let nativeId = item.id?.trim() || link || `sha256:${sha256(`${title}\u0000${publishedAt}`)}`;
  if (nativeId.length > MAX_NATIVE_ID) nativeId = `sha256:${sha256(nativeId)}`;

  const body = item.content ?? item.description;
  // An item with only a title (some forums, link blogs) keeps the title as its text.
  const text = (body ? htmlToText(body, link) : "") || title;
  const author = item.authors.map((entry) => entry.name?.trim()).find((name) => name);

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "feed" },
    nativeId,
    ...(shownLink ? { url: shownLink } : {}),
    ...(author ? { author: { name: cleanText(author).slice(0, 500) } } : {}),
    ...(title ? { title: title.slice(0, 2_000) } : {}),
    text: text.slice(0, MAX_TEXT),
    ...(lang ? { lang } : {}),
    publishedAt,
    collectedAt,
    brandHints: source.brands,
  };
}

const BLOCKS = "p, div, br, li, tr, h1, h2, h3, h4, h5, h6, blockquote, pre, section, article, header, footer, figure, table";

/**
 * What a blog platform writes into a post's feed content that is not the post: forms, and
 * Substack's subscribe box (`div.subscription-widget-wrap-editor`, "SubscribeWidgetToDOM") and
 * subscribe/share buttons (`p.button-wrapper`, "ButtonCreateButton").
 */
const PLATFORM_CHROME = [
  "form",
  ".subscription-widget-wrap",
  ".subscription-widget-wrap-editor",
  "[data-component-name='SubscribeWidgetToDOM']",
  "[data-component-name='ButtonCreateButton']",
].join(", ");

/**
 * HTML (as feed descriptions carry it) → plain text: scripts, styles and platform chrome removed,
 * entities decoded, blocks on their own lines. `itemLink` is the item's own link, for the
 * generated lines some platforms end an item with (see `dropGeneratedFooter`).
 */
export function htmlToText(html: string, itemLink?: string): string {
  if (!/[<&]/.test(html)) return cleanText(html);
  if (htmlDepth(html) > MAX_HTML_DEPTH) return cleanText(roughText(html));
  const $ = loadHtml(html);
  $(PLATFORM_CHROME).remove();
  if (itemLink) dropGeneratedFooter($, itemLink);
  $(BLOCKS).after("\n");
  return cleanText($.root().text());
}

/**
 * Discourse ends every topic in its feeds with two lines of its own, translated on a localised
 * forum: `<p><small>3 posts - 2 participants</small></p>` and `<p><a href="<the topic>">Read full
 * topic</a></p>`. They are found by their shape, never by their words: the last paragraph being
 * nothing but a link to the item itself, and before it a paragraph of nothing but `<small>`.
 */
function dropGeneratedFooter($: CheerioAPI, itemLink: string): void {
  const last = $("body").children().last();
  if (!last.is("p") || !onlyChild($, last, "a")) return;
  const href = last.children("a").attr("href");
  if (!href || !sameLink(href, itemLink)) return;
  const before = last.prev();
  last.remove();
  if (before.is("p") && onlyChild($, before, "small")) before.remove();
}

/** The element holds one child element of that kind and no text of its own. */
function onlyChild($: CheerioAPI, element: Cheerio<AnyNode>, tag: string): boolean {
  const children = element.children();
  if (children.length !== 1 || !children.is(tag)) return false;
  return element.contents().toArray().every((node) => node === children.get(0) || (node.type === "text" && $(node).text().trim() === ""));
}

function sameLink(href: string, itemLink: string): boolean {
  const resolved = resolveUrl(href, itemLink);
  const strip = (url: string) => url.replace(/\/+$/, "");
  return resolved !== undefined && strip(resolved) === strip(itemLink);
}

/**
 * A post's link as a reader would share it: without the campaign parameters feeds add to every
 * link (`utm_*`, and Medium's `?source=rss-<user>------2`). Only the shown URL is cleaned; an
 * item's id never changes with it.
 */
export function withoutTracking(link: string): string {
  const url = new URL(link);
  const names = [...url.searchParams.keys()];
  const tracking = names.filter((name) => /^utm_/i.test(name) || (name === "source" && /^rss[-_]/i.test(url.searchParams.get(name) ?? "")));
  if (tracking.length === 0) return link;
  for (const name of tracking) url.searchParams.delete(name);
  return url.toString();
}

/** "pl-PL", "PL", "pl_pl" → "pl"; anything that is not a language tag → undefined. */
export function normaliseLang(value: string | undefined): string | undefined {
  const primary = value?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 32);
}
