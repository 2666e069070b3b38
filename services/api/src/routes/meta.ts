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
}
