import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || !address) throw new Error("could not find a free port");
  return address.port;
}

export interface RunningProcess {
  child: ChildProcess;
  /** Everything it wrote to standard error so far (logs). */
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit code (or the signal) once it ended. */
  exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM (or the given signal) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/**
 * Run a TypeScript entry point of this repository (a service, the CLI) as its own process. With
 * `ODZEW_CPU_PROFILE_DIR` set (benchmarks), each process writes a V8 CPU profile there on exit.
 */
export function runTs(entry: string, args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  const profileDir = process.env.ODZEW_CPU_PROFILE_DIR;
  const profiling = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profiling, "--import", "tsx", entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-200_000);
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout = (stdout + chunk.toString("utf8")).slice(-200_000);
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Run a service's entry point, `services/NAME/src/index.ts`. */
export const runService = (name: string, env: NodeJS.ProcessEnv) => runTs(`services/${name}/src/index.ts`, [], env);
