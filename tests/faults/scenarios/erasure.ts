import { performance } from "node:perf_hooks";
import { sleep } from "@odzew/core";
import { publish } from "@odzew/kafka";
import { pseudonymiseAuthor } from "@odzew/nlp";
import { ALERT_SCHEMA_VERSION, alertSchema, teamSchema, topicNames, type RawMention } from "@odzew/schema";
import { documentsPerId, readTopic, runTs, waitFor } from "@odzew/testing";
import { createFaultWorld, loadMentions, publishMentions, quiet, seconds, startApiProcess, type Progress, type ScenarioResult } from "./common.ts";

const AUTHOR = "Bożena Wymazana-Kanarek";
const ANONYMOUS = ["Anonim", "A Google user", "Klient", ""];

/**
 * `odzew erase --author NAME --yes` on an author whose data sits everywhere Odzew keeps copies:
 * indexed mentions, a mention the engine refused (dead-lettered with its payload), a message
 * the enricher could not read, an alert that quotes one of her reviews; then her review is
 * collected again. Afterwards no topic, index, alert or export may hold her name or her
 * mentions, and anonymous placeholders must be refused.
 */
export async function erasure(options: { mentions?: number; compactionWaitMs?: number; progress?: Progress } = {}): Promise<ScenarioResult> {
  const progress = options.progress ?? quiet;
  const world = await createFaultWorld("faults-erase");
  const findings: string[] = [];
  const figures: Record<string, string | number> = {};
  const key = world.env.ODZEW_AUTHOR_KEY!;
  const pseudonym = pseudonymiseAuthor(AUTHOR, key);
  const cli = (args: string[]) => runTs("services/cli/src/index.ts", args, world.env);
  let api: Awaited<ReturnType<typeof startApiProcess>> | undefined;
  try {
    await world.service("enricher");
    await world.service("indexer");
    const others = loadMentions(options.mentions ?? 200, { sourceId: "faults-erase" });
    const hers: RawMention[] = loadMentions(6, { sourceId: "faults-erase", offset: 100_000 }).map((mention) => ({
      ...mention,
      author: { name: AUTHOR, profileUrl: "https://opinie.example.pl/u/bozena-kanarek" },
      text: `${mention.text} Pisze ${AUTHOR}.`,
    }));
    // One of hers the mapping refuses: it is dead-lettered with its whole payload.
    const refused = { ...hers[5]!, rating: { value: 1, original: 1e39, scaleMin: 1, scaleMax: 5 } };
    const anonymous = loadMentions(3, { sourceId: "faults-erase", offset: 200_000 }).map((mention) => ({ ...mention, author: { name: "Anonim" } }));
    await publishMentions(world.pipeline.producer, world.pipeline.topics.mentionsRaw, [...others, ...hers.slice(0, 5), refused, ...anonymous]);
    // One the enricher cannot read (a text over the limit): dead-lettered at the first stage.
    await publish(world.pipeline.producer, world.pipeline.topics.mentionsRaw, [
      { key: "erase-unreadable", value: { ...hers[0]!, id: "not-an-id", text: `${AUTHOR} `.repeat(10) } },
    ]);
    const herIds = hers.map((mention) => mention.id);
    const indexedIds = [...others, ...hers.slice(0, 5), ...anonymous].map((mention) => mention.id);
    await waitFor("every mention indexed", async () => {
      const counts = await documentsPerId(world.engine, world.store.names.pattern);
      return indexedIds.every((id) => counts.has(id));
    }, { timeoutMs: 120_000, intervalMs: 1_000 }).catch(async () => {
      const counts = await documentsPerId(world.engine, world.store.names.pattern);
      const missing = (list: RawMention[]) => list.filter((mention) => !counts.has(mention.id)).length;
      const letters = await world.deadLetters();
      throw new Error(
        `not every mention was indexed before the erasure: missing ${missing(others)} of ${others.length} others, ${missing(hers.slice(0, 5))} of 5 of hers, ` +
          `${missing(anonymous)} of ${anonymous.length} anonymous; dead letters: ${letters.map((letter) => `${letter.original.key} ${letter.reason.code}`).join(", ")}`,
      );
    });
    // The alerter quotes one of her reviews in an alert.
    const quoted = hers[1]!;
    await publish(world.pipeline.producer, world.pipeline.topics.alerts, [
      {
        key: `reach:${quoted.id}`,
        value: alertSchema.parse({
          schemaVersion: ALERT_SCHEMA_VERSION,
          key: `reach:${quoted.id}`,
          kind: "reach",
          status: "open",
          brand: "zuraw",
          source: quoted.source.id,
          message: `High reach: ${quoted.title}`,
          openedAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
          mentions: [{ id: quoted.id, source: quoted.source.id, title: quoted.title, text: quoted.text, url: quoted.url, publishedAt: quoted.publishedAt }],
          delivered: true,
        }),
      },
    ]);
    await waitFor("her refused mention dead-lettered", async () => (await world.deadLetters()).some((letter) => letter.original.key === refused.id), { timeoutMs: 60_000 });
    progress("her data is in the index, the topics, the dead letters and an alert; erasing");

    const started = performance.now();
    const run = cli(["erase", "--author", AUTHOR, "--yes"]);
    const code = await run.exited;
    figures["erase exit"] = code;
    figures["erase took"] = seconds(performance.now() - started);
    if (code !== 0) findings.push(`odzew erase exited ${code}: ${(run.stderr() || run.stdout()).slice(-400)}`);
    if (run.stdout().includes(AUTHOR) || run.stderr().includes(AUTHOR)) findings.push("odzew erase printed the author's name");
    progress(`odzew erase said: ${run.stdout().trim().split("\n").join(" | ").slice(0, 500)}`);

    // She is collected again later: the review must not come back.
    await publishMentions(world.pipeline.producer, world.pipeline.topics.mentionsRaw, [hers[2]!]);
    const marker = loadMentions(1, { sourceId: "faults-erase", offset: 300_000 });
    await publishMentions(world.pipeline.producer, world.pipeline.topics.mentionsRaw, marker);
    await waitFor("a later mention indexed (the re-collected one has passed)", async () => (await documentsPerId(world.engine, world.store.names.pattern)).has(marker[0]!.id), {
      timeoutMs: 60_000,
    }).catch((error: unknown) => findings.push(String(error)));

    // Copies on every topic of the run. A live copy is the latest record of its key (or a record
    // without a key): compaction never removes it. A superseded copy has a newer record (a
    // tombstone) and goes at the topic's next compaction, bounded by max.compaction.lag.ms.
    const topics = topicNames(world.pipeline.prefix);
    const scanTopics = async () => {
      const live: Record<string, number> = {};
      let superseded = 0;
      for (const [name, topic] of Object.entries(topics)) {
        const messages = await readTopic(world.pipeline.kafka, topic, { quietMs: 1_000, timeoutMs: 60_000 });
        const holds = (value: unknown) => {
          if (value === null) return false;
          const text = typeof value === "string" ? value : JSON.stringify(value);
          // The erasure record itself holds the pseudonym, by design (never the name).
          return text.includes(AUTHOR) || (name !== "erasures" && text.includes(pseudonym));
        };
        const latest = new Map<string, number>();
        messages.forEach((message, position) => {
          if (message.key !== null) latest.set(`${message.partition}:${message.key}`, position);
        });
        messages.forEach((message, position) => {
          if (!holds(message.value)) return;
          if (message.key === null || latest.get(`${message.partition}:${message.key}`) === position) live[name] = (live[name] ?? 0) + 1;
          else superseded++;
        });
      }
      return { live, superseded };
    };
    let copies = await scanTopics();
    const waitMs = options.compactionWaitMs ?? 30_000;
    const waitStart = performance.now();
    while (Object.keys(copies.live).length > 0 && performance.now() - waitStart < waitMs) {
      await sleep(5_000);
      copies = await scanTopics();
    }
    const liveCopies = Object.values(copies.live).reduce((sum, n) => sum + n, 0);
    figures["live topic copies"] = liveCopies;
    figures["superseded copies (until compaction)"] = copies.superseded;
    if (liveCopies > 0) {
      findings.push(
        `live copies on topics ${seconds(performance.now() - started)} after the erasure (the latest record of their key): ${Object.entries(copies.live)
          .map(([name, n]) => `${name} ${n}`)
          .join(", ")}`,
      );
    }

    const counts = await documentsPerId(world.engine, world.store.names.pattern);
    const inIndex = herIds.filter((id) => counts.has(id)).length;
    figures["index copies"] = inIndex;
    if (inIndex > 0) findings.push(`${inIndex} of her mentions still in the index`);
    const anonymousLeft = anonymous.filter((mention) => counts.has(mention.id)).length;

    api = await startApiProcess(world, [
      teamSchema.parse({ id: "ops", name: "Ops", keys: [{ env: "UNUSED" }], slice: {}, view: "full", actions: ["export", "alerts"] }),
    ]);
    const exported = await api.get("ops", "/export?format=ndjson");
    const alerts = await api.get("ops", "/alerts");
    const exportCopies = herIds.filter((id) => exported.text.includes(id)).length + (exported.text.includes(AUTHOR) ? 1 : 0);
    // An alert may keep its key (`reach:<mention id>`, an id, not her data); it must not quote her.
    const quotedIds: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (Array.isArray(record.mentions)) for (const entry of record.mentions) if (typeof (entry as { id?: unknown }).id === "string") quotedIds.push((entry as { id: string }).id);
        Object.values(record).forEach(walk);
      }
    };
    try {
      walk(JSON.parse(alerts.text));
    } catch {
      // not JSON: the text checks below still apply
    }
    const herTexts = [AUTHOR, ...hers.map((mention) => mention.text), ...hers.flatMap((mention) => (mention.url ? [mention.url] : []))];
    const alertCopies = quotedIds.filter((id) => herIds.includes(id)).length + herTexts.filter((text) => alerts.text.includes(text)).length;
    figures["export copies"] = exported.status === 200 ? exportCopies : `export answered ${exported.status}`;
    figures["alert copies (API)"] = alerts.status === 200 ? alertCopies : `alerts answered ${alerts.status}`;
    if (exportCopies > 0) findings.push(`the export still holds her data (${exportCopies})`);
    if (alertCopies > 0) findings.push(`GET /alerts still quotes her review (${alertCopies} quotes)`);

    // Anonymous placeholders: refused, and nothing erased.
    let accepted = 0;
    for (const name of ANONYMOUS) {
      const attempt = cli(["erase", "--author", name, "--yes"]);
      const exit = await attempt.exited;
      if (exit === 0) {
        accepted++;
        findings.push(`odzew erase --author "${name}" was accepted: ${attempt.stdout().slice(0, 200)}`);
      }
    }
    const afterAnonymous = await documentsPerId(world.engine, world.store.names.pattern);
    const anonymousErased = anonymous.filter((mention) => !afterAnonymous.has(mention.id)).length;
    figures["anonymous names refused"] = `${ANONYMOUS.length - accepted}/${ANONYMOUS.length}`;
    figures["anonymous mentions erased"] = anonymousErased + (anonymous.length - anonymousLeft);
    if (anonymousErased > 0 || anonymousLeft < anonymous.length) findings.push(`${anonymousErased + anonymous.length - anonymousLeft} mentions of anonymous authors erased`);
    return {
      scenario: "erasure",
      load: `1 author: ${hers.length} mentions (indexed, dead-lettered, unreadable, in an alert, re-collected) among ${others.length}; ${ANONYMOUS.length} anonymous names`,
      figures,
      pass: findings.length === 0,
      findings,
    };
  } finally {
    await api?.stop();
    await world.cleanup();
  }
}
