import { load, type CheerioAPI } from "cheerio";
import { OdzewError, redactUrl } from "@odzew/core";

/** Real pages nest a few dozen elements deep; a thousand is hostile or broken. */
export const MAX_HTML_DEPTH = 1_000;

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
/** Elements whose end tag may be left out: they do not count towards the depth. */
const OPTIONAL_END = new Set(["p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp"]);
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noscript"]);

/*
 * Every scan below is linear in the length of the text, whatever the text: hostile markup
 * (`<a<a<a…`, thousands of `<script>` tags, tags that never close) must not make a guard
 * the slow part. No pattern here can backtrack over more than the characters it consumes, and
 * a search that can only fail again later (no `>` left, no end tag left) is remembered.
 */

const SLASH = 0x2f;
/** A tag's name: up to white space, `/` or `>` (so `<a<a<a` is one long name). */
const TAG_NAME = /[^\s/>]*/y;
const LETTER = /[a-zA-Z]/y;

/**
 * Where the next `</name` is at or after `from`, case-insensitively, or -1. Remembers its
 * last answer, so asking again from a later position costs nothing until that answer is
 * passed: many opening tags of one kind cost one scan in total.
 */
class EndTagFinder {
  private readonly pattern: RegExp;
  private searchedFrom = Number.POSITIVE_INFINITY;
  private found = -1;
  private length = 0;

  constructor(private readonly text: string, name: string, suffix = "") {
    this.pattern = new RegExp(`</${name}${suffix}`, "gi");
  }

  /** Start and end of the next end tag at or after `from`. */
  next(from: number): { start: number; end: number } | undefined {
    const known = from >= this.searchedFrom && (this.found < 0 || from <= this.found);
    if (!known) {
      this.pattern.lastIndex = from;
      const match = this.pattern.exec(this.text);
      this.searchedFrom = from;
      this.found = match ? match.index : -1;
      this.length = match ? match[0].length : 0;
    }
    return this.found < 0 ? undefined : { start: this.found, end: this.found + this.length };
  }
}

/**
 * How deep the elements of an HTML text nest, counted in one linear pass over its tags; stops
 * counting once `limit` is passed. The parser itself slows down quadratically on very deep
 * nesting, so this runs before it.
 *
 * A tag is `<`, an optional `/`, a letter, the rest of the name, then everything up to the
 * next `>` (a `/` just before it closes the element at once). The text of raw-text elements
 * (scripts, styles) is skipped up to their end tag.
 */
export function htmlDepth(text: string, limit = MAX_HTML_DEPTH): number {
  const endTags = new Map<string, EndTagFinder>();
  let depth = 0;
  let deepest = 0;
  let at = 0;
  for (;;) {
    const open = text.indexOf("<", at);
    if (open < 0) break;
    let cursor = open + 1;
    const closing = text.charCodeAt(cursor) === SLASH;
    if (closing) cursor += 1;
    LETTER.lastIndex = cursor;
    if (!LETTER.test(text)) {
      at = open + 1;
      continue;
    }
    TAG_NAME.lastIndex = cursor;
    TAG_NAME.exec(text);
    const nameEnd = TAG_NAME.lastIndex;
    const end = text.indexOf(">", nameEnd);
    // Without a `>` further on, nothing after this point is a tag either.
    if (end < 0) break;
    at = end + 1;
    const name = text.slice(cursor, nameEnd).toLowerCase();
    if (closing) {
      if (!VOID.has(name) && !OPTIONAL_END.has(name)) depth = Math.max(0, depth - 1);
      continue;
    }
    if (RAW_TEXT.has(name)) {
      let finder = endTags.get(name);
      if (!finder) endTags.set(name, (finder = new EndTagFinder(text, name)));
      const endTag = finder.next(at);
      if (!endTag) break;
      // Past the whole end tag: it closes what was never counted.
      const endTagClose = text.indexOf(">", endTag.end);
      if (endTagClose < 0) break;
      at = endTagClose + 1;
      continue;
    }
    const selfClosing = end - 1 >= nameEnd && text.charCodeAt(end - 1) === SLASH;
    if (selfClosing || VOID.has(name) || OPTIONAL_END.has(name)) continue;
    depth += 1;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
  }
  return deepest;
}

/** Parse a page, refusing one nested too deep to parse in reasonable time. `where` (the page's URL) is named without its secrets. */
export function parseHtml(text: string, where: string): CheerioAPI {
  const depth = htmlDepth(text);
  if (depth > MAX_HTML_DEPTH) {
    const shown = /^https?:\/\//i.test(where) ? redactUrl(where) : where;
    throw new OdzewError("SOURCE_PARSE", `${shown}: elements nested more than ${MAX_HTML_DEPTH} deep; the page was not parsed`, {
      context: { depth },
    });
  }
  return load(text, { xml: false });
}

const DROPPED_BLOCK = /(script|style|noscript|template)\b/iy;

/**
 * Text of an HTML fragment too deep to parse (one hostile review): scripts and styles dropped,
 * every tag removed, without building a tree. Each goes in one linear pass.
 */
export function roughText(html: string): string {
  return stripTags(dropBlocks(html));
}

/** `<script …>…</script>` (and style, noscript, template) become a space; one without an end tag stays. */
function dropBlocks(html: string): string {
  const finders = new Map<string, EndTagFinder>();
  const parts: string[] = [];
  let copied = 0;
  let at = 0;
  let nextGt = -1;
  for (;;) {
    const open = html.indexOf("<", at);
    if (open < 0) break;
    at = open + 1;
    DROPPED_BLOCK.lastIndex = open + 1;
    const match = DROPPED_BLOCK.exec(html);
    if (!match) continue;
    if (nextGt < DROPPED_BLOCK.lastIndex) nextGt = html.indexOf(">", DROPPED_BLOCK.lastIndex);
    if (nextGt < 0) break;
    const name = match[1]!.toLowerCase();
    let finder = finders.get(name);
    if (!finder) finders.set(name, (finder = new EndTagFinder(html, name, "\\s*>")));
    const endTag = finder.next(nextGt + 1);
    if (!endTag) continue;
    parts.push(html.slice(copied, open), " ");
    copied = at = endTag.end;
  }
  parts.push(html.slice(copied));
  return parts.join("");
}

/** Every `<…>` becomes a space; a `<` with no `>` after it stays as written. */
function stripTags(html: string): string {
  const parts: string[] = [];
  let copied = 0;
  for (;;) {
    const open = html.indexOf("<", copied);
    if (open < 0) break;
    const close = html.indexOf(">", open + 1);
    if (close < 0) break;
    parts.push(html.slice(copied, open), " ");
    copied = close + 1;
  }
  parts.push(html.slice(copied));
  return parts.join("");
}

/**
 * Whether a string carries markup: a `<` that starts a tag (`<b`, `</b`, `<!`) with a `>`
 * somewhere after it. "<3" and "a < b" are not markup.
 */
export function looksLikeMarkup(value: string): boolean {
  const start = /<\/?[a-z!]/i.exec(value);
  return start !== null && value.lastIndexOf(">") >= start.index + start[0].length;
}
