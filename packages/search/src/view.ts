import type { TeamConfig } from "@odzew/schema";

/** A mention document as stored (the enriched mention, its workflow, masked copies). */
export type MentionDocument = Record<string, unknown> & { id: string };

/**
 * What the engine should not even send for a view: the pseudonymous view never receives
 * the author, links, the brand's reply (it may greet the customer by name), the unmasked pros and
 * cons, or who on the service team handled the mention.
 */
export function sourceFilter(team: TeamConfig): { excludes: string[] } {
  const hidden = team.hide.map((field) => `${field}`);
  if (team.view === "full") return { excludes: hidden };
  return {
    excludes: [
      ...hidden,
      "author",
      "url",
      "nativeId",
      "reply.text",
      "reply.author",
      "details.pros",
      "details.cons",
      "workflow.history",
      "workflow.assignee",
    ],
  };
}

/**
 * A stored mention as one team may see it. The pseudonymous view shows the masked title and
 * text where masking changed them, the author only as a pseudonym, and whether the brand has
 * replied rather than the reply. Fields the team's `hide` lists are gone in either view.
 */
export function projectMention(doc: MentionDocument, team: TeamConfig): Record<string, unknown> {
  const { masked, sampleKey: _sampleKey, ...rest } = doc as MentionDocument & { masked?: { title?: string; text?: string }; sampleKey?: number };
  let out: Record<string, unknown> = rest;
  if (team.view === "pseudonymous") {
    const { author: _author, url: _url, nativeId: _nativeId, reply, details, workflow, ...kept } = rest as Record<string, unknown> & {
      reply?: unknown;
      details?: Record<string, unknown>;
      workflow?: Record<string, unknown>;
    };
    out = {
      ...kept,
      ...(masked?.text !== undefined ? { text: masked.text } : {}),
      ...(masked?.text !== undefined && kept.title !== undefined ? { title: masked.title ?? kept.title } : {}),
      hasReply: reply !== undefined && reply !== null,
      ...(details ? { details: withoutKeys(details, ["pros", "cons"]) } : {}),
      ...(workflow ? { workflow: withoutKeys(workflow, ["history", "assignee"]) } : {}),
    };
  }
  return team.hide.length === 0 ? out : withoutKeys(out, team.hide);
}

function withoutKeys(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}
