import { freePort, runService, type RunningProcess } from "./process.ts";
import { waitFor } from "./stack.ts";

/** An exit of a service that the test did not cause. */
export interface ServiceCrash {
  service: string;
  code: number | NodeJS.Signals;
  /** The end of its log. */
  stderr: string;
}

export interface SupervisedService {
  name: string;
  /** The current process. */
  process(): RunningProcess;
  /** `http://127.0.0.1:PORT` of its health routes (`/readyz`, `/metrics`). */
  healthUrl(): string;
  /** Resolves once `/readyz` answers 200 (the worker joined its group). */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  kill9(): Promise<void>;
  /** Start a new process (after a kill or a crash) and wait until it is ready. */
  restart(): Promise<void>;
  /** Exits the test did not cause (a crash, an exit on bad input). */
  crashes: ServiceCrash[];
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/**
 * A pipeline service (`services/NAME`) run as a real process that a fault test may kill -9 and
 * start again; every exit the test did not ask for is recorded as a crash.
 */
export async function superviseService(name: string, env: NodeJS.ProcessEnv, options: { readyTimeoutMs?: number } = {}): Promise<SupervisedService> {
  let current: RunningProcess;
  let port = 0;
  let expectingExit = false;
  const crashes: ServiceCrash[] = [];
  const launch = async () => {
    port = await freePort();
    expectingExit = false;
    const started = runService(name, { ...env, HEALTH_PORT: String(port) });
    current = started;
    void started.exited.then((code) => {
      if (!expectingExit && current === started) crashes.push({ service: name, code, stderr: started.stderr().slice(-4_000) });
    });
  };
  const ready = async (timeoutMs = options.readyTimeoutMs ?? 120_000) => {
    const started = current;
    await waitFor(
      `${name} to be ready`,
      async () => {
        if (started.child.exitCode !== null || started.child.signalCode !== null) {
          throw new Error(`${name} exited during start-up: ${started.stderr().slice(-2_000)}`);
        }
        return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
      },
      { timeoutMs, intervalMs: 200 },
    );
  };
  await launch();
  return {
    name,
    process: () => current,
    healthUrl: () => `http://127.0.0.1:${port}`,
    ready,
    async kill9() {
      expectingExit = true;
      await current.stop("SIGKILL");
    },
    async restart() {
      if (current.child.exitCode === null && current.child.signalCode === null) {
        expectingExit = true;
        await current.stop("SIGKILL");
      }
      await launch();
      await ready();
    },
    crashes,
    async stop() {
      expectingExit = true;
      await current.stop();
    },
  };
}
