import { meResponseSchema, sourcesResponseSchema } from "../responses.ts";
import { sourceStatuses } from "../rules/sources.ts";
import type { RouteModule } from "./define.ts";

/** Who the key belongs to, and the health of the sources its slice reads. */
export const teamRoutes: RouteModule = (route, deps) => {
  route({ method: "GET", path: "/me", summary: "The team this key belongs to: slice, view and actions", response: meResponseSchema }, async ({ team }) => ({
    team: { id: team.id, name: team.name, view: team.view, actions: team.actions, slice: team.slice, hide: team.hide, replies: { slaHours: team.replies.slaHours } },
  }));

  route(
    { method: "GET", path: "/sources", summary: "Collector health per source: never read a health alert as “no new reviews”", response: sourcesResponseSchema },
    async ({ team }) => ({ sources: sourceStatuses(deps.sources(), team) }),
  );
};
