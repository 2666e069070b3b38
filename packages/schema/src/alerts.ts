import { z } from "zod";

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes");
/** A duration such as 60m, 2h or 1d. */
const duration = z.string().regex(/^\d+[mhd]$/, 'a duration such as "60m", "2h" or "1d"');

export function durationMs(value: string): number {
  const amount = Number(value.slice(0, -1));
  return amount * { m: 60_000, h: 3_600_000, d: 86_400_000 }[value.at(-1) as "m" | "h" | "d"];
}

export const webhookSchema = z.union([
  z.strictObject({ url: z.url({ protocol: /^https?$/, message: "an http(s) URL that takes Slack-compatible JSON" }) }),
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "the name of an environment variable holding the webhook URL") }),
]);

/** config/alerts.yaml: when PR hears about a crisis, and where. */
export const alertsFileSchema = z.strictObject({
  /** Slack-compatible incoming webhooks; the URLs are secrets, so prefer `env:`. */
  webhooks: z.array(webhookSchema).default([]),
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
      /** Days of the baseline on which the brand × source had any mention; fewer means no verdict. */
      minBaselineDays: z.number().int().min(1).default(7),
      sentiments: z.array(z.enum(["negative", "neutral", "positive"])).min(1).default(["negative"]),
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
  schedule: z.string().min(9).default("*/5 * * * *"),
});
export type AlertsFile = z.infer<typeof alertsFileSchema>;

export const ALERT_SCHEMA_VERSION = 1;

export const alertMentionSchema = z.object({
  id: z.string(),
  source: z.string(),
  title: z.string().optional(),
  text: z.string(),
  url: z.string().optional(),
  reach: z.number().optional(),
  sentiment: z.string().optional(),
  publishedAt: z.string(),
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
  message: z.string(),
  openedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  resolvedAt: z.iso.datetime({ offset: true }).optional(),
  /** Spikes: the count in the window and the baseline it was measured against. */
  count: z.number().int().nonnegative().optional(),
  baseline: z.object({ mean: z.number(), sd: z.number(), threshold: z.number(), days: z.number().int() }).optional(),
  mentions: z.array(alertMentionSchema).default([]),
  /** Whether every webhook took it. */
  delivered: z.boolean(),
});
export type Alert = z.infer<typeof alertSchema>;
