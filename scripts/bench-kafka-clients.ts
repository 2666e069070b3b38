/**
 * `pnpm bench kafka-clients [N]`: kafkajs, as Odzew uses it through `@odzew/kafka`, against
 * `@platformatic/kafka` 1.x (a maintained client; 1.x is the line that runs on Node 20) on the
 * pipeline's own messages and the local broker.
 *
 * The load: N enriched mentions as the enricher writes them (mention id keys, JSON values), built
 * once. Each run uses a fresh 3-partition topic and a fresh consumer group, both removed at the end.
 *
 * - Produce, the enricher's way: one publish per chunk of 500 mentions, each mention encoded with
 *   `encodeMessage`, sends split by bytes with `splitByBytes` (≤ 900 KB), idempotent producer,
 *   acks from all in-sync replicas, each send awaited. kafkajs goes through `publishEncoded`;
 *   platformatic gets the same sends through its own `Producer.send`.
 * - Consume, the indexer's way: a consumer group from the beginning, chunks of 500, each value
 *   JSON-parsed and checked against the enriched-mention schema, the offsets committed after each
 *   chunk, until all N are committed. kafkajs goes through `createBatchWorker` (the workers' loop);
 *   platformatic gets the same loop written on its `consume` stream and `message.commit()`.
 *
 * After an uncounted warm-up round (2,000 messages through each), clients alternate (kafkajs,
 * platformatic, kafkajs, platformatic) and every run is printed, so that the noise of a busy
 * machine shows; CPU seconds per 1,000 messages (this process, the broker) is the steadier figure.
 */
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import {
  Admin as PlatformaticAdmin,
  Consumer as PlatformaticConsumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  ProduceAcks,
  Producer as PlatformaticProducer,
  compatibilityPartitioner,
  type Message as PlatformaticMessage,
  type MessagesStream,
} from "@platformatic/kafka";
import { createLogger } from "@odzew/core";
import {
  createBatchWorker,
  createKafka,
  createProducer,
  deleteTopics,
  encodeMessage,
  ensureTopics,
  publishEncoded,
  splitByBytes,
  totalCommitted,
  type Kafka,
  type OutgoingMessage,
  type PartitionOffsets,
} from "@odzew/kafka";
import { createEnrichment, enrichMention } from "@odzew/nlp";
import { enrichedMentionSchema, type EnrichedMention } from "@odzew/schema";
import { sampleRawMention, stackEnv, waitFor } from "@odzew/testing";
import { loadBrandsFile } from "../packages/config/src/index.ts";
import { PHRASES } from "./bench-data.ts";
import { cpuMeter, stackPid } from "./cpu-time.ts";

const BRANDS_FILE = "config/demo/brands.yaml";
const AUTHOR_KEY = "bench-author-key-0123456789";
/** What the enricher hands to one publish, and the indexer's chunk: the workers' default chunk size. */
const CHUNK = 500;
const PARTITIONS = 3;
const CLIENTS = ["kafkajs", "platformatic"] as const;
type Client = (typeof CLIENTS)[number];

/** Wall time and CPU seconds (`bench`: this process; `broker`: the local Kafka) of one phase. */
interface Phase {
  seconds: number;
  cpu: Record<string, number>;
}

interface Run {
  client: Client;
  round: number;
  produce: Phase;
  /** From the group joined to every message committed; `joinSeconds` is the time to join before it. */
  consume: Phase & { joinSeconds: number };
  /** Where the keys landed: messages per partition (the same keys must land alike with both clients). */
  partitions: number[];
}

const rate = (value: number) => Math.round(value).toLocaleString("en");
const perThousand = (seconds: number | undefined, count: number) => (seconds === undefined ? "n/a" : `${((seconds * 1000) / count).toFixed(3)} s`);

/** N enriched mentions as the enricher writes them: its own `enrichMention` applied to varied raw mentions. */
async function enrichedMentions(count: number): Promise<EnrichedMention[]> {
  const { brands } = await loadBrandsFile(BRANDS_FILE);
  const enrichment = createEnrichment({ brands, authorKey: AUTHOR_KEY });
  return Array.from({ length: count }, (_, index) => {
    const raw = sampleRawMention({
      sourceId: "bench",
      nativeId: `kc-${index}`,
      title: `Opinia ${index}`,
      author: { name: `Autor ${index % 997}` },
      text: `${PHRASES[index % PHRASES.length]} ${PHRASES[(index * 7 + 3) % PHRASES.length]}`,
      publishedAt: new Date(Date.UTC(2026, index % 12, 1 + (index % 28), index % 24)).toISOString(),
      collectedAt: new Date().toISOString(),
    });
    return enrichMention(raw, enrichment);
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

/** The indexer's decoding of one value: JSON, then the enriched-mention schema. */
function decode(value: Buffer): EnrichedMention {
  return enrichedMentionSchema.parse(JSON.parse(value.toString("utf8")));
}

const asBuffer = (data: Buffer | string | null | undefined): Buffer | undefined =>
  data === null || data === undefined ? undefined : typeof data === "string" ? Buffer.from(data, "utf8") : data;

// ---------------------------------------------------------------------------------------- kafkajs

async function produceKafkaJs(kafka: Kafka, topic: string, load: OutgoingMessage[][]): Promise<Phase> {
  const producer = createProducer(kafka);
  const meter = cpuMeter({ broker: stackPid("kafka") });
  const started = performance.now();
  await producer.connect();
  try {
    for (const chunk of load) await publishEncoded(producer, topic, chunk.map(encodeMessage));
    return { seconds: (performance.now() - started) / 1000, cpu: meter.stop() };
  } finally {
    await producer.disconnect();
  }
}

async function consumeKafkaJs(kafka: Kafka, topic: string, groupId: string, count: number): Promise<Run["consume"]> {
  const logger = createLogger({ service: "bench-kafka-clients", level: "warn" });
  // Only for dead letters, which a valid load never makes.
  const producer = createProducer(kafka);
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  let handled = 0;
  let allHandled: () => void = () => undefined;
  let crashed: (error: unknown) => void = () => undefined;
  const handledOrCrashed = new Promise<void>((resolve, reject) => {
    allHandled = resolve;
    crashed = reject;
  });
  const worker = createBatchWorker<EnrichedMention>({
    kafka,
    producer,
    groupId,
    topic,
    deadLetterTopic: `${topic}-dead-letters`,
    stage: "index",
    schema: enrichedMentionSchema,
    logger,
    chunkSize: CHUNK,
    async handle(messages) {
      handled += messages.length;
      if (handled >= count) allHandled();
      return [];
    },
    onCrash: (error) => crashed(error),
  });
  try {
    const joining = performance.now();
    await worker.start();
    const joinSeconds = (performance.now() - joining) / 1000;
    const meter = cpuMeter({ broker: stackPid("kafka") });
    const started = performance.now();
    await handledOrCrashed;
    // The worker commits right after the handler returns: done once the group's offsets say so.
    await waitFor(`${count} messages committed by ${groupId}`, async () => totalCommitted(await admin.committedOffsets(groupId, topic)) >= count, {
      timeoutMs: 120_000,
      intervalMs: 5,
    });
    return { seconds: (performance.now() - started) / 1000, cpu: meter.stop(), joinSeconds };
  } finally {
    await worker.stop();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}

// ---------------------------------------------------------------------------------- platformatic

const platformaticBase = (clientId: string) => ({ clientId, bootstrapBrokers: stackEnv().brokers });

async function producePlatformatic(topic: string, load: OutgoingMessage[][]): Promise<Phase> {
  const producer = new PlatformaticProducer({
    ...platformaticBase("bench-kafka-clients-producer"),
    idempotent: true,
    acks: ProduceAcks.ALL,
    // kafkajs's DefaultPartitioner is Java's murmur2: the same key must land on the same partition.
    partitioner: compatibilityPartitioner,
  });
  const meter = cpuMeter({ broker: stackPid("kafka") });
  const started = performance.now();
  try {
    for (const chunk of load) {
      for (const send of splitByBytes(chunk.map(encodeMessage))) {
        await producer.send({
          messages: send.map(({ message }) => ({ topic, key: asBuffer(message.key), value: asBuffer(message.value) })),
        });
      }
    }
    return { seconds: (performance.now() - started) / 1000, cpu: meter.stop() };
  } finally {
    await producer.close();
  }
}

/**
 * Chunks of what the stream holds, up to `max` each, or else of the next messages to arrive: a
 * chunk is what the fetches brought, as a kafkajs batch is, never a wait for a full chunk. The
 * stream fetches only while someone listens to it (with no `readable` or `data` listener it stops
 * for good), so one `readable` listener stays on for the stream's life.
 */
function chunkReader(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, max: number): () => Promise<PlatformaticMessage[]> {
  let wake: (() => void) | undefined;
  let failure: unknown;
  const signal = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  stream.on("readable", signal);
  stream.on("close", signal);
  stream.on("error", (error) => {
    failure = error;
    signal();
  });
  return async () => {
    for (;;) {
      const chunk: PlatformaticMessage[] = [];
      while (chunk.length < max) {
        const message = stream.read() as PlatformaticMessage | null;
        if (message === null) break;
        chunk.push(message);
      }
      if (chunk.length > 0) return chunk;
      if (failure !== undefined) throw failure;
      if (stream.readableEnded || stream.destroyed) throw new Error("the platformatic consumer's stream ended before every message was read");
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
}

async function consumePlatformatic(topic: string, groupId: string, count: number): Promise<Run["consume"]> {
  const consumer = new PlatformaticConsumer({
    ...platformaticBase("bench-kafka-clients-consumer"),
    groupId,
    // As the workers' kafkajs consumer: a dead worker's partitions move on within 10 s.
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 60_000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    autocommit: false,
  });
  try {
    const joining = performance.now();
    // The group's committed offsets, or the beginning when it has none (kafkajs's `fromBeginning`).
    const stream = await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
    });
    const joinSeconds = (performance.now() - joining) / 1000;
    const meter = cpuMeter({ broker: stackPid("kafka") });
    const started = performance.now();
    const nextChunk = chunkReader(stream, CHUNK);
    let committed = 0;
    while (committed < count) {
      const chunk = await nextChunk();
      for (const entry of chunk) decode(entry.value);
      // One commit per partition of the chunk, of the offset after its last message there.
      const lastPerPartition = new Map<number, PlatformaticMessage>();
      for (const entry of chunk) lastPerPartition.set(entry.partition, entry);
      await Promise.all([...lastPerPartition.values()].map(async (entry) => entry.commit()));
      committed += chunk.length;
    }
    const phase = { seconds: (performance.now() - started) / 1000, cpu: meter.stop(), joinSeconds };
    await stream.close().catch(() => undefined);
    return phase;
  } finally {
    await consumer.close(true);
  }
}

// ------------------------------------------------------------------------------------------ runs

function messagesPerPartition(offsets: PartitionOffsets[]): number[] {
  return offsets.map((entry) => Number(entry.high) - Number(entry.low));
}

async function oneRun(kafka: Kafka, client: Client, round: number, prefix: string, load: OutgoingMessage[][], count: number): Promise<Run> {
  const topic = `${prefix}-${client}-${round}`;
  const groupId = `${topic}-group`;
  await ensureTopics(kafka, [{ name: topic, partitions: PARTITIONS, config: {} }]);
  const produce = client === "kafkajs" ? await produceKafkaJs(kafka, topic, load) : await producePlatformatic(topic, load);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions = messagesPerPartition(await admin.topicOffsets(topic));
    const written = partitions.reduce((sum, value) => sum + value, 0);
    if (written !== count) throw new Error(`${client} wrote ${written} messages to ${topic}, expected ${count}`);
    const consume = client === "kafkajs" ? await consumeKafkaJs(kafka, topic, groupId, count) : await consumePlatformatic(topic, groupId, count);
    const committed = totalCommitted(await admin.committedOffsets(groupId, topic));
    if (committed !== count) throw new Error(`${client}: the group ${groupId} committed ${committed} messages, expected ${count}`);
    return { client, round, produce, consume, partitions };
  } finally {
    await admin.disconnect();
  }
}

function printRun(run: Run, count: number): void {
  const name = run.client.padEnd(12);
  console.log(
    `  ${name} run ${run.round}  produce ${rate(count / run.produce.seconds).padStart(7)} msg/s, CPU per 1,000: ` +
      `bench ${perThousand(run.produce.cpu.bench, count)}, broker ${perThousand(run.produce.cpu.broker, count)}`,
  );
  console.log(
    `  ${" ".repeat(name.length)}        consume ${rate(count / run.consume.seconds).padStart(7)} msg/s, CPU per 1,000: ` +
      `bench ${perThousand(run.consume.cpu.bench, count)}, broker ${perThousand(run.consume.cpu.broker, count)} ` +
      `(group joined in ${run.consume.joinSeconds.toFixed(2)} s, not counted)`,
  );
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

function printSummary(runs: Run[], count: number, decodeCpu: number): void {
  const figures = (client: Client) => {
    const mine = runs.filter((run) => run.client === client);
    return {
      produceRate: mean(mine.map((run) => count / run.produce.seconds)),
      consumeRate: mean(mine.map((run) => count / run.consume.seconds)),
      produceCpu: mean(mine.map((run) => run.produce.cpu.bench ?? NaN)),
      consumeCpu: mean(mine.map((run) => run.consume.cpu.bench ?? NaN)),
      produceBroker: mean(mine.map((run) => run.produce.cpu.broker ?? NaN)),
      consumeBroker: mean(mine.map((run) => run.consume.cpu.broker ?? NaN)),
    };
  };
  const kafkajs = figures("kafkajs");
  const platformatic = figures("platformatic");
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log("  mean of the runs (platformatic / kafkajs):");
  console.log(
    `    produce: ${rate(kafkajs.produceRate)} vs ${rate(platformatic.produceRate)} msg/s (${ratio(platformatic.produceRate, kafkajs.produceRate)}); ` +
      `CPU per 1,000 ${perThousand(kafkajs.produceCpu, count)} vs ${perThousand(platformatic.produceCpu, count)} (${ratio(platformatic.produceCpu, kafkajs.produceCpu)}), ` +
      `broker ${perThousand(kafkajs.produceBroker, count)} vs ${perThousand(platformatic.produceBroker, count)}`,
  );
  console.log(
    `    consume: ${rate(kafkajs.consumeRate)} vs ${rate(platformatic.consumeRate)} msg/s (${ratio(platformatic.consumeRate, kafkajs.consumeRate)}); ` +
      `CPU per 1,000 ${perThousand(kafkajs.consumeCpu, count)} vs ${perThousand(platformatic.consumeCpu, count)} (${ratio(platformatic.consumeCpu, kafkajs.consumeCpu)}), ` +
      `broker ${perThousand(kafkajs.consumeBroker, count)} vs ${perThousand(platformatic.consumeBroker, count)}`,
  );
  console.log(
    `    consume CPU without the decoding both do (JSON.parse + schema, ${perThousand(decodeCpu, count)} per 1,000 measured alone): ` +
      `${perThousand(kafkajs.consumeCpu - decodeCpu, count)} vs ${perThousand(platformatic.consumeCpu - decodeCpu, count)} ` +
      `(${ratio(platformatic.consumeCpu - decodeCpu, kafkajs.consumeCpu - decodeCpu)})`,
  );
  const placements = new Set(runs.map((run) => run.partitions.join("/")));
  console.log(
    `    messages per partition: ${[...placements].join(" | ")} ` +
      (placements.size === 1 ? "(the same keys land on the same partitions with both clients)" : "(DIFFERENT: the partitioners disagree)"),
  );
}

export async function benchKafkaClients(count: number): Promise<void> {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new Error(`pnpm bench kafka-clients [N]: N must be a whole number of messages of at least 1, got ${String(count)}`);
  }
  const mentions = await enrichedMentions(count);
  const load = chunks(
    mentions.map((mention) => ({ key: mention.id, value: mention })),
    CHUNK,
  );
  const encoded = mentions.map((mention) => encodeMessage({ key: mention.id, value: mention }));
  const averageBytes = encoded.reduce((sum, entry) => sum + entry.bytes, 0) / count;
  const sendsPerChunk = mean(load.map((chunk) => splitByBytes(chunk.map(encodeMessage)).length));

  // What decoding alone costs (both clients' consumers do it), to tell the client's share apart.
  const values = encoded.map((entry) => asBuffer(entry.message.value) ?? Buffer.alloc(0));
  // Twice, the second pass counted: the consumers decode with warm code too.
  let decodeCpu = NaN;
  for (let pass = 0; pass < 2; pass++) {
    const decodeMeter = cpuMeter({});
    for (const value of values) decode(value);
    decodeCpu = decodeMeter.stop().bench ?? NaN;
  }

  const logger = createLogger({ service: "bench-kafka-clients", level: "warn" });
  const kafka = createKafka({ brokers: stackEnv().brokers, clientId: "bench-kafka-clients" }, logger);
  const prefix = `bench-kc-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const runs: Run[] = [];
  const topics: string[] = [];
  try {
    console.log(
      `Kafka clients benchmark: ${count.toLocaleString("en")} enriched mentions (${Math.round(averageBytes).toLocaleString("en")} bytes on average), ` +
        `${PARTITIONS} partitions, local broker; kafkajs 2.2.4 through @odzew/kafka vs @platformatic/kafka 1.x`,
    );
    console.log(
      `  produce: idempotent, acks all, ${CHUNK} mentions a publish split by bytes (${sendsPerChunk.toFixed(1)} sends each), every send awaited; ` +
        `consume: group from the beginning, chunks of ${CHUNK}, JSON.parse + schema, commit after each chunk`,
    );
    // Round 0 warms both clients' code (and the shared encoding and decoding) up: otherwise the
    // client that goes first pays for the JIT of everything.
    const warmUp = load.slice(0, Math.min(load.length, 4));
    const warmUpCount = warmUp.reduce((sum, chunk) => sum + chunk.length, 0);
    for (let round = 0; round <= 2; round++) {
      for (const client of CLIENTS) {
        topics.push(`${prefix}-${client}-${round}`);
        if (round === 0) {
          await oneRun(kafka, client, round, prefix, warmUp, warmUpCount);
          continue;
        }
        const run = await oneRun(kafka, client, round, prefix, load, count);
        runs.push(run);
        printRun(run, count);
      }
      if (round === 0) console.log(`  (warm-up: ${warmUpCount.toLocaleString("en")} messages through each client, not counted)`);
    }
    printSummary(runs, count, decodeCpu);
  } finally {
    await deleteTopics(kafka, topics);
    const admin = new PlatformaticAdmin(platformaticBase("bench-kafka-clients-admin"));
    try {
      await admin.deleteGroups({ groups: topics.map((topic) => `${topic}-group`) });
    } catch {
      // A group that never formed has nothing to delete; the broker expires the rest with their offsets.
    } finally {
      await admin.close();
    }
  }
}
