import { backoffMs, describeError, sleep, type Logger } from "@odzew/core";
import type { Alert } from "@odzew/schema";

/** Slack-compatible message (`text` plus blocks) of an alert, with the mentions behind it. */
export function slackMessage(alert: Alert): { text: string; blocks: unknown[] } {
  const lines = alert.mentions.slice(0, 5).map((mention) => {
    const excerpt = mention.text.length > 200 ? `${mention.text.slice(0, 200)}…` : mention.text;
    const head = [mention.source, mention.sentiment, mention.reach !== undefined ? `reach ${mention.reach}` : undefined].filter(Boolean).join(" · ");
    const link = mention.url ? ` <${mention.url}|open>` : "";
    return `• *${escape(mention.title ?? head)}* ${mention.title ? `(${escape(head)})` : ""}${link}\n> ${escape(excerpt)}`;
  });
  return {
    text: alert.message,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escape(alert.message)}*` } },
      ...(lines.length > 0 ? [{ type: "section", text: { type: "mrkdwn", text: lines.join("\n") } }] : []),
      { type: "context", elements: [{ type: "mrkdwn", text: `Odzew · ${alert.kind} · ${alert.key}` }] },
    ],
  };
}

/** Slack's mrkdwn control characters. */
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Where a webhook goes, for logs: the host only, since the path of a webhook URL is its secret. */
export const webhookHost = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
};

/**
 * POST one message to one webhook: retried with backoff on network errors, 429 and 5xx (a
 * Retry-After in seconds or as a date is honoured), not retried on other 4xx. Resolves whether it
 * was delivered; the reason of a failure is logged with the host only.
 */
export async function deliver(url: string, body: unknown, logger: Logger, options: { attempts?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
  const attempts = options.attempts ?? 5;
  const host = webhookHost(url);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait = backoffMs(attempt, 500, 30_000);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Odzew alerter" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return true;
      if (response.status !== 429 && response.status < 500) {
        logger.error({ host, status: response.status }, "webhook refused the alert; not retried (check its URL and payload format)");
        return false;
      }
      wait = retryAfterMs(response.headers.get("retry-after")) ?? wait;
      logger.warn({ host, status: response.status, attempt, waitMs: wait }, "webhook unavailable; retrying");
    } catch (error) {
      logger.warn({ host, attempt, waitMs: wait }, `webhook unreachable; retrying: ${describeError(error)}`);
    }
    if (attempt < attempts) await sleep(Math.min(wait, 60_000), options.signal);
  }
  logger.error({ host, attempts }, "webhook never took the alert; it stays recorded and visible at GET /api/v1/alerts");
  return false;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
