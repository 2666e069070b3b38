export {
  HttpClient,
  DEFAULT_USER_AGENT,
  parseRetryAfter,
  detectCharset,
  type HttpClientOptions,
  type HttpMethod,
  type HttpRequestOptions,
  type FetchedPage,
} from "./http-client.ts";
export { paginate, resolveUrl, type PollContext, type PollResult, type PollProblem, type Page, type SourceAdapter } from "./adapter.ts";
export { pollSource } from "./registry.ts";
export { appStoreAdapter } from "./app-store.source.ts";
export { googlePlayAdapter } from "./google-play.source.ts";
export { googleBusinessAdapter } from "./google-business.source.ts";
export { googlePlacesAdapter } from "./google-places.source.ts";
export { opineoAdapter } from "./opineo.source.ts";
export { ceneoAdapter } from "./ceneo.source.ts";
export { trustpilotAdapter } from "./trustpilot.source.ts";
export { feedAdapter } from "./feed.source.ts";
export { htmlAdapter } from "./html.source.ts";
export { cleanText, parseReviewDate, parseNumber, normaliseRating } from "./text.ts";
