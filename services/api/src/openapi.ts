import { z } from "zod";
import type { TeamAction } from "@odzew/schema";

/** A route as documented; the same objects register the route, so the document cannot drift. */
export interface RouteDoc {
  method: "GET" | "POST";
  /** OpenAPI style, `{id}` for a path parameter. */
  path: string;
  summary: string;
  /** The team action the route needs beyond a valid key; of a list, any one of them. */
  action?: TeamAction | readonly TeamAction[];
  query?: z.ZodType;
  body?: z.ZodType;
  /** The JSON body of a successful answer. */
  response?: z.ZodType;
  /** What a 404 means on a route with `{id}` (default: no such mention in the team's slice). */
  notFound?: string;
  /** A heavy read (a slot of API_HEAVY_READS_PER_TEAM): documented with its 429. */
  heavy?: boolean;
  /** A streamed export instead: each NDJSON line matches this schema (CSV: the same fields as columns). */
  exportLine?: z.ZodType;
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

const toSchema = (schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "openapi-3.0" }) as JsonSchema;

/** The success answer of a route: its JSON schema, or the two export formats. */
function successResponse(route: RouteDoc): Record<string, unknown> {
  if (route.exportLine) {
    return {
      description: "The matching mentions, streamed: NDJSON (one mention per line, this schema) or CSV (format=csv)",
      content: { "application/x-ndjson": { schema: toSchema(route.exportLine, "output") }, "text/csv": { schema: { type: "string" } } },
    };
  }
  if (!route.response) return { description: "OK" };
  return { description: "OK", content: { "application/json": { schema: toSchema(route.response, "output") } } };
}

const actionWords = (action: TeamAction | readonly TeamAction[]): string =>
  (typeof action === "string" ? [action] : action).map((name) => `\`${name}\``).join(" or ");

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** The OpenAPI 3 document of the routes, served at /api/v1/openapi.json. */
export function openApiDocument(routes: RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
      parameters.push({ name: match[1], in: "path", required: true, schema: { type: "string" } });
    }
    if (route.query) {
      const schema = toSchema(route.query);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: "query", required: schema.required?.includes(name) ?? false, schema: property, ...(name.endsWith("s") || /brand|source|sentiment|topic|lang|strata/.test(name) ? { explode: true } : {}) });
      }
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      summary: route.summary,
      ...(route.action ? { description: `Needs the team action ${actionWords(route.action)} in teams.yaml.` } : {}),
      security: [{ bearer: [] }],
      parameters,
      ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(route.body) } } } } : {}),
      responses: {
        [route.method === "POST" ? "202" : "200"]: successResponse(route),
        "400": errorResponse("invalid parameters; the message names each one"),
        "401": errorResponse("missing or unknown API key"),
        ...(route.action ? { "403": errorResponse(`the team may not use ${typeof route.action === "string" ? route.action : route.action.join(" or ")}`) } : {}),
        ...(route.path.includes("{id}") ? { "404": errorResponse(route.notFound ?? "no such mention in the team's slice") } : {}),
        ...(route.method === "POST" ? { "409": errorResponse("the action does not fit the mention's workflow state") } : {}),
        ...(route.action === "export" || route.action === "sample" || route.heavy
          ? { "429": errorResponse("the team already runs as many exports and samples as it may (API_HEAVY_READS_PER_TEAM) and none ended within 5 s; retry after the Retry-After seconds") }
          : {}),
        "503": errorResponse("the search engine is unavailable"),
      },
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Odzew API",
      version: "1",
      description:
        "Each API key belongs to one team; every request is confined to that team's slice and view on the server. Lists are comma-separated or repeated parameters.",
    },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: {
          type: "object",
          properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } } },
        },
      },
    },
    paths,
  };
}
