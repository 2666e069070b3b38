import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "@odzew/core";
import { sourceConfigSchema } from "@odzew/schema";
import { odzewFailure, testLogger, useFixtureServers } from "@odzew/testing";
import { redactUrl } from "@odzew/core";
import { forbiddenAddressReason } from "./address-guard.ts";
import { HttpClient, type HttpClientOptions } from "./http-client.ts";

const logger = testLogger("http-client");
const serve = useFixtureServers();

/** A client as the tests need it: no politeness delay, fixture servers on 127.0.0.1 allowed. */
const client = (options: Partial<HttpClientOptions> = {}) =>
  new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 2, allowPrivateHosts: true, ...options });

describe("a total deadline per response", () => {
  it("fails a body that trickles one byte every 200 ms, naming the host only, without retrying it", async () => {
    const server = await serve(async (_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      while (!response.destroyed) {
        response.write("a");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    const http = client({ deadlineMs: 1_000, timeoutMs: 5_000 });
    const started = Date.now();
    const error = await odzewFailure(http.get(`${server.url}/opinie?token=s3cret-capability`));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: true });
    expect(error.message).toContain(new URL(server.url).host);
    expect(error.message).toMatch(/within 1 s/);
    expect(error.message).not.toContain("s3cret");
    expect(error.message).not.toContain("/opinie");
    // The idle timeout (5 s) never fires: bytes keep coming. The deadline does, once.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3_000);
    expect(server.requests).toHaveLength(1);
  });

  it("lets a complete response that arrives in time through", async () => {
    const server = await serve((_request, response) => response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("Zażółć"));
    const page = await client({ deadlineMs: 1_000 }).get(`${server.url}/`);
    expect(page.text).toBe("Zażółć");
  });
});

describe("Retry-After", () => {
  it("waits out a short Retry-After inside the request", async () => {
    let calls = 0;
    const server = await serve((_request, response) => {
      calls += 1;
      if (calls === 1) response.writeHead(503, { "retry-after": "1" }).end();
      else response.writeHead(200).end("ok");
    });
    const started = Date.now();
    const page = await client().get(`${server.url}/`);
    expect(page.text).toBe("ok");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it("does not wait a Retry-After longer than the in-poll limit: fails at once, retryable, with the wait", async () => {
    const server = await serve((_request, response) => response.writeHead(429, { "retry-after": "60" }).end("slow down"));
    const started = Date.now();
    const error = await odzewFailure(client().get(`${server.url}/`));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: true, context: { status: 429, retryAfterMs: 60_000 } });
    expect(error.message).toMatch(/HTTP 429 with Retry-After 60 s, longer than a poll waits \(10 s\)/);
    expect(server.requests).toHaveLength(1);
  });

  it("reads a Retry-After given as an HTTP date", async () => {
    const server = await serve((_request, response) =>
      response.writeHead(503, { "retry-after": new Date(Date.now() + 30_000).toUTCString() }).end(),
    );
    const error = await odzewFailure(client().get(`${server.url}/`));
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: true, context: { status: 503 } });
    expect(error.context.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.context.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(server.requests).toHaveLength(1);
  });

  it("takes the in-poll limit from the options", async () => {
    const server = await serve((_request, response) => response.writeHead(429, { "retry-after": "2" }).end());
    const error = await odzewFailure(client({ maxInPollRetryAfterMs: 1_000 }).get(`${server.url}/`));
    expect(error.context).toMatchObject({ status: 429, retryAfterMs: 2_000 });
    expect(server.requests).toHaveLength(1);
  });
});

describe("no way into the private network", () => {
  const guarded = (options: Partial<HttpClientOptions> = {}) => client({ allowPrivateHosts: false, ...options });

  it("refuses a loopback address before connecting, saying why and how to allow it", async () => {
    const server = await serve((_request, response) => response.end("secret"));
    const error = await odzewFailure(guarded().get(`${server.url}/admin`));
    expect(error).toMatchObject({ code: "SOURCE_FORBIDDEN_ADDRESS", retryable: false });
    expect(error.message).toContain("127.0.0.1 is a loopback address");
    expect(error.message).toContain("allowPrivate");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a host name that resolves to a private address, and IPv4-mapped IPv6 forms", async () => {
    const server = await serve((_request, response) => response.end("secret"));
    const port = new URL(server.url).port;
    const byName = await odzewFailure(guarded().get(`http://localhost:${port}/`));
    expect(byName.code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    expect(byName.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/);
    const mapped = await odzewFailure(guarded().get(`http://[::ffff:127.0.0.1]:${port}/`));
    expect(mapped.code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    expect(mapped.message).toContain("IPv4-mapped");
    expect(server.requests).toHaveLength(0);
  });

  it("checks every redirect hop: to loopback by another name, to the metadata address, to file:", async () => {
    const inside = await serve((_request, response) => response.end("internal"));
    const port = new URL(inside.url).port;
    const targets: Record<string, string> = {
      "/to-localhost": `http://localhost:${port}/internal`,
      "/to-metadata": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "/to-file": "file:///etc/passwd",
    };
    const outside = await serve((request, response) => response.writeHead(302, { location: targets[request.path] ?? "/" }).end());
    // Only the first host (as written) may be private: what it redirects to is checked on its own.
    const http = guarded({ allowPrivateHosts: ["127.0.0.1"] });
    const toLocalhost = await odzewFailure(http.get(`${outside.url}/to-localhost`));
    expect(toLocalhost.code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    expect(toLocalhost.message).toContain("a redirect from");
    const toMetadata = await odzewFailure(http.get(`${outside.url}/to-metadata`));
    expect(toMetadata.code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    expect(toMetadata.message).toContain("169.254.169.254 is a link-local address");
    const toFile = await odzewFailure(http.get(`${outside.url}/to-file`));
    expect(toFile.code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    expect(toFile.message).toContain("file:");
    expect(inside.requests).toHaveLength(0);
    expect(outside.requests).toHaveLength(3);
  });

  it("follows allowed redirects, and gives credentials only to the host they were meant for", async () => {
    const other = await serve((_request, response) => response.end("moved here"));
    const origin = await serve((request, response) =>
      request.path === "/same" ? response.writeHead(301, { location: "/final" }).end() : request.path === "/final" ? response.end("final") : response.writeHead(307, { location: `${other.url}/there` }).end(),
    );
    const http = client();
    const same = await http.request("GET", `${origin.url}/same`, { headers: { authorization: "Bearer t0ken" } });
    expect(same).toMatchObject({ text: "final", finalUrl: `${origin.url}/final`, url: `${origin.url}/same` });
    expect(origin.requests.map((request) => request.headers.authorization)).toEqual(["Bearer t0ken", "Bearer t0ken"]);
    const moved = await http.request("GET", `${origin.url}/elsewhere`, { headers: { authorization: "Bearer t0ken" } });
    expect(moved.text).toBe("moved here");
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("connects to the address it checked, never asking DNS again", async () => {
    const server = await serve((_request, response) => response.end("pinned"));
    const port = new URL(server.url).port;
    const lookups: string[] = [];
    const http = guarded({
      allowPrivateHosts: ["reviews.example"],
      // reviews.example does not exist in the real DNS: only a connection to the checked address can succeed.
      resolveHost: async (hostname) => {
        lookups.push(hostname);
        return [{ address: "127.0.0.1", family: 4 }];
      },
    });
    expect((await http.get(`http://reviews.example:${port}/`)).text).toBe("pinned");
    expect(lookups).toEqual(["reviews.example"]);
  });

  it("lets a source opt in with network.allowPrivate, for that source only", async () => {
    const server = await serve((_request, response) => response.end("demo"));
    const shared = guarded();
    const source = sourceConfigSchema.parse({
      id: "demo",
      type: "feed",
      schedule: "* * * * *",
      url: `${server.url}/feed`,
      network: { allowPrivate: true },
    });
    expect((await shared.forSource(source).get(`${server.url}/feed`)).text).toBe("demo");
    expect((await odzewFailure(shared.get(`${server.url}/feed`))).code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    const other = sourceConfigSchema.parse({ id: "other", type: "feed", schedule: "* * * * *", url: `${server.url}/feed` });
    expect((await odzewFailure(shared.forSource(other).get(`${server.url}/feed`))).code).toBe("SOURCE_FORBIDDEN_ADDRESS");
    expect((await shared.request("GET", `${server.url}/feed`, { allowPrivate: true })).text).toBe("demo");
    expect(server.requests).toHaveLength(2);
  });

  it("says clearly what a bad network setting is", () => {
    const result = sourceConfigSchema.safeParse({ id: "x", type: "feed", schedule: "* * * * *", url: "https://example.pl/feed", network: { allowPrivate: "yes" } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["network", "allowPrivate"], message: expect.stringContaining("list of host names") });
  });

  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.100.100.200", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "unique local"],
    ["fd00:ec2::254", "unique local"],
    ["fe80::1%eth0", "link-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "IPv4-mapped"],
    ["::ffff:7f00:1", "IPv4-mapped"],
    ["[::ffff:a9fe:a9fe]", "link-local"],
    ["64:ff9b::10.0.0.1", "NAT64"],
    ["2002:c0a8:101::1", "6to4"],
    ["localhost", "not an IP address"],
  ])("refuses %s (%s)", (address, why) => {
    expect(forbiddenAddressReason(address)).toContain(why);
  });

  it.each(["8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "2606:4700::1111"])("allows the public address %s", (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });
});

describe("no secrets from URLs in errors and logs", () => {
  it("redacts user info, query values and token-like path segments", () => {
    expect(redactUrl("https://user:pa55@example.pl/opinie?key=AIzaSyA-secret&page=2#frag")).toBe("https://…@example.pl/opinie?key=…&page=…");
    expect(redactUrl("https://calendar.example/feeds/a8F3k2J9x0Qw7Zr5Lm1N/basic.rss")).toBe("https://calendar.example/feeds/…/basic.rss");
    expect(redactUrl("https://www.ceneo.pl/12345678")).toBe("https://www.ceneo.pl/12345678");
    expect(redactUrl("https://pl.trustpilot.com/review/sklep-example-2024.pl")).toBe("https://pl.trustpilot.com/review/sklep-example-2024.pl");
    expect(redactUrl("https://mybusiness.googleapis.com/v4/accounts/106829418375218463105/locations/3582916647103849176/reviews")).toBe(
      "https://mybusiness.googleapis.com/v4/accounts/106829418375218463105/locations/3582916647103849176/reviews",
    );
    expect(redactUrl("not a url ?token=x")).not.toContain("token=x");
  });

  it("never puts a token from the URL or the headers into an error or a log line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "odzew-http-log-"));
    const file = join(dir, "log.jsonl");
    const fd = openSync(file, "w");
    try {
      const logged = createLogger({ service: "test:http-redaction", level: "debug", pretty: false, destination: fd });
      const server = await serve((request, response) =>
        request.path.startsWith("/moved") ? response.writeHead(302, { location: "/feed?sig=R3dirSecret" }).end() : response.writeHead(503).end("down"),
      );
      const http = new HttpClient({ logger: logged, minIntervalMsPerHost: 0, maxAttempts: 2, allowPrivateHosts: true });
      const withSecrets = `${server.url.replace("http://", "http://admin:hunter2@")}/moved?token=CapabilityT0ken`;
      const httpError = await odzewFailure(http.request("GET", withSecrets, { headers: { authorization: "Bearer HeaderSecret" } }));
      const closed = await odzewFailure(http.get("http://127.0.0.1:9/feed?apikey=ClosedPortSecret"));
      await new Promise<void>((resolve, reject) => logged.flush((error) => (error ? reject(error) : resolve())));
      const log = readFileSync(file, "utf8");
      const errors = [httpError, closed].map((error) => JSON.stringify({ message: error.message, context: error.context, cause: String(error.cause), causeKeys: Object.keys(error.cause ?? {}) })).join("\n");
      expect(httpError.message).toContain("/moved?token=…");
      expect(closed.message).toContain("/feed?apikey=…");
      expect(log).toContain("following a redirect");
      expect(log).toContain("retrying");
      for (const secret of ["hunter2", "CapabilityT0ken", "R3dirSecret", "HeaderSecret", "ClosedPortSecret"]) {
        expect(errors).not.toContain(secret);
        expect(log).not.toContain(secret);
      }
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
