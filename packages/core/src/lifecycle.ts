import { createServer, type Server } from "node:http";
import type { Logger } from "pino";
import { OdzewError, describeError } from "./errors.ts";
import { METRICS_CONTENT_TYPE, metricsText } from "./metrics.ts";

/** Something a service runs: started once, stopped gracefully, asked whether it is ready. */
export interface Component {
  name: string;
  stop(): Promise<void>;
  ready?(): boolean;
}

/**
 * Graceful shutdown in one place: on SIGTERM or SIGINT stop taking work, let the components
 * finish or hand back what is in flight, then exit. A second signal exits at once.
 */
export class ShutdownManager {
  private readonly components: Component[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  register(component: Component): void {
    this.components.push(component);
  }

  ready(): boolean {
    return this.stopping === undefined && this.components.every((component) => component.ready?.() ?? true);
  }

  installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.stopping) {
        this.logger.warn({ signal }, "second signal, exiting now");
        process.exit(130);
      }
      this.logger.info({ signal }, "shutting down");
      void this.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  }

  /**
   * Run a service's start-up. A failure is reported in one clear line (config and environment
   * errors name the file, field and fix; unexpected ones keep their stack) and stops the process.
   */
  async boot(start: () => Promise<void>): Promise<void> {
    try {
      await start();
    } catch (error) {
      if (error instanceof OdzewError && !error.retryable) {
        this.logger.fatal({ code: error.code }, `cannot start:\n${error.message}`);
      } else {
        this.logger.fatal({ err: error }, `cannot start: ${describeError(error)}`);
      }
      await this.stop().catch(() => undefined);
      this.logger.flush();
      process.exitCode = 1;
      setTimeout(() => process.exit(1), 200).unref();
    }
  }

  /** Stops components in reverse order of registration. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      let failed = false;
      for (const component of [...this.components].reverse()) {
        try {
          await component.stop();
          this.logger.debug({ component: component.name }, "stopped");
        } catch (error) {
          failed = true;
          this.logger.error({ component: component.name, err: error }, `stop failed: ${describeError(error)}`);
        }
      }
      if (failed) throw new Error("one or more components failed to stop");
    })();
    return this.stopping;
  }
}

/**
 * A tiny HTTP health endpoint for workers without an HTTP API of their own:
 * `/healthz` is liveness, `/readyz` answers 200 only while the worker is ready, `/metrics` is
 * the process's metrics registry in the Prometheus text format.
 */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  ready: () => boolean;
  logger: Logger;
}): Promise<Component & { port: number }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    } else if (path === "/readyz") {
      const ready = options.ready();
      res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ready }));
    } else if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
      metricsText().then(
        (text) => res.writeHead(200, { "content-type": METRICS_CONTENT_TYPE }).end(req.method === "HEAD" ? undefined : text),
        (error: unknown) => {
          options.logger.error({ err: error }, `metrics failed: ${describeError(error)}`);
          res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("metrics failed\n");
        },
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  options.logger.debug({ port }, "health endpoint listening");
  return {
    name: "health",
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
