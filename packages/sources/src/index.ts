export {
  HttpClient,
  DEFAULT_USER_AGENT,
  parseRetryAfter,
  detectCharset,
  type HttpClientOptions,
  type HttpMethod,
  type HttpRequestOptions,
  type FetchedPage,
  type PrivateNetworkAllowance,
  type ResolvedAddress,
  type SourceNetworkSettings,
} from "./http-client.ts";
export { forbiddenAddressReason } from "./address-guard.ts";
export { redactUrl } from "@odzew/core";
export {
  paginate,
  replyFingerprint,
  resolveUrl,
  type PollContext,
  type PollResult,
  type PollProblem,
  type Page,
  type SourceAdapter,
  type CatchUpPlan,
  type CatchUpOutcome,
  type LaneOutcome,
} from "./adapter.ts";
export {
  SEEN_LIMIT,
  REPLY_FINGERPRINT_LIMIT,
  UNTIL_LIMIT,
  CATCH_UP_MIN_PAGES,
  catchUpLimit,
  FAILURES_BEFORE_ALERT,
  BLOCKS_BEFORE_ALERT,
  emptyCursor,
  pollInputs,
  resumeAfter,
  afterSuccess,
  afterFailure,
  retryAfterMsOf,
  type ResumeVerdict,
} from "./cursor.ts";
export {
  RETRY_CLOCK_SKEW_MS,
  jobVerdict,
  pollModeOf,
  pollTransition,
  alertChange,
  type PollOutcome,
  type PollTransition,
  type HealthAlertChange,
} from "./health.ts";
export { pollSource } from "./registry.ts";
export { appStoreAdapter } from "./app-store.source.ts";
export { appStoreConnectAdapter, territoryCountry } from "./app-store-connect.source.ts";
export { appStoreConnectReplyAdapter, APP_STORE_CONNECT_REPLY_MAX } from "./replies/app-store-connect.reply.ts";
export { googlePlayAdapter } from "./google-play.source.ts";
export { googleBusinessAdapter } from "./google-business.source.ts";
export { googlePlacesAdapter } from "./google-places.source.ts";
export { opineoAdapter } from "./opineo.source.ts";
export { ceneoAdapter } from "./ceneo.source.ts";
export { trustpilotAdapter } from "./trustpilot.source.ts";
export { allegroAdapter, ALLEGRO_PAGE_SIZE } from "./allegro.source.ts";
export { feedAdapter } from "./feed.source.ts";
export { htmlAdapter } from "./html.source.ts";
export { blueskyAdapter } from "./bluesky.source.ts";
export { redditAdapter } from "./reddit.source.ts";
export { youtubeAdapter, YOUTUBE_QUOTA_COST } from "./youtube.source.ts";
export { facebookPageAdapter, FACEBOOK_PAGE_SIZE, FACEBOOK_RATE_LIMIT_WAIT_MS } from "./facebook-page.source.ts";
export { xAdapter, X_RATE_LIMIT_WINDOW_MS, X_USAGE_CAP_WAIT_MS } from "./x.source.ts";
export { cleanText, parseReviewDate, parseNumber, normaliseRating } from "./text.ts";
export { trustpilotReplyAdapter, TRUSTPILOT_REPLY_MAX } from "./replies/trustpilot.reply.ts";
export { allegroReplyAdapter, ALLEGRO_ANSWER_MAX } from "./replies/allegro.reply.ts";
export { replyAdapterFor, replyCapability } from "./replies/registry.ts";
export type { ReplyAdapter, ReplyCapability, ReplyContext, StoreReply } from "./replies/adapter.ts";
