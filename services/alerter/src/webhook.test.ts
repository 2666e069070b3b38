import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { REDACTED_PATHS } from "@odzew/core";
import { ALERT_SCHEMA_VERSION, type Alert } from "@odzew/schema";
import { freePort, useFixtureServers } from "@odzew/testing";
import { deliver, slackMessage, webhookHost, webhookId } from "./webhook.ts";

const SECRET = "/services/T0ODZEW/B0ALERT/s3cr3t-w3bh00k-t0k3n";
const fast = { baseDelayMs: 5, timeoutMs: 2_000 };
const message = { text: "Negative spike", blocks: [] };

/** A real pino logger writing into memory, to check what a webhook failure puts in the logs. */
function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString("utf8")), done()) });
  return { logger: pino({ redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, sink), text: () => lines.join("") };
}

describe("webhook delivery", () => {
  const serve = useFixtureServers();

  it("retries a webhook that is down for a moment, honouring Retry-After, and delivers once", async () => {
    let calls = 0;
    const hook = await serve((_request, response) => {
      calls++;
      if (calls === 1) response.writeHead(503, { "retry-after": "1" }).end("maintenance");
      else response.writeHead(200).end("ok");
    });
    const { logger, text } = capture();
    const started = Date.now();
    const outcome = await deliver(`${hook.url}${SECRET}`, message, logger, fast);
    expect(outcome).toEqual({ status: "delivered", attempts: 2 });
    expect(hook.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`POST ${SECRET}`, `POST ${SECRET}`]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // waited as told, not the 5 ms backoff
    expect(text()).toContain("HTTP 503: maintenance");
    expect(text()).not.toContain("s3cr3t");
  });

  it("gives up after the attempts it was given, keeping the reason, and names the host only", async () => {
    const hook = await serve((_request, response) => response.writeHead(429).end());
    const { logger, text } = capture();
    const outcome = await deliver(`${hook.url}${SECRET}`, message, logger, { ...fast, attempts: 3 });
    expect(outcome).toEqual({ status: "pending", attempts: 3, reason: "HTTP 429" });
    expect(hook.requests).toHaveLength(3);
    expect(text()).toContain(`"webhook":"${webhookHost(hook.url)}#`);
    expect(text()).toContain("given up");
    expect(text()).not.toContain("s3cr3t");
  });

  it("does not retry a webhook that refuses the alert for good (404: a revoked Slack hook)", async () => {
    const hook = await serve((_request, response) => response.writeHead(404).end("no_service"));
    const { logger, text } = capture();
    const outcome = await deliver(`${hook.url}${SECRET}`, message, logger, fast);
    expect(outcome).toEqual({ status: "refused", attempts: 1, reason: "HTTP 404: no_service" });
    expect(hook.requests).toHaveLength(1);
    expect(text()).not.toContain("s3cr3t");
  });

  it("retries a webhook nobody listens on, with the network reason and without the URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}${SECRET}`;
    const { logger, text } = capture();
    const outcome = await deliver(url, message, logger, { ...fast, attempts: 2 });
    expect(outcome.status).toBe("pending");
    expect(outcome.reason).toContain("ECONNREFUSED");
    expect(outcome.reason).not.toContain("s3cr3t");
    expect(text()).toContain("ECONNREFUSED");
    expect(text()).not.toContain("s3cr3t");
  });

  it("names a webhook by host and a short hash: two channels on one host differ, the secret is not in it", () => {
    const a = webhookId(`https://hooks.slack.com${SECRET}`);
    const b = webhookId("https://hooks.slack.com/services/T0ODZEW/B0OTHER/another-token");
    expect(a).toMatch(/^hooks\.slack\.com#[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });
});

describe("Slack-compatible message", () => {
  const alert: Alert = {
    schemaVersion: ALERT_SCHEMA_VERSION,
    key: "spike:zuraw:opineo-sklep:negative",
    kind: "spike",
    status: "open",
    brand: "zuraw",
    source: "opineo-sklep",
    sentiment: "negative",
    message: "Negative spike: 15 negative mentions of zuraw on opineo-sklep in the last 60m (usually 2 ± 0; threshold 5)",
    openedAt: "2026-11-27T15:00:00.000Z",
    updatedAt: "2026-11-27T15:00:00.000Z",
    count: 15,
    baseline: { mean: 2, sd: 0, threshold: 5, days: 14 },
    mentions: [
      { id: "a".repeat(32), source: "opineo-sklep", title: "Nigdy <więcej>", text: `Paczka nie dotarła & nikt nie odpisuje. ${"x".repeat(300)}`, url: "https://www.opineo.pl/opinie/zuraw-pl#1", reach: 12, sentiment: "negative", publishedAt: "2026-11-27T14:20:00.000Z" },
    ],
    delivered: false,
  };

  it("carries the text, the mentions behind the alert with links and excerpts, and escapes Slack's control characters", () => {
    const { text, blocks } = slackMessage(alert);
    expect(text).toBe(alert.message);
    const json = JSON.stringify(blocks);
    expect(json).toContain("<https://www.opineo.pl/opinie/zuraw-pl#1|open>");
    expect(json).toContain("Nigdy &lt;więcej&gt;");
    expect(json).toContain("Paczka nie dotarła &amp; nikt nie odpisuje.");
    expect(json).toContain("reach 12");
    expect(json).not.toContain("x".repeat(201)); // excerpts, not whole reviews
    expect(json).toContain("spike:zuraw:opineo-sklep:negative");
  });
});
