import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DASHBOARD_POLICY, acceptsGzip, isAssetName, loadDashboard, type Dashboard, type StaticFile } from "../dashboard.ts";

export interface MetaOptions {
  ready?: (() => boolean) | undefined;
  /** Prometheus text of this process, served at /metrics. */
  metrics?: (() => Promise<{ contentType: string; body: string }>) | undefined;
  /** The built dashboard (default: services/web/dist, read at start). */
  dashboard?: Dashboard | undefined;
}

function sendFile(request: FastifyRequest, reply: FastifyReply, file: StaticFile, cache: string) {
  reply.type(file.type).header("cache-control", cache).header("x-content-type-options", "nosniff").header("vary", "accept-encoding");
  if (file.gzip && acceptsGzip(request.headers["accept-encoding"])) return reply.header("content-encoding", "gzip").send(file.gzip);
  return reply.send(file.body);
}

/** The dashboard's icon: a speech bubble in the header's colours. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d2330"/>' +
  '<path d="M7 9h18v11H14l-5 4v-4H7z" fill="#6ea8ff"/></svg>';

/** Health, readiness, metrics and the dashboard: the routes outside /api/v1, without a key. */
export function metaRoutes(app: FastifyInstance, options: MetaOptions): void {
  app.get("/healthz", { logLevel: "warn" }, async () => ({ status: "ok" }));
  app.get("/readyz", { logLevel: "warn" }, async (_request, reply) => {
    const ready = options.ready?.() ?? true;
    return reply.status(ready ? 200 : 503).send({ ready });
  });
  const metrics = options.metrics;
  if (metrics) {
    app.get("/metrics", { logLevel: "warn" }, async (_request, reply) => {
      const { contentType, body } = await metrics();
      return reply.type(contentType).send(body);
    });
  }

  // The dashboard (services/web, built into its dist/): the page and its hashed assets, with a
  // policy that lets only this origin's scripts run. Review text reaches the page only as text.
  const dashboard = options.dashboard ?? loadDashboard();
  app.get("/", { logLevel: "warn" }, async (request, reply) => {
    reply.header("content-security-policy", DASHBOARD_POLICY).header("referrer-policy", "no-referrer").header("x-frame-options", "DENY");
    if (!dashboard.built) return reply.status(503).type("text/plain; charset=utf-8").send(`Odzew's API is running, but ${dashboard.reason}.\n`);
    return sendFile(request, reply, dashboard.page, "no-cache");
  });
  app.get<{ Params: { name: string } }>("/assets/:name", { logLevel: "warn" }, async (request, reply) => {
    const asset = dashboard.built && isAssetName(request.params.name) ? dashboard.assets.get(request.params.name) : undefined;
    if (!asset) return reply.status(404).type("text/plain; charset=utf-8").send("no such asset\n");
    reply.header("content-security-policy", DASHBOARD_POLICY);
    return sendFile(request, reply, asset, "public, max-age=31536000, immutable");
  });
  // Its icon: without one, the browser asks for /favicon.ico on every load and logs the 404.
  app.get("/favicon.svg", { logLevel: "warn" }, async (_request, reply) =>
    reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").header("x-content-type-options", "nosniff").send(FAVICON),
  );
}
