import { createTermMatcher, type TermMatcherEntry } from "./topics.ts";
import type { Sentiment } from "./types.ts";

/**
 * How soon customer service should look at a review: a score 0–100, a level and the reasons.
 *
 * Weights (points added to a base of 20, the sum clamped to 0–100 and rounded):
 *   rating        1★ +20, 2★ +12, 3★ +4, 4★ 0, 5★ −10 (linear in between, e.g. 1.5★ +16)
 *   sentiment     negative +5 … +15 (5 + 10×|score|), positive −5 … −10 (−5 − 5×score), neutral 0
 *   urgency words first one +35, each further distinct one +5, at most +45 in all
 *                 (fraud, legal action, authorities, data leaks, chargebacks, health, the press)
 *   reach         helpful votes + votes: 5×log10(1+n), at most +15 (10 → +5, 120 → +10, 1000 → +15);
 *                 followers: 2.5×log10(1+n), at most +10 (10 000 → +10)
 *   age           ≤ 24 h +8, ≤ 3 days +4, ≤ 7 days 0, ≤ 30 days −5, ≤ 90 days −15, ≤ 365 days −25,
 *                 older −35 (a publishedAt in the future counts as now; an unreadable one as 0)
 *   brand reply   already replied −25
 * Levels: < 25 low, < 50 normal, < 75 high, ≥ 75 urgent. So a fresh 1★ angry review is high,
 * with a threat of UOKiK or a lawyer urgent, a 5★ one low, the same 1★ from last year normal.
 */

export type PriorityLevel = "low" | "normal" | "high" | "urgent";

export interface PriorityInput {
  /** Normalised 1–5. */
  rating?: number | undefined;
  sentiment?: Pick<Sentiment, "label" | "score"> | null | undefined;
  text: string;
  reach?: { votes?: number | undefined; helpful?: number | undefined; followers?: number | undefined } | undefined;
  /** ISO date-time. */
  publishedAt: string;
  now: Date;
  hasReply?: boolean | undefined;
  /** Urgency labels already found in `text` (by a caller that matched them with other terms). */
  urgent?: readonly string[] | undefined;
}

export interface Priority {
  score: number;
  level: PriorityLevel;
  reasons: string[];
}

const BASE = 20;
const RATING_POINTS = [20, 12, 4, 0, -10] as const;
const URGENCY_FIRST = 35;
const URGENCY_MORE = 5;
const URGENCY_MAX = 45;
const REPLIED = -25;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Urgency words, by the label the reasons show. Same pattern syntax as the topics (topics.ts). */
const URGENCY: Record<string, readonly string[]> = {
  oszustwo: ["oszus*", "oszuka*", "oszukuj*", "naciąga*", "naciągacz*", "naciągnię*", "złodziej*", "kradzież*", "okradl*", "okradzion*", "wyłudz*"],
  fraud: ["fraud*", "scam*", "scammer*", "stolen", "theft", "thief", "thieves", "swindl*"],
  UOKiK: ["uokik*", "rzecznik* konsument*", "rzecznik* praw konsument*", "federacj* konsument*"],
  "consumer protection": ["trading standards", "consumer protection", "ombudsman", "consumer rights"],
  prawnik: ["prawnik*", "adwokat*", "radc* prawn*", "kancelari*"],
  lawyer: ["lawyer*", "attorney*", "solicitor*", "legal action", "legal team"],
  pozew: ["pozew", "pozwu", "pozwem", "pozwę", "pozwać", "pozwiemy", "pozwie", "pozywam", "pozwa"],
  lawsuit: ["lawsuit*", "sue", "suing", "sued", "small claims"],
  sąd: ["sądu", "sądzie", "sądem", "sądow*", "sądown*", "court", "courts"],
  policja: ["policj*", "prokuratur*", "przestępstw*", "zawiadomieni* o przestępstw*"],
  police: ["police", "crime", "criminal"],
  "wyciek danych": ["wyciek* dan*", "wyciekł* dan*", "dan* wyciekł*", "dan* wyciek*"],
  "data breach": ["data breach*", "data leak*", "leaked my data", "breach of data"],
  RODO: ["rodo", "uodo", "gdpr"],
  chargeback: ["chargeback*", "obciążeni* zwrotn*", "charge back"],
  zdrowie: ["zatru*", "szpital*", "poparz*", "alergi* reakcj*", "food poisoning", "poison*", "hospital*", "injur*"],
  media: ["dziennikar*", "nagłośni*", "telewizj*", "journalist*", "the press"],
};

/** The urgency words as matcher entries, for callers that match them in one pass with other terms. */
export const URGENCY_ENTRIES: readonly TermMatcherEntry[] = Object.entries(URGENCY).map(([value, patterns]) => ({ value, patterns }));
const urgencyMatcher = createTermMatcher(URGENCY_ENTRIES);

function ratingPoints(rating: number): number {
  const r = Math.min(5, Math.max(1, rating));
  const low = Math.floor(r);
  const a = RATING_POINTS[low - 1] ?? 0;
  const b = RATING_POINTS[Math.min(low, 4)] ?? a;
  return a + (b - a) * (r - low);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function formatAge(ms: number): string {
  if (ms < DAY) return plural(Math.max(0, Math.floor(ms / HOUR)), "hour", "hours");
  return plural(Math.floor(ms / DAY), "day", "days");
}

function agePoints(ms: number): number {
  if (ms <= DAY) return 8;
  if (ms <= 3 * DAY) return 4;
  if (ms <= 7 * DAY) return 0;
  if (ms <= 30 * DAY) return -5;
  if (ms <= 90 * DAY) return -15;
  if (ms <= 365 * DAY) return -25;
  return -35;
}

const count = (value: number | undefined): number => (value !== undefined && Number.isFinite(value) && value > 0 ? value : 0);

export function levelOf(score: number): PriorityLevel {
  if (score >= 75) return "urgent";
  if (score >= 50) return "high";
  if (score >= 25) return "normal";
  return "low";
}

export function servicePriority(input: PriorityInput): Priority {
  let score = BASE;
  const reasons: string[] = [];

  if (input.rating !== undefined && Number.isFinite(input.rating)) {
    score += ratingPoints(input.rating);
    const shown = Math.round(input.rating * 10) / 10;
    reasons.push(`${shown} ${shown === 1 ? "star" : "stars"}`);
  }

  const sentiment = input.sentiment;
  if (sentiment && Number.isFinite(sentiment.score)) {
    const strength = Math.min(1, Math.abs(sentiment.score));
    if (sentiment.label === "negative") {
      score += 5 + 10 * strength;
      reasons.push("negative sentiment");
    } else if (sentiment.label === "positive") {
      score -= 5 + 5 * strength;
      reasons.push("positive sentiment");
    }
  }

  const urgent = input.urgent ?? urgencyMatcher.match(input.text);
  if (urgent.length > 0) {
    score += Math.min(URGENCY_MAX, URGENCY_FIRST + URGENCY_MORE * (urgent.length - 1));
    for (const label of urgent) reasons.push(`urgency: ${label}`);
  }

  const helpful = count(input.reach?.helpful) + count(input.reach?.votes);
  const followers = count(input.reach?.followers);
  if (helpful > 0) {
    score += Math.min(15, 5 * Math.log10(1 + helpful));
    if (helpful >= 10) reasons.push(`reach: ${plural(helpful, "helpful vote", "helpful votes")}`);
  }
  if (followers > 0) {
    score += Math.min(10, 2.5 * Math.log10(1 + followers));
    if (followers >= 1000) reasons.push(`reach: ${plural(followers, "follower", "followers")}`);
  }

  const published = Date.parse(input.publishedAt);
  const age = Number.isFinite(published) ? Math.max(0, input.now.getTime() - published) : undefined;
  if (age !== undefined) score += agePoints(age);
  if (input.hasReply === true) {
    score += REPLIED;
    reasons.push("brand already replied");
  } else if (age !== undefined) {
    reasons.push(input.hasReply === false ? `unanswered for ${formatAge(age)}` : `published ${formatAge(age)} ago`);
  }

  const final = Math.round(Math.min(100, Math.max(0, score)));
  return { score: final, level: levelOf(final), reasons };
}
