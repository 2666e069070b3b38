import { breakdownQuerySchema, filtersOf, timelineQuerySchema } from "../params.ts";
import { shareOfVoiceResponseSchema, timelineResponseSchema, topicsResponseSchema } from "../responses.ts";
import type { RouteModule } from "./define.ts";

/** Counts of the team's slice: over time, by topic, by brand. */
export const statsRoutes: RouteModule = (route, deps) => {
  route(
    {
      method: "GET",
      path: "/stats/timeline",
      summary: "Counts over time (hour, day, week, month), optionally split by sentiment, brand, source, topic, lang or priority",
      query: timelineQuerySchema,
      response: timelineResponseSchema,
    },
    async ({ team, query }) => deps.search.timeline(team, filtersOf(query), { interval: query.interval, split: query.split, timeZone: query.tz, now: deps.now() }),
  );

  route(
    {
      method: "GET",
      path: "/stats/topics",
      summary:
        "Top topics with their sentiment per aspect: each topic of a mention counts with the sentiment of the clause that carries it (mentions enriched before aspects: with the mention's sentiment); `sentiment=` keeps the aspects of those labels",
      query: breakdownQuerySchema,
      response: topicsResponseSchema,
    },
    async ({ team, query }) => {
      const { total, items } = await deps.search.topics(team, filtersOf(query), query.size);
      return { total, topics: items.map(({ key, ...rest }) => ({ topic: key, ...rest })) };
    },
  );

  route(
    { method: "GET", path: "/stats/share-of-voice", summary: "Share of voice between the brands of the slice, with sentiment", query: breakdownQuerySchema, response: shareOfVoiceResponseSchema },
    async ({ team, query }) => {
      const { total, items } = await deps.search.breakdown(team, filtersOf(query), "brand", query.size);
      return { total, brands: items.map(({ key, ...rest }) => ({ brand: key, ...rest })) };
    },
  );
};
