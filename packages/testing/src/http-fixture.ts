import { afterEach } from "vitest";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export interface FixtureRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
}

export type FixtureHandler = (request: FixtureRequest, response: ServerResponse) => unknown;

/**
 * A local HTTP server that serves source pages in their real formats, with whatever failure a
 * test scripts into the handler (429 with Retry-After, 403, a changed layout, …). It records
 * every request, so tests can count what a poll cost.
 */
export async function startFixtureServer(handler: FixtureHandler) {
  const requests: FixtureRequest[] = [];
  const server = createServer((req, res) => {
    const request = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers };
    requests.push(request);
    Promise.resolve(handler(request, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * For a test file: `const serve = useFixtureServers();` then `await serve(handler)` in a test.
 * Every server started this way is closed after its test.
 */
export function useFixtureServers(): (handler: FixtureHandler) => ReturnType<typeof startFixtureServer> {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (handler) => {
    const server = await startFixtureServer(handler);
    servers.push(server);
    return server;
  };
}
