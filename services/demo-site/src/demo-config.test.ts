import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { createLogger } from "@odzew/core";
import { loadSourcesFile } from "@odzew/config";
import type { HtmlSourceConfig } from "@odzew/schema";
import { HttpClient, pollSource, replyAdapterFor, replyCapability, type ReplyContext } from "@odzew/sources";
import { startDemoSite, type DemoSite } from "./site.ts";

/**
 * The demo as shipped: config/demo/sources.yaml's html source (its selectors, its `reply:`
 * block) against the running demo shop, through the same reply adapter the responder uses and
 * the same poll the collector makes. The shop runs on a free port instead of 8088.
 */
const logger = createLogger({ service: "demo-config-test", level: "silent" });
const TOKEN = "demo-config-test-token-0123456789";
let shop: DemoSite;
let source: HtmlSourceConfig;
const http = new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, timeoutMs: 5_000 });

const context = (token: string | null = TOKEN): ReplyContext => ({
  http,
  secret: (name) => (name === "DEMO_SITE_REPLY_TOKEN" ? (token ?? undefined) : undefined),
  now: new Date(),
});
const poll = async () => (await pollSource(source, { http, seen: new Set(), mode: "backfill", now: new Date(), secret: () => undefined })).mentions;

beforeAll(async () => {
  shop = await startDemoSite({ port: 0, logger, newReviewEveryMs: 0, replyToken: TOKEN });
  const { sources } = await loadSourcesFile(fileURLToPath(new URL("../../../config/demo/sources.yaml", import.meta.url)));
  const demo = sources.find((candidate) => candidate.id === "demo-zuraw");
  if (demo?.type !== "html" || !demo.reply) throw new Error("config/demo/sources.yaml: the demo-zuraw html source with a reply block is missing");
  const here = (url: string) => url.replace("http://127.0.0.1:8088", shop.url);
  source = { ...demo, url: here(demo.url), reply: { ...demo.reply, url: here(demo.reply.url) } };
});
afterAll(() => shop.stop());

describe("the demo shop with the demo configuration", () => {
  it("is answered by Odzew itself, up to the shop's 1000 characters", () => {
    expect(replyCapability(source)).toEqual({ canReply: true, maxLength: 1000, canDelete: true });
  });

  it("shows a reply posted through the reply adapter under its review, where the collector reads it back, line breaks and markup as written", async () => {
    const adapter = replyAdapterFor(source)!;
    const review = shop.reviews().find((candidate) => candidate.author === "Grzegorz Żak")!;
    const text = "Dzień dobry, Panie Grzegorzu,\nprzykro nam z powodu <albumu> & okładki.\n\nReklamację rozpatrzymy w 3 dni.";

    expect(await adapter.current(source, review.id, context())).toBeUndefined();
    const posted = await adapter.post(source, review.id, text, context());
    expect(posted.text).toBe(text);
    expect(await adapter.current(source, review.id, context())).toEqual(posted);

    const read = (await poll()).find((mention) => mention.nativeId === review.id);
    expect(read?.reply).toEqual({ text, publishedAt: new Date(posted.updatedAt!).toISOString() });
    // The review's own fields are still the review's.
    expect(read).toMatchObject({ text: review.text, author: { name: "Grzegorz Żak" }, rating: { value: 1 } });
    expect((await poll()).filter((mention) => mention.reply)).toHaveLength(1);

    await adapter.remove(source, review.id, context());
    expect(await adapter.current(source, review.id, context())).toBeUndefined();
    expect((await poll()).find((mention) => mention.nativeId === review.id)?.reply).toBeUndefined();
  });

  it("passes on the shop's refusals in its own words, never the token", async () => {
    const adapter = replyAdapterFor(source)!;
    const id = shop.reviews()[0]!.id;
    // Over the configured limit: refused before anything reaches the shop.
    await expect(adapter.post(source, id, "x".repeat(1001), context())).rejects.toMatchObject({
      code: "REPLY_REJECTED",
      retryable: false,
      message: expect.stringContaining("accepts at most 1000: shorten it by 1 character"),
    });
    // A source configured with a looser limit than the shop's: the shop refuses, in its words.
    const loose = { ...source, reply: { ...source.reply!, maxLength: 5000 } };
    await expect(adapter.post(loose, id, "x".repeat(1001), context())).rejects.toMatchObject({
      code: "REPLY_REJECTED",
      retryable: false,
      message: expect.stringContaining("najwyżej 1000 znaków"),
    });
    const wrong = adapter.post(source, id, "Dziękujemy", context("not-the-demo-token-0123456789"));
    await expect(wrong).rejects.toMatchObject({ code: "REPLY_AUTH", message: expect.stringContaining("DEMO_SITE_REPLY_TOKEN") });
    await expect(wrong).rejects.not.toMatchObject({ message: expect.stringContaining("not-the-demo-token") });
    await expect(adapter.post(source, "r-9999", "Dziękujemy", context())).rejects.toMatchObject({
      code: "REPLY_NOT_FOUND",
      message: expect.stringContaining("Nie ma takiej opinii"),
    });
    await expect(adapter.post(source, id, "Dziękujemy", context(null))).rejects.toMatchObject({ code: "REPLY_NOT_CONFIGURED" });
    expect(shop.reviews().filter((review) => review.reply)).toEqual([]);
  });

  it("reads a stars-only review of the shop as a review with no text", async () => {
    const published = shop.publish({ author: "Anna K.", rating: 5 });
    const read = (await poll()).find((mention) => mention.nativeId === published.id);
    expect(read).toMatchObject({ text: "", rating: { value: 5 }, author: { name: "Anna K." }, lang: "pl" });
    expect(read).not.toHaveProperty("title");
  });
});
