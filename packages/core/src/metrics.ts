import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export type { Counter, Gauge, Histogram } from "prom-client";

/** Every metric Odzew exports starts with this, the Node.js defaults included. */
export const METRIC_PREFIX = "odzew_";

/** The content type of `metricsText()`: the Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

let registry: Registry | undefined;

/**
 * The process's registry, made on first use with the default Node.js metrics (CPU, memory, event
 * loop lag, GC, handles) under the `odzew_` prefix. One per process: the libraries and the
 * service register into it, and the health server or the API renders it.
 */
export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  }
  return registry;
}

/** The registry in the Prometheus text format, for a `GET /metrics` (with `METRICS_CONTENT_TYPE`). */
export function metricsText(): Promise<string> {
  return metricsRegistry().metrics();
}

export interface MetricOptions<L extends string> {
  /** Without the prefix, in Prometheus style: `worker_messages_processed_total`. */
  name: string;
  help: string;
  /**
   * Keep every label's values few and known in advance: a source id, a topic, a reason code. Never
   * a mention id, URL or text: each value is a new time series kept for the life of the process.
   */
  labelNames?: readonly L[];
}

/** A counter in the process registry; asking again for the same name returns the same counter. */
export function counter<L extends string = never>(options: MetricOptions<L>): Counter<L> {
  return existing(options, Counter) ?? new Counter<L>(settings(options));
}

/** A gauge in the process registry; asking again for the same name returns the same gauge. */
export function gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L> {
  return existing(options, Gauge) ?? new Gauge<L>(settings(options));
}

/**
 * A histogram in the process registry; asking again for the same name returns the same one.
 * The default buckets (5 ms to 10 s) suit durations in seconds.
 */
export function histogram<L extends string = never>(options: MetricOptions<L> & { buckets?: number[] }): Histogram<L> {
  return (
    existing(options, Histogram) ??
    new Histogram<L>({ ...settings(options), ...(options.buckets ? { buckets: options.buckets } : {}) })
  );
}

function settings<L extends string>(options: MetricOptions<L>) {
  return {
    name: METRIC_PREFIX + options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [metricsRegistry()],
  };
}

/**
 * Several workers of one process (the indexer runs two) declare the same metrics: the first
 * declaration makes the metric, the others get it. A clash of kind or labels is a programming error.
 */
function existing<M extends Counter<L> | Gauge<L> | Histogram<L>, L extends string>(
  options: MetricOptions<L>,
  kind: abstract new (...args: never[]) => M,
): M | undefined {
  const name = METRIC_PREFIX + options.name;
  const found = metricsRegistry().getSingleMetric(name);
  if (!found) return undefined;
  const labels = (found as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
  const wanted = options.labelNames ?? [];
  if (!(found instanceof kind) || labels.length !== wanted.length || labels.some((label, index) => label !== wanted[index])) {
    throw new Error(`metric ${name} is already registered with another type or other labels (${labels.join(", ")})`);
  }
  return found;
}
