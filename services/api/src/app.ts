import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "@odzew/core";
import { topicLabelsOf, type Alert, type RepliesFile, type ReplyCommand, type TopicLabel, type WorkflowEvent } from "@odzew/schema";
import type { TeamSearch } from "@odzew/search";
import type { TeamKeys } from "./auth.ts";
import { HttpError, errorAnswer } from "./http-errors.ts";
import { openApiDocument, type RouteDoc } from "./openapi.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { heavyReads, routeRegistrar, type RouteDeps } from "./routes/define.ts";
import { insightRoutes } from "./routes/insights.ts";
import { exportRoutes } from "./routes/exports.ts";
import { mentionRoutes } from "./routes/mentions.ts";
import { metaRoutes } from "./routes/meta.ts";
import { queueRoutes } from "./routes/queue.ts";
import { replyRoutes } from "./routes/replies.ts";
import { sampleRoutes } from "./routes/samples.ts";
import { statsRoutes } from "./routes/stats.ts";
import { teamRoutes } from "./routes/team.ts";
import { bearerToken } from "./rules/access.ts";
import type { SourceStatus } from "./rules/sources.ts";

const DEFAULT_LABELS = topicLabelsOf();

export { HttpError } from "./http-errors.ts";
export type { SourceStatus } from "./rules/sources.ts";

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
  /** Exports and samples one team may run at once (default 2); beyond that a short wait for a slot, then 429 with Retry-After. */
  heavyReadsPerTeam?: number;
  /** How long such a read waits for a slot before the 429 (default 5 s). */
  heavyReadWaitMs?: number;
  /** Publishes a reply command to the outbox topic (keyed by mention id); replies are refused (503) without it. */
  publishReply?: (command: ReplyCommand) => Promise<void>;
  /** The templates and reply rules in force (replies.yaml; none when there is no such file). */
  replies?: () => RepliesFile;
  /** Brand ids to their names (brands.yaml), for `{brand}` in reply templates. */
  brandNames?: () => ReadonlyMap<string, string>;
  /** Topics' labels for people (topicLabelsOf: the defaults and the topics file's); default: the defaults'. */
  topicLabels?: () => readonly { id: string; label: TopicLabel }[];
  /** The service measures of a team's slice (MentionStore.replyMeasures). */
  replyMeasures?: RouteDeps["replyMeasures"];
}

/** The groups of team routes under /api/v1, in the order the OpenAPI document lists them. */
const TEAM_ROUTES = [teamRoutes, mentionRoutes, statsRoutes, insightRoutes, queueRoutes, replyRoutes, sampleRoutes, exportRoutes, alertRoutes];

const NO_REPLIES: RepliesFile = { templates: [], rules: [] };

/**
 * The team-facing HTTP API. Every request under /api/v1 carries `Authorization: Bearer KEY`;
 * the key names one team, every read is confined to that team's slice and view by the server
 * (TeamSearch), and every action the team's configuration does not grant is refused with 403.
 */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
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
    const answer = errorAnswer(error);
    if (answer.log) request.log[answer.log.level](answer.log.fields, answer.log.message);
    return reply.status(answer.status).send(answer.body);
  });

  metaRoutes(app, { ready: options.ready, metrics: options.metrics });

  const sources = options.sources ?? (() => []);
  const deps: RouteDeps = {
    search: options.search,
    now: options.now ?? (() => new Date()),
    sources,
    configured: new Map(sources().map((source) => [source.id, source.config])),
    alerts: options.alerts ?? (() => []),
    publishWorkflow: options.publishWorkflow,
    heavyRead: heavyReads(options.heavyReadsPerTeam ?? 2, options.heavyReadWaitMs),
    publishReply: options.publishReply,
    replies: options.replies ?? (() => NO_REPLIES),
    brandNames: options.brandNames ?? (() => new Map()),
    topicLabels: options.topicLabels ?? (() => DEFAULT_LABELS),
    replyMeasures: options.replyMeasures,
  };
  const docs: RouteDoc[] = [];
  await app.register(
    async (api) => {
      api.get("/openapi.json", async () => openApiDocument(docs));
      api.register(async (secured) => {
        secured.addHook("onRequest", async (request, reply) => {
          const token = bearerToken(request.headers.authorization);
          const team = token ? options.keys().authenticate(token) : undefined;
          if (!team) {
            reply.header("www-authenticate", 'Bearer realm="odzew"');
            throw new HttpError(401, "UNAUTHORIZED", token ? "unknown API key" : "missing bearer token: send Authorization: Bearer <key>");
          }
          request.team = team;
        });
        const route = routeRegistrar(secured, docs);
        for (const register of TEAM_ROUTES) register(route, deps);
      });
    },
    { prefix: "/api/v1", logLevel: "warn" },
  );
  return app;
}
