import type { RuleMention } from "@odzew/replies";
import { isPseudonymousView, type MentionView } from "./visibility/index.ts";

/**
 * A mention of a team's full view as a reply rule judges it (the API's dry run and `odzew replies
 * dry-run`); undefined for a pseudonymous view or a document without the fields every enriched
 * mention has (nothing a rule could judge).
 */
export function ruleMentionOf(view: MentionView): RuleMention | undefined {
  if (isPseudonymousView(view)) return undefined;
  const { publishedAt, source, nativeId, lang, text, brands, topics } = view;
  if (publishedAt === undefined || source === undefined || nativeId === undefined || lang === undefined || text === undefined || brands === undefined || topics === undefined) return undefined;
  return { ...view, id: view.id, publishedAt, source, nativeId, lang, text, brands, topics, sentiment: view.sentiment ?? null };
}
