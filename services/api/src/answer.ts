import type { SourceConfig, SourceType } from "@odzew/schema";

export interface AnswerLink {
  /** Where the review is answered. */
  url: string;
  /** What that place is, for the agent. */
  where: string;
}

/**
 * Where customer service answers a mention. Public review pages (Opineo, Ceneo, Trustpilot,
 * Google Maps, feeds, forums) are answered on the mention's own page, signed in as the brand;
 * app stores and Business Profile reviews in the owner's console. Only links Odzew can build
 * from the configuration are given; a mention without one has no link rather than a wrong one.
 */
export function answerLink(type: SourceType, source: SourceConfig | undefined, mentionUrl: string | undefined): AnswerLink | undefined {
  switch (type) {
    case "app-store":
      if (source?.type === "app-store") {
        return { url: `https://appstoreconnect.apple.com/apps/${source.appId}/distribution/activity/ios/ratingsResponses`, where: "App Store Connect, Ratings and Reviews" };
      }
      return undefined;
    case "google-play":
      if (source?.type === "google-play") {
        return { url: "https://play.google.com/console", where: `Google Play Console, ${source.appId}: Quality → Ratings and reviews` };
      }
      return undefined;
    case "google-business":
      return { url: "https://business.google.com/reviews", where: "Google Business Profile, Reviews" };
    default:
      return mentionUrl ? { url: mentionUrl, where: "the review's own page, signed in as the brand" } : undefined;
  }
}
