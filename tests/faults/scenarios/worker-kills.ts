import { performance } from "node:perf_hooks";
import { seededRandom, sleep } from "@odzew/core";
import { compareIds, documentsPerId, waitFor } from "@odzew/testing";
import { createFaultWorld, figure, loadMentions, publishMentions, quiet, seconds, type Progress, type ScenarioResult } from "./common.ts";

/**
 * kill -9 the enricher and the indexer, alternately and at random moments, while mentions
 * stream in; each is started again at once. Every mention must end up in the index exactly
 * once, and nothing may be dead-lettered.
 */
export async function workerKills(options: { mentions: number; kills: number; seed?: number; progress?: Progress }): Promise<ScenarioResult> {
  const progress = options.progress ?? quiet;
  const random = seededRandom(options.seed ?? 8_015);
  const world = await createFaultWorld("faults-kills");
  const findings: string[] = [];
  try {
    const mentions = loadMentions(options.mentions);
    const enricher = await world.service("enricher");
    const indexer = await world.service("indexer");
    // The load comes in as many shares as there are kills: share k is published after kill k-1
    // (its restart included), and kill k falls while share k is being published, after a random
    // part of it (20–80 %) is out: every kill hits the workers with mentions in flight.
    const chunk = 100;
    const chunks = Math.ceil(mentions.length / chunk);
    const shareOf = (index: number) => Math.floor((index * options.kills) / chunks);
    /** The chunk of each share after which its kill falls. */
    const triggerOf = Array.from({ length: options.kills }, (_, share) => {
      const members = Array.from({ length: chunks }, (_, index) => index).filter((index) => shareOf(index) === share);
      return members[Math.floor(members.length * (0.2 + 0.6 * random()))] ?? -1;
    });
    let killsDone = 0;
    let sharesOut = 0;
    let producedCount = 0;
    let producedAtLastKill = 0;
    let indexedAtLastKill = 0;
    const producing = (async () => {
      for (let index = 0; index < chunks; index++) {
        while (killsDone < shareOf(index)) await sleep(50);
        await publishMentions(world.pipeline.producer, world.pipeline.topics.mentionsRaw, mentions.slice(index * chunk, (index + 1) * chunk));
        producedCount = Math.min(mentions.length, (index + 1) * chunk);
        if (index === triggerOf[shareOf(index)]) sharesOut = shareOf(index) + 1;
      }
    })().catch((error: unknown) => void findings.push(`producing failed: ${String(error)}`));

    let lastKillAt = performance.now();
    const restartTimes: number[] = [];
    for (let kill = 0; kill < options.kills; kill++) {
      const victim = kill % 2 === 0 ? enricher : indexer;
      const shareDeadline = performance.now() + 120_000;
      while (sharesOut <= kill && performance.now() < shareDeadline) await sleep(20);
      lastKillAt = performance.now();
      await victim.kill9();
      if (kill === options.kills - 1) {
        // How much of the load was still on its way when the last kill fell.
        producedAtLastKill = producedCount;
        indexedAtLastKill = (await documentsPerId(world.engine, world.store.names.pattern)).size;
      }
      // A supervisor starts it again; a start that fails is a finding, and is tried again.
      for (let attempt = 1; ; attempt++) {
        try {
          await victim.restart();
          break;
        } catch (error) {
          findings.push(`${victim.name} did not start again after kill ${kill + 1} (attempt ${attempt}): ${String(error).slice(0, 300)}`);
          if (attempt >= 3) throw error;
          await sleep(2_000);
        }
      }
      restartTimes.push(performance.now() - lastKillAt);
      killsDone++;
      progress(`kill ${kill + 1}/${options.kills}: ${victim.name} killed and ready again in ${seconds(performance.now() - lastKillAt)}`);
    }
    await producing;

    const expected = mentions.map((mention) => mention.id);
    let indexed = new Map<string, number>();
    try {
      await waitFor(
        `${mentions.length} mentions indexed`,
        async () => {
          indexed = await documentsPerId(world.engine, world.store.names.pattern);
          return indexed.size >= mentions.length;
        },
        { timeoutMs: Math.max(120_000, mentions.length * 10), intervalMs: 500 },
      );
    } catch (error) {
      findings.push(String(error));
    }
    const doneAt = performance.now();
    indexed = await documentsPerId(world.engine, world.store.names.pattern);
    const check = compareIds(expected, indexed);
    const letters = await world.deadLetters();
    const crashes = [...enricher.crashes, ...indexer.crashes];
    if (check.lost.length > 0) findings.push(`${check.lost.length} mentions never indexed (e.g. ${check.lost.slice(0, 3).join(", ")})`);
    if (check.duplicated.length > 0) findings.push(`${check.duplicated.length} mentions indexed more than once (e.g. ${check.duplicated.slice(0, 3).join(", ")})`);
    if (check.unexpected.length > 0) findings.push(`${check.unexpected.length} documents that were never produced`);
    if (letters.length > 0) findings.push(`${letters.length} dead letters, e.g. ${letters[0]?.reason.code}: ${letters[0]?.reason.message.slice(0, 200)}`);
    if (crashes.length > 0) findings.push(`${crashes.length} exits not caused by the test: ${crashes.map((crash) => `${crash.service} ${crash.code}`).join(", ")}`);
    const restartMean = restartTimes.reduce((sum, ms) => sum + ms, 0) / Math.max(1, restartTimes.length);
    return {
      scenario: "kill -9 enricher/indexer",
      load: `${figure(options.mentions)} mentions, ${options.kills} kills`,
      figures: {
        produced: figure(check.expected),
        documents: figure(check.documents),
        lost: check.lost.length,
        duplicated: check.duplicated.length,
        "dead letters": letters.length,
        "restart to ready (mean)": seconds(restartMean),
        "in flight at the last kill": `${figure(producedAtLastKill - indexedAtLastKill)} (${figure(producedAtLastKill)} produced, ${figure(indexedAtLastKill)} indexed)`,
        "drain after last kill": seconds(doneAt - lastKillAt),
      },
      pass: findings.length === 0,
      findings,
    };
  } finally {
    await world.cleanup();
  }
}
