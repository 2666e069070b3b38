import { OdzewError } from "@odzew/core";
import type { SourceConfig } from "@odzew/schema";
import type { PollContext, PollResult, SourceAdapter } from "./adapter.ts";
import { allegroAdapter } from "./allegro.source.ts";
import { appStoreAdapter } from "./app-store.source.ts";
import { appStoreConnectAdapter } from "./app-store-connect.source.ts";
import { blueskyAdapter } from "./bluesky.source.ts";
import { ceneoAdapter } from "./ceneo.source.ts";
import { facebookPageAdapter } from "./facebook-page.source.ts";
import { feedAdapter } from "./feed.source.ts";
import { googleBusinessAdapter } from "./google-business.source.ts";
import { googlePlacesAdapter } from "./google-places.source.ts";
import { googlePlayAdapter } from "./google-play.source.ts";
import { htmlAdapter } from "./html.source.ts";
import { opineoAdapter } from "./opineo.source.ts";
import { redditAdapter } from "./reddit.source.ts";
import { trustpilotAdapter } from "./trustpilot.source.ts";
import { xAdapter } from "./x.source.ts";
import { youtubeAdapter } from "./youtube.source.ts";

type AdapterFor = { [T in SourceConfig["type"]]: SourceAdapter<Extract<SourceConfig, { type: T }>> };

/** One adapter per source type; the type system makes sure none is missing. */
const ADAPTERS: AdapterFor = {
  "app-store": appStoreAdapter,
  "app-store-connect": appStoreConnectAdapter,
  "google-play": googlePlayAdapter,
  "google-business": googleBusinessAdapter,
  "google-places": googlePlacesAdapter,
  opineo: opineoAdapter,
  ceneo: ceneoAdapter,
  trustpilot: trustpilotAdapter,
  allegro: allegroAdapter,
  feed: feedAdapter,
  html: htmlAdapter,
  bluesky: blueskyAdapter,
  reddit: redditAdapter,
  youtube: youtubeAdapter,
  "facebook-page": facebookPageAdapter,
  x: xAdapter,
};

/** Poll a source with the adapter of its type. */
export function pollSource(source: SourceConfig, context: PollContext): Promise<PollResult> {
  const adapter = ADAPTERS[source.type] as SourceAdapter<SourceConfig> | undefined;
  if (!adapter) throw new OdzewError("SOURCE_UNKNOWN", `no adapter for source type "${source.type}" (source "${source.id}")`);
  // The source's own network settings (e.g. `network.allowPrivate`) apply to every request of the poll.
  return adapter.poll(source, { ...context, http: context.http.forSource(source) });
}
