import { performance } from "node:perf_hooks";
import { publishBytes } from "@odzew/kafka";
import { compareIds, documentsPerId, waitFor } from "@odzew/testing";
import { createFaultWorld, figure, loadMentions, quiet, seconds, type Progress, type ScenarioResult } from "./common.ts";

/** The kinds of poison a raw topic can carry, and the bytes of each. */
const POISON: Record<string, (n: number) => Buffer> = {
  "not-json": (n) => Buffer.from(`{"schemaVersion": 1, "id": "broken-${n}", `),
  "wrong-schema": (n) => Buffer.from(JSON.stringify({ schemaVersion: 1, id: `not-a-mention-${n}`, text: 42, source: "nowhere" })),
  binary: (n) => Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x9c, 0x80, n % 256, 0xc3, 0x28, 0xa0, 0xa1]),
  "huge-invalid": (n) => Buffer.from(JSON.stringify({ schemaVersion: 1, id: `huge-${n}`, text: "Zażółć gęślą jaźń. ".repeat(130) })),
  empty: () => Buffer.alloc(0),
};

/**
 * Poison on the raw topic, one in `every` messages of several kinds, then a burst of large
 * invalid messages: the workers must never exit, every poison message must reach the
 * dead-letter topic with its reason, and every good mention the index.
 */
export async function poisonMessages(options: { mentions: number; every: number; burst: number; progress?: Progress }): Promise<ScenarioResult> {
  const progress = options.progress ?? quiet;
  const world = await createFaultWorld("faults-poison");
  const findings: string[] = [];
  try {
    const enricher = await world.service("enricher");
    const indexer = await world.service("indexer");
    const good = loadMentions(options.mentions, { sourceId: "faults-poison" });
    const kinds = Object.keys(POISON);
    const messages: { key: string; value: Buffer; partition?: number }[] = [];
    const poisonKeys = new Map<string, string>();
    good.forEach((mention, index) => {
      messages.push({ key: mention.id, value: Buffer.from(JSON.stringify(mention)) });
      if ((index + 1) % options.every === 0) {
        const n = poisonKeys.size;
        const kind = kinds[n % kinds.length]!;
        const key = `poison-${kind}-${n}`;
        poisonKeys.set(key, kind);
        messages.push({ key, value: POISON[kind]!(n) });
      }
    });
    // The burst: large invalid messages back to back (2–3 KB each, together far over 1 MiB).
    for (let n = 0; n < options.burst; n++) {
      const key = `poison-burst-${n}`;
      poisonKeys.set(key, "burst");
      // All on one partition, so that one fetch (and one dead-letter send) carries them together.
      messages.push({ key, partition: 0, value: Buffer.from(JSON.stringify({ schemaVersion: 1, id: key, text: "x".repeat(2_000 + (n % 1_000)) })) });
    }
    const started = performance.now();
    const producer = world.pipeline.producer;
    // Small sends: the producer side is not under test here.
    for (let start = 0; start < messages.length; start += 200) {
      await publishBytes(producer, world.pipeline.topics.mentionsRaw, messages.slice(start, start + 200));
    }
    progress(`${figure(messages.length)} messages produced, ${poisonKeys.size} of them poison`);

    let letters: Awaited<ReturnType<typeof world.deadLetters>> = [];
    const settled = await waitFor(
      "every good mention indexed and every poison message dead-lettered",
      async () => {
        const indexed = await documentsPerId(world.engine, world.store.names.pattern);
        if (indexed.size < good.length) return false;
        letters = await world.deadLetters();
        return letters.length >= poisonKeys.size;
      },
      { timeoutMs: Math.max(90_000, messages.length * 10), intervalMs: 2_000 },
    )
      .then(() => true)
      .catch((error: unknown) => (findings.push(String(error)), false));
    const settledMs = performance.now() - started;
    letters = await world.deadLetters();
    const check = compareIds(
      good.map((mention) => mention.id),
      await documentsPerId(world.engine, world.store.names.pattern),
    );
    const byKey = new Map(letters.map((letter) => [letter.original.key ?? "", letter]));
    const missing = [...poisonKeys.keys()].filter((key) => !byKey.has(key));
    const withoutReason = letters.filter((letter) => letter.reason.message.trim().length === 0);
    const goodLettered = letters.filter((letter) => !poisonKeys.has(letter.original.key ?? ""));
    const crashes = [...enricher.crashes, ...indexer.crashes];
    const missingByKind = new Map<string, number>();
    for (const key of missing) missingByKind.set(poisonKeys.get(key)!, (missingByKind.get(poisonKeys.get(key)!) ?? 0) + 1);
    if (crashes.length > 0) {
      findings.push(
        `${crashes.length} worker exits: ${crashes
          .slice(0, 3)
          .map((crash) => `${crash.service} exit ${crash.code}: ${(/"msg":"([^"]{0,200})/.exec(crash.stderr)?.[1] ?? crash.stderr.slice(-200)).trim()}`)
          .join(" | ")}`,
      );
    }
    if (missing.length > 0) findings.push(`${missing.length} poison messages not on the dead-letter topic (${[...missingByKind].map(([kind, n]) => `${kind}: ${n}`).join(", ")})`);
    if (withoutReason.length > 0) findings.push(`${withoutReason.length} dead letters without a reason`);
    if (goodLettered.length > 0) findings.push(`${goodLettered.length} good mentions dead-lettered`);
    if (check.lost.length > 0) findings.push(`${check.lost.length} good mentions not indexed`);
    if (check.duplicated.length > 0) findings.push(`${check.duplicated.length} mentions indexed twice`);
    return {
      scenario: "poison messages",
      load: `${figure(good.length)} mentions, 1 in ${figure(options.every)} poison (${kinds.join(", ")}), burst of ${figure(options.burst)} × 2–3 KB invalid`,
      figures: {
        "worker exits": crashes.length,
        "poison messages": poisonKeys.size,
        "dead-lettered with reason": [...poisonKeys.keys()].filter((key) => byKey.get(key)?.reason.message).length,
        "poison missing from the DLQ": missing.length,
        "good mentions lost": check.lost.length,
        duplicated: check.duplicated.length,
        "settled after": settled ? seconds(settledMs) : "never",
      },
      pass: findings.length === 0,
      findings,
    };
  } finally {
    await world.cleanup();
  }
}
