import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { type z } from "zod";
import { OdzewError, describeError, type Logger } from "@odzew/core";
import {
  WORKFLOW_SCHEMA_VERSION,
  type Alert,
  type SourceConfig,
  type SourceCursor,
  type TeamAction,
  type TeamConfig,
  type WorkflowEvent,
  type WorkflowState,
} from "@odzew/schema";
import { SearchRequestError, workflowConflict, type TeamSearch } from "@odzew/search";
import { answerLink } from "./answer.ts";
import type { TeamKeys } from "./auth.ts";
import { exportLines } from "./export.ts";
import { openApiDocument, type RouteDoc } from "./openapi.ts";
import {
  ACTIONS,
  actionBodySchema,
  alertsQuerySchema,
  breakdownQuerySchema,
  exportQuerySchema,
  filtersOf,
  queueQuerySchema,
  sampleQuerySchema,
  searchQuerySchema,
  timelineQuerySchema,
} from "./params.ts";

declare module "fastify" {
  interface FastifyRequest {
    team: TeamConfig;
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A source as the API reports it: configured, and what its collectors last saw. */
export interface SourceStatus {
  id: string;
  type?: string;
  brands?: string[];
  config?: SourceConfig;
  cursor?: SourceCursor;
}

export interface ApiOptions {
  search: TeamSearch;
  /** The current team keys (they change when teams.yaml is reloaded). */
  keys: () => TeamKeys;
  logger: Logger;
  ready?: () => boolean;
  /** Configured sources and their cursors (health). */
  sources?: () => SourceStatus[];
  /** Publishes a workflow event to the workflow topic (keyed by mention id). */
  publishWorkflow?: (event: WorkflowEvent) => Promise<void>;
  /** Prometheus text of this process, served at /metrics. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Alerts the alerter raised, for teams with the `alerts` action. */
  alerts?: () => Alert[];
  now?: () => Date;
}

const MENTION_ID = /^[a-f0-9]{32}$/;

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || what}: ${issue.message}`).join("; ");
    throw new HttpError(400, "BAD_REQUEST", detail);
  }
  return parsed.data;
}

/**
 * The team-facing HTTP API. Every request under /api/v1 carries `Authorization: Bearer KEY`;
 * the key names one team, every read is confined to that team's slice and view by the server
 * (TeamSearch), and every action the team's configuration does not grant is refused with 403.
 */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    loggerInstance: options.logger.child({ scope: "http" }) as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 200 },
    requestTimeout: 30_000,
  });

  // Fastify's own request lines are off (routes log at warn): they carry the query string, which
  // may hold search text about a person. Instead one line per request, without it, at debug
  // (error for a 5xx), and never the Authorization header.
  app.addHook("onResponse", async (request, reply) => {
    const level = reply.statusCode >= 500 ? "error" : "debug";
    request.log[level]({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), team: request.team?.id }, "request");
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
    }
    if (error instanceof SearchRequestError && error.retryable) {
      request.log.warn({ err: error }, "search engine unavailable");
      return reply.status(503).send({ error: { code: "SEARCH_UNAVAILABLE", message: "the search engine is unavailable; try again shortly" } });
    }
    if (error instanceof OdzewError && error.code === "MESSAGE_INVALID") {
      return reply.status(400).send({ error: { code: "BAD_REQUEST", message: error.message } });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: "BAD_REQUEST", message: (error as Error).message } });
    }
    request.log.error({ err: error }, `request failed: ${describeError(error)}`);
    return reply.status(500).send({ error: { code: "INTERNAL", message: "internal error" } });
  });

  app.get("/healthz", { logLevel: "warn" }, async () => ({ status: "ok" }));
  app.get("/readyz", { logLevel: "warn" }, async (_request, reply) => {
    const ready = options.ready?.() ?? true;
    return reply.status(ready ? 200 : 503).send({ ready });
  });
  if (options.metrics) {
    const metrics = options.metrics;
    app.get("/metrics", { logLevel: "warn" }, async (_request, reply) => {
      const { contentType, body } = await metrics();
      return reply.type(contentType).send(body);
    });
  }

  // The dashboard: one static page that talks to this API with the team's key. Its script is
  // allowed by hash and nothing else runs: review text is always put in as text.
  const dashboard = readFileSync(new URL("./dashboard.html", import.meta.url), "utf8");
  const script = /<script>([\s\S]*)<\/script>/.exec(dashboard)?.[1] ?? "";
  const policy = [
    "default-src 'none'",
    `script-src 'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  app.get("/", { logLevel: "warn" }, async (_request, reply) =>
    reply.type("text/html; charset=utf-8").header("content-security-policy", policy).header("x-content-type-options", "nosniff").header("referrer-policy", "no-referrer").send(dashboard),
  );

  const docs: RouteDoc[] = [];
  // The configured sources, by id; the list is fixed at start (only the cursors change).
  const configured = new Map((options.sources?.() ?? []).map((source) => [source.id, source.config]));

  /** Adds the link where customer service answers the mention (full view only). */
  const withAnswerLink = (team: TeamConfig, mention: Record<string, unknown>) => {
    if (team.view !== "full" || team.hide.includes("url")) return mention;
    const source = mention.source as { id: string; type: SourceConfig["type"] } | undefined;
    if (!source) return mention;
    const link = answerLink(source.type, configured.get(source.id), mention.url as string | undefined);
    return link ? { ...mention, answer: link } : mention;
  };

  const requireAction = (request: FastifyRequest, action: TeamAction) => {
    if (!request.team.actions.includes(action)) {
      throw new HttpError(403, "FORBIDDEN", `team "${request.team.id}" may not use ${action}; grant it in teams.yaml (actions: [${action}])`);
    }
  };

  await app.register(
    async (api) => {
      api.get("/openapi.json", async () => openApiDocument(docs));

      api.register(async (secured) => {
        secured.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
          const header = request.headers.authorization;
          const match = typeof header === "string" ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
          const team = match?.[1] ? options.keys().authenticate(match[1]) : undefined;
          if (!team) {
            reply.header("www-authenticate", 'Bearer realm="odzew"');
            throw new HttpError(401, "UNAUTHORIZED", match ? "unknown API key" : "missing bearer token: send Authorization: Bearer <key>");
          }
          request.team = team;
        });

        const route = <Q extends z.ZodType, B extends z.ZodType>(
          doc: RouteDoc & { query?: Q; body?: B },
          handler: (request: FastifyRequest, query: z.infer<Q>, body: z.infer<B>, reply: FastifyReply) => Promise<unknown>,
        ) => {
          docs.push(doc);
          secured.route({
            method: doc.method,
            url: doc.path.replace(/\{(\w+)\}/g, ":$1"),
            handler: async (request, reply) => {
              if (doc.action) requireAction(request, doc.action);
              const query = doc.query ? parse(doc.query, request.query, "query") : undefined;
              const body = doc.body ? parse(doc.body, request.body, "body") : undefined;
              return handler(request, query as z.infer<Q>, body as z.infer<B>, reply);
            },
          });
        };

        route({ method: "GET", path: "/me", summary: "The team this key belongs to: slice, view and actions" }, async (request) => ({
          team: {
            id: request.team.id,
            name: request.team.name,
            view: request.team.view,
            actions: request.team.actions,
            slice: request.team.slice,
          },
        }));

        route({ method: "GET", path: "/sources", summary: "Collector health per source: never read a health alert as “no new reviews”" }, async (request) => {
          const allowed = request.team.slice.sources;
          const brands = request.team.slice.brands;
          const visible = (options.sources?.() ?? []).filter(
            (source) =>
              (!allowed?.length || allowed.includes(source.id)) &&
              (!brands?.length || !source.brands || source.brands.length === 0 || source.brands.some((brand) => brands.includes(brand))),
          );
          return {
            sources: visible.map((source) => ({
              id: source.id,
              type: source.type,
              status: !source.cursor ? "never-polled" : source.cursor.health.alert ? "alert" : "ok",
              health: source.cursor?.health ?? null,
              backfilled: source.cursor?.backfilled ?? false,
              updatedAt: source.cursor?.updatedAt ?? null,
            })),
          };
        });

        route(
          { method: "GET", path: "/mentions", summary: "Search the team's slice: filters, safe search text, cursor pagination", query: searchQuerySchema },
          async (request, query) => {
            const page = await options.search.search(request.team, filtersOf(query), { size: query.size, sort: query.sort, after: query.after });
            return { ...page, items: page.items.map((item) => withAnswerLink(request.team, item)) };
          },
        );

        route({ method: "GET", path: "/mentions/{id}", summary: "One mention of the slice; 404 for any other" }, async (request) => {
          const id = (request.params as { id: string }).id;
          const mention = MENTION_ID.test(id) ? await options.search.get(request.team, id) : undefined;
          // Outside the team's slice is the same as not existing: 404, never the content.
          if (!mention) throw new HttpError(404, "NOT_FOUND", "no such mention");
          return withAnswerLink(request.team, mention);
        });

        route(
          {
            method: "GET",
            path: "/stats/timeline",
            summary: "Counts over time (hour, day, week, month), optionally split by sentiment, brand, source, topic, lang or priority",
            query: timelineQuerySchema,
          },
          async (request, query) =>
            options.search.timeline(request.team, filtersOf(query), { interval: query.interval, split: query.split, timeZone: query.tz, now: now() }),
        );

        route(
          { method: "GET", path: "/stats/topics", summary: "Top topics with their sentiment", query: breakdownQuerySchema },
          async (request, query) => {
            const { total, items } = await options.search.breakdown(request.team, filtersOf(query), "topic", query.size);
            return { total, topics: items.map(({ key, ...rest }) => ({ topic: key, ...rest })) };
          },
        );

        route(
          { method: "GET", path: "/stats/share-of-voice", summary: "Share of voice between the brands of the slice, with sentiment", query: breakdownQuerySchema },
          async (request, query) => {
            const { total, items } = await options.search.breakdown(request.team, filtersOf(query), "brand", query.size);
            return { total, brands: items.map(({ key, ...rest }) => ({ brand: key, ...rest })) };
          },
        );

        route(
          {
            method: "GET",
            path: "/queue",
            summary: "Mentions to answer: not answered, not closed, no reply at the source; most urgent, then oldest, first",
            action: "workflow",
            query: queueQuerySchema,
          },
          async (request, query) => {
            const page = await options.search.queue(request.team, filtersOf(query), {
              size: query.size,
              after: query.after,
              status: query.status,
              ...(query.assignee ? { assignee: query.assignee } : {}),
            });
            return { ...page, items: page.items.map((item) => withAnswerLink(request.team, item)) };
          },
        );

        route(
          { method: "GET", path: "/queue/sla", summary: "Per source: mentions waiting for an answer and the age of the oldest", action: "workflow", query: breakdownQuerySchema },
          async (request, query) => ({ sources: await options.search.sla(request.team, filtersOf(query), now()) }),
        );

        route(
          {
            method: "POST",
            path: "/mentions/{id}/actions",
            summary: "claim, release, answer, no-answer, reopen or note a mention; recorded as an event the indexer applies",
            action: "workflow",
            body: actionBodySchema,
          },
          async (request, _query, body, reply) => {
            const id = (request.params as { id: string }).id;
            const found = MENTION_ID.test(id) ? await options.search.locate(request.team, id) : undefined;
            if (!found) throw new HttpError(404, "NOT_FOUND", "no such mention");
            if (!options.publishWorkflow) throw new HttpError(503, "WORKFLOW_UNAVAILABLE", "workflow events cannot be recorded right now");
            const type = ACTIONS[body.action];
            const conflict = workflowConflict(found.workflow as WorkflowState | undefined, type, body.actor);
            if (conflict) throw new HttpError(409, "CONFLICT", `cannot ${body.action}: ${conflict}`);
            const event: WorkflowEvent = {
              schemaVersion: WORKFLOW_SCHEMA_VERSION,
              eventId: randomUUID(),
              mentionId: id,
              publishedAt: found.publishedAt,
              team: request.team.id,
              actor: body.actor,
              type,
              ...(body.note ? { note: body.note } : {}),
              at: now().toISOString(),
            };
            await options.publishWorkflow(event);
            return reply.status(202).send({ event });
          },
        );

        route(
          {
            method: "GET",
            path: "/sample",
            summary: "A reproducible stratified sample: n, strata (e.g. topic,sentiment), seed; the same seed gives the same sample",
            action: "sample",
            query: sampleQuerySchema,
          },
          async (request, query) =>
            options.search.sample(request.team, filtersOf(query), {
              n: query.n,
              strata: query.strata ?? [],
              seed: query.seed ?? randomUUID(),
            }),
        );

        route(
          { method: "GET", path: "/export", summary: "The whole matching slice as streamed NDJSON or CSV (formula-safe), no row limit", action: "export", query: exportQuerySchema },
          async (request, query, _body, reply) => {
            const rows = options.search.scan(request.team, filtersOf(query));
            const stream = Readable.from(exportLines(rows, query.format));
            stream.on("error", (error) => request.log.error({ err: error }, `export stopped: ${describeError(error)}`));
            const stamp = now().toISOString().slice(0, 10);
            return reply
              .type(query.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8")
              .header("content-disposition", `attachment; filename="odzew-${request.team.id}-${stamp}.${query.format === "csv" ? "csv" : "ndjson"}"`)
              .send(stream);
          },
        );

        route(
          { method: "GET", path: "/alerts", summary: "Crisis alerts: negative spikes, high-reach mentions, source health; open first, newest first", action: "alerts", query: alertsQuerySchema },
          async (request, query) => {
            const brands = request.team.slice.brands;
            const sources = request.team.slice.sources;
            const visible = (options.alerts?.() ?? [])
              .filter((alert) => !brands?.length || !alert.brand || brands.includes(alert.brand))
              .filter((alert) => !sources?.length || !alert.source || sources.includes(alert.source))
              .filter((alert) => !query.status || alert.status === query.status)
              .sort((a, b) => (a.status === b.status ? b.updatedAt.localeCompare(a.updatedAt) : a.status === "open" ? -1 : 1));
            return { alerts: visible.slice(0, query.size) };
          },
        );
      });
    },
    { prefix: "/api/v1", logLevel: "warn" },
  );

  return app;
}
