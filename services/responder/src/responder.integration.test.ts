import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, onTestFinished } from "vitest";
import { publish, type Kafka } from "@odzew/kafka";
import {
  htmlSourceSchema,
  replyCommandSchema,
  replyIdempotencyKey,
  replyReceiptSchema,
  workflowEventSchema,
  type ReplyCommand,
  type SourceConfig,
  type WorkflowEvent,
} from "@odzew/schema";
import { HttpClient } from "@odzew/sources";
import { committedPast, readTopic, stackEnv, superviseService, testLogger, waitFor, type TestPipeline } from "@odzew/testing";
import { stackTest as it } from "@odzew/testing/fixtures";
import { createResponder } from "./responder.ts";
import { startSiteFixture, type SiteFixture } from "./site-fixture.ts";

const TOKEN = "shop-reply-token-7d1e0a";
const TOKEN_ENV = "TEST_SHOP_REPLY_TOKEN";
const MENTION = "5f0c2a9e7b3d41c8a6e2f1b0c9d8e7a6";
const OTHER_MENTION = "a6e7d8c9b0f1e2a6c8d14e3b7e9a2c0f";

const shopSource = (site: SiteFixture, id = "sklep-zuraw"): SourceConfig =>
  htmlSourceSchema.parse({
    id,
    type: "html",
    brands: ["zuraw"],
    schedule: "0 0 1 1 *",
    url: `${site.url}/opinie`,
    selectors: { item: "div.opinia", id: "@data-id", text: "p", date: "time@datetime" },
    network: { allowPrivate: true },
    reply: { url: site.replyUrl, tokenEnv: TOKEN_ENV },
  });

const command = (overrides: Partial<ReplyCommand> = {}): ReplyCommand =>
  replyCommandSchema.parse({
    schemaVersion: 1,
    idempotencyKey: replyIdempotencyKey(overrides.mentionId ?? MENTION, 1, "post"),
    mentionId: MENTION,
    publishedAt: "2026-11-28T08:00:00.000Z",
    source: { id: "sklep-zuraw", type: "html" },
    nativeId: "op-1",
    operation: "post",
    version: 1,
    text: "Dziękujemy za opinię! Cieszymy się, że zamówienie dotarło na czas.",
    team: "obsluga",
    requestedBy: "ania",
    draftedBy: "ania",
    requestedAt: "2026-11-29T12:00:00.000Z",
    ...overrides,
  });

async function send(pipeline: TestPipeline, ...commands: ReplyCommand[]) {
  await publish(
    pipeline.producer,
    pipeline.topics.replies,
    commands.map((value) => ({ key: value.mentionId, value })),
  );
}

/** The workflow events on the topic, once at least `count` arrived. */
async function events(kafka: Kafka, topic: string, count: number): Promise<WorkflowEvent[]> {
  const records = await readTopic(kafka, topic, { minMessages: count, quietMs: 300 });
  return records.map((record) => workflowEventSchema.parse(record.value));
}

/** A responder of this test, in this process; stopped after the test. */
async function startResponder(pipeline: TestPipeline, sources: SourceConfig[]) {
  const logger = testLogger("responder");
  const responder = createResponder({
    kafka: pipeline.kafka,
    producer: pipeline.producer,
    topics: pipeline.topics,
    groupId: `${pipeline.prefix}-responder`,
    sources,
    http: new HttpClient({ logger, maxAttempts: 1, minIntervalMsPerHost: 0, timeoutMs: 5_000 }),
    secret: (name) => (name === TOKEN_ENV ? TOKEN : undefined),
    logger,
    retry: { backoffMs: 50, maxBackoffMs: 200 },
  });
  await responder.start();
  onTestFinished(() => responder.stop());
  return responder;
}

async function siteOf(reviewIds: string[] = ["op-1", "op-2"]) {
  const site = await startSiteFixture({ token: TOKEN, reviewIds });
  onTestFinished(() => site.close());
  return site;
}

describe("responder", () => {
  it("posts a reply once, records it, and does not post a redelivered command again", async ({ pipeline }) => {
    const site = await siteOf();
    // Commands wait on the outbox until a responder comes.
    await send(pipeline, command());
    await startResponder(pipeline, [shopSource(site)]);
    const [sent] = await events(pipeline.kafka, pipeline.topics.workflowEvents, 1);
    expect(sent).toMatchObject({
      type: "reply-sent",
      mentionId: MENTION,
      actor: "ania",
      team: "obsluga",
      reply: { version: 1, operation: "post", channel: "api", text: command().text, idempotencyKey: `${MENTION}:v1:post` },
    });
    expect(site.reply("op-1")?.text).toBe(command().text);

    // The same command again (a producer retry, an API that published twice): nothing is posted.
    await send(pipeline, command());
    const twice = await events(pipeline.kafka, pipeline.topics.workflowEvents, 2);
    expect(twice.map((event) => event.eventId)).toEqual([sent?.eventId, sent?.eventId]);
    expect(site.writes().map((request) => `${request.method} ${request.reviewId} ${request.status}`)).toEqual(["PUT op-1 200"]);

    const receipts = (await readTopic(pipeline.kafka, pipeline.topics.replyReceipts, { minMessages: 2, quietMs: 300 }))
      .filter((record) => !record.key?.startsWith("__odzew"))
      .map((record) => replyReceiptSchema.parse(record.value));
    expect(receipts.map((receipt) => receipt.state)).toEqual(["sending", "sent"]);
  });

  it("does not post again when the site answered 5xx after storing the reply: it asks first", async ({ pipeline }) => {
    const site = await siteOf();
    site.failNext("accept-then-5xx");
    await send(pipeline, command());
    await startResponder(pipeline, [shopSource(site)]);
    const [sent] = await events(pipeline.kafka, pipeline.topics.workflowEvents, 1);
    expect(sent).toMatchObject({ type: "reply-sent", reply: { text: command().text } });
    expect(site.requests.map((request) => `${request.method} ${request.status}`)).toEqual(["PUT 502", "GET 200"]);
  });

  it("looks again when the look at the store after a 5xx was itself refused, never posting blind", async ({ pipeline }) => {
    const site = await siteOf();
    site.failNext("accept-then-5xx");
    site.failNextRead("rate-limit");
    await send(pipeline, command());
    await startResponder(pipeline, [shopSource(site)]);
    const [sent] = await events(pipeline.kafka, pipeline.topics.workflowEvents, 1);
    expect(sent?.type).toBe("reply-sent");
    expect(site.requests.map((request) => `${request.method} ${request.status}`)).toEqual(["PUT 502", "GET 429", "GET 200"]);
  });

  it("retries a site that is down, asking before each new post, and posts once it is back", async ({ pipeline }) => {
    const site = await siteOf();
    site.failNext("unavailable", "rate-limit");
    await send(pipeline, command());
    await startResponder(pipeline, [shopSource(site)]);
    const [sent] = await events(pipeline.kafka, pipeline.topics.workflowEvents, 1);
    expect(sent?.type).toBe("reply-sent");
    // 503: unclear, so the reply is looked up before posting again; 429: nothing was taken, posted again after Retry-After.
    expect(site.requests.map((request) => `${request.method} ${request.status}`)).toEqual(["PUT 503", "GET 200", "PUT 429", "PUT 200"]);
  });

  it("records the site's refusal in its words, and a later retry of the same version succeeds", async ({ pipeline }) => {
    const site = await siteOf();
    site.failNext("reject");
    await send(pipeline, command());
    await startResponder(pipeline, [shopSource(site)]);
    const [failed] = await events(pipeline.kafka, pipeline.topics.workflowEvents, 1);
    expect(failed).toMatchObject({
      type: "reply-failed",
      eventId: `reply-failed:${MENTION}:v1:post:a0`,
      reply: { version: 1, error: { code: "REPLY_REJECTED", retryable: false, status: 400, message: expect.stringContaining("Odpowiedź zawiera niedozwolone słowa") } },
    });
    expect(site.reply("op-1")).toBeUndefined();

    // The agent edits nothing and retries: attempt 1, same idempotency key.
    await send(pipeline, command({ attempt: 1, requestedBy: "bartek" }));
    const all = await events(pipeline.kafka, pipeline.topics.workflowEvents, 2);
    expect(all[1]).toMatchObject({ type: "reply-sent", eventId: `reply-sent:${MENTION}:v1:post:a1`, actor: "bartek" });
    expect(site.writes().map((request) => `${request.method} ${request.status}`)).toEqual(["PUT 400", "PUT 200"]);
    expect(site.reply("op-1")?.text).toBe(command().text);
  });

  it("deletes a reply at the site, recorded as a reply-sent of operation delete", async ({ pipeline }) => {
    const site = await siteOf();
    const remove = command({ operation: "delete", text: undefined, idempotencyKey: replyIdempotencyKey(MENTION, 1, "delete"), requestedBy: "bartek" });
    await send(pipeline, command(), remove);
    await startResponder(pipeline, [shopSource(site)]);
    const [posted, deleted] = await events(pipeline.kafka, pipeline.topics.workflowEvents, 2);
    expect(posted).toMatchObject({ type: "reply-sent", reply: { operation: "post" } });
    expect(deleted).toMatchObject({ type: "reply-sent", actor: "bartek", reply: { version: 1, operation: "delete", idempotencyKey: `${MENTION}:v1:delete` } });
    expect(deleted?.reply?.text).toBeUndefined();
    expect(site.writes().map((request) => `${request.method} ${request.status}`)).toEqual(["PUT 200", "DELETE 204"]);
    expect(site.reply("op-1")).toBeUndefined();
  });

  it("fails a reply whose source is gone or has no reply endpoint, and keeps going", async ({ pipeline }) => {
    const site = await siteOf();
    const withoutEndpoint = htmlSourceSchema.parse({ ...shopSource(site, "sklep-bez-api"), reply: undefined });
    const gone = command({ source: { id: "stary-sklep", type: "html" } });
    const noApi = command({ mentionId: OTHER_MENTION, idempotencyKey: replyIdempotencyKey(OTHER_MENTION, 1, "post"), source: { id: "sklep-bez-api", type: "html" } });
    await send(pipeline, gone, noApi);
    await startResponder(pipeline, [shopSource(site), withoutEndpoint]);
    const failed = await events(pipeline.kafka, pipeline.topics.workflowEvents, 2);
    const byMention = new Map(failed.map((event) => [event.mentionId, event]));
    expect(byMention.get(MENTION)).toMatchObject({ type: "reply-failed", reply: { error: { code: "REPLY_NOT_CONFIGURED", message: expect.stringContaining("stary-sklep") } } });
    expect(byMention.get(OTHER_MENTION)).toMatchObject({ type: "reply-failed", reply: { error: { code: "REPLY_NOT_CONFIGURED", message: expect.stringContaining("reply endpoint") } } });
    expect(site.requests).toEqual([]);
  });

  it("posts a reply exactly once when the responder is killed -9 after the site stored it", async ({ pipeline }) => {
    const site = await siteOf();
    site.failNext("accept-then-hang");
    const dir = await mkdtemp(join(tmpdir(), "odzew-responder-"));
    const sourcesFile = join(dir, "sources.yaml");
    const repliesFile = join(dir, "replies.yaml");
    await writeFile(sourcesFile, JSON.stringify({ sources: [shopSource(site)] }));
    await writeFile(repliesFile, "templates: []\nrules: []\n");
    const service = await superviseService("responder", {
      KAFKA_BROKERS: stackEnv().brokers.join(","),
      SEARCH_URL: stackEnv().search.url,
      ODZEW_TOPIC_PREFIX: pipeline.prefix,
      ODZEW_INDEX_PREFIX: pipeline.prefix,
      ODZEW_SOURCES_FILE: sourcesFile,
      ODZEW_REPLIES_FILE: repliesFile,
      RESPONDER_GROUP_ID: `${pipeline.prefix}-responder`,
      RESPONDER_BACKOFF_MS: "100",
      [TOKEN_ENV]: TOKEN,
    });
    onTestFinished(() => service.stop());
    await service.ready();
    await send(pipeline, command());
    // The site has the reply and the responder waits for its answer: killed now, it never records the outcome.
    await waitFor("the site to store the reply", () => site.reply("op-1") !== undefined);
    await service.kill9();
    const queued = await readTopic(pipeline.kafka, pipeline.topics.replies, { minMessages: 1, quietMs: 100 });
    expect(await committedPast(pipeline.kafka, `${pipeline.prefix}-responder`, pipeline.topics.replies, queued)).toBe(false);
    expect(site.requests.map((request) => `${request.method} ${request.status}`)).toEqual(["PUT 0"]);

    await service.restart();
    const [sent] = await events(pipeline.kafka, pipeline.topics.workflowEvents, 1);
    expect(sent).toMatchObject({ type: "reply-sent", reply: { text: command().text } });
    expect(site.writes()).toHaveLength(1);
    expect(site.requests.map((request) => request.method)).toEqual(["PUT", "GET"]);
    const metrics = await (await fetch(`${service.healthUrl()}/metrics`)).text();
    expect(metrics).toContain('odzew_responder_unclear_checked_total{outcome="already-there"} 1');
    expect(service.crashes).toEqual([]);
    // SIGTERM: it stops taking work and exits cleanly.
    await service.stop();
    expect(await service.process().exited).toBe(0);
    // The token is in neither the logs nor the events.
    expect(service.process().stderr()).not.toContain(TOKEN);
    expect(JSON.stringify(sent)).not.toContain(TOKEN);
  });
});
