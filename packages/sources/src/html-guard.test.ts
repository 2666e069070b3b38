import { describe, expect, it } from "vitest";
import { MAX_HTML_DEPTH, htmlDepth, looksLikeMarkup, parseHtml, roughText } from "./html-guard.ts";
import { load, type Cheerio } from "cheerio";
import type { AnyNode } from "domhandler";
import { cleanText, elementText, plainText } from "./text.ts";

/**
 * The fastest of a few runs, in milliseconds: the least disturbed by other work on the machine.
 */
function fastest(run: () => unknown, times: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < times; attempt++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Text of about `bytes` characters made of one repeated piece. */
const repeat = (piece: string, bytes: number) => piece.repeat(Math.ceil(bytes / piece.length));

/**
 * Hostile inputs that made a guard cubic or quadratic: each is timed at 4, 16, 64 and 256 KB.
 * From 16 to 256 KB (16 times more) linear work takes about 16 times as long; the check allows
 * 64 times (a loaded machine, a garbage collection) over a floor of 2 ms, while a quadratic
 * guard takes 256 times as long (the old ones took 1.3 to 4 s at 256 KB) and a cubic one
 * minutes (the old tag pattern took 4 s on 4 KB of `<a<a<a…`).
 */
const HOSTILE: { name: string; input: (bytes: number) => string; guard: (text: string) => unknown }[] = [
  { name: "htmlDepth on <a<a<a…", input: (bytes) => repeat("<a", bytes), guard: (text) => htmlDepth(text) },
  { name: "htmlDepth on <a<a<a… after a real tag", input: (bytes) => `<b>x</b>${repeat("<a", bytes)}`, guard: (text) => htmlDepth(text) },
  { name: "htmlDepth on many <script> tags", input: (bytes) => repeat("<script>x</script><div>", bytes), guard: (text) => htmlDepth(text) },
  { name: "htmlDepth on scripts that never end", input: (bytes) => repeat("<div><script>", bytes), guard: (text) => htmlDepth(text) },
  { name: "roughText on <script> tags that never end", input: (bytes) => `${repeat("<script>x", bytes)}>`, guard: roughText },
  { name: "roughText on <<<<", input: (bytes) => `${repeat("<", bytes)}`, guard: roughText },
  { name: "roughText on <script<script…>", input: (bytes) => `${repeat("<script", bytes)}>`, guard: roughText },
  { name: "plainText on <a<a<a… in a review", input: (bytes) => `<b>Uwaga</b> ${repeat("<a", bytes)}`, guard: plainText },
  { name: "plainText on <x<x<x… without >", input: (bytes) => repeat("<x", bytes), guard: plainText },
  { name: "plainText on many scripts", input: (bytes) => repeat("<script>alert(1)</script>a", bytes), guard: plainText },
  { name: "plainText on many top-level elements", input: (bytes) => repeat("<b>x</b>", bytes), guard: plainText },
  {
    name: "elementText of a page with many scripts",
    input: (bytes) => `<div id=r>${repeat("<p>a<script>x()</script><br>", bytes)}</div>`,
    guard: (page) => elementText(load(page)("#r")),
  },
  { name: "cleanText on a long run of carriage returns", input: (bytes) => `a${repeat("\r", bytes)}b`, guard: cleanText },
  { name: "cleanText on a long run of em spaces", input: (bytes) => `a${repeat("\u2003", bytes)}b`, guard: cleanText },
];

describe("the HTML guards take time linear in the text, whatever the text", { timeout: 30_000 }, () => {
  it.each(HOSTILE)("$name", ({ input, guard }) => {
    const sizes = [4_096, 16_384, 65_536, 262_144];
    const times = sizes.map((bytes) => {
      const text = input(bytes);
      return fastest(() => guard(text), 2);
    });
    const [, small, , large] = times as [number, number, number, number];
    const figures = `times for ${sizes.join(", ")} characters: ${times.map((ms) => ms.toFixed(2)).join(", ")} ms`;
    expect(large, figures).toBeLessThan(64 * Math.max(small, 2));
    expect(large, figures).toBeLessThan(4_000);
  });

  it("reads a 457 KB page with thousands of scripts in well under a second", () => {
    const review = '<div class="opinia"><p>Dobra obsługa</p><script type="application/ld+json">{"a":1}</script></div>';
    const page = `<html><body>${repeat(review, 457 * 1024)}</body></html>`;
    const started = performance.now();
    expect(htmlDepth(page)).toBe(3);
    parseHtml(page, "page");
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

/** A small deterministic generator of strings, so a failure can be reproduced. */
function randomStrings(count: number, pieces: string[], seed = 42): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(next() * 14) }, () => pieces[Math.floor(next() * pieces.length)]!).join(""),
  );
}

const MARKUP = ["<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<script>x</script>", "<title>T</title>", "<td>", "<tr>", "<table>",
  "<li>", "<ul>", "text", " ", "\n", "<!-- c -->", "<![CDATA[z]]>", "<svg><p>s</p></svg>", "<noscript>n</noscript>", "<html>", "<body>", "<head>",
  "<meta charset=x>", "&amp;", "<textarea>t</textarea>", "<h1>", "<blockquote>", "<iframe>i</iframe>", "<object><p>o</p></object>",
  "<template><p>t</p></template>", "<style>s</style>", "<frameset>", "<select><option>o</option></select>", "<!DOCTYPE html>"];

const PIECES = ["<", ">", "/", "a", "b", "div", "script", "SCRIPT", "style", "noscript", "template", " ", "\n", "\r", "\t", "x", "<!", "<3",
  "<script>", "</script >", "<style a>", "</STYLE>", "<div>", "</div>", "<b>", "<br/>", "\u2003", "\u0000"];

describe("the linear guards give the same text as the patterns they replace", () => {
  // The patterns as they were: correct, but cubic or quadratic on hostile text. Short inputs only.
  const oldRoughText = (html: string) =>
    html.replace(/<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ").replace(/<[^>]*>/g, " ");
  const oldCleanText = (value: string) =>
    value
      // eslint-disable-next-line no-control-regex -- the pattern being compared
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "")
      .replace(/[ \t\u00A0]+/g, " ")
      .replace(/\s*\n\s*/g, "\n")
      .trim();
  const oldLooksLikeMarkup = (value: string) => /<\/?[a-z!][^>]*>/i.test(value);
  const oldElementText = (element: Cheerio<AnyNode>) => {
    const copy = element.clone();
    copy.find("script, style, noscript, template, iframe, object").remove();
    copy.find("br").replaceWith("\n");
    copy.find("p, div, li, tr, h1, h2, h3, h4, h5, h6, blockquote").before("\n").append("\n");
    return cleanText(copy.text());
  };
  const oldPlainText = (value: string) => (oldLooksLikeMarkup(value) ? oldElementText(load(value, null, false).root()) : cleanText(value));

  it("on 2,000 random pieces of review markup", { timeout: 30_000 }, () => {
    for (const text of randomStrings(2_000, MARKUP, 7)) {
      expect(plainText(text), JSON.stringify(text)).toBe(oldPlainText(text));
      const $ = load(`<section>${text}</section>`);
      expect(elementText($("section")), JSON.stringify(text)).toBe(oldElementText($("section")));
    }
  });

  it("on 20,000 random snippets of markup", { timeout: 30_000 }, () => {
    for (const text of randomStrings(20_000, PIECES)) {
      expect(roughText(text), JSON.stringify(text)).toBe(oldRoughText(text));
      expect(cleanText(text), JSON.stringify(text)).toBe(oldCleanText(text));
      expect(looksLikeMarkup(text), JSON.stringify(text)).toBe(oldLooksLikeMarkup(text));
    }
  });

  it("keeps every word of a review that closes a template it never opened", () => {
    expect(plainText("<p>Dobry</p></template><frameset><p>sklep &amp; obsługa")).toBe("Dobry\nsklep & obsługa");
    expect(plainText("a</template></body></html><b>b</b><template>hidden</template>c")).toBe("abc");
  });

  it("still drops scripts and keeps '<3' in review text", () => {
    expect(plainText("Sklep <3 polecam, a < b > c & d")).toBe("Sklep <3 polecam, a < b > c & d");
    expect(plainText('Uwaga<script>alert("xss")</script> na <b>oszustów</b>!')).toBe("Uwaga na oszustów!");
    expect(roughText("a<SCRIPT type=x>b</script >c<style>d")).toBe("a c d");
  });

  it("counts depth as before, and a script's end tag no longer closes an element", () => {
    expect(htmlDepth("<div><p>a<div><span>b</span></div></div>")).toBe(3);
    expect(htmlDepth("<div><script>if (a<b) {}</script><div><div></div></div></div>")).toBe(3);
    expect(htmlDepth(`${"<i>".repeat(MAX_HTML_DEPTH + 5)}`)).toBe(MAX_HTML_DEPTH + 1);
    expect(htmlDepth("<div title='a>b'><br/><img src=x/></div>")).toBe(1);
  });
});
