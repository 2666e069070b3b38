import { ALERT_SCHEMA_VERSION, type Alert, type AlertDelivery } from "@odzew/schema";

/**
 * The alert book: every alert recorded so far by key (one record per crisis, opened once,
 * updated while it lasts, resolved after), and the rules of a record's life: how an alert is
 * opened, resolved, which webhooks it is still owed to and what a delivery round makes of it.
 * Pure: the alerter reads the book from the alerts topic at start and writes every new version
 * back there.
 */

/** Alerts by key. */
export type AlertBook = ReadonlyMap<string, Alert>;

/** An alert about to be opened: what the rules decided, before any record or delivery. */
export type AlertDraft = Omit<Alert, "schemaVersion" | "status" | "delivered" | "deliveries" | "updatedAt">;

/** The keys alerts are recorded under: one record per crisis. */
export const alertKeys = {
  spike: (brand: string, source: string, sentiment: string) => `spike:${brand}:${source}:${sentiment}`,
  reach: (mentionId: string) => `reach:${mentionId}`,
  sourceHealth: (source: string) => `source-health:${source}`,
} as const;

/** The book as recorded (the newest record of each key wins, as on the compacted topic). */
export function bookOf(recorded: readonly Alert[]): Map<string, Alert> {
  return new Map(recorded.map((alert) => [alert.key, alert]));
}

export const isOpen = (book: AlertBook, key: string): boolean => book.get(key)?.status === "open";

/**
 * A new alert's record: open, owed to every webhook (`pending`, not tried yet); delivered at once
 * when there are no webhooks. Recorded before it is sent, so a crash in between means a retry,
 * never a lost alert.
 */
export function openedAlert(draft: AlertDraft, webhooks: readonly string[], now: Date): Alert {
  const pending = webhooks.map((webhook): AlertDelivery => ({ webhook, status: "pending", attempts: 0, at: now.toISOString() }));
  return { schemaVersion: ALERT_SCHEMA_VERSION, status: "open", delivered: webhooks.length === 0, deliveries: pending, updatedAt: now.toISOString(), ...draft };
}

/** An alert's record once it is over, with the message that says why. */
export function resolvedAlert(alert: Alert, now: Date, message: string): Alert {
  return { ...alert, status: "resolved", resolvedAt: now.toISOString(), updatedAt: now.toISOString(), message };
}

/**
 * The webhooks (by id) still owed an alert: those it is pending for (not tried, or unreachable
 * last time); never one that took it or refused it for good. A record from before per-webhook
 * deliveries were kept owes every webhook until delivered.
 */
export function owedWebhooks(alert: Alert, webhooks: readonly string[]): string[] {
  if (alert.deliveries === undefined) return alert.delivered ? [] : [...webhooks];
  return webhooks.filter((id) => alert.deliveries?.some((delivery) => delivery.webhook === id && delivery.status === "pending"));
}

/** What one webhook did with an alert this round. */
export interface DeliveryResult {
  webhook: string;
  status: AlertDelivery["status"];
  /** Attempts this round. */
  attempts: number;
  reason?: string | undefined;
}

/**
 * The record after a delivery round: each webhook's delivery as it now stands (attempts add up;
 * a reason kept only for a failure), and `delivered` once every webhook took it.
 */
export function afterDeliveries(alert: Alert, results: readonly DeliveryResult[], webhooks: readonly string[], now: Date): Alert {
  const deliveries = new Map((alert.deliveries ?? []).map((delivery) => [delivery.webhook, delivery]));
  for (const { webhook, status, attempts, reason } of results) {
    const total = (deliveries.get(webhook)?.attempts ?? 0) + attempts;
    deliveries.set(webhook, { webhook, status, attempts: total, at: now.toISOString(), ...(reason && status !== "delivered" ? { reason } : {}) });
  }
  return {
    ...alert,
    deliveries: [...deliveries.values()],
    delivered: webhooks.every((id) => deliveries.get(id)?.status === "delivered"),
    updatedAt: now.toISOString(),
  };
}
