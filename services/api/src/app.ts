import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from "fastify";
import { z } from "zod";
import { OdzewError, describeError, type Logger } from "@odzew/core";
import type { SourceCursor, TeamConfig } from "@odzew/schema";
import { SearchRequestError, type MentionStore } from "@odzew/search";
import { hashKey } from "./auth.ts";

declare module "fastify" {
  interface FastifyRequest {
    team: TeamConfig;
  }
}

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes");
const isoDate = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const mentionQuerySchema = z.strictObject({
  q: z.string().trim().max(500).optional(),
  brand: id.optional(),
  source: id.optional(),
  lang: z.string().regex(/^[a-z]{2,3}$/, "an ISO 639-1 code such as pl or en").optional(),
  sentiment: z.enum(["negative", "neutral", "positive"]).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  size: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().max(500).optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The team-facing HTTP API. Every request carries `Authorization: Bearer KEY`; the key names
 * one team and every query runs against that team's filtered alias, so the engine itself
 * keeps a team inside its slice.
 */
/** A source as the API reports it: configured, and what its collectors last saw. */
export interface SourceStatus {
  id: string;
  type?: string;
  brands?: string[];
  cursor?: SourceCursor;
}

export async function buildApi(options: {
  store: MentionStore;
  teamsByKeyHash: Map<string, TeamConfig>;
  logger: Logger;
  ready?: () => boolean;
  /** Configured sources and their cursors (health). */
  sources?: () => SourceStatus[];
}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger.child({ scope: "http" }) as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 200 },
    requestTimeout: 30_000,
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

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const ready = options.ready?.() ?? true;
    return reply.status(ready ? 200 : 503).send({ ready });
  });

  await app.register(
    async (api) => {
      api.addHook("onRequest", async (request: FastifyRequest, reply) => {
        const header = request.headers.authorization;
        const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
        const team = match?.[1] ? options.teamsByKeyHash.get(hashKey(match[1])) : undefined;
        if (!team) {
          reply.header("www-authenticate", 'Bearer realm="odzew"');
          throw new HttpError(401, "UNAUTHORIZED", match ? "unknown API key" : "missing bearer token: send Authorization: Bearer <key>");
        }
        request.team = team;
      });

      api.get("/me", async (request) => ({ team: { id: request.team.id, name: request.team.name } }));

      /**
       * Collector health per source: when it last succeeded, what it read, and an alert when it
       * changed its layout or keeps refusing us; never to be read as "no new reviews".
       */
      api.get("/sources", async (request) => {
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

      api.get<{ Params: { id: string } }>("/mentions/:id", async (request) => {
        if (!/^[a-f0-9]{32}$/.test(request.params.id)) throw new HttpError(404, "NOT_FOUND", "no such mention");
        const mention = await options.store.getTeamMention(request.team.id, request.params.id);
        // Outside the team's slice is the same as not existing: 404, never the content.
        if (!mention) throw new HttpError(404, "NOT_FOUND", "no such mention");
        return mention;
      });

      api.get("/mentions", async (request) => {
        const parsed = mentionQuerySchema.safeParse(request.query);
        if (!parsed.success) {
          const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`).join("; ");
          throw new HttpError(400, "BAD_REQUEST", detail);
        }
        return options.store.searchTeam(request.team.id, parsed.data);
      });
    },
    { prefix: "/api/v1" },
  );

  return app;
}
