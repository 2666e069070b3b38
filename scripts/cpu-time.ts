/**
 * CPU time of processes, read from /proc (Linux): what a benchmark's figures cost in CPU,
 * which, unlike wall time, does not move with whatever else the machine is doing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far; undefined when it cannot be read. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces), counted from `state` (field 3).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").at(-1)!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The pid a local stack component (`kafka`, `search`) recorded under .stack/, if it runs. */
export function stackPid(component: "kafka" | "search", root = process.cwd()): number | undefined {
  try {
    const pid = Number(readFileSync(join(root, ".stack", `${component}.pid`), "utf8").trim());
    return Number.isInteger(pid) && cpuSeconds(pid) !== undefined ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds used by each named process between `start()` and `stop()`. */
export function cpuMeter(pids: Record<string, number | undefined>): { stop(): Record<string, number> } {
  const own = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const ownBefore = own();
  return {
    stop() {
      const used: Record<string, number> = { bench: own() - ownBefore };
      for (const [name, pid] of Object.entries(pids)) {
        const start = before[name];
        const end = cpuSeconds(pid);
        if (start !== undefined && end !== undefined) used[name] = end - start;
      }
      return used;
    },
  };
}

/** "engine 0.25 s, broker 0.02 s, …" per 1,000 items. */
export function perThousand(used: Record<string, number>, items: number): string {
  return Object.entries(used)
    .map(([name, seconds]) => `${name} ${((seconds * 1000) / items).toFixed(3)} s`)
    .join(", ");
}
