/**
 * `pnpm bench faults [--quick] [SCENARIO…]`: the fault suite on the real stack (Kafka on
 * 127.0.0.1:9092, OpenSearch on 127.0.0.1:9200, services as real processes), each scenario
 * under its own topic and index prefix and cleaned up after itself. Progress goes to standard
 * error; the figures end as a Markdown table (scenario | load | result figures | pass/fail) on
 * standard output. A scenario that finds a defect prints its failing figures; the exit code is 1
 * when any scenario failed. `--quick` runs the CI-sized loads.
 *
 * Scenarios: kills, broker, engine, poison, collector, api, erasure (default: all, in this order).
 */
import { performance } from "node:perf_hooks";
import { brokerRestarts } from "../tests/faults/scenarios/broker-restarts.ts";
import { collectorGap } from "../tests/faults/scenarios/collector-gap.ts";
import type { ScenarioResult } from "../tests/faults/scenarios/common.ts";
import { engineFaults } from "../tests/faults/scenarios/engine-faults.ts";
import { erasure } from "../tests/faults/scenarios/erasure.ts";
import { hostileApi } from "../tests/faults/scenarios/hostile-api.ts";
import { poisonMessages } from "../tests/faults/scenarios/poison.ts";
import { markdownTable } from "../tests/faults/scenarios/table.ts";
import { workerKills } from "../tests/faults/scenarios/worker-kills.ts";

type Run = (quick: boolean, progress: (line: string) => void) => Promise<ScenarioResult>;

const SCENARIOS: Record<string, { title: string; run: Run }> = {
  kills: {
    title: "kill -9 enricher/indexer",
    run: (quick, progress) => workerKills({ mentions: quick ? 2_000 : 20_000, kills: quick ? 3 : 15, progress }),
  },
  broker: {
    title: "broker kill -9 and restart",
    run: (quick, progress) => brokerRestarts({ restarts: 3, messagesPerSecond: quick ? 200 : 500, progress }),
  },
  engine: {
    title: "engine faults (proxy + engine APIs)",
    run: (quick, progress) => engineFaults({ mentionsPerPhase: quick ? 100 : 2_000, progress }),
  },
  poison: {
    title: "poison messages",
    run: (quick, progress) => poisonMessages({ mentions: quick ? 1_000 : 20_000, every: quick ? 100 : 1_000, burst: quick ? 600 : 2_000, progress }),
  },
  collector: {
    title: "more new reviews than one poll reads",
    run: (_quick, progress) => collectorGap({ newReviews: 71, maxPages: 2, progress }),
  },
  api: {
    title: "hostile API requests",
    run: (quick, progress) => hostileApi({ requestsPerTeam: quick ? 250 : 10_000, slice: quick ? 500 : 10_500, progress }),
  },
  erasure: {
    title: "erasure",
    run: (_quick, progress) => erasure({ progress }),
  },
};

export async function benchFaults(args: string[]): Promise<void> {
  const quick = args.includes("--quick");
  const names = args.filter((arg) => !arg.startsWith("--"));
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) {
    console.error(`unknown scenario(s): ${unknown.join(", ")}; known: ${Object.keys(SCENARIOS).join(", ")}`);
    process.exitCode = 2;
    return;
  }
  const chosen = names.length > 0 ? names : Object.keys(SCENARIOS);
  const results: ScenarioResult[] = [];
  const started = performance.now();
  for (const name of chosen) {
    const scenario = SCENARIOS[name]!;
    const begin = performance.now();
    console.error(`[faults] ${scenario.title}${quick ? " (quick)" : ""}…`);
    const progress = (line: string) => console.error(`[faults]   ${line}`);
    let result: ScenarioResult;
    try {
      result = await scenario.run(quick, progress);
    } catch (error) {
      result = { scenario: scenario.title, load: "(did not finish)", figures: { error: String(error).slice(0, 300) }, pass: false, findings: [String(error)] };
    }
    results.push(result);
    console.error(`[faults] ${result.pass ? "pass" : "FAIL"} in ${((performance.now() - begin) / 1000).toFixed(0)} s`);
    for (const finding of result.findings) console.error(`[faults]   - ${finding}`);
  }
  console.log(`\nFault suite${quick ? " (--quick)" : ""}, ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - started) / 60_000).toFixed(1)} min on this machine:\n`);
  console.log(markdownTable(results));
  if (results.some((result) => !result.pass)) process.exitCode = 1;
}
