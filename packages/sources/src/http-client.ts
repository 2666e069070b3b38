import { lookup as dnsLookup } from "node:dns/promises";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, type RequestOptions as HttpsRequestOptions } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { PassThrough, type Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import axios, { AxiosError, type AxiosInstance, type AxiosProxyConfig, type AxiosResponse } from "axios";
import iconv from "iconv-lite";
import { OdzewError, backoffMs, sleep, type Logger, redactUrl } from "@odzew/core";
import { forbiddenAddressReason } from "./address-guard.ts";
import { recogniseBotWall } from "./bot-wall.ts";

/**
 * Which private addresses (loopback, private ranges, link-local, CGNAT, …) may be fetched from:
 * none (`false`, the default), any (`true`), or only those that these host names resolve to
 * (as written in the URL, e.g. `["intranet.example", "127.0.0.1"]`).
 */
export type PrivateNetworkAllowance = boolean | readonly string[];

/** An address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface HttpClientOptions {
  userAgent?: string;
  /** Longest silence on the connection (no byte received), in ms. */
  timeoutMs?: number;
  /**
   * Longest time for one whole response, from connecting to the last byte and across its
   * redirects, in ms, however steadily bytes keep trickling in. Not retried inside a request:
   * the error is retryable, so the next poll tries again.
   */
  deadlineMs?: number;
  /** Largest response body accepted, in bytes. */
  maxBytes?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** Minimum gap between two requests to the same host. */
  minIntervalMsPerHost?: number;
  /**
   * A Retry-After up to this long is waited for inside the request; a longer one is not: the
   * request fails at once, retryable, with `context.retryAfterMs`, for the caller to schedule.
   */
  maxInPollRetryAfterMs?: number;
  /** @deprecated The former name of `maxInPollRetryAfterMs`. */
  maxRetryAfterMs?: number;
  /** Redirects followed per request; each hop is checked like the first URL. */
  maxRedirects?: number;
  /**
   * The default for every request: which private addresses may be fetched from. Sources set
   * their own with `network.allowPrivate` (see `forSource`).
   */
  allowPrivateHosts?: PrivateNetworkAllowance;
  /** How a host name is resolved (all its addresses); node's `dns.lookup` by default. */
  resolveHost?: (hostname: string) => Promise<ResolvedAddress[]>;
  /**
   * Every request through this proxy: the name of the environment variable with its URL
   * (`http://user:password@host:port`), and the source that asked for it (for error messages).
   * Sources set their own with `network.proxy` (see `forSource`).
   */
  proxy?: { urlEnv: string; sourceId?: string | undefined };
  /** Where a proxy's URL is read from, by its variable's name; the environment by default. */
  secret?: (name: string) => string | undefined;
  logger: Logger;
}

export interface FetchedPage {
  /** The URL as requested. */
  url: string;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  status: number;
  text: string;
  /** The character set the body was decoded from. */
  charset: string;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  /** A string or bytes, sent as is: set the content-type header to match. */
  body?: string | Buffer;
  signal?: AbortSignal;
  /** Which private addresses this request may reach; the client's (or source's) setting by default. */
  allowPrivate?: PrivateNetworkAllowance;
}

export const DEFAULT_USER_AGENT = "OdzewBot/0.1 (+https://github.com/odzew/odzew; self-hosted review monitoring)";

/** The part of a source's configuration the client reads: `network.allowPrivate` and `network.proxy`. */
export interface SourceNetworkSettings {
  id?: string | undefined;
  network?: { allowPrivate?: PrivateNetworkAllowance | undefined; proxy?: { urlEnv: string } | undefined } | undefined;
}

/** A proxy as read from its variable: where it is, and the Basic credentials (never logged). */
interface ProxyEndpoint {
  /** The variable it came from: what error messages name instead of the URL. */
  urlEnv: string;
  host: string;
  port: number;
  username: string;
  password: string;
}

interface RawResponse {
  finalUrl: string;
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
}

type Settings = Required<Omit<HttpClientOptions, "logger" | "resolveHost" | "maxRetryAfterMs" | "proxy" | "secret">>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The one HTTP client of all source adapters: timeouts and a total deadline per response,
 * retries with backoff that honour a short Retry-After, a polite User-Agent, a rate limit per
 * host, a size cap, charset detection that reads windows-1250 and ISO-8859-2 pages correctly,
 * and no way into the private network: every hop's host is resolved, every address checked,
 * and the connection made to the checked address (a DNS answer that changes in between is
 * never used). Error messages and log lines name URLs without their secrets (`redactUrl`).
 */
export class HttpClient {
  private readonly axios: AxiosInstance;
  /** Shared with the views `forSource` makes: one rate limit per host for the whole process. */
  private nextSlot = new Map<string, number>();
  private readonly options: Settings;
  private readonly init: HttpClientOptions;
  private readonly logger: Logger;
  private readonly resolveHost: (hostname: string) => Promise<ResolvedAddress[]>;

  constructor(options: HttpClientOptions) {
    this.init = options;
    this.options = {
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      timeoutMs: options.timeoutMs ?? 15_000,
      deadlineMs: options.deadlineMs ?? 30_000,
      maxBytes: options.maxBytes ?? 5 * 1024 * 1024,
      maxAttempts: options.maxAttempts ?? 4,
      minIntervalMsPerHost: options.minIntervalMsPerHost ?? 1_000,
      maxInPollRetryAfterMs: options.maxInPollRetryAfterMs ?? options.maxRetryAfterMs ?? 10_000,
      maxRedirects: options.maxRedirects ?? 5,
      allowPrivateHosts: options.allowPrivateHosts ?? false,
    };
    for (const name of ["timeoutMs", "deadlineMs", "maxBytes", "maxAttempts", "minIntervalMsPerHost", "maxInPollRetryAfterMs", "maxRedirects"] as const) {
      const value = this.options[name];
      if (!Number.isFinite(value) || value < 0) throw new OdzewError("CONFIG_INVALID", `HttpClient option ${name} must be a number of 0 or more, not ${value}`);
    }
    this.resolveHost = options.resolveHost ?? ((hostname) => dnsLookup(hostname, { all: true, verbatim: true }));
    this.logger = options.logger.child({ scope: "http" });
    this.axios = axios.create({
      timeout: this.options.timeoutMs,
      maxContentLength: this.options.maxBytes,
      // Redirects are followed here, hop by hop, so that each one is checked.
      maxRedirects: 0,
      // Straight to the source: through a proxy the address checks would see only the proxy.
      proxy: false,
      responseType: "arraybuffer",
      decompress: true,
      validateStatus: () => true,
      headers: {
        "user-agent": this.options.userAgent,
        accept: "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
        "accept-language": "pl-PL,pl;q=0.9,en;q=0.8",
      },
    });
  }

  /**
   * This client for one source: the same rate limits, with the source's own
   * `network.allowPrivate` and `network.proxy` when it sets them.
   */
  forSource(source: SourceNetworkSettings): HttpClient {
    const allowPrivate = source.network?.allowPrivate;
    const proxy = source.network?.proxy;
    if (allowPrivate === undefined && proxy === undefined) return this;
    const view = new HttpClient({
      ...this.init,
      ...(allowPrivate !== undefined ? { allowPrivateHosts: allowPrivate } : {}),
      ...(proxy !== undefined ? { proxy: { urlEnv: proxy.urlEnv, sourceId: source.id } } : {}),
    });
    view.nextSlot = this.nextSlot;
    return view;
  }

  /**
   * The proxy this client sends through, read from its variable at each request (a rotated
   * password is picked up without a restart). A missing or malformed value is a configuration
   * error naming the variable, never showing its value.
   */
  private proxyEndpoint(): ProxyEndpoint | undefined {
    const setting = this.init.proxy;
    if (!setting) return undefined;
    const { urlEnv, sourceId } = setting;
    const owner = sourceId ? `source ${sourceId}: ` : "";
    const value = (this.init.secret ?? ((name: string) => process.env[name]))(urlEnv)?.trim();
    if (!value) {
      throw new OdzewError("CONFIG_INVALID", `${owner}network.proxy.urlEnv names ${urlEnv}, which is not set: put the proxy's URL (http://user:password@host:port) in it`, {
        context: { urlEnv, ...(sourceId ? { sourceId } : {}) },
      });
    }
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== "http:" || url.hostname === "" || url.pathname.replace(/\/+$/, "") !== "" || url.search !== "") {
      throw new OdzewError("CONFIG_INVALID", `${owner}the value of ${urlEnv} is not a proxy URL of the form http://user:password@host:port (an http:// proxy; its value is not shown)`, {
        context: { urlEnv, ...(sourceId ? { sourceId } : {}) },
      });
    }
    return {
      urlEnv,
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port === "" ? 80 : Number(url.port),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
  }

  async get(url: string, signal?: AbortSignal): Promise<FetchedPage> {
    return this.request("GET", url, signal ? { signal } : {});
  }

  /**
   * Any request (POST for form posts and token exchanges, request headers such as
   * Authorization) through the same rate limit, retries, deadline, address checks, size cap and
   * charset detection as `get`. Header values are never logged.
   */
  async request(method: HttpMethod, url: string, options: HttpRequestOptions = {}): Promise<FetchedPage> {
    const { signal } = options;
    const shown = redactUrl(url);
    checkScheme(method, url, shown);
    for (let attempt = 1; ; attempt++) {
      await this.waitForSlot(url, signal);
      let response: RawResponse;
      try {
        response = await this.fetchFollowingRedirects(method, url, options);
      } catch (error) {
        // Refused addresses, the deadline, an oversized body: retrying now cannot help.
        if (error instanceof OdzewError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt >= this.options.maxAttempts || signal?.aborted) {
          throw new OdzewError("SOURCE_HTTP", `${method} ${shown}: ${reason}`, {
            retryable: true,
            cause: safeCause(error),
            context: { url: shown },
          });
        }
        await sleep(backoffMs(attempt, 500, 15_000), signal);
        continue;
      }

      const { status, headers, body } = response;
      // A challenge or block page of the site's bot protection: retrying now cannot get through.
      const wall = recogniseBotWall({ status, headers, body: status >= 400 ? decode(body.subarray(0, 64 * 1024), detectCharset(headers["content-type"], body)) : "" });
      if (wall) {
        throw new OdzewError("SOURCE_HTTP", `${method} ${shown}: HTTP ${status} from the site's bot protection (${wall.vendor}: ${wall.signal})`, {
          retryable: true,
          context: { url: shown, status, retryAfterMs: parseRetryAfter(headers["retry-after"]), body: errorSnippet(headers["content-type"], body), botWall: wall },
        });
      }
      if (status >= 200 && status < 300) {
        const charset = detectCharset(headers["content-type"], body);
        return { url, finalUrl: response.finalUrl, status, text: decode(body, charset), charset };
      }
      const transient = status === 429 || status === 408 || status >= 500;
      const retryAfter = transient ? retryAfterOf(headers) : undefined;
      // The start of the error body: APIs say there why they refused (a missing permission, an invalid grant).
      const context = { url: shown, status, retryAfterMs: retryAfter, body: errorSnippet(headers["content-type"], body) };
      if (retryAfter !== undefined && retryAfter > this.options.maxInPollRetryAfterMs) {
        throw new OdzewError(
          "SOURCE_HTTP",
          `${method} ${shown}: HTTP ${status} with Retry-After ${Math.ceil(retryAfter / 1000)} s, ` +
            `longer than a poll waits (${Math.ceil(this.options.maxInPollRetryAfterMs / 1000)} s)`,
          { retryable: true, context },
        );
      }
      if (!transient || attempt >= this.options.maxAttempts) {
        throw new OdzewError("SOURCE_HTTP", `${method} ${shown}: HTTP ${status}`, { retryable: transient, context });
      }
      const wait = retryAfter ?? backoffMs(attempt, 1_000, 30_000);
      this.logger.warn({ url: shown, method, status, attempt, waitMs: wait }, "source asked us to slow down; retrying");
      this.nextSlot.set(new URL(url).host, Date.now() + wait);
    }
  }

  /**
   * One attempt: the request and its redirects, each hop's addresses checked before
   * connecting, all within the deadline.
   */
  private async fetchFollowingRedirects(method: HttpMethod, url: string, options: HttpRequestOptions): Promise<RawResponse> {
    const deadline = AbortSignal.timeout(this.options.deadlineMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    try {
      return await this.followRedirects(method, url, options, signal);
    } catch (error) {
      if (!(error instanceof OdzewError) && deadline.aborted && !options.signal?.aborted) throw this.deadlineError(method, url);
      throw error;
    }
  }

  private async followRedirects(method: HttpMethod, url: string, options: HttpRequestOptions, signal: AbortSignal): Promise<RawResponse> {
    const allowPrivate = options.allowPrivate ?? this.options.allowPrivateHosts;
    const proxy = this.proxyEndpoint();
    let current = new URL(url);
    let currentMethod = method;
    let body = options.body;
    let headers: Record<string, string> = { ...options.headers };
    for (let hop = 0; ; hop++) {
      const addresses = await abortable(this.checkedAddresses(method, url, current, allowPrivate, hop > 0), signal);
      const lookup = pinnedLookup(addresses);
      // Through a proxy, HTTPS goes through a CONNECT tunnel to the checked address; HTTP as an
      // absolute-form request to the proxy, which resolves the host itself (checked here first).
      let agent: HttpAgent;
      let viaProxy: AxiosProxyConfig | false = false;
      if (proxy && current.protocol === "https:") agent = new TunnelAgent(proxy, addresses, this.options.timeoutMs);
      else if (proxy) {
        agent = new HttpAgent({ keepAlive: false });
        viaProxy = { protocol: "http", host: proxy.host, port: proxy.port, ...(proxy.username || proxy.password ? { auth: { username: proxy.username, password: proxy.password } } : {}) };
      } else agent = current.protocol === "https:" ? new HttpsAgent({ keepAlive: false, lookup }) : new HttpAgent({ keepAlive: false, lookup });
      let response: AxiosResponse<ArrayBuffer>;
      try {
        response = await this.axios.request<ArrayBuffer>({
          method: currentMethod,
          url: current.href,
          headers,
          ...(body !== undefined ? { data: body } : {}),
          signal,
          proxy: viaProxy,
          ...(current.protocol === "https:" ? { httpsAgent: agent } : { httpAgent: agent }),
        });
      } catch (error) {
        if (error instanceof AxiosError && /maxContentLength/.test(error.message)) {
          throw new OdzewError("SOURCE_HTTP", `${method} ${redactUrl(url)}: response larger than ${this.options.maxBytes} bytes`, {
            context: { url: redactUrl(url) },
          });
        }
        throw error;
      } finally {
        agent.destroy();
      }
      const responseHeaders = response.headers as Record<string, unknown>;
      const location = responseHeaders.location;
      if (!REDIRECTS.has(response.status) || typeof location !== "string" || location === "") {
        return { finalUrl: current.href, status: response.status, headers: responseHeaders, body: Buffer.from(response.data) };
      }
      if (hop >= this.options.maxRedirects) {
        throw new OdzewError("SOURCE_HTTP", `${method} ${redactUrl(url)}: more than ${this.options.maxRedirects} redirects`, {
          context: { url: redactUrl(url), status: response.status },
        });
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new OdzewError("SOURCE_HTTP", `${method} ${redactUrl(url)}: HTTP ${response.status} redirects to a location that is not a URL`, {
          context: { url: redactUrl(url), status: response.status },
        });
      }
      checkScheme(method, next.href, redactUrl(url), current);
      // As browsers do: 303 (and 301/302 after a POST) continue with a GET without the body.
      if ((response.status === 303 && currentMethod !== "HEAD") || ((response.status === 301 || response.status === 302) && currentMethod === "POST")) {
        currentMethod = "GET";
        body = undefined;
        headers = withoutHeaders(headers, ["content-type", "content-length"]);
      }
      // Credentials are for the host they were given to.
      if (next.origin !== current.origin) headers = withoutHeaders(headers, ["authorization", "cookie", "proxy-authorization"]);
      this.logger.debug({ from: redactUrl(current.href), to: redactUrl(next.href), status: response.status }, "following a redirect");
      current = next;
    }
  }

  /**
   * The addresses of a hop's host, each checked; refused with a clear error when one of them is
   * private and this request may not reach it there.
   */
  private async checkedAddresses(method: HttpMethod, url: string, target: URL, allowPrivate: PrivateNetworkAllowance, redirected: boolean): Promise<ResolvedAddress[]> {
    const hostname = target.hostname.replace(/^\[|\]$/g, "");
    const family = isIP(hostname);
    const addresses = family !== 0 ? [{ address: hostname, family }] : await this.resolveHost(hostname);
    if (addresses.length === 0) throw new Error(`${hostname} has no address`);
    const allowed = allowPrivate === true || (Array.isArray(allowPrivate) && allowPrivate.some((name) => name.toLowerCase().replace(/^\[|\]$/g, "") === hostname.toLowerCase()));
    if (allowed) return addresses;
    for (const { address } of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason === undefined) continue;
      const via = redirected ? ` (a redirect from ${redactUrl(url)} led there)` : "";
      const resolved = family !== 0 ? "" : ` resolves to ${address}, which is`;
      throw new OdzewError(
        "SOURCE_FORBIDDEN_ADDRESS",
        `${method} ${redactUrl(target.href)}: refused: ${target.hostname}${resolved || " is"} ${reason}${via}. ` +
          `Sources may not reach loopback, private or link-local addresses; if this source really is on your own network, ` +
          `set "network: { allowPrivate: true }" (or a list of its host names) on the source in sources.yaml`,
        { context: { url: redactUrl(target.href), host: target.hostname, address, reason } },
      );
    }
    return addresses;
  }

  private deadlineError(method: HttpMethod, url: string): OdzewError {
    const host = new URL(url).host;
    return new OdzewError(
      "SOURCE_HTTP",
      `${method} to ${host}: no complete response within ${this.options.deadlineMs / 1000} s (the total deadline per response); ` +
        `the source is too slow or trickling, the next poll tries again`,
      { retryable: true, context: { url: redactUrl(url), host, deadlineMs: this.options.deadlineMs } },
    );
  }

  private async waitForSlot(url: string, signal?: AbortSignal): Promise<void> {
    const host = new URL(url).host;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot.get(host) ?? 0);
    this.nextSlot.set(host, slot + this.options.minIntervalMsPerHost);
    if (slot > now) await sleep(slot - now, signal);
  }
}

/**
 * An HTTPS agent that reaches the site through a proxy's CONNECT tunnel: the tunnel goes to the
 * address the client checked (never a name the proxy would resolve again), and TLS runs end to
 * end inside it, verified against the site's name (SNI and certificate), so the proxy sees
 * neither the page nor the request.
 */
class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: ProxyEndpoint,
    private readonly addresses: readonly ResolvedAddress[],
    private readonly timeoutMs: number,
  ) {
    super({ keepAlive: false });
  }

  override createConnection(options: HttpsRequestOptions, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const done = callback ?? (() => undefined);
    // The callback takes a stream even with an error: a closed one.
    const fail = (error: Error) => {
      const closed = new PassThrough();
      closed.destroy();
      done(error, closed);
    };
    const hostname = (options.servername ?? options.hostname ?? options.host ?? "").replace(/^\[|\]$/g, "");
    const port = Number(options.port ?? 443);
    const address = this.addresses[0];
    if (!address) {
      fail(new Error(`${hostname} has no address`));
      return undefined;
    }
    const target = `${address.family === 6 ? `[${address.address}]` : address.address}:${port}`;
    const { username, password, urlEnv } = this.proxy;
    const connect = httpRequest({
      host: this.proxy.host,
      port: this.proxy.port,
      method: "CONNECT",
      path: target,
      agent: false,
      headers: {
        host: target,
        ...(username || password ? { "proxy-authorization": `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` } : {}),
      },
    });
    connect.setTimeout(this.timeoutMs, () => connect.destroy(new Error(`the proxy in ${urlEnv} did not open a tunnel within ${this.timeoutMs / 1000} s`)));
    connect.once("error", (error) => fail(new Error(`the proxy in ${urlEnv}: ${error.message}`)));
    connect.once("connect", (answer, socket) => {
      connect.setTimeout(0);
      if (answer.statusCode !== 200) {
        socket.destroy();
        fail(new Error(`the proxy in ${urlEnv} refused the tunnel to ${hostname}: HTTP ${answer.statusCode ?? "?"} ${answer.statusMessage ?? ""}`.trim()));
        return;
      }
      const secure = tlsConnect({
        socket,
        host: hostname,
        ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
        ALPNProtocols: ["http/1.1"],
      });
      done(null, secure);
    });
    connect.end();
    return undefined;
  }
}

/** Only http and https: `file:`, `data:` and the like are refused before anything is read. */
function checkScheme(method: HttpMethod, url: string, shown: string, from?: URL): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new OdzewError("SOURCE_HTTP", `${method} ${shown}: not a valid URL`, { context: { url: shown } });
  }
  if (protocol === "http:" || protocol === "https:") return;
  const where = from ? `a redirect from ${redactUrl(from.href)} to a ${protocol} URL` : `a ${protocol} URL`;
  throw new OdzewError("SOURCE_FORBIDDEN_ADDRESS", `${method} ${shown}: refused ${where}: sources are read over http and https only`, {
    context: { url: shown, protocol },
  });
}

/**
 * A lookup that answers with the addresses already checked, never asking DNS again: what
 * was checked is what is connected to.
 */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
    const usable = family === 0 ? addresses : addresses.filter((address) => address.family === family);
    const first = usable[0];
    if (!first) {
      const error: NodeJS.ErrnoException = new Error(`${hostname} has no IPv${family} address`);
      error.code = "ENOTFOUND";
      callback(error, "", 0);
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };
}

/** A promise that rejects as soon as the signal aborts (a DNS lookup cannot be cancelled). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}

/**
 * The cause to keep of a network error: its message and code. An axios error also carries the
 * request's configuration (the URL with its query, the Authorization header), which a logger
 * would print.
 */
function safeCause(error: unknown): Error {
  const cause: NodeJS.ErrnoException = new Error(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") cause.code = code;
  return cause;
}

/**
 * How long a 429 or 5xx asks us to wait: Retry-After, else the rate-limit reset headers APIs send
 * instead (X: `x-rate-limit-reset`, Reddit: `x-ratelimit-reset`, the IETF draft: `ratelimit-reset`).
 * A reset value above 10^9 is a Unix time in seconds (X), a smaller one seconds from now.
 */
export function retryAfterOf(headers: Record<string, unknown>, now = Date.now()): number | undefined {
  const retryAfter = parseRetryAfter(headers["retry-after"], now);
  if (retryAfter !== undefined) return retryAfter;
  for (const name of ["x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"]) {
    const value = headers[name];
    if (typeof value !== "string" || !/^\d+(\.\d+)?$/.test(value.trim())) continue;
    const seconds = Number(value.trim());
    return seconds > 1e9 ? Math.max(0, Math.ceil(seconds * 1000 - now)) : Math.ceil(seconds * 1000);
  }
  return undefined;
}

/** Retry-After is either a number of seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const CHARSET_ALIASES: Record<string, string> = {
  "x-cp1250": "windows-1250",
  cp1250: "windows-1250",
  latin2: "iso-8859-2",
  "iso8859-2": "iso-8859-2",
};

/** Charset from the Content-Type header, else the page's own meta tag, else UTF-8 if it is valid, else windows-1250. */
export function detectCharset(contentType: unknown, body: Buffer): string {
  const fromHeader = typeof contentType === "string" ? /charset\s*=\s*["']?([\w-]+)/i.exec(contentType)?.[1] : undefined;
  const head = body.subarray(0, 4096).toString("latin1");
  const fromMeta =
    /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] ?? /encoding\s*=\s*["']([\w-]+)["']/i.exec(head)?.[1];
  for (const candidate of [fromHeader, fromMeta]) {
    if (!candidate) continue;
    const name = CHARSET_ALIASES[candidate.toLowerCase()] ?? candidate.toLowerCase();
    if (iconv.encodingExists(name)) return name;
  }
  return isValidUtf8(body) ? "utf-8" : "windows-1250";
}

function isValidUtf8(body: Buffer): boolean {
  return Buffer.from(body.toString("utf8"), "utf8").equals(body);
}

/** At most 600 characters of an error response, for the error's context (an API's own words on why it refused). */
function errorSnippet(contentType: unknown, body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  const text = decode(body.subarray(0, 2048), detectCharset(contentType, body)).replace(/\s+/g, " ").trim();
  return text === "" ? undefined : text.slice(0, 600);
}

function decode(body: Buffer, charset: string): string {
  return charset === "utf-8" ? body.toString("utf8") : iconv.decode(body, charset);
}
