import { Readable } from "node:stream";
import { describeError } from "@odzew/core";
import { exportFile, exportLines } from "../export.ts";
import { exportQuerySchema, filtersOf } from "../params.ts";
import { exportLineSchema } from "../responses.ts";
import type { RouteModule } from "./define.ts";

/** The whole matching slice as a streamed file. */
export const exportRoutes: RouteModule = (route, deps) => {
  route(
    {
      method: "GET",
      path: "/export",
      summary: "The whole matching slice as streamed NDJSON or CSV (formula-safe), no row limit",
      action: "export",
      query: exportQuerySchema,
      exportLine: exportLineSchema,
    },
    async ({ team, query, request, reply }) => {
      const { release } = await deps.heavyRead(team, reply);
      // Held until the response is over: streamed to the end, or the client went away.
      reply.raw.once("close", release);
      const stream = Readable.from(exportLines(deps.search.scan(team, filtersOf(query)), query.format));
      stream.on("error", (error) => request.log.error({ err: error }, `export stopped: ${describeError(error)}`));
      const file = exportFile(team.id, query.format, deps.now());
      return reply.type(file.contentType).header("content-disposition", `attachment; filename="${file.name}"`).send(stream);
    },
  );
};
