import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { OdzewError, backoffMs, sleep, type Logger } from "@odzew/core";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const PIPELINE = ["indexer", "enricher", "collector", "scheduler", "alerter", "api", "responder"] as const;
/** Services `odzew run` knows; the demo site runs only when asked for (or with --demo). */
export const SERVICES = ["demo-site", ...PIPELINE] as const;

/**
 * Fixed health and metrics ports of the workers under `odzew run`, so that Prometheus has
 * something to scrape: ODZEW_HEALTH_PORT_BASE (default 9461) plus the worker's place here.
 * `0` as the base gives every worker a free port instead.
 */
const HEALTH_PORTS = ["indexer", "enricher", "collector", "scheduler", "alerter", "responder"];

export function healthPortOf(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const base = Number(env.ODZEW_HEALTH_PORT_BASE ?? 9461);
  const index = HEALTH_PORTS.indexOf(name);
  if (index < 0 || !Number.isInteger(base)) return undefined;
  return base === 0 ? "0" : String(base + index);
}

/** A service that ran this long before it exited was healthy: its next restart is quick again. */
export const HEALTHY_RUN_MS = 60_000;

/**
 * The restart count after a service exits, which sets the backoff before it starts again: it
 * grows while the service keeps crashing at start, and starts over after a healthy run, so one
 * crash a day never waits the 30 s a crash loop earned last week.
 */
export function restartsAfterExit(restarts: number, ranForMs: number): number {
  return ranForMs >= HEALTHY_RUN_MS ? 1 : restarts + 1;
}

/**
 * The V8 heap each pipeline worker gets under `odzew run`. Their live data is small (about 45 MB
 * while streaming 500 mentions/s) but V8 lets an unbounded heap grow with throughput; a bound
 * keeps a worker's resident memory steady (about 150 MB) so that many fit on one machine. The
 * worker's chunks are bounded in bytes (see the batch worker), so long reviews do not need more.
 * The collector (pages of up to 5 MB parsed whole), the alerter and the API keep Node's default.
 */
const HEAP_MEGABYTES: Record<string, number> = { enricher: 192, indexer: 192, scheduler: 128 };

/** NODE_OPTIONS for a service: ours, unless the operator set a heap size already. */
export function nodeOptionsOf(name: string, given: string | undefined): string {
  const heap = HEAP_MEGABYTES[name];
  if (heap === undefined || given?.includes("--max-old-space-size")) return given ?? "";
  return [given, `--max-old-space-size=${heap}`].filter(Boolean).join(" ");
}

interface Supervised {
  name: string;
  child?: ChildProcess;
  restarts: number;
}

/**
 * Run services as child processes: restart one that dies (with backoff), and on SIGINT or
 * SIGTERM pass SIGTERM on and wait for every one to finish its in-flight work.
 */
export async function runServices(options: {
  services: string[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Where to record this supervisor's pid, so that `scripts/stack down` can stop it. */
  pidFile: string;
  onReady?: () => Promise<void>;
}): Promise<number> {
  const { logger } = options;
  claimPidFile(options.pidFile);
  let stopping = false;
  const supervised: Supervised[] = options.services.map((name) => ({ name, restarts: 0 }));

  const start = (entry: Supervised) => {
    // Each service in its own process group: a Ctrl-C reaches only this supervisor, which then
    // stops the services one graceful SIGTERM each.
    const child = spawn(process.execPath, ["--import", "tsx", `services/${entry.name}/src/index.ts`], {
      cwd: ROOT,
      env: {
        ...options.env,
        ...(healthPortOf(entry.name, options.env) ? { HEALTH_PORT: healthPortOf(entry.name, options.env) } : {}),
        NODE_OPTIONS: nodeOptionsOf(entry.name, options.env.NODE_OPTIONS),
      },
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
    });
    entry.child = child;
    const startedAt = Date.now();
    child.once("exit", (code, signal) => {
      entry.child = undefined;
      if (stopping) return;
      entry.restarts = restartsAfterExit(entry.restarts, Date.now() - startedAt);
      const wait = backoffMs(Math.min(entry.restarts, 6), 1_000, 30_000);
      logger.error({ service: entry.name, code, signal, restartInMs: wait }, `${entry.name} exited; restarting`);
      setTimeout(() => {
        if (!stopping) start(entry);
      }, wait).unref();
    });
  };

  for (const entry of supervised) start(entry);

  const stopped = new Promise<number>((resolve) => {
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      logger.warn("stopping services…");
      const exits = supervised.map(
        (entry) =>
          new Promise<void>((done) => {
            const child = entry.child;
            if (!child || child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 30_000).unref();
          }),
      );
      await Promise.all(exits);
      rmSync(options.pidFile, { force: true });
      resolve(0);
    };
    process.on("SIGINT", () => void stop());
    process.on("SIGTERM", () => void stop());
  });

  if (options.onReady) {
    void options.onReady().catch((error: unknown) => logger.error({ err: error }, "services did not become ready"));
  }
  return stopped;
}

/** Record our pid; refuse to start while another `odzew run` with the same pid file is alive. */
function claimPidFile(pidFile: string): void {
  let other: number | undefined;
  try {
    other = Number.parseInt(readFileSync(pidFile, "utf8"), 10);
  } catch {
    // no pid file
  }
  if (other && other !== process.pid && isAlive(other)) {
    throw new OdzewError("CONFIG_INVALID", `odzew run is already running (pid ${other}); stop it with Ctrl-C in its terminal or scripts/stack down`);
  }
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
  process.once("exit", () => rmSync(pidFile, { force: true }));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait until an HTTP endpoint answers 200, or give up after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await sleep(Math.min(1_000, 100 * attempt));
  }
  return false;
}
