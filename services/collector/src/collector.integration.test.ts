import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sourcesFileSchema, type RawMention, type SourceConfig } from "@odzew/schema";
import { HttpClient } from "@odzew/sources";
import {
  createTestPipeline,
  readTopic,
  runService,
  stackEnv,
  startFixtureServer,
  waitFor,
  type FixtureRequest,
  type TestPipeline,
} from "@odzew/testing";
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

const rawKeys = async (pipeline: TestPipeline) =>
  (await readTopic(pipeline.kafka, pipeline.topics.mentionsRaw)).map((message) => (message.value as RawMention).nativeId);

describe("scheduler and two collectors on the real broker", () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await createTestPipeline("collect");
  });
  afterAll(async () => {
    await pipeline?.cleanup();
  });

  it("delivers every review once, then costs one request per source when nothing is new", async () => {
    const [shopA, shopB] = [await reviewSite("alfa", 7), await reviewSite("beta", 5)];
    const sources = [htmlSource("shop-alfa", shopA.url), htmlSource("shop-beta", shopB.url)];
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
          http: new HttpClient({ logger: pipeline.logger, minIntervalMsPerHost: 0 }),
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
      await waitFor("all 12 reviews on the raw topic", async () => (await rawKeys(pipeline)).length >= 12);
      const first = await rawKeys(pipeline);
      expect(first.sort()).toEqual([...shopA.reviews, ...shopB.reviews].map((review) => review.id).sort());

      const before = [shopA.requests.length, shopB.requests.length];
      expect(before).toEqual([2, 1]);
      await Promise.all(sources.map((source) => scheduler.requestNow(source.id, "schedule")));
      await waitFor("the second poll of both sources", () => shopA.requests.length > before[0]! && shopB.requests.length > before[1]!);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect([shopA.requests.length - before[0]!, shopB.requests.length - before[1]!]).toEqual([1, 1]);

      shopA.add("alfa-new");
      await scheduler.requestNow("shop-alfa", "schedule");
      await waitFor("the new review", async () => (await rawKeys(pipeline)).includes("alfa-new"));
      const after = await rawKeys(pipeline);
      expect(after).toHaveLength(13);
      expect(after.filter((id) => id === "alfa-new")).toHaveLength(1);

      // The shop redesigns its page: a 200 with no review on it is an alert, not "nothing new".
      shopB.reviews.splice(0);
      await scheduler.requestNow("shop-beta", "schedule");
      const alert = await waitFor("a layout alert for shop-beta", async () => {
        const table = collectors.map(({ collector }) => collector.cursor("shop-beta"));
        return table.find((cursor) => cursor?.health.alert)?.health.alert;
      });
      expect(alert.code).toBe("LAYOUT_CHANGED");
    } finally {
      for (const { collector, transactionalProducer } of collectors) {
        await collector.stop();
        await transactionalProducer.disconnect();
      }
      await shopA.close();
      await shopB.close();
    }
  });

  it("loses nothing and doubles nothing when a collector is killed in the middle of a job", async () => {
    const kill = await createTestPipeline("collect-kill");
    const shop = await reviewSite("gamma", 12, { slowPage: 2, delayMs: 4_000 });
    const dir = await mkdtemp(join(tmpdir(), "odzew-collect-"));
    const file = join(dir, "sources.yaml");
    await writeFile(
      file,
      `sources:\n  - id: shop-gamma\n    type: html\n    schedule: "*/3 * * * * *"\n    url: ${shop.url}/opinie\n    selectors: { item: div.opinia, id: "@data-id", text: p, date: time@datetime, nextPage: a.dalej@href }\n`,
    );
    const env = (name: string) => ({
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      ODZEW_TOPIC_PREFIX: kill.prefix,
      ODZEW_SOURCES_FILE: file,
      COLLECTOR_GROUP_ID: `${kill.prefix}-collectors`,
      COLLECTOR_MIN_INTERVAL_MS: "0",
      COLLECTOR_USER_AGENT: `OdzewTest/${name}`,
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
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const scheduler = runService("scheduler", env("scheduler"));
    try {
      await waitFor("a collector killed mid-job", () => killed, { timeoutMs: 60_000 });
      await waitFor("all 12 reviews delivered by the survivor", async () => (await rawKeys(kill)).length >= 12, { timeoutMs: 90_000 });
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const delivered = await rawKeys(kill);
      expect(delivered.sort()).toEqual(shop.reviews.map((review) => review.id).sort());
    } finally {
      await scheduler.stop();
      await Promise.all(Object.values(collectors).map((collector) => collector.stop()));
      await shop.close();
      await kill.cleanup();
    }
  });
});
