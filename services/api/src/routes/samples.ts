import { randomUUID } from "node:crypto";
import { SAMPLE_CSV_COLUMNS, exportFile, exportLines } from "../export.ts";
import { HttpError } from "../http-errors.ts";
import { filtersOf, sampleExportQuerySchema, sampleQuerySchema } from "../params.ts";
import { sampleLineSchema, sampleResponseSchema } from "../responses.ts";
import { actionsRefusal } from "../rules/access.ts";
import type { RouteModule } from "./define.ts";

/** Reproducible stratified samples of the team's slice, and the file of exactly one of them. */
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
      const { release, signal } = await deps.heavyRead(team, reply);
      try {
        return await deps.search.sample(team, filtersOf(query), { n: query.n, strata: query.strata ?? [], seed: query.seed ?? randomUUID(), signal });
      } finally {
        release();
      }
    },
  );

  route(
    {
      method: "GET",
      path: "/sample/export",
      summary:
        "The sample /sample draws with the same parameters (n, strata, seed, filters), as a file: the same mentions in the same order, NDJSON (default) or CSV (formula-safe, with a stratum column). Needs `sample` and `export`",
      action: "sample",
      query: sampleExportQuerySchema,
      exportLine: sampleLineSchema,
    },
    async ({ team, query, reply }) => {
      // Shown on screen needs `sample`; leaving as a file needs `export` too.
      const refusal = actionsRefusal(team, ["export"]);
      if (refusal) throw new HttpError(403, "FORBIDDEN", refusal);
      const { release, signal } = await deps.heavyRead(team, reply);
      try {
        const seed = query.seed ?? randomUUID();
        const sample = await deps.search.sample(team, filtersOf(query), { n: query.n, strata: query.strata ?? [], seed, signal });
        // At most 500 rows: built whole, so an engine error is still an error answer, not a cut file.
        let body = "";
        for await (const line of exportLines(sample.items, query.format, SAMPLE_CSV_COLUMNS)) body += line;
        const file = exportFile(team.id, query.format, deps.now(), `sample-${seed}`);
        return reply.type(file.contentType).header("content-disposition", `attachment; filename="${file.name}"`).header("x-odzew-sample-seed", encodeURIComponent(seed)).send(body);
      } finally {
        release();
      }
    },
  );
};
