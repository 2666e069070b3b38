import { readFileSync } from "node:fs";
import { createServer, request as forward } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { connect, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { feedSourceSchema } from "@odzew/schema";
import { odzewFailure, testLogger, useFixtureServers } from "@odzew/testing";
import { HttpClient, type HttpClientOptions } from "./http-client.ts";

const logger = testLogger("http-proxy");
const serve = useFixtureServers();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const portOf = (server: Server): number => {
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : 0;
};

const USER = "odzew";
const PASSWORD = "s3cret-pa55";
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

/**
 * A tiny forward proxy as squid or a commercial one behaves: absolute-form requests are
 * forwarded, CONNECT opens a TCP tunnel, both only with the right Proxy-Authorization (else
 * 407). It records what went through it.
 */
async function startProxy() {
  const seen: { method: string; target: string; authorized: boolean }[] = [];
  const server = createServer((request, response) => {
    const authorized = request.headers["proxy-authorization"] === BASIC;
    seen.push({ method: request.method ?? "", target: request.url ?? "", authorized });
    if (!authorized) {
      response.writeHead(407, { "proxy-authenticate": 'Basic realm="proxy"' }).end();
      return;
    }
    const target = new URL(request.url ?? "");
    const headers = { ...request.headers };
    delete headers["proxy-authorization"];
    const upstream = forward(target, { method: request.method ?? "GET", headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on("error", () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  server.on("connect", (request, client) => {
    const authorized = request.headers["proxy-authorization"] === BASIC;
    seen.push({ method: "CONNECT", target: request.url ?? "", authorized });
    if (!authorized) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"proxy\"\r\n\r\n");
      return;
    }
    const [host, port] = (request.url ?? "").split(/:(?=\d+$)/);
    const upstream = connect(Number(port), (host ?? "").replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = portOf(server);
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { port, seen };
}

/** A site's own client for a source with `network.proxy`, the proxy URL in `env`. */
function sourceClient(env: Record<string, string>, network: Record<string, unknown>, options: Partial<HttpClientOptions> = {}) {
  const source = feedSourceSchema.parse({ id: "news-zuraw", type: "feed", schedule: "*/15 * * * *", url: "https://news.example/feed.xml", network });
  const shared = new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, timeoutMs: 5_000, secret: (name) => env[name], ...options });
  return shared.forSource(source);
}

describe("a source's proxy (network.proxy)", () => {
  it("sends an http page as an absolute-form request through the proxy, with its credentials, and only that source's", async () => {
    const proxy = await startProxy();
    const site = await serve((_, response) => response.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end("<rss><channel><title>Żuraw</title></channel></rss>"));
    const env: Record<string, string> = { TP_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}` };
    const http = sourceClient(env, { allowPrivate: true, proxy: { urlEnv: "TP_PROXY" } });

    const page = await http.get(`${site.url}/feed.xml?lang=pl`);

    expect(page.text).toContain("Żuraw");
    expect(proxy.seen).toEqual([{ method: "GET", target: `${site.url}/feed.xml?lang=pl`, authorized: true }]);
    expect(site.requests).toHaveLength(1);
    // The site never sees the proxy's credentials.
    expect(site.requests[0]?.headers["proxy-authorization"]).toBeUndefined();

    // A source without the setting goes straight to the site.
    const direct = new HttpClient({ logger, minIntervalMsPerHost: 0, allowPrivateHosts: true, secret: (name) => env[name] });
    await direct.get(`${site.url}/feed.xml`);
    expect(proxy.seen).toHaveLength(1);
    expect(site.requests).toHaveLength(2);
  });

  it("opens a CONNECT tunnel to the checked address for https, with TLS to the site itself inside it", async () => {
    const proxy = await startProxy();
    const tlsRequests: string[] = [];
    const site = createTlsServer(
      {
        key: readFileSync(new URL("./fixtures/tls/localhost-key.pem", import.meta.url)),
        cert: readFileSync(new URL("./fixtures/tls/localhost-cert.pem", import.meta.url)),
      },
      (request, response) => {
        tlsRequests.push(request.url ?? "");
        response.end("ok");
      },
    );
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => site.close(() => resolve())));
    const port = portOf(site);
    const http = sourceClient(
      { TP_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}` },
      { allowPrivate: true, proxy: { urlEnv: "TP_PROXY" } },
      // The site's name resolves to the local server, as DNS would answer.
      { resolveHost: () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]) },
    );

    const error = await odzewFailure(http.get(`https://localhost:${port}/review/zuraw.pl`));

    // The tunnel went to the address the client checked, not to a name the proxy resolves again.
    expect(proxy.seen).toEqual([{ method: "CONNECT", target: `127.0.0.1:${port}`, authorized: true }]);
    // TLS ran end to end with the site: its self-signed certificate is refused by the client, so
    // no proxy in the middle could have answered in the site's name.
    expect(error.message).toMatch(/self[- ]signed certificate/);
    expect(tlsRequests).toEqual([]);
  });

  it("still refuses a private target through the proxy, before the proxy is asked", async () => {
    const proxy = await startProxy();
    const http = sourceClient({ TP_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}` }, { proxy: { urlEnv: "TP_PROXY" } });

    const error = await odzewFailure(http.get("http://169.254.169.254/latest/meta-data/"));
    expect(error.code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    const tunnelled = await odzewFailure(http.get("https://10.0.0.5/review"));
    expect(tunnelled.code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    expect(proxy.seen).toEqual([]);
  });

  it("says which variable is missing or malformed, never showing its value", async () => {
    const unset = await odzewFailure(sourceClient({}, { proxy: { urlEnv: "TP_PROXY" } }).get("https://pl.trustpilot.com/review/zuraw.pl"));
    expect(unset).toMatchObject({ code: "CONFIG_INVALID", retryable: false });
    expect(unset.message).toBe("source news-zuraw: network.proxy.urlEnv names TP_PROXY, which is not set: put the proxy's URL (http://user:password@host:port) in it");

    const socks = await odzewFailure(sourceClient({ TP_PROXY: `socks5://${USER}:${PASSWORD}@127.0.0.1:1080` }, { proxy: { urlEnv: "TP_PROXY" } }).get("https://pl.trustpilot.com/"));
    expect(socks.code).toBe("CONFIG_INVALID");
    expect(socks.message).toContain("the value of TP_PROXY is not a proxy URL of the form http://user:password@host:port");
    expect(socks.message).not.toContain(PASSWORD);
  });

  it("reports a proxy that refuses the credentials by the variable's name, without the password", async () => {
    const proxy = await startProxy();
    const http = sourceClient(
      { TP_PROXY: `http://${USER}:wrong-${PASSWORD}@127.0.0.1:${proxy.port}` },
      { allowPrivate: true, proxy: { urlEnv: "TP_PROXY" } },
      { resolveHost: () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]) },
    );
    const error = await odzewFailure(http.get("https://localhost:9/review/zuraw.pl"));
    expect(error.message).toContain("the proxy in TP_PROXY refused the tunnel to localhost: HTTP 407");
    expect(error.message).not.toContain(PASSWORD);
    expect(JSON.stringify(error.context)).not.toContain(PASSWORD);
    expect(proxy.seen).toEqual([{ method: "CONNECT", target: "127.0.0.1:9", authorized: false }]);
  });

  it("is written as the name of a variable, never as a URL in YAML", () => {
    const parse = (proxy: unknown) =>
      feedSourceSchema.safeParse({ id: "news", type: "feed", schedule: "*/15 * * * *", url: "https://news.example/feed.xml", network: { proxy } });
    expect(parse({ urlEnv: "TP_PROXY" }).success).toBe(true);
    expect(parse({ url: "http://u:p@proxy:3128" }).success).toBe(false);
    expect(parse({ urlEnv: "http://u:p@proxy:3128" }).success).toBe(false);
  });
});
