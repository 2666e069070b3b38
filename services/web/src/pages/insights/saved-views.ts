/**
 * Saved views: a name and the address's state, kept in this browser per team (localStorage holds
 * the text these functions read and write). Pure: the format, reading it leniently (a damaged
 * entry is dropped, not a broken page), adding and removing.
 */

export interface SavedView {
  name: string;
  /** The view's address parameters, as `range=30d&seed=…` (the part after `?`). */
  query: string;
  savedAt: string;
}

/** The stored format: versioned, newest view first. */
interface StoredViews {
  version: 1;
  views: SavedView[];
}

export const SAVED_VIEWS_MAX = 30;
export const VIEW_NAME_MAX = 80;

/** The localStorage key of a team's saved views. */
export const savedViewsKey = (team: string): string => `odzew-insights-views:${team}`;

const isView = (value: unknown): value is SavedView => {
  if (typeof value !== "object" || value === null) return false;
  const view = value as Record<string, unknown>;
  return typeof view.name === "string" && view.name.trim() !== "" && typeof view.query === "string" && typeof view.savedAt === "string";
};

/** The views of a stored text; nothing (or something else) stored is no views. */
export function parseSavedViews(text: string | null): SavedView[] {
  if (!text) return [];
  try {
    const stored = JSON.parse(text) as Partial<StoredViews>;
    if (stored.version !== 1 || !Array.isArray(stored.views)) return [];
    return stored.views.filter(isView).slice(0, SAVED_VIEWS_MAX);
  } catch {
    return [];
  }
}

export const serializeSavedViews = (views: SavedView[]): string => JSON.stringify({ version: 1, views } satisfies StoredViews);

/** Why a name cannot be saved, or undefined when it can. */
export function viewNameProblem(name: string): "empty" | "long" | undefined {
  const trimmed = name.trim();
  if (trimmed === "") return "empty";
  if (trimmed.length > VIEW_NAME_MAX) return "long";
  return undefined;
}

/** The views with this one first; a view of the same name is replaced; the oldest beyond the limit go. */
export function withSavedView(views: SavedView[], view: SavedView): SavedView[] {
  const name = view.name.trim();
  return [{ ...view, name }, ...views.filter((other) => other.name !== name)].slice(0, SAVED_VIEWS_MAX);
}

export const withoutSavedView = (views: SavedView[], name: string): SavedView[] => views.filter((view) => view.name !== name);
