import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, freePort } from "./process.ts";
import { waitFor } from "./stack.ts";

/** Marks the JVMs this helper starts; never the stack's marker, so `scripts/stack` leaves them alone. */
const MARKER = "-Dodzew.faults.broker=1";

export interface KafkaBroker {
  /** `127.0.0.1:PORT`, for KAFKA_BROKERS. */
  brokers: string[];
  port: number;
  dataDir: string;
  /** The JVM's pid while it runs. */
  pid(): number | undefined;
  /** SIGKILL the broker (no clean shutdown) and wait until it is gone. */
  kill(): Promise<void>;
  /** Start it again on the same port and data directory; resolves once it serves clients. */
  restart(): Promise<void>;
  /** Stop it (SIGKILL) and delete its data directory. */
  dispose(): Promise<void>;
  /** The broker's own log of its current run (the last 100 KB). */
  log(): string;
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

/**
 * A throw-away single-node KRaft Kafka broker on free ports with its own data directory, run
 * from the same jars as the local stack (`.stack/lib/kafka`, fetched by `scripts/stack up`).
 * Tests may kill and restart it at will: the shared broker on 9092 is never touched.
 */
export async function startKafkaBroker(options: { heap?: string; readyTimeoutMs?: number } = {}): Promise<KafkaBroker> {
  const lib = join(REPO_ROOT, ".stack", "lib", "kafka");
  if (!existsSync(lib)) {
    throw new Error(`no Kafka jars in ${lib}: run scripts/stack up once (it fetches them from Maven Central)`);
  }
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const log4j = join(REPO_ROOT, "infra", "kafka", "log4j2.properties");
  const classpath = `${lib}/*`;
  const dataDir = await mkdtemp(join(tmpdir(), "odzew-broker-"));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const properties = join(dataDir, "server.properties");
  await writeFile(
    properties,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      "inter.broker.listener.name=PLAINTEXT",
      "controller.listener.names=CONTROLLER",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      `log.dirs=${join(dataDir, "data")}`,
      "num.partitions=3",
      "default.replication.factor=1",
      "min.insync.replicas=1",
      "offsets.topic.replication.factor=1",
      "offsets.topic.num.partitions=3",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "share.coordinator.state.topic.replication.factor=1",
      "share.coordinator.state.topic.min.isr=1",
      "auto.create.topics.enable=false",
      "delete.topic.enable=true",
      "group.initial.rebalance.delay.ms=0",
      "",
    ].join("\n"),
  );
  // A cluster id is 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints).
  const clusterId = randomBytes(16).toString("base64url");
  const format = spawn(java, ["-Xmx256m", `-Dlog4j2.configurationFile=${log4j}`, "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", properties], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let formatOutput = "";
  format.stdout.on("data", (chunk: Buffer) => (formatOutput += chunk.toString("utf8")));
  format.stderr.on("data", (chunk: Buffer) => (formatOutput += chunk.toString("utf8")));
  const formatCode = await new Promise<number | null>((resolve) => format.once("exit", resolve));
  if (formatCode !== 0) throw new Error(`formatting the fault broker's storage failed (exit ${formatCode}): ${formatOutput.slice(-2_000)}`);

  let child: ChildProcess | undefined;
  let output = "";
  const heap = options.heap ?? "384m";
  const launch = async () => {
    output = "";
    const started = spawn(
      java,
      [
        MARKER,
        `-Xms${heap}`,
        `-Xmx${heap}`,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        `-Dlog4j2.configurationFile=${log4j}`,
        "-cp",
        classpath,
        "kafka.Kafka",
        properties,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = started;
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-100_000);
    };
    started.stdout?.on("data", append);
    started.stderr?.on("data", append);
    await waitFor(
      `the fault broker on port ${port} to start`,
      async () => {
        if (started.exitCode !== null || started.signalCode !== null) throw new Error(`the fault broker exited: ${output.slice(-2_000)}`);
        return output.includes("Kafka Server started") && (await portOpen(port));
      },
      { timeoutMs: options.readyTimeoutMs ?? 120_000, intervalMs: 200 },
    );
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGKILL");
    await gone;
  };
  // Never leave a broker behind when the test process ends.
  const onExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", onExit);

  await launch();
  return {
    brokers: [`127.0.0.1:${port}`],
    port,
    dataDir,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async dispose() {
      process.removeListener("exit", onExit);
      await kill();
      await rm(dataDir, { recursive: true, force: true });
    },
    log: () => output,
  };
}
