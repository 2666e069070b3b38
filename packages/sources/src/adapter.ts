import { createHash } from "node:crypto";
import { OdzewError, describeError } from "@odzew/core";
import type { RawMention, SourceConfig } from "@odzew/schema";
import type { HttpClient } from "./http-client.ts";

/**
 * A catch-up the cursor asks a poll to continue: a poll before was cut short by its limits and
 * left new reviews unread between where it stopped and the reviews delivered before it.
 * Built from the cursor by `pollInputs` (cursor.ts).
 */
export interface CatchUpPlan {
  /** Per unfinished paging lane (its first page reference): where to continue and how many pages to read. */
  lanes: ReadonlyArray<{ lane: string; next: string; budget: number }>;
  /** Native ids delivered before the gap opened: reaching one ends the lane's catch-up. */
  until: ReadonlySet<string>;
  /** Pages a lane may read from the head instead when its reference can no longer be read. */
  deepBudget: number;
}

/** Everything an adapter may use for one poll. */
export interface PollContext {
  http: HttpClient;
  /** Native ids this source has already delivered (from its cursor). */
  seen: ReadonlySet<string>;
  /**
   * `incremental`: read newest first and stop at the first review already seen, within
   * `limits.maxPages`; then continue a catch-up (`catchUp`) if one is in progress.
   * `backfill`: read as deep as `limits.backfillPages`, seen or not.
   */
  mode: "incremental" | "backfill";
  now: Date;
  signal?: AbortSignal;
  /** A secret by the name of its environment variable (API keys, OAuth tokens). */
  secret(name: string): string | undefined;
  /** Called after each page, for progress bars. */
  onPage?(progress: { pages: number; mentions: number }): void;
  /** Awaited after each page: a poll reading many slow pages keeps its consumer group membership. */
  heartbeat?(): Promise<void>;
  /** Incremental mode: the catch-up to continue after reading the new head. */
  catchUp?: CatchUpPlan;
  /**
   * Fingerprints of the replies the reviews carried when they were last delivered (see
   * `replyFingerprint`). Where a poll stops at a review seen before, the rest of that page is
   * checked: a seen review whose reply appeared, changed or went is delivered again.
   */
  replies?: ReadonlyMap<string, string>;
  /**
   * Backfill mode, looking for the replies of these reviews (native ids; a `confirm` job): reviews
   * seen before are delivered again only where their reply changed (`replies`), new ones as
   * usual, and reading stops at the end of the page where the last of them was found.
   */
  lookFor?: ReadonlySet<string>;
}

/**
 * A secret a source cannot work without, by the name of its environment variable (trimmed); when
 * it is not set, `CONFIG_INVALID` naming the variable and what it holds (`what`), never a value.
 */
export function requiredSecret(secret: (name: string) => string | undefined, name: string, what: string, context: Record<string, unknown> = {}): string {
  const value = secret(name)?.trim();
  if (!value) throw new OdzewError("CONFIG_INVALID", `the environment variable ${name} (${what}) is not set`, { context: { ...context, variable: name } });
  return value;
}

/** A short fingerprint of a review's reply as the source shows it; "" for none. */
export function replyFingerprint(reply: { text: string } | undefined): string {
  if (!reply || reply.text.trim() === "") return "";
  return createHash("sha256").update(reply.text.normalize("NFC").replace(/\s+/g, " ").trim()).digest("hex").slice(0, 16);
}

/** A problem with one item or page: reported, never skipped silently. */
export interface PollProblem {
  page: string;
  reason: string;
}

/** How the catch-up of one lane went in this poll. */
export interface CatchUpOutcome {
  /** `reached`: it met a review delivered before the gap: the gap is closed. */
  stoppedBy: "reached" | "last-page" | "page-limit" | "item-limit" | "loop" | "failed";
  /** Where the next poll continues (page-limit, item-limit, failed). */
  next?: string;
  /** It read from the head because the stored reference could not be read. */
  fromHead: boolean;
  pages: number;
  /** New mentions it found. */
  found: number;
  /** Why reading failed (`failed`). */
  error?: string;
}

/** Where reading one paging lane (one `paginate` call) stopped. */
export interface LaneOutcome {
  /** The lane's first page reference: a source's lanes stay the same from poll to poll. */
  lane: string;
  /** The read from the newest review; `next` is where a cut-short read would have gone on. */
  head: { stoppedBy: PollResult["stoppedBy"]; next?: string };
  catchUp?: CatchUpOutcome;
}

/** What one poll of a source found. */
export interface PollResult {
  /** New mentions, newest first as the source lists them (then the ones a catch-up found). */
  mentions: RawMention[];
  requests: number;
  pages: number;
  /** Items read on the pages, new or already seen: 0 from a page that had items means a changed layout. */
  parsed: number;
  problems: PollProblem[];
  /** Why reading from the head stopped (of the last lane). */
  stoppedBy: "seen" | "last-page" | "page-limit" | "item-limit" | "loop";
  /** Per paging lane: where reading stopped, for the cursor's resume point. */
  lanes?: LaneOutcome[];
  /** Of `mentions`, the reviews seen before delivered again because their reply changed. */
  replyChanges?: number;
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
 *
 * In incremental mode, when the cursor holds a catch-up for this lane (`context.catchUp`) and
 * the head was read to its end, reading continues from the stored reference: reviews seen
 * before are passed over (pages shift down as new reviews arrive), new ones are delivered, up
 * to a review from before the gap (`until`), the last page, or the lane's page budget. A
 * reference that can no longer be read (an expired page token, a page that is gone) is replaced
 * by reading from the head with the larger budget.
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
  const head = await readHead();
  const lane: LaneOutcome = { lane: first, head };
  result.stoppedBy = head.stoppedBy;
  const plan = context.mode === "incremental" ? context.catchUp?.lanes.find((candidate) => candidate.lane === first) : undefined;
  const cutShort = head.stoppedBy === "page-limit" || head.stoppedBy === "item-limit";
  // A head cut short again opens a gap of its own that starts above the stored reference: the
  // next poll continues from there, so reading on from the old reference now would be wasted.
  if (plan && context.catchUp && !cutShort) lane.catchUp = await readCatchUp(plan, context.catchUp);
  (result.lanes ??= []).push(lane);
  return result;

  function account(page: Page) {
    result.pages += 1;
    result.requests += page.requests ?? 1;
    result.parsed += page.mentions.length + (page.problems?.length ?? 0);
    result.problems.push(...(page.problems ?? []));
  }

  async function pageDone() {
    context.onPage?.({ pages: result.pages, mentions: result.mentions.length });
    await context.heartbeat?.();
  }

  function checkAborted() {
    if (context.signal?.aborted) throw new OdzewError("SOURCE_HTTP", "poll aborted", { retryable: true });
  }

  /** Seen reviews of the page where reading stopped whose reply is not the one delivered before. */
  function redeliverReplyChanges(rest: readonly RawMention[]): void {
    const known = context.replies;
    if (!known) return;
    for (const mention of rest) {
      if (delivered.has(mention.nativeId) || !context.seen.has(mention.nativeId)) continue;
      if (replyFingerprint(mention.reply) === (known.get(mention.nativeId) ?? "")) continue;
      delivered.add(mention.nativeId);
      result.mentions.push(mention);
      result.replyChanges = (result.replyChanges ?? 0) + 1;
    }
  }

  async function readHead(): Promise<LaneOutcome["head"]> {
    const looking = context.mode === "backfill" && context.lookFor ? new Set(context.lookFor) : undefined;
    const visited = new Set<string>();
    let ref: string | undefined = first;
    let pagesHere = 0;
    while (ref !== undefined) {
      checkAborted();
      if (visited.has(ref)) return { stoppedBy: "loop" };
      if (pagesHere >= maxPages) return { stoppedBy: "page-limit", next: ref };
      visited.add(ref);
      const page = await readPage(ref);
      pagesHere += 1;
      account(page);
      for (const mention of page.mentions) {
        if (delivered.has(mention.nativeId)) continue; // shifted here from the previous page
        if (looking) {
          looking.delete(mention.nativeId);
          if (context.seen.has(mention.nativeId)) {
            redeliverReplyChanges([mention]);
            continue;
          }
        }
        if (context.mode === "incremental" && context.seen.has(mention.nativeId)) {
          redeliverReplyChanges(page.mentions.slice(page.mentions.indexOf(mention)));
          await pageDone();
          return { stoppedBy: "seen" };
        }
        delivered.add(mention.nativeId);
        result.mentions.push(mention);
        // The rest of this page is unread: a catch-up starts on this page again.
        if (result.mentions.length >= source.limits.maxItemsPerPoll) return { stoppedBy: "item-limit", next: ref };
      }
      await pageDone();
      if (looking?.size === 0) return { stoppedBy: "seen" };
      ref = page.next;
    }
    return { stoppedBy: "last-page" };
  }

  async function readCatchUp(laneplan: CatchUpPlan["lanes"][number], catchUp: CatchUpPlan): Promise<CatchUpOutcome> {
    let fromHead = false;
    let ref: string | undefined = laneplan.next;
    let budget = laneplan.budget;
    let visited = new Set<string>();
    let pages = 0;
    let pagesHere = 0;
    let found = 0;
    const outcome = (stoppedBy: CatchUpOutcome["stoppedBy"], extra: Partial<CatchUpOutcome> = {}): CatchUpOutcome => ({
      stoppedBy,
      fromHead,
      pages,
      found,
      ...extra,
    });
    while (ref !== undefined) {
      checkAborted();
      if (visited.has(ref)) return outcome("loop");
      if (pagesHere >= budget) return outcome("page-limit", { next: ref });
      visited.add(ref);
      let page: Page;
      try {
        page = await readPage(ref);
      } catch (error) {
        if (context.signal?.aborted) throw error;
        const retryable = error instanceof OdzewError && error.retryable;
        if (!fromHead && pagesHere === 0 && !retryable) {
          // The stored reference no longer works (an expired token, a page that is gone): read from
          // the head instead, passing over what was delivered, with the larger budget.
          fromHead = true;
          ref = first;
          budget = catchUp.deepBudget;
          visited = new Set();
          continue;
        }
        // The head of this poll stands; the catch-up tries again from here next time.
        return outcome("failed", { next: ref, error: describeError(error) });
      }
      pages += 1;
      pagesHere += 1;
      account(page);
      for (const mention of page.mentions) {
        if (delivered.has(mention.nativeId)) continue;
        if (catchUp.until.has(mention.nativeId)) {
          await pageDone();
          return outcome("reached");
        }
        // Delivered by an earlier poll: pages shift down as new reviews arrive.
        if (context.seen.has(mention.nativeId)) continue;
        delivered.add(mention.nativeId);
        result.mentions.push(mention);
        found += 1;
        if (found >= source.limits.maxItemsPerPoll) return outcome("item-limit", { next: ref });
      }
      await pageDone();
      ref = page.next;
    }
    return outcome("last-page");
  }
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
