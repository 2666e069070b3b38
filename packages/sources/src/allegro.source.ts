import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type AllegroSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, type Page, type PollContext, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { allegroRequest, allegroSaid } from "./allegro-oauth.ts";
import { cleanText } from "./text.ts";

/**
 * A seen rating the buyer edited this recently is not where the new ratings end (see below).
 * Longer than any sensible gap between two polls; older edits are stop points again, so an
 * edited rating is delivered again for at most this long.
 */
export const ALLEGRO_EDIT_WINDOW_MS = 7 * 24 * 3_600_000;

/** Ratings per page: the most `GET /sale/user-ratings` gives (its default is 20). */
export const ALLEGRO_PAGE_SIZE = 100;
const MAX_TEXT = 100_000;

/**
 * An Allegro seller's ratings through the REST API: `GET /sale/user-ratings?offset=&limit=`
 * (`Accept: application/vnd.allegro.public.v1+json`, the seller's OAuth token), which lists
 * `ratings[]` sorted by last change, newest first: `id`, `recommended`, `comment`,
 * `buyer.login`, `createdAt`, `editedAt`, `lastChangedAt`, `rates` (per-aspect stars),
 * `order.offers[].title` and the seller's `answer` (`message`, `createdAt`).
 *
 * The rating: Allegro's verdict is "polecam" / "nie polecam" (`recommended`), which is what the
 * seller's percentage counts; the per-aspect stars (`rates`: description, service, delivery,
 * delivery cost) were optional and Allegro stopped collecting them in February 2025. So a
 * mention's rating is the recommendation on its own two-point scale (original 1 = recommends,
 * 0 = does not; scale 0–1), which normalises to 5 and 1 stars; the aspect stars are not mixed in.
 *
 * Paging is by offset; a page shorter than the limit is the last. Because Allegro sorts by last
 * change, a rating the buyer edited moves back to the top, above ratings made before the edit that
 * the last poll never saw. A seen rating edited within `ALLEGRO_EDIT_WINDOW_MS` is therefore not
 * taken as the point where the new ones end: it is delivered again (with its new text) and
 * reading goes on to the first seen rating that was not edited lately.
 */
export const allegroAdapter: SourceAdapter<AllegroSourceConfig> = {
  type: "allegro",
  poll(source, context) {
    // A copy of the seen ids from which the edited ratings of each page are removed before paginate checks them.
    const seen = new Set(context.seen);
    const pollContext: PollContext = { ...context, seen };
    return paginate(source, pollContext, pageUrl(source, 0), async (url): Promise<Page> => {
      let text: string;
      try {
        ({ text } = await allegroRequest(source, context, "GET", url));
      } catch (error) {
        throw readError(error, source);
      }
      const page = readPage(text, url, source, context.now);
      for (const edited of page.edited) seen.delete(edited);
      return page;
    });
  },
};

function pageUrl(source: AllegroSourceConfig, offset: number): string {
  const url = new URL("/sale/user-ratings", source.baseUrl);
  url.searchParams.set("offset", String(offset));
  url.searchParams.set("limit", String(ALLEGRO_PAGE_SIZE));
  return url.toString();
}

function readPage(text: string, url: string, source: AllegroSourceConfig, now: Date): Page & { edited: string[] } {
  const collectedAt = now.toISOString();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OdzewError("SOURCE_PARSE", `Allegro answered ${url} with something that is not JSON: ${JSON.stringify(text.slice(0, 120))}`, {
      retryable: true,
      cause: error,
      context: { url, source: source.id },
    });
  }
  const ratings = isRecord(json) ? json.ratings : undefined;
  if (!Array.isArray(ratings)) {
    throw new OdzewError("SOURCE_PARSE", `Allegro answered ${url} without a ratings list ({"ratings": [...]}): the API changed`, {
      context: { url, source: source.id },
    });
  }
  const problems: PollProblem[] = [];
  const mentions: RawMention[] = [];
  const edited: string[] = [];
  for (const rating of ratings) {
    const read = readRating(rating, source, collectedAt);
    if ("problem" in read) {
      problems.push({ page: url, reason: read.problem });
      continue;
    }
    mentions.push(read.mention);
    if (read.editedAt && now.getTime() - Date.parse(read.editedAt) <= ALLEGRO_EDIT_WINDOW_MS) edited.push(read.mention.nativeId);
  }
  const offset = Number(new URL(url).searchParams.get("offset") ?? 0);
  const next = ratings.length >= ALLEGRO_PAGE_SIZE ? pageUrl(source, offset + ratings.length) : undefined;
  return { url, mentions, problems, next, edited };
}

/** One rating of `ratings[]` as a mention. */
export function readRating(rating: unknown, source: AllegroSourceConfig, collectedAt: string): { mention: RawMention; editedAt: string | undefined } | { problem: string } {
  if (!isRecord(rating)) return { problem: "an Allegro rating is not an object" };
  const nativeId = typeof rating.id === "string" || typeof rating.id === "number" ? String(rating.id).trim() : "";
  if (!nativeId) return { problem: "an Allegro rating has no id (ratings[].id)" };
  const publishedAt = isoDate(rating.createdAt);
  if (!publishedAt) return { problem: `Allegro rating ${nativeId} has no readable createdAt (found ${JSON.stringify(rating.createdAt ?? null)})` };
  if (typeof rating.recommended !== "boolean") return { problem: `Allegro rating ${nativeId} has no recommended: true/false` };

  const buyer = isRecord(rating.buyer) && typeof rating.buyer.login === "string" ? cleanText(rating.buyer.login) : "";
  const comment = typeof rating.comment === "string" ? cleanText(rating.comment) : "";
  const answer = isRecord(rating.answer) ? rating.answer : undefined;
  const answerText = answer && typeof answer.message === "string" ? cleanText(answer.message) : "";
  const answeredAt = answer ? isoDate(answer.createdAt) : undefined;
  const offers = isRecord(rating.order) && Array.isArray(rating.order.offers) ? rating.order.offers : [];
  const titles = offers.map((offer: unknown) => (isRecord(offer) && typeof offer.title === "string" ? cleanText(offer.title) : "")).filter(Boolean);
  const subject = titles[0] ? (titles.length > 1 ? `${titles[0]} (+${titles.length - 1})` : titles[0]) : undefined;
  const editedAt = isoDate(rating.editedAt);
  const login = source.sellerLogin;

  const mention: RawMention = {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "allegro" },
    nativeId,
    ...(login ? { url: `https://allegro.pl/uzytkownik/${encodeURIComponent(login)}/oceny` } : {}),
    ...(buyer ? { author: { name: buyer.slice(0, 500) } } : {}),
    text: comment.slice(0, MAX_TEXT),
    // "Polecam" / "nie polecam" on its own two-point scale: 5 and 1 stars.
    rating: { value: rating.recommended ? 5 : 1, original: rating.recommended ? 1 : 0, scaleMin: 0, scaleMax: 1 },
    publishedAt,
    collectedAt,
    ...(answerText ? { reply: { text: answerText.slice(0, MAX_TEXT), ...(login ? { author: login } : {}), ...(answeredAt ? { publishedAt: answeredAt } : {}) } } : {}),
    details: { verifiedPurchase: true, ...(subject ? { subject: subject.slice(0, 500) } : {}) },
    brandHints: source.brands,
  };
  return { mention, editedAt: editedAt !== undefined && editedAt !== publishedAt ? editedAt : undefined };
}

/** Allegro's refusals in words: what to check, with Allegro's own message. */
function readError(error: unknown, source: AllegroSourceConfig): unknown {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP") return error;
  // The token endpoint's refusals are already worded (allegro-oauth.ts).
  if (error.context.url === source.tokenUrl) return error;
  const status = error.context.status;
  if (status !== 401 && status !== 403 && status !== 404 && status !== 400) return error;
  const said = allegroSaid(error.context.body);
  const detail = said ? ` Allegro said: ${said}` : "";
  const hint =
    status === 401
      ? `the seller's access token was refused even after a fresh one: authorise the application again and update ${source.oauth.refreshTokenEnv}`
      : status === 403
        ? "the application was not granted the scope that reads sales ratings when the seller authorised it, or the account is not a seller account: authorise it again with that scope"
        : "check baseUrl in the source (https://api.allegro.pl, or https://api.allegro.pl.allegrosandbox.pl for the sandbox)";
  return new OdzewError("SOURCE_HTTP", `Allegro refused ${String(error.context.url)} (HTTP ${status}): ${hint}.${detail}`, {
    retryable: false,
    cause: error,
    context: { ...error.context, source: source.id },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
