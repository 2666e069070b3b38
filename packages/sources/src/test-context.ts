import type { Logger } from "@odzew/core";
import type { PollContext } from "./adapter.ts";
import { HttpClient } from "./http-client.ts";

/** A poll context for adapter tests: a real HTTP client without politeness delays. */
export function testPollContext(logger: Logger, overrides: Partial<PollContext> = {}): PollContext {
  return {
    // Fixture servers run on 127.0.0.1: a private address the client refuses unless allowed.
    http: new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 3, timeoutMs: 5_000, allowPrivateHosts: true }),
    seen: new Set(),
    mode: "backfill",
    now: new Date("2026-11-25T12:00:00.000Z"),
    secret: (name) => process.env[name],
    ...overrides,
  };
}
