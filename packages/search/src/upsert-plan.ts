import { compareVersions, type EnrichedMention, type WorkflowState } from "@odzew/schema";
import { confirmReplyAtSource } from "./workflow.ts";

/**
 * What the engine holds of a mention before a write: where it lives, the version the pipeline
 * wrote last, and the service workflow (which only the workflow events own). `_seq_no` and
 * `_primary_term` make the write conditional: if anything changed the document in between (a
 * workflow event, another indexer), the write is refused and planned again from the new state.
 */
export interface StoredMention {
  index: string;
  seqNo: number;
  primaryTerm: number;
  /** Absent on a workflow stub (events that arrived before their mention). */
  publishedAt?: string;
  collectedAt?: string;
  enrichedAt?: string;
  workflow?: WorkflowState;
}

/** The fields of a stored mention the planner reads (ask the engine for exactly these). */
export const STORED_FIELDS = ["publishedAt", "collectedAt", "enrichedAt", "workflow"] as const;

export type UpsertStep =
  /** The stored version is as new or newer: writing would roll the mention back. */
  | { kind: "skip"; id: string; reason: "stale" | "same-version" }
  /** Not stored anywhere yet: create it (refused if someone created it meanwhile). */
  | { kind: "create"; id: string; index: string; document: Record<string, unknown> }
  /** Replace the stored document, provided it is still the one that was read. */
  | { kind: "replace"; id: string; index: string; document: Record<string, unknown>; seqNo: number; primaryTerm: number };

/** The order of versions is the schema's (`compareVersions`): the indexer and the trainer agree on it. */
export { compareVersions };

/** Of several versions of one mention, the newest (the last of equals, so order breaks ties). */
export function newestVersions<T>(items: T[], mentionOf: (item: T) => EnrichedMention): T[] {
  const newest = new Map<string, T>();
  for (const item of items) {
    const mention = mentionOf(item);
    const current = newest.get(mention.id);
    if (!current || compareVersions(mention, mentionOf(current)) >= 0) newest.set(mention.id, item);
  }
  return [...newest.values()];
}

/**
 * How to write one mention, given what the engine holds of it. Pure: the same inputs always give
 * the same step, and applying a version twice, or an older one after a newer, changes nothing.
 *
 * - A mention lives in the monthly index of the date it was first published: an edited review
 *   whose source date moved (App Store `updated`, Play `lastModified`) stays in its document, keeps
 *   its first `publishedAt` and gets the new date as `editedAt`.
 * - The pipeline's fields are replaced whole (what the new version lacks disappears, as after a
 *   rebuild); the service `workflow` is carried over.
 * - A reply Odzew sent that the new version shows at the source is confirmed (confirmReplyAtSource).
 */
export function planUpsert(
  mention: EnrichedMention,
  stored: StoredMention | undefined,
  home: (publishedAt: string) => string,
  toDocument: (mention: EnrichedMention) => Record<string, unknown>,
): UpsertStep {
  if (stored?.collectedAt !== undefined) {
    const order = compareVersions(mention, stored);
    if (order < 0) return { kind: "skip", id: mention.id, reason: "stale" };
    if (order === 0) return { kind: "skip", id: mention.id, reason: "same-version" };
  }
  const firstPublished = stored?.publishedAt ?? mention.publishedAt;
  const document: Record<string, unknown> = { ...toDocument(mention), publishedAt: firstPublished };
  if (Date.parse(mention.publishedAt) !== Date.parse(firstPublished)) document.editedAt = mention.publishedAt;
  const workflow = confirmReplyAtSource(stored?.workflow, mention.reply, mention.collectedAt);
  if (workflow) document.workflow = workflow;
  if (!stored) return { kind: "create", id: mention.id, index: home(mention.publishedAt), document };
  return { kind: "replace", id: mention.id, index: stored.index, document, seqNo: stored.seqNo, primaryTerm: stored.primaryTerm };
}
