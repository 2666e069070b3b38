import { metricsText } from "@odzew/core";

/**
 * The sum of a metric's samples whose labels include `labels`, read from the Prometheus text
 * format a `/metrics` route serves; undefined when there is none.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) sum = (sum ?? 0) + Number(match[3]);
  }
  return sum;
}

/**
 * A metric of this process (the workers a test runs in-process register into it), summed over
 * the samples whose labels include `labels`; undefined when there is none. For waiting on a
 * condition ("the indexer is retrying refused writes") instead of sleeping.
 */
export async function processMetric(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  return metricValue(await metricsText(), name, labels);
}
