export { HttpClient, DEFAULT_USER_AGENT, parseRetryAfter, detectCharset, type HttpClientOptions, type FetchedPage } from "./http-client.ts";
export { pollHtmlSource, type PollResult } from "./html.source.ts";
export { cleanText, parseReviewDate, parseNumber, normaliseRating } from "./text.ts";
