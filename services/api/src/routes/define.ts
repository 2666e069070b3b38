import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Alert, RepliesFile, ReplyCommand, SourceConfig, TeamConfig, TopicLabel, WorkflowEvent } from "@odzew/schema";
import type { ReplyMeasures, TeamSearch } from "@odzew/search";
import { HttpError, parseInput } from "../http-errors.ts";
import { TeamLimiter, type Release } from "../limits.ts";
import type { RouteDoc } from "../openapi.ts";
import { actionsRefusal } from "../rules/access.ts";
import type { SourceStatus } from "../rules/sources.ts";

declare module "fastify" {
  interface FastifyRequest {
    team: TeamConfig;
  }
}

/** What the team routes read and write through. */
export interface RouteDeps {
  search: TeamSearch;
  now: () => Date;
  /** Configured sources and their cursors (health). */
  sources: () => SourceStatus[];
  /** The configured sources by id; fixed at start (only the cursors change). */
  configured: ReadonlyMap<string, SourceConfig | undefined>;
  /** Alerts the alerter raised. */
  alerts: () => Alert[];
  /** Publishes a workflow event to the workflow topic (keyed by mention id). */
  publishWorkflow?: ((event: WorkflowEvent) => Promise<void>) | undefined;
  /**
   * A slot for one export or sample of the team (release it when done), waiting briefly for one
   * to free, else 429 with Retry-After; `signal` aborts when the client goes away.
   */
  heavyRead: (team: TeamConfig, reply: FastifyReply) => Promise<HeavyRead>;
  /** Publishes a reply command to the outbox topic (keyed by mention id), durably, before its events. */
  publishReply?: ((command: ReplyCommand) => Promise<void>) | undefined;
  /** The templates and reply rules (replies.yaml) in force. */
  replies: () => RepliesFile;
  /** Brand ids to their names, for `{brand}` in templates. */
  brandNames: () => ReadonlyMap<string, string>;
  /** Topics' labels for people, in Polish and English (the defaults and the topics file's). */
  topicLabels: () => readonly { id: string; label: TopicLabel }[];
  /** The service measures of a team's slice over a publication time range. */
  replyMeasures?: ((team: TeamConfig, range: { from: string; to: string }, now: Date) => Promise<ReplyMeasures>) | undefined;
}

/** A heavy read's slot, and a signal that aborts when its client has gone away (stop working for it). */
export interface HeavyRead {
  release: Release;
  signal: AbortSignal;
}

/** What a route handler gets: the team, its parsed query, body and path parameters. */
export interface RouteInput<Q, B> {
  team: TeamConfig;
  query: Q;
  body: B;
  params: Record<string, string>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** Registers a documented team route: the RouteDoc feeds the OpenAPI document, and the handler's answer is typed by its response schema. */
export type DefineRoute = <Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined, R extends z.ZodType = z.ZodUnknown>(
  doc: RouteDoc & { query?: Q; body?: B; response?: R },
  handler: (input: RouteInput<z.infer<Q>, z.infer<B>>) => Promise<z.infer<R> | FastifyReply>,
) => void;

/** A group of routes of one team concern. */
export type RouteModule = (route: DefineRoute, deps: RouteDeps) => void;

const paramsSchema = z.record(z.string(), z.string());

/**
 * The `route` function of an authenticated scope: every route it registers is documented in
 * `docs`, refuses teams without the route's action (403), and gets its query and body parsed by
 * their schemas (400 naming each bad parameter).
 */
export function routeRegistrar(scope: FastifyInstance, docs: RouteDoc[]): DefineRoute {
  return (doc, handler) => {
    docs.push(doc);
    scope.route({
      method: doc.method,
      url: doc.path.replace(/\{(\w+)\}/g, ":$1"),
      handler: async (request, reply) => {
        const refusal = doc.action ? actionsRefusal(request.team, typeof doc.action === "string" ? [doc.action] : doc.action) : undefined;
        if (refusal) throw new HttpError(403, "FORBIDDEN", refusal);
        // Without a query (body) schema, Q (B) is its default ZodUndefined: the handler gets undefined.
        const query = (doc.query ? parseInput(doc.query, request.query, "query") : undefined) as z.infer<NonNullable<typeof doc.query>>;
        const body = (doc.body ? parseInput(doc.body, request.body, "body") : undefined) as z.infer<NonNullable<typeof doc.body>>;
        const params = parseInput(paramsSchema, request.params, "path");
        return handler({ team: request.team, query, body, params, request, reply });
      },
    });
  };
}

/** Seconds a team is asked to wait when it runs as many exports and samples as it may. */
const HEAVY_RETRY_AFTER_S = 10;

/** How long a heavy read beyond the team's limit waits for a slot before it is refused. */
export const HEAVY_WAIT_MS = 5_000;

/** Exports and samples one team may run at once; beyond that a short wait, then 429 with Retry-After. */
export function heavyReads(perTeam: number, waitMs = HEAVY_WAIT_MS): RouteDeps["heavyRead"] {
  const limiter = new TeamLimiter(perTeam);
  return async (team, reply) => {
    // The client went away: the response closed before it was finished.
    const gone = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) gone.abort();
    };
    reply.raw.once("close", onClose);
    const release = await limiter.acquire(team.id, { waitMs, signal: gone.signal });
    if (!release) {
      reply.raw.off("close", onClose);
      reply.header("retry-after", String(HEAVY_RETRY_AFTER_S));
      throw new HttpError(429, "TOO_MANY_REQUESTS", `team "${team.id}" already runs ${limiter.perTeam} exports or samples; try again when one has finished`);
    }
    return { release, signal: gone.signal };
  };
}
