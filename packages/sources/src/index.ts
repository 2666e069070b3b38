export { HttpClient, DEFAULT_USER_AGENT, parseRetryAfter, detectCharset, type HttpClientOptions, type FetchedPage } from "./http-client.ts";
export { paginate, resolveUrl, type PollContext, type PollResult, type PollProblem, type Page, type SourceAdapter } from "./adapter.ts";
export { pollSource, hasAdapter } from "./registry.ts";
export { htmlAdapter } from "./html.source.ts";
export { cleanText, parseReviewDate, parseNumber, normaliseRating } from "./text.ts";
