import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

export interface MetaOptions {
  ready?: (() => boolean) | undefined;
  /** Prometheus text of this process, served at /metrics. */
  metrics?: (() => Promise<{ contentType: string; body: string }>) | undefined;
}

/** The Content-Security-Policy of the dashboard: its one script by hash, nothing else runs. */
export function dashboardPolicy(page: string): string {
  const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1] ?? "";
  return [
    "default-src 'none'",
    `script-src 'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
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

  // The dashboard: one static page that talks to this API with the team's key. Its script is
  // allowed by hash and nothing else runs: review text is always put in as text.
  const dashboard = readFileSync(new URL("../dashboard.html", import.meta.url), "utf8");
  const policy = dashboardPolicy(dashboard);
  app.get("/", { logLevel: "warn" }, async (_request, reply) =>
    reply.type("text/html; charset=utf-8").header("content-security-policy", policy).header("x-content-type-options", "nosniff").header("referrer-policy", "no-referrer").send(dashboard),
  );
  // Its icon: without one, the browser asks for /favicon.ico on every load and logs the 404.
  app.get("/favicon.svg", { logLevel: "warn" }, async (_request, reply) =>
    reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").header("x-content-type-options", "nosniff").send(FAVICON),
  );
}
