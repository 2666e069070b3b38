import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { startHealthServer } from "./lifecycle.ts";
import { METRICS_CONTENT_TYPE, counter, gauge, histogram, metricsRegistry, metricsText } from "./metrics.ts";

const logger = pino({ level: "silent" });

describe("metrics", () => {
  it("prefixes every metric, the Node.js defaults included, and renders the text format", async () => {
    const polls = counter({ name: "test_polls_total", help: "Polls in a test.", labelNames: ["source", "outcome"] });
    polls.inc({ source: "opineo-shop", outcome: "ok" }, 3);
    const text = await metricsText();
    expect(text).toContain("# TYPE odzew_test_polls_total counter");
    expect(text).toContain('odzew_test_polls_total{source="opineo-shop",outcome="ok"} 3');
    expect(text).toMatch(/^odzew_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^odzew_nodejs_eventloop_lag_seconds \d/m);
    expect(metricsRegistry().contentType).toBe(METRICS_CONTENT_TYPE);
  });

  it("hands out the same metric to every caller of a name, and refuses a clash", async () => {
    const first = gauge({ name: "test_shared", help: "Shared.", labelNames: ["topic"] });
    const second = gauge({ name: "test_shared", help: "Shared.", labelNames: ["topic"] });
    expect(second).toBe(first);
    first.set({ topic: "a" }, 2);
    second.inc({ topic: "a" });
    expect(await metricsText()).toContain('odzew_test_shared{topic="a"} 3');
    expect(() => counter({ name: "test_shared", help: "Shared.", labelNames: ["topic"] })).toThrow(/already registered/);
    expect(() => gauge({ name: "test_shared", help: "Shared.", labelNames: ["partition"] })).toThrow(/other labels/);
  });

  it("observes durations in a histogram with buckets", async () => {
    const duration = histogram({ name: "test_duration_seconds", help: "Durations.", labelNames: ["stage"], buckets: [0.1, 1] });
    duration.observe({ stage: "enrich" }, 0.5);
    const text = await metricsText();
    expect(text).toContain('odzew_test_duration_seconds_bucket{le="0.1",stage="enrich"} 0');
    expect(text).toContain('odzew_test_duration_seconds_bucket{le="1",stage="enrich"} 1');
    expect(text).toContain('odzew_test_duration_seconds_count{stage="enrich"} 1');
  });
});

describe("health server", () => {
  it("serves /healthz, /readyz and /metrics with what the process counted", async () => {
    let ready = false;
    const health = await startHealthServer({ port: 0, ready: () => ready, logger });
    try {
      const base = `http://127.0.0.1:${health.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ready: true });

      counter({ name: "test_jobs_total", help: "Jobs.", labelNames: ["source"] }).inc({ source: "ceneo-tv" }, 2);
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(METRICS_CONTENT_TYPE);
      const text = await response.text();
      expect(text).toContain("# HELP odzew_test_jobs_total Jobs.");
      expect(text).toContain('odzew_test_jobs_total{source="ceneo-tv"} 2');
      expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(404);
      expect((await fetch(`${base}/nothing`)).status).toBe(404);
    } finally {
      await health.stop();
    }
  });
});
