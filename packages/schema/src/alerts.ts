import { z } from "zod";

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes");
/** A duration such as 60m, 2h or 1d. */
const duration = z.string().regex(/^\d+[mhd]$/, 'a duration such as "60m", "2h" or "1d"');

export function durationMs(value: string): number {
  const amount = Number(value.slice(0, -1));
  return amount * { m: 60_000, h: 3_600_000, d: 86_400_000 }[value.at(-1) as "m" | "h" | "d"];
}

export const webhookSchema = z.union(
  [
    z.strictObject({ url: z.url({ protocol: /^https?$/, message: "an http(s) URL that takes Slack-compatible JSON" }) }),
    z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "the name of an environment variable holding the webhook URL, e.g. ODZEW_SLACK_WEBHOOK_URL") }),
  ],
  { error: "a webhook is either `url: https://…` or `env: VARIABLE` (the variable holding the URL; preferred, the URL is a secret)" },
);

const cronExpression = z
  .string()
  .regex(/^\s*(\S+\s+){4,5}\S+\s*$/, 'a cron expression with 5 or 6 fields, e.g. "*/5 * * * *" (every 5 minutes) or "*/30 * * * * *" (every 30 seconds)');

/** config/alerts.yaml: when PR hears about a crisis, and where. */
export const alertsFileSchema = z.strictObject({
  /** Slack-compatible incoming webhooks; the URLs are secrets, so prefer `env:`. */
  webhooks: z.array(webhookSchema).default([]),
  /**
   * What of the mentions behind an alert goes to the webhooks (and onto the alert record):
   * `masked` (default): the pseudonymous view, i.e. masked title and text, sentiment, reach, the
   * source type; no author, link, source id or reply. `full`: the original title and text and the
   * link, for a channel as trusted as a full-view team. `none`: no mention content at all, only
   * the alert's message and counts. The API shows each team the mentions through its own view,
   * whatever this says.
   */
  webhookMentions: z.enum(["masked", "full", "none"]).default("masked"),
  /** Only these brands (default: every brand). */
  brands: z.array(id).optional(),
  spike: z
    .strictObject({
      /** The window counted now, compared with the same window on each of the past days. */
      window: duration.default("60m"),
      baselineDays: z.number().int().min(3).max(60).default(14),
      /** A spike is a count of at least mean + k·σ of the baseline … */
      k: z.number().min(0.5).max(10).default(3),
      /** … and at least this many mentions. */
      minCount: z.number().int().min(1).default(5),
      /**
       * Past days (whole days, not only the window) on which the brand × source had any mention;
       * fewer means it is too new to judge: no verdict.
       */
      minBaselineDays: z.number().int().min(1).default(7),
      sentiments: z.array(z.enum(["negative", "neutral", "positive"])).min(1).default(["negative"]),
    })
    .refine((spike) => spike.minBaselineDays <= spike.baselineDays, {
      path: ["minBaselineDays"],
      message: "cannot be more than baselineDays (no source would ever get a verdict); lower it or raise baselineDays",
    })
    .default({ window: "60m", baselineDays: 14, k: 3, minCount: 5, minBaselineDays: 7, sentiments: ["negative"] }),
  reach: z
    .strictObject({
      /** A mention with votes, helpful count or followers at least this high raises one alert. */
      threshold: z.number().int().min(1).default(500),
      /** How far back a mention may have been published to still be news. */
      lookback: duration.default("24h"),
    })
    .default({ threshold: 500, lookback: "24h" }),
  /** How often the alerter looks (cron, 5 or 6 fields). */
  schedule: cronExpression.default("*/5 * * * *"),
});
export type AlertsFile = z.infer<typeof alertsFileSchema>;

export const ALERT_SCHEMA_VERSION = 1;

/**
 * A mention behind an alert as the webhooks got it (`webhookMentions`): the source id, text and
 * link only where that setting allows them. The API never serves this copy; it shows each team
 * the mention by id through the team's own slice and view.
 */
export const alertMentionSchema = z.object({
  id: z.string(),
  source: z.string().optional(),
  sourceType: z.string().optional(),
  title: z.string().optional(),
  text: z.string().optional(),
  url: z.string().optional(),
  lang: z.string().optional(),
  reach: z.number().optional(),
  sentiment: z.string().optional(),
  publishedAt: z.string(),
});

/**
 * One webhook's delivery of an alert: `delivered`; `pending` (not tried yet, or unreachable after
 * every retry: tried again at the next look while the alert is open); `refused` (a 4xx other
 * than 429: the URL or payload is wrong, not tried again).
 */
export const alertDeliverySchema = z.object({
  webhook: z.string(),
  status: z.enum(["delivered", "pending", "refused"]),
  attempts: z.number().int().nonnegative(),
  at: z.iso.datetime({ offset: true }),
  /** Why the last attempt failed (status code or network error), without the URL. */
  reason: z.string().optional(),
});

/**
 * An alert as the alerter records it on the compacted alerts topic (key: `key`). One record per
 * crisis: opened once, updated while it lasts, resolved when it is over.
 */
export const alertSchema = z.object({
  schemaVersion: z.literal(ALERT_SCHEMA_VERSION),
  /** spike:BRAND:SOURCE:SENTIMENT, reach:MENTION or source-health:SOURCE. */
  key: z.string(),
  kind: z.enum(["spike", "reach", "source-health"]),
  status: z.enum(["open", "resolved"]),
  brand: z.string().optional(),
  source: z.string().optional(),
  sentiment: z.string().optional(),
  /** Languages of the mentions the alert counts (spikes: all in its window; reach: the mention's). */
  languages: z.array(z.string()).optional(),
  /** Source-health alerts: the collector's code. */
  code: z.enum(["LAYOUT_CHANGED", "BLOCKED", "FAILING"]).optional(),
  message: z.string(),
  openedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  resolvedAt: z.iso.datetime({ offset: true }).optional(),
  /** Spikes: the window counted (alerts.yaml `spike.window`, e.g. "60m"), ending when the alert opened. */
  window: duration.optional(),
  /** Spikes: the count in the window and the baseline it was measured against. */
  count: z.number().int().nonnegative().optional(),
  baseline: z.object({ mean: z.number(), sd: z.number(), threshold: z.number(), days: z.number().int() }).optional(),
  mentions: z.array(alertMentionSchema).default([]),
  /** Whether every webhook took it. */
  delivered: z.boolean(),
  /** Per webhook (by `webhookId`: host and a short hash, never the URL): what became of the alert. */
  deliveries: z.array(alertDeliverySchema).optional(),
});
export type Alert = z.infer<typeof alertSchema>;
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;
