import { withAnswerLink } from "../answer.ts";
import { HttpError } from "../http-errors.ts";
import { filtersOf, searchQuerySchema } from "../params.ts";
import { mentionPageSchema, mentionResponseSchema } from "../responses.ts";
import { isMentionId } from "../rules/access.ts";
import type { RouteModule } from "./define.ts";

/** Searching the team's slice, and one mention of it. */
export const mentionRoutes: RouteModule = (route, deps) => {
  route(
    { method: "GET", path: "/mentions", summary: "Search the team's slice: filters, safe search text, cursor pagination", query: searchQuerySchema, response: mentionPageSchema },
    async ({ team, query }) => {
      const page = await deps.search.search(team, filtersOf(query), { size: query.size, sort: query.sort, after: query.after });
      return { ...page, items: page.items.map((item) => withAnswerLink(item, team, deps.configured)) };
    },
  );

  route({ method: "GET", path: "/mentions/{id}", summary: "One mention of the slice; 404 for any other", response: mentionResponseSchema }, async ({ team, params }) => {
    const id = params.id ?? "";
    const mention = isMentionId(id) ? await deps.search.get(team, id) : undefined;
    // Outside the team's slice is the same as not existing: 404, never the content.
    if (!mention) throw new HttpError(404, "NOT_FOUND", "no such mention");
    return withAnswerLink(mention, team, deps.configured);
  });
};
