import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * A fault the proxy answers a `_bulk` request with instead of (or before) the engine:
 * - `status`: the whole request fails with this HTTP status (429 Too Many Requests, 503 …);
 * - `items`: the engine is not asked; every item of the bulk comes back with this status
 *   (what a real engine does when its write queue is full: HTTP 200, items 429);
 * - `close`: the connection is closed without an answer (an engine node that died);
 * - `slow`: the request reaches the engine after `delayMs`.
 */
export type BulkFault =
  | { kind: "status"; status: number }
  | { kind: "items"; status: number }
  | { kind: "close" }
  | { kind: "slow"; delayMs: number };

export interface EngineProxyStats {
  /** `_bulk` requests the proxy received. */
  bulkRequests: number;
  /** Faults answered, by kind (`status:429`, `items:429`, `close`, `slow`). */
  injected: Record<string, number>;
  /** Requests of any kind passed on to the engine. */
  forwarded: number;
}

export interface EngineProxy {
  /** Point SEARCH_URL here. */
  url: string;
  /** Answer the next `_bulk` requests with these faults, one each, in order. */
  inject(...faults: BulkFault[]): void;
  /**
   * A standing schedule, asked for each `_bulk` request once the queue of `inject` is empty:
   * gets the request's number (1 for the first `_bulk`) and returns a fault or nothing.
   */
  schedule(plan: ((bulkNumber: number) => BulkFault | undefined) | undefined): void;
  stats: EngineProxyStats;
  close(): Promise<void>;
}

/** The ids of the items of a bulk body (NDJSON: an action line, then a document line unless it is a delete). */
function bulkItems(body: string): { action: string; id: string }[] {
  const lines = body.split("\n").filter((line) => line.trim().length > 0);
  const items: { action: string; id: string }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const header = JSON.parse(lines[index]!) as Record<string, { _id?: string }>;
    const action = Object.keys(header)[0] ?? "index";
    items.push({ action, id: header[action]?._id ?? "" });
    if (action !== "delete") index++;
  }
  return items;
}

/**
 * A local HTTP proxy in front of the search engine that injects faults into `_bulk` requests
 * by schedule and passes everything else through unchanged: the indexer under test talks to
 * a real engine that misbehaves exactly when the test says so.
 */
export async function startEngineProxy(target: string): Promise<EngineProxy> {
  const upstream = new URL(target);
  const queue: BulkFault[] = [];
  let plan: ((bulkNumber: number) => BulkFault | undefined) | undefined;
  const stats: EngineProxyStats = { bulkRequests: 0, injected: {}, forwarded: 0 };
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    stats.forwarded++;
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port || 80,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host, "content-length": String(body.length) },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outgoing.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end('{"error":"engine-proxy: upstream failed"}');
    });
    outgoing.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      if (!path.endsWith("/_bulk")) return forward(req, body, res);
      stats.bulkRequests++;
      const fault = queue.shift() ?? plan?.(stats.bulkRequests);
      if (!fault) return forward(req, body, res);
      const name = fault.kind === "status" || fault.kind === "items" ? `${fault.kind}:${fault.status}` : fault.kind;
      stats.injected[name] = (stats.injected[name] ?? 0) + 1;
      switch (fault.kind) {
        case "status": {
          const type = fault.status === 429 ? "es_rejected_execution_exception" : "engine_proxy_injected_exception";
          res
            .writeHead(fault.status, { "content-type": "application/json", ...(fault.status === 429 ? { "retry-after": "1" } : {}) })
            .end(JSON.stringify({ error: { type, reason: `injected by the fault proxy (${fault.status})` }, status: fault.status }));
          return;
        }
        case "items": {
          const items = bulkItems(body.toString("utf8")).map(({ action, id }) => ({
            [action]: { _id: id, status: fault.status, error: { type: "es_rejected_execution_exception", reason: `injected by the fault proxy (${fault.status})` } },
          }));
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ took: 1, errors: true, items }));
          return;
        }
        case "close":
          req.socket.destroy();
          return;
        case "slow":
          setTimeout(() => forward(req, body, res), fault.delayMs);
          return;
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    inject: (...faults) => void queue.push(...faults),
    schedule: (next) => {
      plan = next;
    },
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
