import { OdzewError } from "@odzew/core";
import type { RawMention, SourceConfig } from "@odzew/schema";
import type { HttpClient } from "./http-client.ts";

/** Everything an adapter may use for one poll. */
export interface PollContext {
  http: HttpClient;
  /** Native ids this source has already delivered (from its cursor). */
  seen: ReadonlySet<string>;
  /**
   * `incremental`: read newest first and stop at the first review already seen, within
   * `limits.maxPages`. `backfill`: read as deep as `limits.backfillPages`, seen or not.
   */
  mode: "incremental" | "backfill";
  now: Date;
  signal?: AbortSignal;
  /** A secret by the name of its environment variable (API keys, OAuth tokens). */
  secret(name: string): string | undefined;
  /** Called after each page, for progress bars. */
  onPage?(progress: { pages: number; mentions: number }): void;
}

/** A problem with one item or page: reported, never skipped silently. */
export interface PollProblem {
  page: string;
  reason: string;
}

/** What one poll of a source found. */
export interface PollResult {
  /** New mentions, newest first as the source lists them. */
  mentions: RawMention[];
  requests: number;
  pages: number;
  /** Items read on the pages, new or already seen: 0 from a page that had items means a changed layout. */
  parsed: number;
  problems: PollProblem[];
  /** Why reading stopped. */
  stoppedBy: "seen" | "last-page" | "page-limit" | "item-limit" | "loop";
}

export interface SourceAdapter<C extends SourceConfig = SourceConfig> {
  type: C["type"];
  poll(source: C, context: PollContext): Promise<PollResult>;
}

/** One page as an adapter read it. */
export interface Page {
  url: string;
  /** Items on the page in the source's order (newest first). */
  mentions: RawMention[];
  /** Items that could not be read, with the reason. */
  problems?: PollProblem[];
  /** Reference of the next page (a URL or a page token), absent on the last page. */
  next?: string | undefined;
  /** How many requests reading the page took (default 1). */
  requests?: number;
}

/**
 * The paging every adapter shares: newest first, page after page, until a review that was
 * seen before (incremental), the last page, or the configured limit. A review that pagination
 * shifted onto the next page is delivered once; a next-page link that loops ends the poll.
 */
export async function paginate(
  source: SourceConfig,
  context: PollContext,
  first: string,
  readPage: (ref: string) => Promise<Page>,
  into?: PollResult,
): Promise<PollResult> {
  const result: PollResult = into ?? { mentions: [], requests: 0, pages: 0, parsed: 0, problems: [], stoppedBy: "last-page" };
  const maxPages = context.mode === "backfill" ? source.limits.backfillPages : source.limits.maxPages;
  const delivered = new Set(result.mentions.map((mention) => mention.nativeId));
  const visited = new Set<string>();
  let ref: string | undefined = first;
  let pagesHere = 0;

  while (ref !== undefined) {
    if (context.signal?.aborted) throw new OdzewError("SOURCE_HTTP", "poll aborted", { retryable: true });
    if (visited.has(ref)) {
      result.stoppedBy = "loop";
      return result;
    }
    if (pagesHere >= maxPages) {
      result.stoppedBy = "page-limit";
      return result;
    }
    visited.add(ref);
    const page = await readPage(ref);
    pagesHere += 1;
    result.pages += 1;
    result.requests += page.requests ?? 1;
    result.parsed += page.mentions.length + (page.problems?.length ?? 0);
    result.problems.push(...(page.problems ?? []));
    for (const mention of page.mentions) {
      if (delivered.has(mention.nativeId)) continue; // shifted here from the previous page
      if (context.mode === "incremental" && context.seen.has(mention.nativeId)) {
        result.stoppedBy = "seen";
        context.onPage?.({ pages: result.pages, mentions: result.mentions.length });
        return result;
      }
      delivered.add(mention.nativeId);
      result.mentions.push(mention);
      if (result.mentions.length >= source.limits.maxItemsPerPoll) {
        result.stoppedBy = "item-limit";
        return result;
      }
    }
    context.onPage?.({ pages: result.pages, mentions: result.mentions.length });
    ref = page.next;
  }
  result.stoppedBy = "last-page";
  return result;
}

/** Resolve a link against the page it is on; only http(s) links are followed. */
export function resolveUrl(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
