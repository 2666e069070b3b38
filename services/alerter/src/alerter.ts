import { counter, describeError, type Logger } from "@odzew/core";
import type { Alert, AlertsFile, SourceAlert } from "@odzew/schema";
import type { Engine } from "@odzew/search";
import { afterDeliveries, bookOf, openedAlert, owedWebhooks, resolvedAlert, type AlertDraft } from "./book.ts";
import { createAlertQueries } from "./queries.ts";
import { reachResolutions, reachSteps, redeliveries, sourceHealthSteps, spikeDraft, spikeSteps, type AlertStep, type Verdict } from "./rules.ts";
import { deliver, slackMessage, webhookId, type DeliverOptions } from "./webhook.ts";

/** The projection of a mention behind an alert lives with the queries; re-exported for existing imports. */
export { toAlertMention } from "./queries.ts";

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
 * The PR crisis watch, as a shell: each look reads the sources' health and the engine's counts
 * (`queries.ts`), asks the rules what to open and resolve (`rules.ts`), and writes what the alert
 * book (`book.ts`) makes of it to the alerts topic and the webhooks. Each crisis is opened once,
 * delivered with the mentions behind it, kept quiet while it lasts and resolved after.
 */
export function createAlerter(options: AlerterOptions) {
  const logger = options.logger.child({ scope: "alerter" });
  const book = bookOf(options.recorded);
  const queries = createAlertQueries(options);
  const webhooks = options.webhooks.map((url) => ({ url, id: webhookId(url) }));
  const webhookIds = webhooks.map(({ id }) => id);
  const opened = counter({ name: "alerter_alerts_opened_total", help: "Alerts opened, by kind", labelNames: ["kind"] });
  const undelivered = counter({ name: "alerter_deliveries_failed_total", help: "Alerts a webhook did not take after every retry" });

  async function save(alert: Alert): Promise<Alert> {
    await options.record(alert);
    book.set(alert.key, alert);
    return alert;
  }

  async function open(draft: AlertDraft, now: Date): Promise<Alert> {
    // Recorded before it is sent: a crash in between means a retry, never a lost alert.
    const recorded = await save(openedAlert(draft, webhookIds, now));
    opened.inc({ kind: recorded.kind });
    logger.warn({ key: recorded.key }, recorded.message);
    return send(recorded, now);
  }

  async function resolve(alert: Alert, now: Date, message: string): Promise<Alert> {
    const resolved = await save(resolvedAlert(alert, now, message));
    logger.info({ key: alert.key }, message);
    return resolved;
  }

  /** Sends an alert to the webhooks it is owed to, each once, and records what became of it. */
  async function send(alert: Alert, now: Date): Promise<Alert> {
    const owed = new Set(owedWebhooks(alert, webhookIds));
    if (owed.size === 0) return alert;
    const message = slackMessage(alert);
    const signal = options.signal ? { signal: options.signal } : {};
    const results = await Promise.all(
      webhooks
        .filter(({ id }) => owed.has(id))
        .map(async ({ url, id }) => ({ webhook: id, ...(await deliver(url, message, logger, { ...options.delivery, ...signal })) })),
    );
    for (const result of results) if (result.status !== "delivered") undelivered.inc();
    return save(afterDeliveries(alert, results, webhookIds, now));
  }

  return {
    /** Alerts as recorded now (open and resolved). */
    alerts: () => [...book.values()],

    /** One look: source health, spikes, high reach, deliveries owed. `now` is injectable for tests. */
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
      const apply = async (steps: AlertStep[]) => {
        for (const next of steps) {
          await step(next.key, async () => {
            if (next.kind === "open") report.opened.push(await open(next.draft, now));
            else report.resolved.push(await resolve(next.alert, now, next.message));
          });
        }
      };

      // Collectors in trouble: one alert while it lasts; their counts are not judged below.
      await apply(sourceHealthSteps(book, health, now));

      // Spikes per brand × source × sentiment: those with mentions now, and those open.
      for (const spike of spikeSteps(book, await queries.count(now), health, options.config.spike)) {
        report.verdicts.set(spike.watched, spike.verdict);
        const { step: decided } = spike;
        if (decided.kind === "open") {
          await step(spike.key, async () => {
            const found = await queries.spikeMentions(spike, now);
            report.opened.push(await open(spikeDraft({ ...spike, step: decided }, found, options.config.spike.window, now), now));
          });
        } else if (decided.kind === "resolve") {
          await step(spike.key, async () => void report.resolved.push(await resolve(decided.alert, now, decided.message)));
        }
      }

      // High-reach mentions: each once; its alert is resolved when the mention is no longer news.
      await apply(reachSteps(book, await queries.loudMentions(now), now));
      await apply(reachResolutions(book, now, options.config.reach));

      // Open alerts a webhook could not take last time (or a crash came between recording and
      // sending): tried again, only at the webhooks still owed them.
      for (const alert of redeliveries(book, handled, webhookIds)) {
        await step(alert.key, async () => {
          const sent = await send(alert, now);
          if (sent.delivered) logger.info({ key: alert.key }, "alert delivered on a later look");
        });
      }
      return report;
    },
  };
}
