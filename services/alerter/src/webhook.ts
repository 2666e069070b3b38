import { createHash } from "node:crypto";
import { backoffMs, sleep, truncate, type Logger } from "@odzew/core";
import type { Alert } from "@odzew/schema";

/** Slack-compatible message (`text` plus blocks) of an alert, with the mentions behind it. */
export function slackMessage(alert: Alert): { text: string; blocks: unknown[] } {
  // The mentions exactly as recorded: the alerter put in only what `webhookMentions` allows.
  const lines = alert.mentions.slice(0, 5).map((mention) => {
    const text = mention.text ?? "";
    const excerpt = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    const head = [mention.source ?? mention.sourceType, mention.sentiment, mention.reach !== undefined ? `reach ${mention.reach}` : undefined].filter(Boolean).join(" · ");
    const link = mention.url && /^https?:\/\//i.test(mention.url) ? ` <${mention.url}|open>` : "";
    return `• *${escape(mention.title ?? head)}* ${mention.title ? `(${escape(head)})` : ""}${link}${excerpt ? `\n> ${escape(excerpt)}` : ""}`;
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
 * A webhook's name in alert records and logs: its host and 8 hex characters of the URL's SHA-256,
 * so two hooks on one host (two Slack channels) are told apart without writing down the secret.
 */
export const webhookId = (url: string): string => `${webhookHost(url)}#${createHash("sha256").update(url).digest("hex").slice(0, 8)}`;

/** What became of one message to one webhook. */
export interface DeliveryOutcome {
  /** `pending`: unreachable, 429 or 5xx after every attempt (worth another try later); `refused`: any other 4xx. */
  status: "delivered" | "pending" | "refused";
  attempts: number;
  /** Status code or network error of the last failed attempt, with the URL taken out. */
  reason?: string;
}

export interface DeliverOptions {
  /** Attempts before giving up (default 5). */
  attempts?: number;
  timeoutMs?: number;
  /** First backoff step; doubles each attempt up to 30 s, with jitter (default 500 ms). */
  baseDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * POST one message to one webhook: retried with backoff on network errors, 429 and 5xx (a
 * Retry-After in seconds or as a date is honoured, up to a minute), not retried on other 4xx.
 * Never throws; failures are logged with the webhook's host only.
 */
export async function deliver(url: string, body: unknown, logger: Logger, options: DeliverOptions = {}): Promise<DeliveryOutcome> {
  const attempts = options.attempts ?? 5;
  const webhook = webhookId(url);
  let reason = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait = backoffMs(attempt, options.baseDelayMs ?? 500, 30_000);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Odzew alerter" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const answer = await response.text().catch(() => "");
      if (response.ok) {
        if (attempt > 1) logger.info({ webhook, attempt }, "webhook took the alert after retrying");
        return { status: "delivered", attempts: attempt };
      }
      reason = `HTTP ${response.status}${answer ? `: ${truncate(answer.replace(/\s+/g, " ").trim(), 120)}` : ""}`;
      if (response.status !== 429 && response.status < 500) {
        logger.error({ webhook, status: response.status, reason }, "webhook refused the alert; not retried (check its URL and that it takes Slack-compatible JSON)");
        return { status: "refused", attempts: attempt, reason };
      }
      wait = retryAfterMs(response.headers.get("retry-after")) ?? wait;
    } catch (error) {
      if (options.signal?.aborted) return { status: "pending", attempts: attempt, reason: "stopped while delivering" };
      reason = networkReason(error, url);
    }
    if (attempt < attempts) {
      logger.warn({ webhook, attempt, of: attempts, waitMs: wait, reason }, "webhook did not take the alert; retrying");
      await sleep(Math.min(wait, 60_000), options.signal);
      if (options.signal?.aborted) return { status: "pending", attempts: attempt, reason: "stopped while delivering" };
    }
  }
  logger.error({ webhook, attempts, reason }, "webhook never took the alert; given up for now (it stays recorded, is shown at GET /api/v1/alerts and is tried again at the next look while open)");
  return { status: "pending", attempts, reason };
}

/** A network error's reason (`fetch failed` hides it in `cause`), with the URL taken out: it is a secret. */
function networkReason(error: unknown, url: string): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    parts.push(code ? `${current.message} (${code})` : current.message);
  }
  const text = parts.length > 0 ? parts.join(": ") : String(error);
  return truncate(text.split(url).join(webhookHost(url)), 200);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
