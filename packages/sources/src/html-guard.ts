import { load, type CheerioAPI } from "cheerio";
import { OdzewError } from "@odzew/core";

/** Real pages nest a few dozen elements deep; a thousand is hostile or broken. */
export const MAX_HTML_DEPTH = 1_000;

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
/** Elements whose end tag may be left out: they do not count towards the depth. */
const OPTIONAL_END = new Set(["p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp"]);
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noscript"]);

/**
 * How deep the elements of an HTML text nest, counted in one linear pass over its tags; stops
 * counting once `limit` is passed. The parser itself slows down quadratically on very deep
 * nesting, so this runs before it.
 */
export function htmlDepth(text: string, limit = MAX_HTML_DEPTH): number {
  const tag = /<(\/?)([a-zA-Z][^\s/>]*)[^>]*?(\/?)>/g;
  let depth = 0;
  let deepest = 0;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    const name = match[2]!.toLowerCase();
    if (match[1]) {
      if (!VOID.has(name) && !OPTIONAL_END.has(name)) depth = Math.max(0, depth - 1);
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const end = text.toLowerCase().indexOf(`</${name}`, tag.lastIndex);
      tag.lastIndex = end < 0 ? text.length : end;
      continue;
    }
    if (match[3] || VOID.has(name) || OPTIONAL_END.has(name)) continue;
    depth += 1;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
  }
  return deepest;
}

/** Parse a page, refusing one nested too deep to parse in reasonable time. */
export function parseHtml(text: string, where: string): CheerioAPI {
  const depth = htmlDepth(text);
  if (depth > MAX_HTML_DEPTH) {
    throw new OdzewError("SOURCE_PARSE", `${where}: elements nested more than ${MAX_HTML_DEPTH} deep; the page was not parsed`, {
      context: { depth },
    });
  }
  return load(text, { xml: false });
}

/**
 * Text of an HTML fragment too deep to parse (one hostile review): scripts and styles dropped,
 * every tag removed, without building a tree.
 */
export function roughText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]*>/g, " ");
}
