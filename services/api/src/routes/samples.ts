import { randomUUID } from "node:crypto";
import { filtersOf, sampleQuerySchema } from "../params.ts";
import { sampleResponseSchema } from "../responses.ts";
import type { RouteModule } from "./define.ts";

/** Reproducible stratified samples of the team's slice. */
export const sampleRoutes: RouteModule = (route, deps) => {
  route(
    {
      method: "GET",
      path: "/sample",
      summary: "A reproducible stratified sample: n, strata (e.g. topic,sentiment), seed; the same seed gives the same sample",
      action: "sample",
      query: sampleQuerySchema,
      response: sampleResponseSchema,
    },
    async ({ team, query, reply }) => {
      const release = deps.heavyRead(team, reply);
      try {
        return await deps.search.sample(team, filtersOf(query), { n: query.n, strata: query.strata ?? [], seed: query.seed ?? randomUUID() });
      } finally {
        release();
      }
    },
  );
};
