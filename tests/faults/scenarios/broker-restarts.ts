import { performance } from "node:perf_hooks";
import { createLogger, sleep } from "@odzew/core";
import { createKafka, createProducer, ensureTopics, publish } from "@odzew/kafka";
import { readTopic, startKafkaBroker } from "@odzew/testing";
import { figure, quiet, seconds, type Progress, type ScenarioResult } from "./common.ts";

/**
 * kill -9 a broker (a throw-away one on its own port and data directory, never the shared
 * one) and start it again, three times, while Odzew's producer keeps sending: every message
 * whose send resolved must be readable afterwards. Also measures how long sending stalls.
 */
export async function brokerRestarts(options: { restarts: number; messagesPerSecond: number; runMs?: number; progress?: Progress }): Promise<ScenarioResult> {
  const progress = options.progress ?? quiet;
  const findings: string[] = [];
  const bootStart = performance.now();
  const broker = await startKafkaBroker();
  progress(`fault broker up on ${broker.brokers[0]} in ${seconds(performance.now() - bootStart)}`);
  // The client logs every refused connection while the broker is down: expected here, so silent.
  const logger = createLogger({ service: "test:faults-broker", level: "silent", pretty: false });
  const kafka = createKafka({ brokers: broker.brokers, clientId: "faults-broker" }, logger);
  const topic = "faults.broker.acks";
  const producer = createProducer(kafka);
  try {
    await ensureTopics(kafka, [{ name: topic, partitions: 3, config: {} }]);
    await producer.connect();
    const acknowledged = new Set<number>();
    let failedSends = 0;
    let lastAckAt = performance.now();
    let stop = false;
    const batch = Math.max(1, Math.round(options.messagesPerSecond / 10));
    let seq = 0;
    const producing = (async () => {
      while (!stop) {
        const first = seq;
        const messages = Array.from({ length: batch }, () => {
          const n = seq++;
          return { key: `m-${n}`, value: { seq: n, at: new Date().toISOString() } };
        });
        const begin = performance.now();
        try {
          await publish(producer, topic, messages);
          for (let n = first; n < seq; n++) acknowledged.add(n);
          lastAckAt = performance.now();
        } catch {
          failedSends++;
        }
        const wait = 100 - (performance.now() - begin);
        if (wait > 0) await sleep(wait);
      }
    })();

    const stalls: number[] = [];
    const restartTimes: number[] = [];
    const runMs = options.runMs ?? 5_000;
    for (let round = 0; round < options.restarts; round++) {
      await sleep(runMs);
      const acksBefore = acknowledged.size;
      const killedAt = performance.now();
      await broker.kill();
      await sleep(2_000);
      await broker.restart();
      restartTimes.push(performance.now() - killedAt);
      // Resumed: a send acknowledged after the restart.
      const resumeDeadline = performance.now() + 90_000;
      while (lastAckAt < killedAt + restartTimes.at(-1)! && performance.now() < resumeDeadline) await sleep(100);
      const resumed = lastAckAt >= killedAt + restartTimes.at(-1)!;
      stalls.push(resumed ? lastAckAt - killedAt : Number.NaN);
      if (!resumed) findings.push(`round ${round + 1}: no send acknowledged within 90 s of the restart`);
      progress(`restart ${round + 1}/${options.restarts}: broker back in ${seconds(restartTimes.at(-1)!)}, sending resumed ${resumed ? `${seconds(lastAckAt - killedAt)} after the kill` : "never"} (${figure(acknowledged.size - acksBefore)} acknowledged meanwhile)`);
    }
    await sleep(runMs);
    stop = true;
    await producing;

    const messages = await readTopic(kafka, topic, { minMessages: acknowledged.size, timeoutMs: 120_000, quietMs: 2_000 }).catch((error: unknown) => {
      findings.push(String(error));
      return [];
    });
    const seen = new Map<number, number>();
    for (const message of messages) {
      const n = (message.value as { seq?: number } | null)?.seq;
      if (typeof n === "number") seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    const lost = [...acknowledged].filter((n) => !seen.has(n));
    const doubled = [...seen].filter(([, count]) => count > 1).length;
    if (lost.length > 0) findings.push(`${lost.length} acknowledged messages lost (e.g. seq ${lost.slice(0, 5).join(", ")})`);
    const finite = stalls.filter(Number.isFinite);
    return {
      scenario: "broker kill -9 and restart",
      load: `${options.restarts} restarts of a single-node KRaft broker, ~${figure(options.messagesPerSecond)} messages/s`,
      figures: {
        sent: figure(seq),
        acknowledged: figure(acknowledged.size),
        "acknowledged but lost": lost.length,
        "written twice": doubled,
        "failed sends (not acknowledged)": failedSends,
        "broker back after": restartTimes.map((ms) => seconds(ms)).join(", "),
        "sending resumed after kill": stalls.map((ms) => (Number.isFinite(ms) ? seconds(ms) : "never")).join(", "),
        "max resume": finite.length ? seconds(Math.max(...finite)) : "never",
      },
      pass: findings.length === 0,
      findings,
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await broker.dispose();
  }
}
