import type { SourceConfig, SourceType } from "@odzew/schema";
import { isPseudonymousView, type MentionView, type TeamView } from "@odzew/search";
import { replyCapability } from "@odzew/sources";
import type { z } from "zod";
import type { answerLinkSchema, MentionResponse } from "./responses.ts";

/** Where a mention is answered (`url`) and what that place is, for the agent (`where`). */
export type AnswerLink = z.infer<typeof answerLinkSchema>;

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
    case "app-store-connect":
      if (source?.type === "app-store-connect") {
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
    case "bluesky":
    case "reddit":
    case "youtube":
      // A post or comment: answered where it was written, as the brand's own account.
      return mentionUrl ? { url: mentionUrl, where: `the ${type === "youtube" ? "comment on YouTube" : type === "reddit" ? "post or comment on Reddit" : "post on Bluesky"}, as the brand's account` } : undefined;
    case "facebook-page":
      // A comment on the Page's post, or a recommendation: answered in its thread, as the Page.
      return mentionUrl ? { url: mentionUrl, where: "the comment or recommendation on your Facebook Page, answered as the Page" } : undefined;
    case "x":
      return mentionUrl ? { url: mentionUrl, where: "the post on X, as the brand's account" } : undefined;
    default:
      return mentionUrl ? { url: mentionUrl, where: "the review's own page, signed in as the brand" } : undefined;
  }
}

/**
 * A mention with the link where customer service answers it, and whether Odzew posts the reply
 * itself (`replyVia: "odzew"`, the source has a reply API and its credentials are configured) or
 * the agent answers there and records it: in the full view only, and not for a team that hides
 * links. `configured`: the sources' configuration, by id.
 */
export function withAnswerLink(mention: MentionView, team: TeamView, configured: ReadonlyMap<string, SourceConfig | undefined>): MentionResponse {
  if (team.view !== "full" || team.hide.includes("url") || isPseudonymousView(mention)) return mention;
  const source = mention.source;
  if (!source) return mention;
  const config = configured.get(source.id);
  const link = answerLink(source.type, config, mention.url);
  return link ? { ...mention, answer: { ...link, replyVia: replyCapability(config).canReply ? "odzew" : "there" } } : mention;
}
