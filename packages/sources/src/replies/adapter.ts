import type { ReplyCapability, SourceConfig } from "@odzew/schema";
import type { HttpClient } from "../http-client.ts";

/**
 * Answering a review at its store, one adapter per source type that has a reply API (Play
 * Developer API, Business Profile, App Store Connect, Trustpilot business API, Allegro, a site's
 * own reply endpoint). Sources without one are answered "there" (a deep link) and recorded.
 *
 * Errors are `OdzewError`s whose code tells the responder what to do:
 * - `REPLY_REJECTED` (the store refused the text: too long, forbidden words; not retryable),
 * - `REPLY_AUTH` (credentials refused even after a fresh token; not retryable until fixed),
 * - `REPLY_FORBIDDEN` (the account may not reply to this review; not retryable),
 * - `REPLY_NOT_FOUND` (the review is gone; not retryable),
 * - `REPLY_RATE_LIMITED` (retryable; `context.retryAfterMs` when the store said),
 * - `REPLY_UNAVAILABLE` (5xx, network, deadline: retryable, and the outcome is *unclear*: the
 *   store may have accepted it; the responder asks `current` before it posts again),
 * - `REPLY_NOT_CONFIGURED` (credentials missing from the environment; names the variable).
 * Every message says in words what the store said (its error body's message), never a secret.
 */
export interface ReplyContext {
  http: HttpClient;
  /** A secret by the name of its environment variable. */
  secret(name: string): string | undefined;
  now: Date;
  signal?: AbortSignal;
}

/** The reply a store currently shows under a review. */
export interface StoreReply {
  text: string;
  /** When the store says it was last changed. */
  updatedAt?: string;
  /** The store's own id of the reply (App Store Connect's response id). */
  storeReplyId?: string;
}

export type { ReplyCapability };

export interface ReplyAdapter<S extends SourceConfig = SourceConfig> {
  /**
   * From the configuration alone (no I/O, no secrets read): whether this source is set up to reply,
   * the store's length limit in characters, whether replies can be deleted.
   */
  capability(source: S): ReplyCapability;
  /** The store's current reply to the review `nativeId` (the mention's native id), if any. */
  current(source: S, nativeId: string, context: ReplyContext): Promise<StoreReply | undefined>;
  /** Create or replace the reply. Resolves with what the store now shows. */
  post(source: S, nativeId: string, text: string, context: ReplyContext): Promise<StoreReply>;
  /** Delete the reply (resolves also when there was none). */
  remove(source: S, nativeId: string, context: ReplyContext): Promise<void>;
}
