/**
 * The signed-in team and the person at the keyboard. The API knows the team by its key; the
 * workflow and replies record who acted by name (`actor`), which the user types once and this
 * browser keeps, per team.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { useLang, type Lang } from "./i18n.ts";
import type { Team, TeamAction } from "./types.ts";

export interface Session {
  team: Team;
  /** The user's name for the workflow ("mine", claims, replies); "" until given. */
  actor: string;
  setActor(name: string): void;
  signOut(): void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in page");
  return session;
}

export const may = (team: Team, action: TeamAction): boolean => team.actions.includes(action);

/** A brand's name (brands.yaml) from its id, as `/me` gives the slice's brands; the id when it is not among them. */
export const brandNameOf =
  (team: Team) =>
  (id: string): string =>
    team.brands.find((brand) => brand.id === id)?.name ?? id;

/** The signed-in team's brand names. */
export const useBrandName = (): ((id: string) => string) => brandNameOf(useSession().team);

/** A topic's label in a language, as `/me` gives them (the defaults and the topics file's); the id when it has none. */
export const topicLabelOf =
  (team: Team, lang: Lang) =>
  (id: string): string =>
    team.topics.find((topic) => topic.id === id)?.label[lang] ?? id;

/** Topic labels in the language in force. */
export const useTopicLabel = (): ((id: string) => string) => topicLabelOf(useSession().team, useLang());

const actorStorage = (team: string) => `odzew-actor:${team}`;
export const storedActor = (team: string): string => localStorage.getItem(actorStorage(team)) ?? "";
export const storeActor = (team: string, name: string): void => localStorage.setItem(actorStorage(team), name.trim());
