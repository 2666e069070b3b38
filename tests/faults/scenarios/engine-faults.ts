import { performance } from "node:perf_hooks";
import { sleep } from "@odzew/core";
import { publish, totalHigh } from "@odzew/kafka";
import { compareIds, documentsPerId, metricValue, startEngineProxy, stackEnv, waitFor, type BulkFault } from "@odzew/testing";
import { createFaultWorld, figure, loadMentions, publishMentions, quiet, seconds, type Progress, type ScenarioResult } from "./common.ts";

/** A float the mapping cannot store (above 3.4e38): the engine refuses the document with a 400. */
const NOT_A_FLOAT = 1e39;

/**
 * The engine misbehaves under a running indexer (SEARCH_URL points at a fault proxy): 429s and
 * 503s on `_bulk`, closed connections, slow answers, a write block and a closed index through
 * the engine's own APIs, and documents the mapping truly refuses. Only the refused documents
 * may be dead-lettered; every other mention must be indexed once.
 */
export async function engineFaults(options: { mentionsPerPhase: number; progress?: Progress }): Promise<ScenarioResult> {
  const progress = options.progress ?? quiet;
  const proxy = await startEngineProxy(stackEnv().search.url);
  const world = await createFaultWorld("faults-engine");
  const findings: string[] = [];
  const figures: Record<string, string | number> = {};
  const month = "2026-10";
  const index = world.store.names.indexFor(`${month}-01T00:00:00Z`);
  const perPhase = options.mentionsPerPhase;
  let offset = 0;
  const batch = (count: number) => {
    const mentions = loadMentions(count, { month, offset, sourceId: "faults-engine" });
    offset += count;
    return mentions;
  };
  const raw = world.pipeline.topics.mentionsRaw;
  const admin = world.pipeline.kafka.admin();
  try {
    await world.service("enricher");
    const indexer = await world.service("indexer", { SEARCH_URL: proxy.url });
    const bulkItems = async (outcome: string) => metricValue(await (await fetch(`${indexer.healthUrl()}/metrics`)).text(), "odzew_indexer_bulk_items_total", { outcome }) ?? 0;
    const indexedCount = async (ids: string[]) => {
      const counts = await documentsPerId(world.engine, world.store.names.pattern);
      return ids.filter((id) => counts.has(id)).length;
    };
    const expected: string[] = [];
    const refused: string[] = [];
    await admin.connect();
    const enrichedCount = async () =>
      totalHigh(await admin.topicOffsets(world.pipeline.topics.mentionsEnriched));

    // 1. Passing refusals on _bulk: 429 (whole request and per item), 503, a dropped connection, a slow answer.
    const transient: BulkFault[] = [
      { kind: "status", status: 429 },
      { kind: "items", status: 429 },
      { kind: "status", status: 503 },
      { kind: "close" },
      { kind: "slow", delayMs: 3_000 },
      { kind: "items", status: 429 },
      { kind: "status", status: 429 },
      { kind: "status", status: 503 },
    ];
    proxy.inject(...transient);
    const first = batch(perPhase);
    expected.push(...first.map((mention) => mention.id));
    let phaseStart = performance.now();
    await publishMentions(world.pipeline.producer, raw, first);
    await waitFor("the first phase indexed", async () => (await indexedCount(expected)) === expected.length, { timeoutMs: 180_000, intervalMs: 500 }).catch((error: unknown) =>
      findings.push(`429/503/close/slow: ${String(error)}`),
    );
    figures["429/503/close/slow: indexed after"] = seconds(performance.now() - phaseStart);
    figures["faults injected"] = Object.entries(proxy.stats.injected)
      .map(([kind, count]) => `${kind}×${count}`)
      .join(" ");
    progress(`transient faults passed: ${figures["faults injected"]}`);

    // 2. A write block (index.blocks.write), lifted after the indexer met it a few times.
    // 3. A closed index, opened again after the same.
    const blocks: { name: string; on: () => Promise<unknown>; off: () => Promise<unknown> }[] = [
      {
        name: "write block",
        on: () => world.engine.request("PUT", `/${index}/_settings`, { "index.blocks.write": true }),
        off: () => world.engine.request("PUT", `/${index}/_settings`, { "index.blocks.write": false }),
      },
      {
        name: "closed index",
        on: () => world.engine.request("POST", `/${index}/_close`),
        off: () => world.engine.request("POST", `/${index}/_open`, undefined, { wait_for_active_shards: 1 }),
      },
    ];
    for (const block of blocks) {
      const mentions = batch(perPhase);
      await block.on();
      const bulksBefore = proxy.stats.bulkRequests;
      const forwardedBefore = proxy.stats.forwarded;
      const deadBefore = await bulkItems("rejected");
      const enrichedBefore = await enrichedCount();
      phaseStart = performance.now();
      await publishMentions(world.pipeline.producer, raw, mentions);
      // The indexer meets the block (two bulk requests, or refusals counted), then it is lifted; an
      // indexer that waits without writing is fine too, so this wait is bounded and not a verdict.
      const retriedBefore = await bulkItems("retried");
      // First the phase's mentions must be enriched, so that the indexer holds them while blocked.
      await waitFor(`the ${block.name} phase enriched`, async () => (await enrichedCount()) >= enrichedBefore + mentions.length, { timeoutMs: 120_000, intervalMs: 200 }).catch(
        (error: unknown) => findings.push(`${block.name}: ${String(error)}`),
      );
      await waitFor(
        `the indexer to meet the ${block.name}`,
        async () => proxy.stats.bulkRequests >= bulksBefore + 2 || (await bulkItems("rejected")) > deadBefore || (await bulkItems("retried")) > retriedBefore,
        { timeoutMs: 10_000, intervalMs: 200 },
      ).catch(() => undefined);
      await sleep(2_000);
      figures[`${block.name}: bulk requests while blocked`] = proxy.stats.bulkRequests - bulksBefore;
      figures[`${block.name}: engine requests while blocked`] = proxy.stats.forwarded - forwardedBefore;
      figures[`${block.name}: items retried while blocked`] = (await bulkItems("retried")) - retriedBefore;
      figures[`${block.name}: held for`] = seconds(performance.now() - phaseStart);
      await block.off();
      const liftedAt = performance.now();
      const ids = mentions.map((mention) => mention.id);
      expected.push(...ids);
      // Settled: each mention indexed or dead-lettered by the indexer (today's behaviour for a block).
      await waitFor(
        `the mentions of the ${block.name} phase settled`,
        async () => (await indexedCount(ids)) + ((await bulkItems("rejected")) - deadBefore) >= ids.length,
        { timeoutMs: 120_000, intervalMs: 500 },
      ).catch((error: unknown) => findings.push(`${block.name}: ${String(error)}`));
      const got = await indexedCount(ids);
      figures[`${block.name}: indexed`] = `${got}/${ids.length}`;
      figures[`${block.name}: dead-lettered by the indexer`] = (await bulkItems("rejected")) - deadBefore;
      if (got === ids.length) figures[`${block.name}: all indexed after lifting`] = seconds(performance.now() - liftedAt);
      progress(`${block.name}: ${got}/${ids.length} indexed`);
    }

    // 4. Documents the mapping truly refuses, among good ones.
    const mixed = batch(perPhase).map((mention, position) =>
      position % 10 === 3 && mention.rating ? { ...mention, rating: { ...mention.rating, original: NOT_A_FLOAT } } : mention,
    );
    for (const mention of mixed) (mention.rating?.original === NOT_A_FLOAT ? refused : expected).push(mention.id);
    await publish(
      world.pipeline.producer,
      raw,
      mixed.map((mention) => ({ key: mention.id, value: mention })),
    );
    const goodOfMixed = mixed.filter((mention) => mention.rating?.original !== NOT_A_FLOAT).map((mention) => mention.id);
    await waitFor("the good mentions of the mixed batch indexed", async () => (await indexedCount(goodOfMixed)) === goodOfMixed.length, {
      timeoutMs: 120_000,
      intervalMs: 500,
    }).catch(() => undefined);

    // The verdict: every expected mention once, the dead letters exactly the refused ones.
    const letters = (await world.deadLetters(refused.length)).filter((letter) => letter.stage === "index");
    const lettered = new Set(letters.map((letter) => letter.original.key ?? ""));
    const check = compareIds(expected, await documentsPerId(world.engine, world.store.names.pattern));
    const wrongLetters = [...lettered].filter((key) => !refused.includes(key));
    const missedRefusals = refused.filter((id) => !lettered.has(id));
    const reasons = [...new Set(letters.map((letter) => `${letter.reason.code} ${letter.reason.message.split(":")[0]}`))];
    Object.assign(figures, {
      "mentions expected in the index": figure(check.expected),
      lost: check.lost.length,
      duplicated: check.duplicated.length,
      "refused by the mapping": refused.length,
      "dead letters": letters.length,
      "dead letters not refused by the mapping": wrongLetters.length,
      "refusals not dead-lettered": missedRefusals.length,
      "dead-letter reasons": reasons.join("; ") || "none",
    });
    if (check.lost.length > 0) findings.push(`${check.lost.length} mentions lost (not in the index)`);
    if (check.duplicated.length > 0) findings.push(`${check.duplicated.length} mentions indexed twice`);
    if (wrongLetters.length > 0) findings.push(`${wrongLetters.length} mentions dead-lettered that the mapping accepts (${reasons.join("; ")})`);
    if (missedRefusals.length > 0) findings.push(`${missedRefusals.length} refused mentions not on the dead-letter topic`);
    if (check.unexpected.length > 0) findings.push(`${check.unexpected.length} documents in the index that should not be there (refused or never produced)`);
    if (indexer.crashes.length > 0) findings.push(`the indexer exited ${indexer.crashes.length} times`);
    return {
      scenario: "engine faults (proxy + engine APIs)",
      load: `${figure(offset)} mentions in 4 phases`,
      figures,
      pass: findings.length === 0,
      findings,
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
    // A test that failed half-way must not leave the index blocked or closed.
    await world.engine.request("POST", `/${index}/_open`).catch(() => undefined);
    await world.engine.request("PUT", `/${index}/_settings`, { "index.blocks.write": false }).catch(() => undefined);
    await world.cleanup();
    await proxy.close();
  }
}
