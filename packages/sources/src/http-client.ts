import axios, { AxiosError, type AxiosInstance } from "axios";
import iconv from "iconv-lite";
import { OdzewError, backoffMs, sleep, type Logger } from "@odzew/core";

export interface HttpClientOptions {
  userAgent?: string;
  timeoutMs?: number;
  /** Largest response body accepted, in bytes. */
  maxBytes?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** Minimum gap between two requests to the same host. */
  minIntervalMsPerHost?: number;
  /** A Retry-After longer than this is not waited for; the request fails as retryable. */
  maxRetryAfterMs?: number;
  logger: Logger;
}

export interface FetchedPage {
  url: string;
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
}

export const DEFAULT_USER_AGENT = "OdzewBot/0.1 (+https://github.com/odzew/odzew; self-hosted review monitoring)";

/**
 * The one HTTP client of all source adapters: timeouts, retries with backoff that honour
 * Retry-After, a polite User-Agent, a rate limit per host, a size cap and charset detection
 * that reads windows-1250 and ISO-8859-2 pages correctly.
 */
export class HttpClient {
  private readonly axios: AxiosInstance;
  private readonly nextSlot = new Map<string, number>();
  private readonly options: Required<Omit<HttpClientOptions, "logger">>;
  private readonly logger: Logger;

  constructor(options: HttpClientOptions) {
    this.options = {
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      timeoutMs: options.timeoutMs ?? 15_000,
      maxBytes: options.maxBytes ?? 5 * 1024 * 1024,
      maxAttempts: options.maxAttempts ?? 4,
      minIntervalMsPerHost: options.minIntervalMsPerHost ?? 1_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    };
    this.logger = options.logger.child({ scope: "http" });
    this.axios = axios.create({
      timeout: this.options.timeoutMs,
      maxContentLength: this.options.maxBytes,
      maxRedirects: 5,
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

  async get(url: string, signal?: AbortSignal): Promise<FetchedPage> {
    return this.request("GET", url, signal ? { signal } : {});
  }

  /**
   * Any request (POST for form posts and token exchanges, request headers such as
   * Authorization) through the same rate limit, retries, size cap and charset detection as
   * `get`. Header values are never logged.
   */
  async request(method: HttpMethod, url: string, options: HttpRequestOptions = {}): Promise<FetchedPage> {
    const { signal, headers: requestHeaders, body: requestBody } = options;
    for (let attempt = 1; ; attempt++) {
      await this.waitForSlot(url, signal);
      let status: number;
      let headers: Record<string, unknown>;
      let body: Buffer;
      try {
        const response = await this.axios.request<ArrayBuffer>({
          method,
          url,
          ...(requestHeaders ? { headers: requestHeaders } : {}),
          ...(requestBody !== undefined ? { data: requestBody } : {}),
          ...(signal ? { signal } : {}),
        });
        status = response.status;
        headers = response.headers as Record<string, unknown>;
        body = Buffer.from(response.data);
      } catch (error) {
        const tooLarge = error instanceof AxiosError && /maxContentLength/.test(error.message);
        if (tooLarge) {
          throw new OdzewError("SOURCE_HTTP", `${method} ${url}: response larger than ${this.options.maxBytes} bytes`, {
            context: { url },
          });
        }
        if (attempt >= this.options.maxAttempts || signal?.aborted) {
          throw new OdzewError("SOURCE_HTTP", `${method} ${url}: ${error instanceof Error ? error.message : String(error)}`, {
            retryable: true,
            cause: error,
            context: { url },
          });
        }
        await sleep(backoffMs(attempt, 500, 15_000), signal);
        continue;
      }

      if (status >= 200 && status < 300) {
        const charset = detectCharset(headers["content-type"], body);
        return { url, status, text: decode(body, charset), charset };
      }
      const transient = status === 429 || status === 408 || status >= 500;
      const retryAfter = parseRetryAfter(headers["retry-after"]);
      if (!transient || attempt >= this.options.maxAttempts || (retryAfter ?? 0) > this.options.maxRetryAfterMs) {
        throw new OdzewError("SOURCE_HTTP", `${method} ${url}: HTTP ${status}`, {
          retryable: transient,
          // The start of the error body: APIs say there why they refused (a missing permission, an invalid grant).
          context: { url, status, retryAfterMs: retryAfter, body: errorSnippet(headers["content-type"], body) },
        });
      }
      const wait = retryAfter ?? backoffMs(attempt, 1_000, 30_000);
      this.logger.warn({ url, method, status, attempt, waitMs: wait }, "source asked us to slow down; retrying");
      this.nextSlot.set(new URL(url).host, Date.now() + wait);
    }
  }

  private async waitForSlot(url: string, signal?: AbortSignal): Promise<void> {
    const host = new URL(url).host;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot.get(host) ?? 0);
    this.nextSlot.set(host, slot + this.options.minIntervalMsPerHost);
    if (slot > now) await sleep(slot - now, signal);
  }
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

/** At most 300 characters of an error response, for the error's context. */
function errorSnippet(contentType: unknown, body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  const text = decode(body.subarray(0, 2048), detectCharset(contentType, body)).replace(/\s+/g, " ").trim();
  return text === "" ? undefined : text.slice(0, 300);
}

function decode(body: Buffer, charset: string): string {
  return charset === "utf-8" ? body.toString("utf8") : iconv.decode(body, charset);
}
