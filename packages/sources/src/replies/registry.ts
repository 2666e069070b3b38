import type { ReplyCapability, SourceConfig } from "@odzew/schema";
import type { ReplyAdapter } from "./adapter.ts";
import { appStoreConnectReplyAdapter } from "./app-store-connect.reply.ts";
import { googleBusinessReplyAdapter } from "./google-business.reply.ts";
import { googlePlayReplyAdapter } from "./google-play.reply.ts";
import { allegroReplyAdapter } from "./allegro.reply.ts";
import { siteReplyAdapter } from "./site.reply.ts";
import { trustpilotReplyAdapter } from "./trustpilot.reply.ts";

type ReplyAdapterFor = { [T in SourceConfig["type"]]?: ReplyAdapter<Extract<SourceConfig, { type: T }>> };

/** One reply adapter per source type that has a reply API; the others are answered at the source. */
const REPLY_ADAPTERS: ReplyAdapterFor = {
  html: siteReplyAdapter,
  trustpilot: trustpilotReplyAdapter,
  allegro: allegroReplyAdapter,
  "google-play": googlePlayReplyAdapter,
  "google-business": googleBusinessReplyAdapter,
  "app-store-connect": appStoreConnectReplyAdapter,
};

/** The reply adapter of a source's type, if it has one. */
export function replyAdapterFor(source: SourceConfig): ReplyAdapter | undefined {
  return REPLY_ADAPTERS[source.type] as ReplyAdapter | undefined;
}

/** Whether Odzew can answer this source's reviews itself; if not, why ("answer there"). */
export function replyCapability(source: SourceConfig | undefined): ReplyCapability {
  if (!source) return { canReply: false, reason: "the source is no longer configured" };
  const adapter = replyAdapterFor(source);
  if (!adapter) return { canReply: false, reason: `${source.type} has no reply API: answer on the review's page and record the reply here` };
  return adapter.capability(source);
}
