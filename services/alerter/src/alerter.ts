import { counter, describeError, type Logger, redactUrls } from "@odzew/core";
import { ALERT_SCHEMA_VERSION, durationMs, type Alert, type AlertDelivery, type AlertsFile, type SourceAlert } from "@odzew/schema";
import { indexNames, projectMention, type Engine } from "@odzew/search";
import { decide, type Verdict } from "./detect.ts";
import { deliver, slackMessage, webhookId, type DeliverOptions } from "./webhook.ts";

const DAY = 86_400_000;

type Clause = Record<string, unknown>;
interface Bucket {
  key: string;
  doc_count: number;
}
type Tree = Record<string, { buckets: (Bucket & { source: { buckets: (Bucket & { sentiment?: { buckets: Bucket[] } })[] } })[] }>;

/** Counts of one period: brand|source → total and per sentiment. */
type PeriodCounts = Map<string, { total: number; sentiment: Map<string, number> }>;

/** What one query tells: the window now, the same window on each past day, and the whole past days. */
interface Counts {
  current: PeriodCounts;
  /** history[d]: the window d+1 days ago. */
  history: PeriodCounts[];
  /** brand|source → on how many of the past days it had any mention at all. */
  activeDays: Map<string, number>;
}

/** Most high-reach mentions one look reads (newest first); the rest wait for the next look. */
const REACH_PAGE = 200;
const REACH_MAX_PER_LOOK = 2_000;

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
  /** Retry policy of each webhook (tests shorten the backoff). */
  delivery?: Omit<DeliverOptions, "signal">;
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
  const lookbackMs = durationMs(reach.lookback);
  const webhooks = options.webhooks.map((url) => ({ url, id: webhookId(url) }));

  const search = async <T>(body: Clause): Promise<T> =>
    options.engine.request<T>("POST", `/${names.all}/_search`, body, { ignore_unavailable: true, allow_no_indices: true });

  const baseFilter = (): Clause[] => [{ exists: { field: "source.id" } }, ...(options.config.brands?.length ? [{ terms: { "brands.id": options.config.brands } }] : [])];

  /**
   * Counts per brand × source × sentiment in the current window and in the same window on each
   * past day, and which past days had any mention of the brand × source: one request.
   */
  async function count(now: Date): Promise<Counts> {
    const windows: Record<string, Clause> = {};
    const days: Record<string, Clause> = {};
    const range = (end: number, length: number): Clause => ({ range: { publishedAt: { gt: new Date(end - length).toISOString(), lte: new Date(end).toISOString() } } });
    for (let day = 0; day <= spike.baselineDays; day++) {
      const end = now.getTime() - day * DAY;
      windows[`p${day}`] = range(end, windowMs);
      if (day > 0) days[`d${day}`] = range(end, DAY);
    }
    // Buckets: (brands × sources) × (1 + sentiments watched) × windows, plus × days; the engine
    // caps a response at search.max_buckets (65,535 by default).
    const pairs = (sentiment: boolean): Clause => ({
      terms: { field: "brands.id", size: 500 },
      aggs: { source: { terms: { field: "source.id", size: 1_000 }, ...(sentiment ? { aggs: { sentiment: { terms: { field: "sentiment.label", size: 3, include: spike.sentiments } } } } : {}) } },
    });
    const response = await search<{ aggregations?: Record<"windows" | "days", { buckets: Record<string, Tree> }> }>({
      size: 0,
      query: { bool: { filter: [...baseFilter(), range(now.getTime(), (spike.baselineDays + 1) * DAY)] } },
      aggs: {
        windows: { filters: { filters: windows }, aggs: { brand: pairs(true) } },
        days: { filters: { filters: days }, aggs: { brand: pairs(false) } },
      },
    });
    const read = (tree: Tree | undefined): PeriodCounts => {
      const counts: PeriodCounts = new Map();
      for (const brand of tree?.brand?.buckets ?? []) {
        for (const source of brand.source.buckets) {
          counts.set(`${brand.key}|${source.key}`, {
            total: source.doc_count,
            sentiment: new Map((source.sentiment?.buckets ?? []).map((bucket) => [bucket.key, bucket.doc_count])),
          });
        }
      }
      return counts;
    };
    const activeDays = new Map<string, number>();
    for (let day = 1; day <= spike.baselineDays; day++) {
      for (const [pair, { total }] of read(response.aggregations?.days.buckets[`d${day}`])) if (total > 0) activeDays.set(pair, (activeDays.get(pair) ?? 0) + 1);
    }
    const history: PeriodCounts[] = [];
    for (let day = 1; day <= spike.baselineDays; day++) history.push(read(response.aggregations?.windows.buckets[`p${day}`]));
    return { current: read(response.aggregations?.windows.buckets.p0), history, activeDays };
  }

  /**
   * The mentions behind an alert (the most negative, or most recent, first) as the webhooks may
   * get them, and the languages of all the mentions the alert counts (teams limited to some
   * languages see an alert only if it lies wholly in them).
   */
  async function topMentions(filter: Clause[], size = 5): Promise<{ mentions: Alert["mentions"]; languages: string[] }> {
    const response = await search<{ hits: { hits: { _source: Record<string, unknown> }[] }; aggregations?: { languages?: { buckets: Bucket[] } } }>({
      size,
      query: { bool: { filter: [...baseFilter(), ...filter] } },
      sort: [{ "sentiment.score": { order: "asc", missing: "_last" } }, { publishedAt: "desc" }, { id: "asc" }],
      _source: MENTION_FIELDS,
      aggs: { languages: { terms: { field: "lang", size: 100, missing: "unknown" } } },
    });
    return {
      mentions: response.hits.hits.map(({ _source: doc }) => toAlertMention(doc, options.config.webhookMentions)),
      languages: (response.aggregations?.languages?.buckets ?? []).map((bucket) => String(bucket.key)).sort(),
    };
  }

  async function open(alert: Omit<Alert, "schemaVersion" | "status" | "delivered" | "deliveries" | "updatedAt">, now: Date): Promise<Alert> {
    const pending = webhooks.map(({ id }): AlertDelivery => ({ webhook: id, status: "pending", attempts: 0, at: now.toISOString() }));
    const recorded: Alert = { schemaVersion: ALERT_SCHEMA_VERSION, status: "open", delivered: webhooks.length === 0, deliveries: pending, updatedAt: now.toISOString(), ...alert };
    // Recorded before it is sent: a crash in between means a retry, never a lost alert.
    await save(recorded);
    opened.inc({ kind: recorded.kind });
    logger.warn({ key: recorded.key }, recorded.message);
    return send(recorded, now);
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

  /**
   * The webhooks still owed an alert: those it is pending for (not tried, or unreachable last
   * time). A record from before per-webhook deliveries were kept owes every webhook until delivered.
   */
  function owed(alert: Alert) {
    if (alert.deliveries === undefined) return alert.delivered ? [] : webhooks;
    return webhooks.filter(({ id }) => alert.deliveries?.some((delivery) => delivery.webhook === id && delivery.status === "pending"));
  }

  /** Sends an alert to the webhooks it is owed to, each once, and records what became of it. */
  async function send(alert: Alert, now: Date): Promise<Alert> {
    const targets = owed(alert);
    if (targets.length === 0) return alert;
    const message = slackMessage(alert);
    const outcomes = await Promise.all(
      targets.map(async ({ url, id }) => ({ id, outcome: await deliver(url, message, logger, { ...options.delivery, ...(options.signal ? { signal: options.signal } : {}) }) })),
    );
    const deliveries = new Map((alert.deliveries ?? []).map((delivery) => [delivery.webhook, delivery]));
    for (const { id, outcome } of outcomes) {
      const attempts = (deliveries.get(id)?.attempts ?? 0) + outcome.attempts;
      deliveries.set(id, { webhook: id, status: outcome.status, attempts, at: now.toISOString(), ...(outcome.reason && outcome.status !== "delivered" ? { reason: outcome.reason } : {}) });
      if (outcome.status !== "delivered") undelivered.inc();
    }
    const updated: Alert = {
      ...alert,
      deliveries: [...deliveries.values()],
      delivered: webhooks.every(({ id }) => deliveries.get(id)?.status === "delivered"),
      updatedAt: now.toISOString(),
    };
    await save(updated);
    return updated;
  }

  return {
    /** Alerts as recorded now (open and resolved). */
    alerts: () => [...state.values()],

    /** One look: spikes, high reach, source health. `now` is injectable for tests. */
    async runOnce(now = new Date()): Promise<RunReport> {
      const report: RunReport = { opened: [], resolved: [], verdicts: new Map() };
      const health = options.sourceHealth();
      const handled = new Set<string>();
      /** One alert's step; a failure (Kafka, engine) is logged and left to the next look. */
      const step = async (key: string, work: () => Promise<void>) => {
        handled.add(key);
        try {
          await work();
        } catch (error) {
          logger.error({ key }, `alert not handled this time: ${describeError(error)}`);
        }
      };

      // Collectors in trouble: one alert while it lasts; their counts are not judged below.
      for (const [source, problem] of [...health].sort(([a], [b]) => a.localeCompare(b))) {
        const key = `source-health:${source}`;
        const current = state.get(key);
        if (problem && current?.status !== "open") {
          await step(key, async () => {
            report.opened.push(
              await open(
                {
                  key,
                  kind: "source-health",
                  source,
                  code: problem.code,
                  // The collector's message may quote the address it failed on: tokens in it are taken out.
                  message: `Source ${source} cannot be read (${problem.code}): ${redactUrls(problem.message)}. Its counts mean nothing until it is fixed.`,
                  openedAt: now.toISOString(),
                  mentions: [],
                },
                now,
              ),
            );
          });
        } else if (!problem && current?.status === "open") {
          await step(key, async () => void report.resolved.push(await resolve(current, now, `Source ${source} is read again.`)));
        }
      }

      // Spikes per brand × source × sentiment: those with mentions now, and those open.
      const { current, history, activeDays } = await count(now);
      const keys = new Set<string>();
      for (const [pair, counts] of current) for (const sentiment of spike.sentiments) if ((counts.sentiment.get(sentiment) ?? 0) > 0) keys.add(`${pair}|${sentiment}`);
      for (const alert of state.values()) if (alert.kind === "spike" && alert.status === "open") keys.add(`${alert.brand}|${alert.source}|${alert.sentiment}`);

      for (const key of [...keys].sort()) {
        const [brand, source, sentiment] = key.split("|") as [string, string, string];
        const pair = `${brand}|${source}`;
        const alertKey = `spike:${brand}:${source}:${sentiment}`;
        const recorded = state.get(alertKey);
        const { verdict, step: next } = decide({
          count: current.get(pair)?.sentiment.get(sentiment) ?? 0,
          history: history.map((period) => period.get(pair)?.sentiment.get(sentiment) ?? 0),
          activeDays: activeDays.get(pair) ?? 0,
          spike,
          sourceAlert: health.get(source),
          open: recorded?.status === "open",
        });
        report.verdicts.set(key, verdict);
        if (next === "open" && verdict.kind === "spike") {
          await step(alertKey, async () => {
            const { mentions, languages } = await topMentions([
              { term: { "brands.id": brand } },
              { term: { "source.id": source } },
              { term: { "sentiment.label": sentiment } },
              { range: { publishedAt: { gt: new Date(now.getTime() - windowMs).toISOString(), lte: now.toISOString() } } },
            ]);
            const { count, baseline } = verdict;
            report.opened.push(
              await open(
                {
                  key: alertKey,
                  kind: "spike",
                  brand,
                  source,
                  sentiment,
                  languages,
                  count,
                  baseline,
                  message:
                    `${capitalise(sentiment)} spike: ${count} ${sentiment} mentions of ${brand} on ${source} in the last ${spike.window} ` +
                    `(usually ${baseline.mean} ± ${baseline.sd}; threshold ${baseline.threshold})`,
                  openedAt: now.toISOString(),
                  mentions,
                },
                now,
              ),
            );
          });
        } else if (next === "resolve" && recorded && verdict.kind === "calm") {
          await step(alertKey, async () => {
            const over = `Over: ${verdict.count} ${sentiment} mentions of ${brand} on ${source} in the last ${spike.window} (threshold ${verdict.baseline.threshold}).`;
            report.resolved.push(await resolve(recorded, now, over));
          });
        }
      }

      // High-reach mentions: each once; its alert is resolved when the mention is no longer news.
      for (const { mention, brand, source, lang } of await loudMentions(now)) {
        const key = `reach:${mention.id}`;
        if (state.has(key)) continue;
        await step(key, async () => {
          report.opened.push(
            await open(
              {
                key,
                kind: "reach",
                ...(brand ? { brand } : {}),
                source,
                ...(mention.sentiment ? { sentiment: mention.sentiment } : {}),
                languages: [lang],
                message: `High-reach mention${brand ? ` of ${brand}` : ""} on ${source}: reach ${mention.reach}${mention.sentiment ? `, ${mention.sentiment}` : ""}`,
                openedAt: now.toISOString(),
                mentions: [mention],
              },
              now,
            ),
          );
        });
      }
      for (const alert of [...state.values()]) {
        const published = alert.kind === "reach" && alert.status === "open" ? Date.parse(alert.mentions[0]?.publishedAt ?? "") : Number.NaN;
        if (published < now.getTime() - lookbackMs) {
          await step(alert.key, async () => void report.resolved.push(await resolve(alert, now, `${alert.message} (published over ${reach.lookback} ago: no longer news)`)));
        }
      }

      // Open alerts a webhook could not take last time (or a crash came between recording and
      // sending): tried again, only at the webhooks still owed them.
      for (const alert of [...state.values()]) {
        if (alert.status !== "open" || handled.has(alert.key) || owed(alert).length === 0) continue;
        await step(alert.key, async () => {
          const sent = await send(alert, now);
          if (sent.delivered) logger.info({ key: alert.key }, "alert delivered on a later look");
        });
      }
      return report;
    },
  };

  /** Mentions with votes, helpful marks or followers at the threshold, published within the lookback, newest first. */
  async function loudMentions(now: Date): Promise<{ mention: Alert["mentions"][number]; brand: string | undefined; source: string; lang: string }[]> {
    const query = {
      bool: {
        filter: [
          ...baseFilter(),
          { range: { publishedAt: { gte: new Date(now.getTime() - lookbackMs).toISOString(), lte: now.toISOString() } } },
          { bool: { should: ["votes", "helpful", "followers"].map((field) => ({ range: { [`reach.${field}`]: { gte: reach.threshold } } })), minimum_should_match: 1 } },
        ],
      },
    };
    const found: { mention: Alert["mentions"][number]; brand: string | undefined; source: string; lang: string }[] = [];
    let after: unknown[] | undefined;
    while (found.length < REACH_MAX_PER_LOOK) {
      const response = await search<{ hits: { hits: { _source: Record<string, unknown>; sort: unknown[] }[] } }>({
        size: REACH_PAGE,
        query,
        sort: [{ publishedAt: "desc" }, { id: "asc" }],
        _source: MENTION_FIELDS,
        ...(after ? { search_after: after } : {}),
      });
      const hits = response.hits.hits;
      for (const { _source: doc } of hits) {
        const brands = ((doc.brands as { id?: string }[] | undefined) ?? []).map((brand) => brand.id).filter((id) => id !== undefined);
        found.push({
          mention: toAlertMention(doc, options.config.webhookMentions),
          brand: brands.find((id) => !options.config.brands?.length || options.config.brands.includes(id)),
          source: String((doc.source as { id?: string } | undefined)?.id ?? ""),
          lang: typeof doc.lang === "string" ? doc.lang : "unknown",
        });
      }
      if (hits.length < REACH_PAGE) break;
      after = hits.at(-1)?.sort;
    }
    return found;
  }
}

const MENTION_FIELDS = ["id", "source.id", "source.type", "brands.id", "title", "text", "masked", "url", "reach", "sentiment.label", "lang", "publishedAt"];

/**
 * A mention behind an alert as the webhooks may get it (`webhookMentions`): `masked` through the
 * pseudonymous view's projection (the one owner of that rule), `full` through the full view,
 * `none` without title, text or link. This is also what the alert record keeps.
 */
export function toAlertMention(doc: Record<string, unknown>, allowed: AlertsFile["webhookMentions"]): Alert["mentions"][number] {
  const reach = doc.reach as { votes?: number; helpful?: number; followers?: number } | undefined;
  const largest = reach ? Math.max(reach.votes ?? 0, reach.helpful ?? 0, reach.followers ?? 0) : undefined;
  const seen = projectMention({ ...doc, id: String(doc.id) }, { view: allowed === "full" ? "full" : "pseudonymous", hide: [] });
  const source = seen.source as { id?: string; type?: string } | undefined;
  const text = typeof seen.text === "string" ? seen.text : undefined;
  return {
    id: String(doc.id),
    ...(source?.id ? { source: source.id } : {}),
    ...(source?.type ? { sourceType: source.type } : {}),
    ...(allowed !== "none" && typeof seen.title === "string" ? { title: seen.title } : {}),
    ...(allowed !== "none" && text !== undefined ? { text: text.length > 500 ? `${text.slice(0, 500)}…` : text } : {}),
    ...(allowed !== "none" && typeof seen.url === "string" ? { url: seen.url } : {}),
    ...(typeof doc.lang === "string" ? { lang: doc.lang } : {}),
    ...(largest !== undefined ? { reach: largest } : {}),
    ...((doc.sentiment as { label?: string } | undefined)?.label ? { sentiment: (doc.sentiment as { label: string }).label } : {}),
    publishedAt: String(doc.publishedAt),
  };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
