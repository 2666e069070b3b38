import { afterEach, describe, expect } from "vitest";
import { createTopicTable, createTransactionalProducer, fenceEarlierIncarnations, publishAtomically, type Producer } from "@odzew/kafka";
import { sourceCursorSchema, sourcesFileSchema, type RawMention, type SourceConfig, type SourceCursor } from "@odzew/schema";
import { HttpClient } from "@odzew/sources";
import { metricsText } from "@odzew/core";
import { metricValue, readTopic, startFixtureServer, waitFor, type TestPipeline } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { createScheduler } from "../../scheduler/src/schedule.ts";
import { createCollector } from "./collect.ts";

/** What each test started, stopped after it in reverse order whatever happened. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/**
 * A review site as Polish shops run them: newest first, "?strona=N" pagination, in plain HTML.
 * `answer` may script a refusal (a 429 with Retry-After) or a slow page.
 */
async function reviewSite(name: string, count: number, pageSize: number, answer?: (page: number) => Promise<{ status: number; headers?: Record<string, string> } | undefined>) {
  let added = 0;
  const reviews: string[] = [];
  const add = (how: number) => {
    for (let index = 0; index < how; index++) reviews.unshift(`${name}-${++added}`);
  };
  add(count);
  const server = await startFixtureServer(async (request, response) => {
    const page = Number(new URL(request.path, "http://x").searchParams.get("strona") ?? "1");
    const refusal = await answer?.(page);
    if (refusal) return response.writeHead(refusal.status, refusal.headers ?? {}).end("Zbyt wiele zapytań");
    const shown = reviews.slice((page - 1) * pageSize, page * pageSize);
    const next = page * pageSize < reviews.length ? `<a class="dalej" href="/opinie?strona=${page + 1}">dalej</a>` : "";
    return response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
      `<html><body>${shown
        .map((id, index) => `<div class="opinia" data-id="${id}"><p>Opinia ${id}: przesyłka dotarła, wszystko w porządku.</p><time datetime="${new Date(Date.UTC(2026, 10, 20, 12, 0, 0) - index * 60_000).toISOString()}"></time></div>`)
        .join("")}${next}</body></html>`,
    );
  });
  cleanups.push(() => server.close());
  return { ...server, reviews, add, pages: (page: number) => server.requests.filter((request) => request.path.endsWith(`strona=${page}`) || (page === 1 && request.path === "/opinie")).length };
}

const htmlSource = (id: string, url: string, limits: Partial<SourceConfig["limits"]> = {}) =>
  sourcesFileSchema.parse({
    sources: [
      {
        id,
        type: "html",
        brands: ["zuraw"],
        schedule: "0 0 1 1 *",
        url: `${url}/opinie`,
        lang: "pl",
        selectors: { item: "div.opinia", id: "@data-id", text: "p", date: "time@datetime", nextPage: "a.dalej@href" },
        limits: { maxPages: 10, backfillPages: 20, maxItemsPerPoll: 1000, ...limits },
      },
    ],
  }).sources[0] as SourceConfig;

/** Collectors and raw-topic reads on one test's own topics (the `pipeline` fixture). */
const on = (pipeline: TestPipeline) => ({
  startCollector: (sources: SourceConfig[], group: string, name: string, http?: HttpClient) => startCollector(pipeline, sources, group, name, http),
  rawIds: (site: string, minMessages?: number) => rawIds(pipeline, site, minMessages),
});

async function startCollector(pipeline: TestPipeline, sources: SourceConfig[], group: string, name: string, http = new HttpClient({ logger: pipeline.logger, minIntervalMsPerHost: 0, allowPrivateHosts: true })) {
  const transactionalProducer = createTransactionalProducer(pipeline.kafka, `${pipeline.prefix}-${group}-${name}`);
  await transactionalProducer.connect();
  cleanups.push(() => transactionalProducer.disconnect());
  const collector = createCollector({
    kafka: pipeline.kafka,
    producer: pipeline.producer,
    transactionalProducer,
    sources,
    http,
    topics: pipeline.topics,
    groupId: `${pipeline.prefix}-${group}`,
    logger: pipeline.logger,
  });
  await collector.start();
  cleanups.push(() => collector.stop());
  return collector;
}

/** The native ids on the raw topic of one site's reviews (they start with its name). */
async function rawIds(pipeline: TestPipeline, site: string, minMessages = 0): Promise<string[]> {
  let ids: string[] = [];
  await waitFor(`${minMessages} reviews of ${site} on the raw topic`, async () => {
    const messages = await readTopic(pipeline.kafka, pipeline.topics.mentionsRaw);
    ids = messages.map((message) => (message.value as RawMention).nativeId).filter((id) => typeof id === "string" && id.startsWith(`${site}-`));
    return ids.length >= minMessages;
  }, { timeoutMs: 60_000 });
  return ids;
}

describe("collector on the real broker: bursts, waits, long polls, fencing", () => {
  it("collects all 71 reviews that arrived between two polls, each once, although a poll reads 2 pages of 10", async ({ pipeline }) => {
    const { startCollector, rawIds } = on(pipeline);
    const shop = await reviewSite("delta", 30, 10);
    const source = htmlSource("shop-delta", shop.url, { maxPages: 2 });
    const collector = await startCollector([source], "burst", "a");
    const scheduler = createScheduler({ sources: [source], producer: pipeline.producer, topic: pipeline.topics.collectJobs, logger: pipeline.logger });
    const pollAfter = async (previous: SourceCursor | undefined) => {
      await scheduler.requestNow(source.id, "schedule");
      return waitFor("the poll's cursor", () => {
        const cursor = collector.cursor(source.id);
        return cursor && cursor.updatedAt !== previous?.updatedAt ? cursor : undefined;
      });
    };

    let cursor = await pollAfter(undefined); // the first poll backfills the 30 reviews there are
    expect(cursor.seen).toHaveLength(30);
    shop.add(71);
    const catchingUp: (SourceCursor["health"]["catchingUp"] | undefined)[] = [];
    for (let poll = 0; poll < 8 && (poll === 0 || cursor.resume); poll++) {
      cursor = await pollAfter(cursor);
      catchingUp.push(cursor.health.catchingUp);
    }
    // The first poll after the burst reads 20 and says a catch-up is running; three more close it.
    expect(catchingUp.map((progress) => progress?.pages)).toEqual([0, 2, 4, undefined]);
    expect(catchingUp[0]?.message).toMatch(/stopped at its limit/);
    expect(cursor.resume).toBeUndefined();
    const delivered = await rawIds("delta", 101);
    expect(delivered).toHaveLength(101);
    expect([...delivered].sort()).toEqual([...shop.reviews].sort());
  });

  it("does not sleep out a long Retry-After: skips the scheduled jobs before it and polls when it is over", async ({ pipeline }) => {
    const { startCollector, rawIds } = on(pipeline);
    let refusals = 1;
    const shop = await reviewSite("eta", 3, 10, async () => (refusals-- > 0 ? { status: 429, headers: { "retry-after": "12" } } : undefined));
    const source = htmlSource("shop-eta", shop.url);
    // The HTTP client waits out up to 10 s inside a poll; 12 s is the collector's business.
    const http = new HttpClient({ logger: pipeline.logger, minIntervalMsPerHost: 0, maxInPollRetryAfterMs: 10_000, allowPrivateHosts: true });
    const collector = await startCollector([source], "retry", "a", http);
    const cursors = createTopicTable({ kafka: pipeline.kafka, topic: pipeline.topics.collectCursors, schema: sourceCursorSchema, logger: pipeline.logger, producer: pipeline.producer });
    await cursors.start();
    cleanups.push(() => cursors.stop());
    const scheduler = createScheduler({ sources: [source], producer: pipeline.producer, topic: pipeline.topics.collectJobs, logger: pipeline.logger, cursors });
    await scheduler.start();
    cleanups.push(() => scheduler.stop());

    await scheduler.requestNow(source.id, "manual");
    const waiting = await waitFor("the wait on the cursor", () => {
      const cursor = collector.cursor(source.id);
      return cursor?.health.retryNotBefore ? cursor : undefined;
    });
    const refusedAt = Date.now();
    expect(waiting.health.lastError).toMatch(/HTTP 429.*asked us to wait 12 s/);
    expect(waiting.health.consecutiveFailures).toBe(1);
    expect(shop.requests).toHaveLength(1);

    // A scheduled tick in the meantime is skipped without a request.
    await scheduler.requestNow(source.id, "schedule");
    const handled = async () => metricValue(await metricsText(), "odzew_worker_messages_processed_total", { topic: pipeline.topics.collectJobs, group: `${pipeline.prefix}-retry` }) ?? 0;
    await waitFor("the scheduled job handled", async () => (await handled()) >= 2);
    expect(Date.now()).toBeLessThan(Date.parse(waiting.health.retryNotBefore ?? ""));
    expect(shop.requests).toHaveLength(1);
    const delivered = await rawIds("eta", 3);
    expect(delivered.sort()).toEqual([...shop.reviews].sort());
    expect(shop.requests).toHaveLength(2); // the refused one, then the retry job's
    const retried = collector.cursor(source.id);
    expect(retried?.health.retryNotBefore).toBeUndefined();
    expect(retried?.health.consecutiveFailures).toBe(0);
    expect(Date.parse(retried?.health.lastPollAt ?? "")).toBeGreaterThanOrEqual(Date.parse(waiting.health.retryNotBefore ?? "") - 2_000);
    expect(Date.now() - refusedAt).toBeGreaterThan(9_000);
  });

  it("heartbeats through a long poll and a page that takes 13 s: the collector keeps the job and every page is read once", async ({ pipeline }) => {
    const { startCollector, rawIds } = on(pipeline);
    const shop = await reviewSite("theta", 25, 5, async (page) => {
      await new Promise((resolve) => setTimeout(resolve, page === 3 ? 13_000 : 1_500)); // a slow source, one page very slow
      return undefined;
    });
    const source = htmlSource("shop-theta", shop.url);
    await startCollector([source], "slow", "a");
    await startCollector([source], "slow", "b");
    const scheduler = createScheduler({ sources: [source], producer: pipeline.producer, topic: pipeline.topics.collectJobs, logger: pipeline.logger });
    await scheduler.requestNow(source.id, "manual");
    // 19 s of work, 13 s of it in one request, against a 10 s session. Without heartbeats during
    // the request the group evicts the collector and the other one polls the same source again
    // from page 1 before the first poll ends.
    const delivered = await rawIds("theta", 25);
    expect([1, 2, 3, 4, 5].map((page) => shop.pages(page))).toEqual([1, 1, 1, 1, 1]);
    expect([...delivered].sort()).toEqual([...shop.reviews].sort());
  });

  it("a restarted collector, with the same stable transactional id, fences its previous incarnation at start-up", async ({ pipeline }) => {
    const id = `${pipeline.prefix}-fence-host-a`;
    const write = (producer: Producer, key: string) =>
      publishAtomically(producer, [{ topic: pipeline.topics.mentionsRaw, messages: [{ key, value: { from: key } }] }]);
    const zombie: Producer = createTransactionalProducer(pipeline.kafka, id);
    await zombie.connect();
    cleanups.push(() => zombie.disconnect());
    await write(zombie, "zombie-before");
    // The restart, as services/collector/src/index.ts does it; the old process is still alive.
    const restarted: Producer = createTransactionalProducer(pipeline.kafka, id);
    await restarted.connect();
    cleanups.push(() => restarted.disconnect());
    await fenceEarlierIncarnations(restarted);
    await expect(write(zombie, "zombie-after")).rejects.toThrow();
    await write(restarted, "restarted");
    const keys = await waitFor("both committed writes", async () => {
      const found = (await readTopic(pipeline.kafka, pipeline.topics.mentionsRaw)).map((message) => message.key ?? "").filter((key) => /^(zombie|restarted)/.test(key));
      return found.length >= 2 ? found : undefined;
    });
    expect(keys.sort()).toEqual(["restarted", "zombie-before"]);
  });
});
