import { counter, describeError, type Logger } from "@odzew/core";
import { ALERT_SCHEMA_VERSION, durationMs, type Alert, type AlertsFile, type SourceAlert } from "@odzew/schema";
import { indexNames, type Engine } from "@odzew/search";
import { judge, transition, type Verdict } from "./detect.ts";
import { deliver, slackMessage } from "./webhook.ts";

const DAY = 86_400_000;

type Clause = Record<string, unknown>;
interface Bucket {
  key: string;
  doc_count: number;
}
type Tree = Record<string, { buckets: (Bucket & { source: { buckets: (Bucket & { sentiment: { buckets: Bucket[] } })[] } })[] }>;

/** Counts of one period: brand|source → total and per sentiment. */
type PeriodCounts = Map<string, { total: number; sentiment: Map<string, number> }>;

export interface AlerterOptions {
  engine: Engine;
  indexPrefix: string;
  config: AlertsFile;
  /** Resolved webhook URLs (secrets: never logged whole). */
  webhooks: string[];
  /** Alerts recorded so far (from the compacted alerts topic at start). */
  recorded: Alert[];
  /** Records an alert (on the alerts topic). */
  record(alert: Alert): Promise<void>;
  /** The health alert of each source the collectors reported on, if it has one now. */
  sourceHealth(): Map<string, SourceAlert | undefined>;
  logger: Logger;
  signal?: AbortSignal;
}

export interface RunReport {
  opened: Alert[];
  resolved: Alert[];
  /** brand|source|sentiment keys evaluated, with their verdicts. */
  verdicts: Map<string, Verdict>;
}

/**
 * The PR crisis watch: per brand × source × sentiment, the count of the last window against the
 * same window on each of the past days; high-reach mentions; collectors in trouble. Each crisis
 * is opened once, delivered to the webhooks with the mentions behind it, kept quiet while it
 * lasts and resolved after. A source whose collector reports a health problem gets a
 * source-health alert instead: its counts say nothing, neither crisis nor calm.
 */
export function createAlerter(options: AlerterOptions) {
  const logger = options.logger.child({ scope: "alerter" });
  const names = indexNames(options.indexPrefix);
  const state = new Map(options.recorded.map((alert) => [alert.key, alert]));
  const { spike, reach } = options.config;
  const windowMs = durationMs(spike.window);

  const search = async <T>(body: Clause): Promise<T> =>
    options.engine.request<T>("POST", `/${names.all}/_search`, body, { ignore_unavailable: true, allow_no_indices: true });

  const baseFilter = (): Clause[] => [{ exists: { field: "source.id" } }, ...(options.config.brands?.length ? [{ terms: { "brands.id": options.config.brands } }] : [])];

  /** Counts per brand × source × sentiment in the current window and the same window on past days, in one request. */
  async function countPeriods(now: Date): Promise<PeriodCounts[]> {
    const periods: Record<string, Clause> = {};
    for (let day = 0; day <= spike.baselineDays; day++) {
      const end = now.getTime() - day * DAY;
      periods[`p${day}`] = { range: { publishedAt: { gt: new Date(end - windowMs).toISOString(), lte: new Date(end).toISOString() } } };
    }
    const response = await search<{ aggregations?: { periods: { buckets: Record<string, Tree & { doc_count: number }> } } }>({
      size: 0,
      query: { bool: { filter: baseFilter() } },
      aggs: {
        periods: {
          filters: { filters: periods },
          aggs: {
            brand: {
              terms: { field: "brands.id", size: 500 },
              aggs: { source: { terms: { field: "source.id", size: 1_000 }, aggs: { sentiment: { terms: { field: "sentiment.label", size: 3 } } } } },
            },
          },
        },
      },
    });
    const result: PeriodCounts[] = [];
    for (let day = 0; day <= spike.baselineDays; day++) {
      const counts: PeriodCounts = new Map();
      for (const brand of response.aggregations?.periods.buckets[`p${day}`]?.brand?.buckets ?? []) {
        for (const source of brand.source.buckets) {
          counts.set(`${brand.key}|${source.key}`, {
            total: source.doc_count,
            sentiment: new Map(source.sentiment.buckets.map((bucket) => [bucket.key, bucket.doc_count])),
          });
        }
      }
      result.push(counts);
    }
    return result;
  }

  /** The mentions behind an alert: the most negative (or most recent) first. */
  async function topMentions(filter: Clause[], size = 5): Promise<Alert["mentions"]> {
    const response = await search<{ hits: { hits: { _source: Record<string, unknown> }[] } }>({
      size,
      query: { bool: { filter: [...baseFilter(), ...filter] } },
      sort: [{ "sentiment.score": { order: "asc", missing: "_last" } }, { publishedAt: "desc" }, { id: "asc" }],
      _source: ["id", "source.id", "title", "text", "url", "reach", "sentiment.label", "publishedAt"],
    });
    return response.hits.hits.map(({ _source: doc }) => toAlertMention(doc));
  }

  async function open(alert: Omit<Alert, "schemaVersion" | "status" | "delivered" | "updatedAt">, now: Date): Promise<Alert> {
    let recorded: Alert = { schemaVersion: ALERT_SCHEMA_VERSION, status: "open", delivered: false, updatedAt: now.toISOString(), ...alert };
    // Recorded before it is sent: a crash in between means a retry, never a lost alert.
    await save(recorded);
    const delivered = await send(recorded);
    if (delivered) {
      recorded = { ...recorded, delivered: true };
      await save(recorded);
    }
    opened.inc({ kind: recorded.kind });
    if (!delivered) undelivered.inc();
    logger.warn({ key: recorded.key, delivered }, recorded.message);
    return recorded;
  }

  async function resolve(alert: Alert, now: Date, message: string): Promise<Alert> {
    const resolved: Alert = { ...alert, status: "resolved", resolvedAt: now.toISOString(), updatedAt: now.toISOString(), message };
    await save(resolved);
    logger.info({ key: alert.key }, message);
    return resolved;
  }

  const opened = counter({ name: "alerter_alerts_opened_total", help: "Alerts opened, by kind", labelNames: ["kind"] });
  const undelivered = counter({ name: "alerter_deliveries_failed_total", help: "Alerts a webhook did not take after every retry" });

  async function save(alert: Alert): Promise<void> {
    await options.record(alert);
    state.set(alert.key, alert);
  }

  async function send(alert: Alert): Promise<boolean> {
    if (options.webhooks.length === 0) return true;
    const message = slackMessage(alert);
    const results = await Promise.all(options.webhooks.map((url) => deliver(url, message, logger, options.signal ? { signal: options.signal } : {})));
    return results.every(Boolean);
  }

  return {
    /** Alerts as recorded now (open and resolved). */
    alerts: () => [...state.values()],

    /** One look: spikes, high reach, source health. `now` is injectable for tests. */
    async runOnce(now = new Date()): Promise<RunReport> {
      const report: RunReport = { opened: [], resolved: [], verdicts: new Map() };
      const health = options.sourceHealth();
      const troubled = new Set([...health].filter(([, alert]) => alert !== undefined).map(([source]) => source));

      // Collectors in trouble: one alert while it lasts; their sources are left out below.
      for (const [source, problem] of health) {
        const key = `source-health:${source}`;
        const current = state.get(key);
        if (problem && current?.status !== "open") {
          report.opened.push(
            await open({ key, kind: "source-health", source, message: `Source ${source} cannot be read (${problem.code}): ${problem.message}. Its counts mean nothing until it is fixed.`, openedAt: now.toISOString(), mentions: [] }, now),
          );
        } else if (!problem && current?.status === "open") {
          report.resolved.push(await resolve(current, now, `Source ${source} is read again.`));
        }
      }

      const periods = await countPeriods(now);
      const [current, ...history] = periods as [PeriodCounts, ...PeriodCounts[]];
      const keys = new Set<string>();
      for (const [pair, counts] of current) for (const sentiment of spike.sentiments) if ((counts.sentiment.get(sentiment) ?? 0) > 0) keys.add(`${pair}|${sentiment}`);
      for (const alert of state.values()) if (alert.kind === "spike" && alert.status === "open") keys.add(`${alert.brand}|${alert.source}|${alert.sentiment}`);

      for (const key of [...keys].sort()) {
        const [brand, source, sentiment] = key.split("|") as [string, string, string];
        if (troubled.has(source)) {
          report.verdicts.set(key, { kind: "unknown", count: 0, reason: `source ${source} has a health alert` });
          continue;
        }
        const pair = `${brand}|${source}`;
        const count = current.get(pair)?.sentiment.get(sentiment) ?? 0;
        const past = history.map((period) => period.get(pair)?.sentiment.get(sentiment) ?? 0);
        const activeDays = history.filter((period) => (period.get(pair)?.total ?? 0) > 0).length;
        const verdict = judge(count, past, activeDays, spike);
        report.verdicts.set(key, verdict);
        const alertKey = `spike:${brand}:${source}:${sentiment}`;
        const recorded = state.get(alertKey);
        const step = transition(recorded?.status === "open", verdict.kind);
        try {
          if (step === "open" && verdict.kind === "spike") {
            const mentions = await topMentions([
              { term: { "brands.id": brand } },
              { term: { "source.id": source } },
              { term: { "sentiment.label": sentiment } },
              { range: { publishedAt: { gt: new Date(now.getTime() - windowMs).toISOString(), lte: now.toISOString() } } },
            ]);
            report.opened.push(
              await open(
                {
                  key: alertKey,
                  kind: "spike",
                  brand,
                  source,
                  sentiment,
                  count,
                  baseline: verdict.baseline,
                  message:
                    `${capitalise(sentiment)} spike: ${count} ${sentiment} mentions of ${brand} on ${source} in the last ${spike.window} ` +
                    `(usually ${verdict.baseline.mean} ± ${verdict.baseline.sd}; threshold ${verdict.baseline.threshold})`,
                  openedAt: now.toISOString(),
                  mentions,
                },
                now,
              ),
            );
          } else if (step === "keep" && recorded) {
            if (!recorded.delivered && (await send(recorded))) await save({ ...recorded, delivered: true, updatedAt: now.toISOString() });
          } else if (step === "resolve" && recorded && verdict.kind === "calm") {
            report.resolved.push(await resolve(recorded, now, `Over: ${count} ${sentiment} mentions of ${brand} on ${source} in the last ${spike.window} (threshold ${verdict.baseline.threshold}).`));
          }
        } catch (error) {
          logger.error({ key: alertKey }, `alert not handled this time: ${describeError(error)}`);
        }
      }

      // High-reach mentions: each once.
      const reachFilter = {
        bool: {
          should: ["votes", "helpful", "followers"].map((field) => ({ range: { [`reach.${field}`]: { gte: reach.threshold } } })),
          minimum_should_match: 1,
        },
      };
      const loud = await topMentions([reachFilter, { range: { publishedAt: { gte: new Date(now.getTime() - durationMs(reach.lookback)).toISOString(), lte: now.toISOString() } } }], 50);
      for (const mention of loud) {
        const key = `reach:${mention.id}`;
        if (state.has(key)) continue;
        const brand = await brandOf(mention.id);
        report.opened.push(
          await open(
            {
              key,
              kind: "reach",
              ...(brand ? { brand } : {}),
              source: mention.source,
              ...(mention.sentiment ? { sentiment: mention.sentiment } : {}),
              message: `High-reach mention${brand ? ` of ${brand}` : ""} on ${mention.source}: reach ${mention.reach}${mention.sentiment ? `, ${mention.sentiment}` : ""}`,
              openedAt: now.toISOString(),
              mentions: [mention],
            },
            now,
          ),
        );
      }
      return report;
    },
  };

  async function brandOf(id: string): Promise<string | undefined> {
    const response = await search<{ hits: { hits: { _source: { brands?: { id: string }[] } }[] } }>({ size: 1, query: { ids: { values: [id] } }, _source: ["brands.id"] });
    return response.hits.hits[0]?._source.brands?.[0]?.id;
  }
}

function toAlertMention(doc: Record<string, unknown>): Alert["mentions"][number] {
  const reach = doc.reach as { votes?: number; helpful?: number; followers?: number } | undefined;
  const largest = reach ? Math.max(reach.votes ?? 0, reach.helpful ?? 0, reach.followers ?? 0) : undefined;
  const text = String(doc.text ?? "");
  return {
    id: String(doc.id),
    source: String((doc.source as { id?: string } | undefined)?.id ?? ""),
    ...(typeof doc.title === "string" ? { title: doc.title } : {}),
    text: text.length > 500 ? `${text.slice(0, 500)}…` : text,
    ...(typeof doc.url === "string" ? { url: doc.url } : {}),
    ...(largest !== undefined ? { reach: largest } : {}),
    ...((doc.sentiment as { label?: string } | undefined)?.label ? { sentiment: (doc.sentiment as { label: string }).label } : {}),
    publishedAt: String(doc.publishedAt),
  };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
