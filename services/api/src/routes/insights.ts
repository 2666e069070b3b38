import { compareTopics, currentPeriod, overallFigures, previousPeriod, trendOf } from "@odzew/search";
import { filtersOf, ratingsQuerySchema, trendsQuerySchema } from "../params.ts";
import { ratingsResponseSchema, trendsResponseSchema } from "../responses.ts";
import type { RouteModule } from "./define.ts";

/** CX insights of the team's slice: ratings per source, and a period against the one before. */
export const insightRoutes: RouteModule = (route, deps) => {
  route(
    {
      method: "GET",
      path: "/stats/ratings",
      summary: "The rating distribution (1–5 stars, mean) per source of the rated mentions; per source type in the pseudonymous view",
      query: ratingsQuerySchema,
      response: ratingsResponseSchema,
    },
    async ({ team, query }) => deps.search.ratings(team, filtersOf(query)),
  );

  route(
    {
      method: "GET",
      path: "/stats/trends",
      summary:
        "Mentions and net sentiment in a period (from/to, default the last 30 days) against as long a period before it, overall and per topic (per aspect, as /stats/topics)",
      query: trendsQuerySchema,
      response: trendsResponseSchema,
    },
    async ({ team, query }) => {
      const filters = filtersOf(query);
      const current = currentPeriod(filters, deps.now());
      const previous = previousPeriod(current);
      const [topicsNow, topicsBefore, labelsNow, labelsBefore] = await Promise.all([
        deps.search.topics(team, { ...filters, ...current }, query.size),
        deps.search.topics(team, { ...filters, ...previous }, query.size),
        deps.search.breakdown(team, { ...filters, ...current }, "sentiment", 3),
        deps.search.breakdown(team, { ...filters, ...previous }, "sentiment", 3),
      ]);
      return {
        current,
        previous,
        overall: trendOf(overallFigures(labelsNow.total, labelsNow.items), overallFigures(labelsBefore.total, labelsBefore.items)),
        topics: compareTopics(topicsNow.items, topicsBefore.items),
      };
    },
  );
};
