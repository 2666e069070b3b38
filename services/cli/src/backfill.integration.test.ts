import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it as base } from "vitest";
import { sourceCursorSchema, type SourceCursor } from "@odzew/schema";
import { createTestPipeline, readTopic, runTs, startFixtureServer, stackEnv, type TestPipeline } from "@odzew/testing";

/** Each test: its own topics (prefix) and its own review site on loopback. */
const it = base.extend<{ pipeline: TestPipeline; site: Awaited<ReturnType<typeof reviewSite>> }>({
  // eslint-disable-next-line no-empty-pattern
  pipeline: async ({}, use) => {
    const pipeline = await createTestPipeline("backfill");
    await use(pipeline);
    await pipeline.cleanup();
  },
  // eslint-disable-next-line no-empty-pattern
  site: async ({}, use) => {
    const site = await reviewSite();
    await use(site);
    await site.close();
  },
});

/** A shop's review page; `answer` switches it to a changed layout or to refusing us. */
async function reviewSite() {
  const state = { answer: "reviews" as "reviews" | "new-layout" | "forbidden" };
  const server = await startFixtureServer((_request, response) => {
    if (state.answer === "forbidden") return response.writeHead(403).end("Forbidden");
    const items =
      state.answer === "reviews"
        ? ["r3", "r2", "r1"].map((id, index) => `<div class="opinia" data-id="${id}"><p>Opinia ${id}: paczka dotarła na czas.</p><time datetime="2026-11-2${5 - index}T12:00:00.000Z"></time></div>`)
        : ["r3", "r2", "r1"].map((id) => `<section class="review-card" data-review="${id}"><span>Opinia ${id}</span></section>`);
    return response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<html><body>${items.join("")}</body></html>`);
  });
  return { ...server, state };
}

async function backfillRun(pipeline: TestPipeline, siteUrl: string) {
  const dir = await mkdtemp(join(tmpdir(), "odzew-backfill-"));
  const file = join(dir, "sources.yaml");
  await writeFile(
    file,
    [
      "sources:",
      "  - id: shop",
      "    type: html",
      '    schedule: "0 0 1 1 *"',
      `    url: ${siteUrl}/opinie`,
      "    lang: pl",
      "    network: { allowPrivate: true }",
      '    selectors: { item: div.opinia, id: "@data-id", text: p, date: "time@datetime" }',
      "",
    ].join("\n"),
  );
  const run = runTs("services/cli/src/index.ts", ["backfill", "shop"], {
    KAFKA_BROKERS: stackEnv().brokers.join(","),
    ODZEW_TOPIC_PREFIX: pipeline.prefix,
    ODZEW_SOURCES_FILE: file,
    COLLECTOR_MIN_INTERVAL_MS: "0",
  });
  return { code: await run.exited, stdout: run.stdout(), stderr: run.stderr() };
}

/** The newest cursor of the source on the cursors topic, once `count` cursors of it are there (the table's own markers aside). */
async function cursorAfter(pipeline: TestPipeline, count: number): Promise<SourceCursor> {
  const messages = (await readTopic(pipeline.kafka, pipeline.topics.collectCursors)).filter((message) => message.key === "shop");
  expect(messages).toHaveLength(count);
  return sourceCursorSchema.parse(messages.at(-1)?.value);
}

it("raises the layout alert like the collector: a page that loads fine with none of its items any more", async ({ pipeline, site }) => {
  const first = await backfillRun(pipeline, site.url);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toContain("backfill shop: 3 mentions delivered (3 not seen before)");
  expect(first.stderr).not.toContain("source health alert");
  expect((await cursorAfter(pipeline, 1)).health).toMatchObject({ maxParsed: 3, consecutiveFailures: 0 });

  site.state.answer = "new-layout";
  const second = await backfillRun(pipeline, site.url);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stdout).toContain("backfill shop: 0 mentions delivered");
  expect(second.stdout).toContain("source health alert LAYOUT_CHANGED");
  expect(second.stderr).toContain("source health alert for shop (LAYOUT_CHANGED): the source returned up to 3 items per poll before and now none");
  const cursor = await cursorAfter(pipeline, 2);
  expect(cursor.health.alert).toMatchObject({ code: "LAYOUT_CHANGED" });
  expect(cursor.seen).toEqual(["r3", "r2", "r1"]);
});

it("counts a failed backfill in the source's health, and raises BLOCKED when the source keeps refusing", async ({ pipeline, site }) => {
  site.state.answer = "forbidden";
  const first = await backfillRun(pipeline, site.url);
  expect(first.code).toBe(1);
  expect(first.stderr).toContain("HTTP 403");
  expect((await cursorAfter(pipeline, 1)).health).toMatchObject({ consecutiveFailures: 1, httpErrors: 1 });

  const second = await backfillRun(pipeline, site.url);
  expect(second.code).toBe(1);
  expect(second.stderr).toContain("source health alert for shop (BLOCKED): the source answered HTTP 403 2 times in a row");
  const cursor = await cursorAfter(pipeline, 2);
  expect(cursor.health).toMatchObject({ consecutiveFailures: 2, httpErrors: 2, alert: { code: "BLOCKED" } });
});
