import { meResponseSchema, sourcesResponseSchema } from "../responses.ts";
import { sourceStatuses } from "../rules/sources.ts";
import type { RouteModule } from "./define.ts";

/** Who the key belongs to, and the health of the sources its slice reads. */
export const teamRoutes: RouteModule = (route, deps) => {
  route({ method: "GET", path: "/me", summary: "The team this key belongs to: slice, view, actions, its brands' names and the topics' labels", response: meResponseSchema }, async ({ team }) => {
    const names = deps.brandNames();
    const brands = (team.slice.brands?.length ? team.slice.brands : [...names.keys()]).map((id) => ({ id, name: names.get(id) ?? id }));
    return { team: { id: team.id, name: team.name, view: team.view, actions: team.actions, slice: team.slice, hide: team.hide, brands, replies: { slaHours: team.replies.slaHours }, topics: [...deps.topicLabels()] } };
  });

  route(
    { method: "GET", path: "/sources", summary: "Collector health per source: never read a health alert as “no new reviews”", response: sourcesResponseSchema },
    async ({ team }) => ({ sources: sourceStatuses(deps.sources(), team) }),
  );
};
