import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { metricsText } from "@odzew/core";
import { sourcesFileSchema, type RawMention, type SourceConfig } from "@odzew/schema";
import { HttpClient } from "@odzew/sources";
import {
  committedPast,
  metricValue,
  processMetric,
  readTopic,
  runService,
  stableGroupMembers,
  stackEnv,
  startFixtureServer,
  waitFor,
  type FixtureRequest,
  type TestPipeline,
} from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { createScheduler } from "../../scheduler/src/schedule.ts";
import { createCollector } from "./collect.ts";

interface Review {
  id: string;
  text: string;
  stars: number;
  date: string;
}

/** A review site as Polish shops run them: newest first, five a page, "?strona=N" pagination. */
async function reviewSite(name: string, count: number, options: { slowPage?: number; delayMs?: number } = {}) {
  const reviews: Review[] = Array.from({ length: count }, (_, index) => ({
    id: `${name}-${count - index}`,
    text: `Opinia ${count - index} o sklepie ${name}: zamówienie dotarło, obsługa odpowiedziała na pytania.`,
    stars: 1 + ((count - index) % 5),
    date: new Date(Date.UTC(2026, 10, 1 + (count - index) % 25, 12)).toISOString(),
  }));
  let onSlowPage: ((request: FixtureRequest) => void) | undefined;
  const server = await startFixtureServer(async (request, response) => {
    const page = Number(new URL(request.path, "http://x").searchParams.get("strona") ?? "1");
    if (options.slowPage === page) {
      onSlowPage?.(request);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
    }
    const shown = reviews.slice((page - 1) * 5, page * 5);
    const next = page * 5 < reviews.length ? `<a class="dalej" href="/opinie?strona=${page + 1}">dalej</a>` : "";
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
      `<html><body>${shown
        .map((review) => `<div class="opinia" data-id="${review.id}"><span class="ocena" data-ocena="${review.stars}"></span><p>${review.text}</p><time datetime="${review.date}"></time></div>`)
        .join("")}${next}</body></html>`,
    );
  });
  return {
    ...server,
    reviews,
    onSlowPage: (handler: (request: FixtureRequest) => void) => {
      onSlowPage = handler;
    },
    add(id: string) {
      reviews.unshift({ id, text: `Nowa opinia ${id}: paczka przyszła uszkodzona.`, stars: 1, date: new Date().toISOString() });
    },
  };
}

const htmlSource = (id: string, url: string, schedule = "0 0 1 1 *") =>
  sourcesFileSchema.parse({
    sources: [
      {
        id,
        type: "html",
        brands: ["zuraw"],
        schedule,
        url: `${url}/opinie`,
        lang: "pl",
        selectors: { item: "div.opinia", id: "@data-id", text: "p", date: "time@datetime", rating: "span.ocena@data-ocena", nextPage: "a.dalej@href" },
      },
    ],
  }).sources[0] as SourceConfig;

/** An App Store reviews feed and a news RSS feed, in their real formats, counting requests. */
async function feeds() {
  const appReviews = [3, 2, 1].map((n) => ({
    id: { label: `1100${n}` },
    author: { name: { label: `Użytkownik ${n}` }, uri: { label: `https://itunes.apple.com/pl/reviews/id${n}` } },
    "im:rating": { label: String(n + 2) },
    "im:version": { label: "4.2.0" },
    title: { label: `Aplikacja ${n}` },
    content: { label: `Zamawianie książek w aplikacji działa ${n === 1 ? "wolno" : "dobrze"}.`, attributes: { type: "text" } },
    updated: { label: `2026-11-2${n}T10:00:00-07:00` },
    link: { attributes: { rel: "related", href: "https://apps.apple.com/pl/app/id123" } },
  }));
  const rss = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wiadomości</title><language>pl-PL</language>
    <item><guid>news-2</guid><title>Księgarnie internetowe rosną</title><link>https://news.example.pl/2</link><description>Żuraw i inni.</description><pubDate>Tue, 24 Nov 2026 08:00:00 +0100</pubDate></item>
    <item><guid>news-1</guid><title>Rynek książki 2026</title><link>https://news.example.pl/1</link><description>Raport o sprzedaży.</description><pubDate>Mon, 23 Nov 2026 08:00:00 +0100</pubDate></item>
  </channel></rss>`;
  return startFixtureServer((request, response) => {
    if (request.path.startsWith("/rss")) return response.writeHead(200, { "content-type": "application/rss+xml" }).end(rss);
    const page = /page=(\d+)/.exec(request.path)?.[1];
    const body = page === "1" ? { feed: { entry: appReviews } } : { feed: {} };
    return response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
}

const rawKeys = async (pipeline: TestPipeline) =>
  (await readTopic(pipeline.kafka, pipeline.topics.mentionsRaw)).map((message) => (message.value as RawMention).nativeId);

describe("scheduler and two collectors on the real broker", () => {
  it("delivers every review once, then costs one request per source when nothing is new", async ({ pipeline }) => {
    const [shopA, shopB, other] = [await reviewSite("alfa", 7), await reviewSite("beta", 5), await feeds()];
    const extra = sourcesFileSchema.parse({
      sources: [
        { id: "app-ios", type: "app-store", appId: "123", countries: ["pl"], schedule: "0 0 1 1 *", baseUrl: other.url },
        { id: "news", type: "feed", url: `${other.url}/rss`, schedule: "0 0 1 1 *" },
      ],
    }).sources;
    const sources = [htmlSource("shop-alfa", shopA.url), htmlSource("shop-beta", shopB.url), ...extra];
    const otherRequests = (prefix: string) => other.requests.filter((request) => request.path.startsWith(prefix)).length;
    const groupId = `${pipeline.prefix}-collectors`;
    const { createTransactionalProducer } = await import("@odzew/kafka");
    const collectors = await Promise.all(
      ["a", "b"].map(async (name) => {
        const transactionalProducer = createTransactionalProducer(pipeline.kafka, `${groupId}-${name}`);
        await transactionalProducer.connect();
        const collector = createCollector({
          kafka: pipeline.kafka,
          producer: pipeline.producer,
          transactionalProducer,
          sources,
          // The fixture servers are on loopback.
          http: new HttpClient({ logger: pipeline.logger, minIntervalMsPerHost: 0, allowPrivateHosts: true }),
          topics: pipeline.topics,
          groupId,
          logger: pipeline.logger,
        });
        await collector.start();
        return { collector, transactionalProducer };
      }),
    );
    const scheduler = createScheduler({ sources, producer: pipeline.producer, topic: pipeline.topics.collectJobs, logger: pipeline.logger });
    try {
      await Promise.all(sources.map((source) => scheduler.requestNow(source.id, "manual")));
      await waitFor("all 17 mentions on the raw topic", async () => (await rawKeys(pipeline)).length >= 17);
      const first = await rawKeys(pipeline);
      expect(first.sort()).toEqual(
        [...shopA.reviews.map((review) => review.id), ...shopB.reviews.map((review) => review.id), "11001", "11002", "11003", "news-1", "news-2"].sort(),
      );

      // First polls: 2 + 1 pages of HTML, App Store pages 1 and 2 (empty), one feed.
      const counts = () => [shopA.requests.length, shopB.requests.length, otherRequests("/pl/"), otherRequests("/rss")];
      const before = counts();
      expect(before).toEqual([2, 1, 2, 1]);
      await Promise.all(sources.map((source) => scheduler.requestNow(source.id, "schedule")));
      // Every job done and committed (4 manual, 4 scheduled): no request of these polls is still to come.
      await waitFor("the 8 jobs handled", async () => (await processMetric("odzew_worker_messages_processed_total", { topic: pipeline.topics.collectJobs })) === 8);
      expect(counts().map((count, index) => count - before[index]!)).toEqual([1, 1, 1, 1]);

      shopA.add("alfa-new");
      await scheduler.requestNow("shop-alfa", "schedule");
      await waitFor("the new review", async () => (await rawKeys(pipeline)).includes("alfa-new"));
      const after = await rawKeys(pipeline);
      expect(after).toHaveLength(18);
      expect(after.filter((id) => id === "alfa-new")).toHaveLength(1);

      // The shop redesigns its page: a 200 with no review on it is an alert, not "nothing new".
      shopB.reviews.splice(0);
      await scheduler.requestNow("shop-beta", "schedule");
      const alert = await waitFor("a layout alert for shop-beta", async () => {
        const table = collectors.map(({ collector }) => collector.cursor("shop-beta"));
        return table.find((cursor) => cursor?.health.alert)?.health.alert;
      });
      expect(alert.code).toBe("LAYOUT_CHANGED");

      // The same, as Prometheus sees it (both collectors and the scheduler run in this process).
      const text = await metricsText();
      const collected = (source: string) => metricValue(text, "odzew_collector_mentions_collected_total", { source });
      expect([collected("shop-alfa"), collected("shop-beta"), collected("app-ios"), collected("news")]).toEqual([8, 5, 3, 2]);
      expect(metricValue(text, "odzew_collector_polls_total", { source: "shop-beta", outcome: "ok" })).toBe(3);
      expect(metricValue(text, "odzew_collector_polls_total", { outcome: "failed" })).toBe(0);
      expect(metricValue(text, "odzew_collector_http_errors_total")).toBe(0);
      expect(metricValue(text, "odzew_collector_requests_total", { source: "shop-alfa" })).toBe(2 + 1 + 1);
      expect(metricValue(text, "odzew_collector_source_alert", { source: "shop-beta", code: "LAYOUT_CHANGED" })).toBe(1);
      expect(metricValue(text, "odzew_collector_source_alert", { source: "shop-alfa" })).toBe(0);
      expect(metricValue(text, "odzew_scheduler_jobs_total", { source: "shop-alfa", reason: "schedule" })).toBe(2);
      expect(metricValue(text, "odzew_scheduler_jobs_total", { source: "shop-alfa", reason: "manual" })).toBe(1);
      expect(metricValue(text, "odzew_worker_messages_processed_total", { topic: pipeline.topics.collectJobs })).toBe(4 + 4 + 1 + 1);
    } finally {
      for (const { collector, transactionalProducer } of collectors) {
        await collector.stop();
        await transactionalProducer.disconnect();
      }
      await shopA.close();
      await shopB.close();
      await other.close();
    }
  });

  it("loses nothing and doubles nothing when a collector is killed in the middle of a job", async ({ pipeline: kill }) => {
    const shop = await reviewSite("gamma", 12, { slowPage: 2, delayMs: 4_000 });
    const dir = await mkdtemp(join(tmpdir(), "odzew-collect-"));
    const file = join(dir, "sources.yaml");
    await writeFile(
      file,
      `sources:\n  - id: shop-gamma\n    type: html\n    schedule: "*/3 * * * * *"\n    url: ${shop.url}/opinie\n    network: { allowPrivate: true }\n    selectors: { item: div.opinia, id: "@data-id", text: p, date: time@datetime, nextPage: a.dalej@href }\n`,
    );
    const env = (name: string) => ({
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      ODZEW_TOPIC_PREFIX: kill.prefix,
      ODZEW_SOURCES_FILE: file,
      COLLECTOR_GROUP_ID: `${kill.prefix}-collectors`,
      COLLECTOR_MIN_INTERVAL_MS: "0",
      COLLECTOR_USER_AGENT: `OdzewTest/${name}`,
      // Two collectors on one host: distinct instances, or each would fence the other.
      COLLECTOR_INSTANCE_ID: `collector-${name}`,
    });
    const collectors = { a: runService("collector", env("a")), b: runService("collector", env("b")) };
    let killed: string | undefined;
    shop.onSlowPage((request) => {
      const name = String(request.headers["user-agent"]).split("/")[1] as "a" | "b";
      if (!killed) {
        killed = name;
        collectors[name].child.kill("SIGKILL");
      }
    });
    // Both collectors are in the group before the first job arrives.
    await waitFor("both collectors in the group", async () => (await stableGroupMembers(kill.kafka, `${kill.prefix}-collectors`)) === 2, { timeoutMs: 60_000 });
    const scheduler = runService("scheduler", env("scheduler"));
    try {
      await waitFor("a collector killed mid-job", () => killed, { timeoutMs: 60_000 });
      await waitFor("all 12 reviews delivered by the survivor", async () => (await rawKeys(kill)).length >= 12, { timeoutMs: 90_000 });
      // Every job scheduled so far done and committed (the killed one's included): a double would be on the topic now.
      const jobs = await readTopic(kill.kafka, kill.topics.collectJobs, { minMessages: 1 });
      await waitFor("the survivor past every job so far", () => committedPast(kill.kafka, `${kill.prefix}-collectors`, kill.topics.collectJobs, jobs), { timeoutMs: 60_000 });
      const delivered = await rawKeys(kill);
      expect(delivered.sort()).toEqual(shop.reviews.map((review) => review.id).sort());
    } finally {
      await scheduler.stop();
      await Promise.all(Object.values(collectors).map((collector) => collector.stop()));
      await shop.close();
    }
  });
});
