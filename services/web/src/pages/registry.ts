/**
 * The dashboard's pages and who sees them. A page is shown to a team when the team may use it
 * (its actions in teams.yaml); every page reads through the API, which confines it to the slice.
 */
import type { FunctionComponent } from "preact";
import type { Route } from "../route.ts";
import type { Team } from "../types.ts";
import { CrisisPage } from "./crisis/index.tsx";
import { InboxPage } from "./inbox/index.tsx";
import { InsightsPage } from "./insights/index.tsx";
import { MentionsPage } from "./mentions/index.tsx";
import { SourcesPage } from "./sources/index.tsx";

export type PageId = "inbox" | "crisis" | "insights" | "mentions" | "sources";

export interface PageProps {
  route: Route;
}

export interface PageEntry {
  id: PageId;
  component: FunctionComponent<PageProps>;
  allowed(team: Team): boolean;
}

export const PAGES: readonly PageEntry[] = [
  // Customer service: the reviews to answer.
  { id: "inbox", component: InboxPage, allowed: (team) => team.actions.includes("workflow") },
  // PR: volume, spikes, alerts, high reach.
  { id: "crisis", component: CrisisPage, allowed: (team) => team.actions.includes("alerts") },
  // CX (and everyone): topics, trends, ratings, samples.
  { id: "insights", component: InsightsPage, allowed: () => true },
  { id: "mentions", component: MentionsPage, allowed: () => true },
  { id: "sources", component: SourcesPage, allowed: () => true },
];

export const pagesFor = (team: Team): PageEntry[] => PAGES.filter((page) => page.allowed(team));
