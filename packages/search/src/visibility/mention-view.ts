/**
 * A team's view of a mention: which fields are personal, what the engine should not even send
 * for a view (`sourceFilter`), and the projection of a stored mention into the view the team may
 * see (`projectMention`). The one list of personal fields, `PERSONAL_FIELDS`, drives both and the
 * type of the pseudonymous view. Pure: no engine, no HTTP.
 */
import type { EnrichedMention, TeamConfig, WorkflowState } from "@odzew/schema";

/** What of a team decides its view: the view and the fields it hides on top. */
export type TeamView = Pick<TeamConfig, "view" | "hide">;

/** A field a team may hide on top of its view (`hide` in teams.yaml). */
export type HideableField = TeamConfig["hide"][number];

/**
 * THE personal fields: what the pseudonymous view never receives from the engine and never
 * shows. The author and links, the source's own id of the review, the source id, the brand's
 * reply (it may greet the customer by name), the unmasked pros and cons, and who on the service
 * team handled the mention. A dotted entry is a field inside an object field.
 */
export const PERSONAL_FIELDS = [
  "author",
  "url",
  "nativeId",
  "source.id",
  "reply.text",
  "reply.author",
  "details.pros",
  "details.cons",
  "workflow.history",
  "workflow.assignee",
  // The reply addresses the author by name and records which agents wrote, approved and sent it.
  "workflow.reply",
] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** Personal fields that are a whole top-level field. */
export type WholePersonal = Exclude<PersonalField, `${string}.${string}`>;
/** The personal fields inside the top-level field `P`. */
export type PersonalIn<P extends string> = PersonalField extends infer F ? (F extends `${P}.${infer K}` ? K : never) : never;

const isWhole = (field: PersonalField): field is WholePersonal => !field.includes(".");

/** The personal fields that are whole top-level fields (`author`, `url`, `nativeId`). */
export const WHOLE_PERSONAL_FIELDS: readonly WholePersonal[] = PERSONAL_FIELDS.filter(isWhole);

/** The personal fields inside one object field: `personalFieldsIn("details")` is `["pros", "cons"]`. */
export function personalFieldsIn<P extends "source" | "reply" | "details" | "workflow">(parent: P): PersonalIn<P>[] {
  const prefix = `${parent}.`;
  const inside = (field: string): field is PersonalIn<P> => PERSONAL_FIELDS.some((path) => path === `${prefix}${field}`);
  return PERSONAL_FIELDS.filter((path) => path.startsWith(prefix))
    .map((path) => path.slice(prefix.length))
    .filter(inside);
}

/**
 * A mention as the indexer stores it: the enriched mention (its masked copy kept only where
 * masking changed the title or text), its sample key and its workflow.
 */
export type StoredMentionDocument = Omit<EnrichedMention, "masked"> & {
  masked?: EnrichedMention["masked"];
  sampleKey?: number;
  workflow?: WorkflowState;
};

/**
 * A stored mention as the engine returns it for a view: any field but the id may be missing
 * (excluded by the view's `sourceFilter`, hidden, or absent from an older document).
 */
export type MentionDocument = { id: string } & Partial<Omit<StoredMentionDocument, "id">>;

/** The fields every view leaves out: the masked copy (its text replaces the original where shown) and the sample key. */
type Served = Omit<MentionDocument, "masked" | "sampleKey">;

/** The full view: everything the pipeline knows about the mention, minus what the team hides. */
export type FullView = Served;

/**
 * The pseudonymous view: no personal field (`PERSONAL_FIELDS`), the masked title and text where
 * masking changed them, the source by its type only, and whether the brand replied instead of
 * the reply.
 */
export type PseudonymousView = Omit<Served, WholePersonal | "reply" | "source" | "details" | "workflow"> & {
  /** Personal fields are never present (typed so that a field of either view can be read from a `MentionView`). */
  [K in WholePersonal | "reply"]?: never;
} & {
  source?: Omit<StoredMentionDocument["source"], PersonalIn<"source">> & { [K in PersonalIn<"source">]?: never };
  details?: Omit<NonNullable<StoredMentionDocument["details"]>, PersonalIn<"details">>;
  workflow?: Omit<WorkflowState, PersonalIn<"workflow">>;
  /** Whether the brand has replied at the source (the reply itself is personal). */
  hasReply: boolean;
};

/** A mention as one team sees it. */
export type MentionView = FullView | PseudonymousView;

/** Whether a view is the pseudonymous one (it says whether there is a reply instead of showing it). */
export const isPseudonymousView = (view: MentionView): view is PseudonymousView => "hasReply" in view;

/**
 * What the engine should not even send for a view: the team's hidden fields, and in the
 * pseudonymous view every personal field.
 */
export function sourceFilter(team: TeamView): { excludes: string[] } {
  return { excludes: team.view === "full" ? [...team.hide] : [...team.hide, ...PERSONAL_FIELDS] };
}

/**
 * A stored mention as one team may see it. The pseudonymous view shows the masked title and
 * text where masking changed them, no personal field (`PERSONAL_FIELDS`), the source only by its
 * type, and whether the brand has replied rather than the reply. Fields the team's `hide` lists
 * are gone in either view. A link is shown only if it is http(s): a `javascript:`, `data:` or
 * `file:` URL in an older document never reaches a browser.
 */
export function projectMention(doc: MentionDocument, team: TeamView & { view: "full" }): FullView;
export function projectMention(doc: MentionDocument, team: TeamView & { view: "pseudonymous" }): PseudonymousView;
export function projectMention(doc: MentionDocument, team: TeamView): MentionView;
export function projectMention(doc: MentionDocument, team: TeamView): MentionView {
  const { masked, sampleKey: _sampleKey, ...rest } = doc;
  const full = withSafeLinks(rest);
  if (team.view === "full") return hide(full, team.hide);
  const { reply, ...kept } = withoutPersonal(full);
  const view: PseudonymousView = {
    ...kept,
    ...(masked?.text !== undefined ? { text: masked.text } : {}),
    ...(masked?.text !== undefined && kept.title !== undefined ? { title: masked.title ?? kept.title } : {}),
    hasReply: reply !== undefined && reply !== null,
  };
  return hide(view, team.hide);
}

/** The view without the fields the team hides (`hide` in teams.yaml), in either view. */
export function hide<V extends MentionView>(view: V, fields: readonly HideableField[]): V {
  if (fields.length === 0) return view;
  const out: V = { ...view };
  for (const field of fields) {
    if (field in out) delete (out as Partial<Record<HideableField, unknown>>)[field];
  }
  return out;
}

/** The full view without any personal field; the reply (summarised as `hasReply`) kept whole for the caller. */
type WithoutPersonal = Omit<PseudonymousView, "hasReply" | "reply"> & { reply?: Omit<NonNullable<StoredMentionDocument["reply"]>, PersonalIn<"reply">> | null };

/** PERSONAL_FIELDS split once: the whole fields, and per object field the fields inside it. */
const WHOLE = new Set<string>(WHOLE_PERSONAL_FIELDS);
const INSIDE = new Map<string, Set<string>>();
for (const path of PERSONAL_FIELDS) {
  const dot = path.indexOf(".");
  if (dot < 0) continue;
  const field = path.slice(0, dot);
  INSIDE.set(field, (INSIDE.get(field) ?? new Set<string>()).add(path.slice(dot + 1)));
}

/** A copy of an object without the given keys. */
function without(value: object, keys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (!keys.has(key)) out[key] = child;
  return out;
}

/**
 * `PERSONAL_FIELDS` taken out of a view: each whole field, and each dotted one from inside its
 * object. The type follows the same list; the unit tests check every entry of it.
 */
function withoutPersonal(view: FullView): WithoutPersonal {
  const out = without(view, WHOLE);
  for (const [field, inner] of INSIDE) {
    const value = out[field];
    if (value && typeof value === "object" && !Array.isArray(value)) out[field] = without(value, inner);
  }
  return out as WithoutPersonal;
}

/** Whether a link may be served: http(s) only. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** The mention's own links (`url`, `author.profileUrl`) where they are http(s); others dropped. */
function withSafeLinks(doc: FullView): FullView {
  const { url, author, ...rest } = doc;
  const out: FullView = { ...rest };
  if (url !== undefined && isHttpUrl(url)) out.url = url;
  if (author && typeof author === "object" && !Array.isArray(author)) {
    const { profileUrl, ...person } = author;
    out.author = profileUrl !== undefined && isHttpUrl(profileUrl) ? { ...person, profileUrl } : person;
  } else if (author !== undefined) out.author = author;
  return out;
}
