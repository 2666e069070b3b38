import { load, type Cheerio } from "cheerio";
import { MAX_HTML_DEPTH, htmlDepth, looksLikeMarkup, roughText } from "./html-guard.ts";
import { hasChildren, isCDATA, isDocument, isTag, isText, type AnyNode, type ParentNode } from "domhandler";

/**
 * Collapse whitespace and strip control characters: stored text is plain text. Linear in the
 * length of the text: a run of white space with a line break in it becomes one line break,
 * matched as one run (a pattern such as `\s*\n\s*` rescans a long run from every position).
 */
export function cleanText(value: string): string {
  return value
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "")
    .replace(/[ \t\u00A0]+/g, " ")
    .replace(/\s+/g, (run) => (run.includes("\n") ? "\n" : run))
    .trim();
}

const POLISH_MONTHS: Record<string, number> = {
  stycznia: 1, styczeń: 1, lutego: 2, luty: 2, marca: 3, marzec: 3, kwietnia: 4, kwiecień: 4,
  maja: 5, maj: 5, czerwca: 6, czerwiec: 6, lipca: 7, lipiec: 7, sierpnia: 8, sierpień: 8,
  września: 9, wrzesień: 9, października: 10, październik: 10, listopada: 11, listopad: 11,
  grudnia: 12, grudzień: 12,
};

/**
 * Dates as review pages write them: ISO 8601, "12.03.2026 14:05", "2026-03-12 14:05[:59]" (Ceneo's
 * `time[datetime]`), "12 marca 2026" or "12 marca 2026 | 14:05" (Opineo). Local times without a
 * zone are Warsaw wall-clock times (Europe/Warsaw: CET in winter, CEST in summer; see
 * `warsawToUtc`); a date without a time is noon there. Returns an ISO string, or undefined when
 * the text is not a date.
 */
export function parseReviewDate(value: string): string | undefined {
  const text = value.trim().toLowerCase();
  if (text === "") return undefined;
  if (/^\d{4}-\d{2}-\d{2}t/.test(text)) {
    const at = Date.parse(value.trim());
    return Number.isNaN(at) ? undefined : new Date(at).toISOString();
  }
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (match) return local(+match[1]!, +match[2]!, +match[3]!, match[4], match[5], match[6]);
  match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (match) return local(+match[3]!, +match[2]!, +match[1]!, match[4], match[5], match[6]);
  match = /^(\d{1,2})\s+(\p{L}+)\s+(\d{4})(?:[ ,r.|]+(\d{1,2}):(\d{2}))?/u.exec(text);
  if (match) {
    const month = POLISH_MONTHS[match[2]!];
    if (month) return local(+match[3]!, month, +match[1]!, match[4], match[5]);
  }
  return undefined;
}

function local(year: number, month: number, day: number, hour?: string, minute?: string, second?: string): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, Number(hour ?? 12), Number(minute ?? 0), Number(second ?? 0));
  // 31.02 is not a date (Date.UTC would roll it over into March).
  if (new Date(wall).getUTCMonth() !== month - 1) return undefined;
  return new Date(warsawToUtc(wall)).toISOString();
}

const WARSAW = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Warsaw",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** The Warsaw wall-clock time of an instant, written as if it were UTC (ms). */
function warsawWallClock(instant: number): number {
  const part: Record<string, number> = {};
  for (const { type, value } of WARSAW.formatToParts(new Date(instant))) if (type !== "literal") part[type] = Number(value);
  return Date.UTC(part.year ?? 1970, (part.month ?? 1) - 1, part.day ?? 1, part.hour ?? 0, part.minute ?? 0, part.second ?? 0) + (instant % 1000);
}

const HOUR_MS = 3_600_000;

/**
 * The instant of a Warsaw wall-clock time (given as if UTC, ms), with the zone's rules (CET,
 * CEST, and their history). Warsaw is one or two hours ahead of UTC. The hour that happens twice
 * (the last Sunday of October, 02:00–02:59) is taken at its first, summer-time occurrence; the
 * hour that does not exist (the last Sunday of March, 02:00–02:59) is read with the offset from
 * before the change, so 02:30 is 03:30 summer time — as a clock that was not moved would say.
 */
export function warsawToUtc(wall: number): number {
  const summer = wall - 2 * HOUR_MS;
  if (warsawWallClock(summer) === wall) return summer;
  const winter = wall - HOUR_MS;
  if (warsawWallClock(winter) === wall) return winter;
  // In the gap: the offset before it (winter time).
  return winter;
}

/** A number as pages write it: "4,5", "4.5/5", "★ 4". */
export function parseNumber(value: string): number | undefined {
  const match = /-?\d+(?:[.,]\d+)?/.exec(value);
  if (!match) return undefined;
  const number = Number(match[0].replace(",", "."));
  return Number.isFinite(number) ? number : undefined;
}

/** Map a rating on the source's own scale to 1–5. */
export function normaliseRating(original: number, scaleMin: number, scaleMax: number) {
  if (scaleMax <= scaleMin || original < scaleMin || original > scaleMax) return undefined;
  const value = 1 + ((original - scaleMin) * 4) / (scaleMax - scaleMin);
  return { value: Math.round(value * 100) / 100, original, scaleMin, scaleMax };
}

/** A score as review sites print it: "4,5/5", "7.5 / 10", "4/5". The scale's top comes from the text. */
export function parseScore(value: string): { value: number; max: number } | undefined {
  const match = /(\d+(?:[.,]\d+)?)\s*\/\s*(\d+(?:[.,]\d+)?)/.exec(value);
  if (!match) return undefined;
  const score = Number(match[1]!.replace(",", "."));
  const max = Number(match[2]!.replace(",", "."));
  return Number.isFinite(score) && Number.isFinite(max) && max > 0 ? { value: score, max } : undefined;
}

/** Elements that break lines: a line break before and at the end of each. */
const BLOCKS = new Set(["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"]);
/** Elements whose content a reader does not see. */
const HIDDEN = new Set(["script", "style", "noscript", "template", "iframe", "object"]);

/**
 * The text of an element as a reader sees it: line breaks where the page breaks lines (`<br>`,
 * paragraphs, list items), markup gone, whitespace collapsed. The page itself is left as it was.
 */
export function elementText(element: Cheerio<AnyNode>): string {
  return cleanText(readerText(element.toArray()));
}

/**
 * The text of some nodes as a reader sees it, before whitespace is collapsed. One walk over the
 * nodes, without a copy and without recursion: linear in their size however many scripts or
 * however deep. The given nodes count whole, whatever they are (a selected `<script>` gives its
 * text); the rules apply inside them. `reveal` is a hidden element to read all the same.
 */
function readerText(roots: AnyNode[], reveal?: AnyNode): string {
  const parts: string[] = [];
  // What is left to read, last first: a node, or a line break to write.
  const pending: (AnyNode | "\n")[] = [];
  const readChildren = (node: ParentNode) => {
    for (let index = node.children.length - 1; index >= 0; index--) pending.push(node.children[index]!);
  };
  for (const root of roots) {
    if (isText(root)) parts.push(root.data);
    else if (hasChildren(root)) readChildren(root);
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (node === "\n") parts.push(node);
      else if (isText(node)) parts.push(node.data);
      else if (isTag(node)) {
        if (HIDDEN.has(node.name) && node !== reveal) continue;
        if (node.name === "br") {
          parts.push("\n");
          continue;
        }
        if (BLOCKS.has(node.name)) {
          parts.push("\n");
          pending.push("\n");
        }
        readChildren(node);
      } else if (isCDATA(node) || isDocument(node)) readChildren(node);
    }
  }
  return parts.join("");
}

/**
 * Plain text from a string that should be plain but may carry markup (review text from a JSON
 * API, a user who typed HTML): tags and scripts go, "<3" and "a < b" stay as written.
 */
export function plainText(value: string): string {
  if (!looksLikeMarkup(value)) return cleanText(value);
  if (htmlDepth(value) > MAX_HTML_DEPTH) return cleanText(roughText(value));
  // Read as the content of a <template> in a standards-mode document: the same parsing rules as
  // a fragment (a fragment is parsed in a template's context), but a fragment's nodes are then
  // moved one by one into a new root, which is quadratic in their number (10,000 `<b>`s).
  const $ = load(`<!DOCTYPE html><template>${value}</template>`);
  const wrapper = $("head > template");
  const escaped = $("head").children().length !== 1 || wrapper.length !== 1 || $("body").contents().length > 0 || $("frameset").length > 0;
  if (!escaped) return cleanText(readerText($.root().toArray(), wrapper.get(0)));
  // A stray `</template>` closed the template early, and what follows would be read as a
  // document (a `<frameset>` there drops the body). In a body nothing can escape: every word stays.
  return cleanText(readerText(load(`<!DOCTYPE html><body>${value}`)("body").toArray()));
}
