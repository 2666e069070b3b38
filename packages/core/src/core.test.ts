import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { envFields, kafkaEnvShape, parseEnv } from "./env.ts";
import { OdzewError } from "./errors.ts";
import { REDACTED_PATHS } from "./logger.ts";
import { backoffMs } from "./time.ts";

describe("environment", () => {
  const schema = z.object({ ...kafkaEnvShape, PORT: envFields.port.default(8080), API_TOKEN: z.string().min(40) });

  it("parses brokers and defaults", () => {
    const env = parseEnv(schema, { KAFKA_BROKERS: "a:9092, b:9093", API_TOKEN: "x".repeat(40) }, { exitOnError: false });
    expect(env.KAFKA_BROKERS).toEqual(["a:9092", "b:9093"]);
    expect(env.PORT).toBe(8080);
    expect(env.ODZEW_TOPIC_PREFIX).toBe("odzew");
  });

  it("names every bad variable and never prints a secret's value", () => {
    let error: unknown;
    try {
      parseEnv(schema, { KAFKA_BROKERS: "localhost", PORT: "http", API_TOKEN: "short-secret" }, { exitOnError: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OdzewError);
    const message = (error as OdzewError).message;
    expect(message).toContain('KAFKA_BROKERS ("localhost")');
    expect(message).toContain('PORT ("http")');
    expect(message).toContain("API_TOKEN (set)");
    expect(message).not.toContain("short-secret");
  });
});

describe("logger", () => {
  it("redacts credentials wherever they appear", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, sink);
    logger.info({ req: { headers: { authorization: "Bearer abc123" } }, kafka: { password: "p4ss" }, token: "t0k" }, "hello");
    const line = lines.join("");
    expect(line).not.toMatch(/abc123|p4ss|t0k/);
    expect(line).toContain("[redacted]");
  });
});

describe("backoff", () => {
  it("grows exponentially with jitter and stays under the cap", () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const wait = backoffMs(attempt, 100, 5_000);
      const ceiling = Math.min(5_000, 100 * 2 ** (attempt - 1));
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
      expect(wait).toBeLessThanOrEqual(ceiling);
    }
  });
});
