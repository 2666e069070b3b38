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
import { SearchRequestError, alertInSlice, projectAlert, projectSourceHealth, seesAssignee, workflowConflict, type TeamSearch } from "@odzew/search";
import { answerLink } from "./answer.ts";
import type { TeamKeys } from "./auth.ts";
import { exportLines } from "./export.ts";
import { TeamLimiter } from "./limits.ts";
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
  /** Exports and samples one team may run at once (default 2); beyond that 429 with Retry-After. */
  heavyReadsPerTeam?: number;
}

/** Seconds a team is asked to wait when it runs as many exports and samples as it may. */
const HEAVY_RETRY_AFTER_S = 10;

const MENTION_ID = /^[a-f0-9]{32}$/;

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || what}: ${issue.message}`).join("; ");
    throw new HttpError(400, "BAD_REQUEST", detail);
  }
  return parsed.data;
}

/** Engine errors that mean "this query is too big", whatever status the engine gives them (OpenSearch: 500). */
const QUERY_TOO_BIG = new Set(["too_many_clauses", "too_many_nested_clauses", "too_many_buckets_exception"]);

/**
 * Whether the engine refused a read for what the query asked, not for its own state: any 4xx
 * but 404 (no index is an empty slice, handled before) and 429 (busy: retry), or a query that
 * is too big, which OpenSearch answers with a 500.
 */
function refusedQuery(error: SearchRequestError): boolean {
  if (error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 404 && error.status !== 429) return true;
  const types = new Set<string>();
  const collect = (value: unknown, depth: number) => {
    if (!value || typeof value !== "object" || depth > 6) return;
    const node = value as { type?: unknown; root_cause?: unknown; caused_by?: unknown; failed_shards?: unknown; reason?: unknown };
    if (typeof node.type === "string") types.add(node.type);
    for (const child of [node.root_cause, node.caused_by, node.failed_shards, node.reason]) {
      if (Array.isArray(child)) child.forEach((item) => collect(item, depth + 1));
      else collect(child, depth + 1);
    }
  };
  collect((error.body as { error?: unknown } | undefined)?.error, 0);
  return [...types].some((type) => QUERY_TOO_BIG.has(type));
}

/**
 * Whether a team sees a source at GET /sources (and its source-health alerts): in its slice's
 * sources, and serving one of its brands (a source configured without brands serves any).
 */
function sourceVisible(team: TeamConfig, source: Pick<SourceStatus, "id" | "brands">): boolean {
  const allowed = team.slice.sources;
  const brands = team.slice.brands;
  return (!allowed?.length || allowed.includes(source.id)) && (!brands?.length || !source.brands || source.brands.length === 0 || source.brands.some((brand) => brands.includes(brand)));
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
    if (error instanceof SearchRequestError && refusedQuery(error)) {
      // The engine refused the query the request made (too many clauses, a value it cannot
      // parse): the request's fault, answered without the engine's internals, logged with them.
      request.log.warn({ status: error.status, reason: error.message }, "search engine refused a team query");
      return reply.status(400).send({ error: { code: "BAD_REQUEST", message: "the search engine cannot run this query: simplify the search text or check the filters" } });
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
  const heavy = new TeamLimiter(options.heavyReadsPerTeam ?? 2);
  /** A slot for one export or sample of the team, or 429 with Retry-After. */
  const heavySlot = (request: FastifyRequest, reply: FastifyReply): (() => void) => {
    const release = heavy.tryAcquire(request.team.id);
    if (!release) {
      reply.header("retry-after", String(HEAVY_RETRY_AFTER_S));
      throw new HttpError(429, "TOO_MANY_REQUESTS", `team "${request.team.id}" already runs ${heavy.perTeam} exports or samples; try again when one has finished`);
    }
    return release;
  };
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
          const visible = (options.sources?.() ?? []).filter((source) => sourceVisible(request.team, source));
          return {
            sources: visible.map((source) => ({
              id: source.id,
              type: source.type,
              status: !source.cursor ? "never-polled" : source.cursor.health.alert ? "alert" : "ok",
              // Collector errors quote addresses: redacted for everyone, generic for views other than full.
              health: source.cursor ? projectSourceHealth(source.cursor.health, request.team) : null,
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
            const state = found.workflow as WorkflowState | undefined;
            // A team that does not see who handles a mention is not told in a refusal either.
            const shown = state?.assignee !== undefined && state.assignee !== body.actor && !seesAssignee(request.team) ? { ...state, assignee: "another agent" } : state;
            const conflict = workflowConflict(shown, type, body.actor);
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
          async (request, query, _body, reply) => {
            const release = heavySlot(request, reply);
            try {
              return await options.search.sample(request.team, filtersOf(query), {
                n: query.n,
                strata: query.strata ?? [],
                seed: query.seed ?? randomUUID(),
              });
            } finally {
              release();
            }
          },
        );

        route(
          { method: "GET", path: "/export", summary: "The whole matching slice as streamed NDJSON or CSV (formula-safe), no row limit", action: "export", query: exportQuerySchema },
          async (request, query, _body, reply) => {
            const release = heavySlot(request, reply);
            // Held until the response is over: streamed to the end, or the client went away.
            reply.raw.once("close", release);
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
            const team = request.team;
            const known = new Map((options.sources?.() ?? []).map((source) => [source.id, source]));
            const visible = (options.alerts?.() ?? [])
              .filter((alert) => alertInSlice(alert, team.slice, now(), (id) => sourceVisible(team, known.get(id) ?? { id })))
              .filter((alert) => !query.status || alert.status === query.status)
              .sort((a, b) => (a.status === b.status ? b.updatedAt.localeCompare(a.updatedAt) : a.status === "open" ? -1 : 1))
              .slice(0, query.size);
            // The mentions behind them, through the team's own slice and view.
            // An alert must reach PR when the engine is in trouble too: then without its mentions.
            let mentions: Map<string, Record<string, unknown>>;
            let mentionsUnavailable = false;
            try {
              mentions = await options.search.getMany(team, visible.flatMap((alert) => alert.mentions.map((mention) => mention.id)));
            } catch (error) {
              if (!(error instanceof SearchRequestError && error.retryable)) throw error;
              request.log.warn({ err: error }, "alerts served without their mentions: the search engine is unavailable");
              mentions = new Map();
              mentionsUnavailable = true;
            }
            const shown = new Map([...mentions].map(([id, mention]) => [id, withAnswerLink(team, mention)]));
            return { alerts: visible.map((alert) => projectAlert(alert, team, shown)), ...(mentionsUnavailable ? { mentionsUnavailable } : {}) };
          },
        );
      });
    },
    { prefix: "/api/v1", logLevel: "warn" },
  );

  return app;
}
