import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import type { Alert } from "@odzew/schema";
import { afterDeliveries, alertKeys, bookOf, isOpen, openedAlert, owedWebhooks, resolvedAlert, type AlertDraft, type DeliveryResult } from "./book.ts";

const t0 = new Date("2026-11-27T15:00:00.000Z");
const t1 = new Date("2026-11-27T15:05:00.000Z");
const draft: AlertDraft = { key: alertKeys.reach("m1"), kind: "reach", source: "opineo-sklep", message: "High-reach mention", openedAt: t0.toISOString(), mentions: [] };
const hooks = ["hooks.slack.com#1a2b3c4d", "chat.example.pl#99aa00ff"];

describe("the alert book", () => {
  it("keys one record per crisis, the newest record of a key winning", () => {
    expect([alertKeys.spike("zuraw", "opineo-sklep", "negative"), alertKeys.reach("m1"), alertKeys.sourceHealth("shop")]).toEqual([
      "spike:zuraw:opineo-sklep:negative",
      "reach:m1",
      "source-health:shop",
    ]);
    const opened = openedAlert(draft, [], t0);
    const book = bookOf([opened, resolvedAlert(opened, t1, "over")]);
    expect(book.size).toBe(1);
    expect(isOpen(book, draft.key)).toBe(false);
    expect(isOpen(bookOf([opened]), draft.key)).toBe(true);
  });

  it("opens an alert owed to every webhook, delivered at once when there is none", () => {
    const opened = openedAlert(draft, hooks, t0);
    expect(opened).toMatchObject({ status: "open", delivered: false, updatedAt: t0.toISOString() });
    expect(opened.deliveries).toEqual(hooks.map((webhook) => ({ webhook, status: "pending", attempts: 0, at: t0.toISOString() })));
    expect(owedWebhooks(opened, hooks)).toEqual(hooks);
    expect(openedAlert(draft, [], t0).delivered).toBe(true);
  });

  it("resolves with the message that says why, keeping what was delivered", () => {
    const resolved = resolvedAlert(openedAlert(draft, hooks, t0), t1, "no longer news");
    expect(resolved).toMatchObject({ status: "resolved", resolvedAt: t1.toISOString(), updatedAt: t1.toISOString(), message: "no longer news", openedAt: t0.toISOString() });
  });

  it("owes an alert to a webhook that was down, never to one that took it or refused it for good", () => {
    const round: DeliveryResult[] = [
      { webhook: hooks[0]!, status: "pending", attempts: 5, reason: "HTTP 503" },
      { webhook: hooks[1]!, status: "refused", attempts: 1, reason: "HTTP 404" },
    ];
    const after = afterDeliveries(openedAlert(draft, hooks, t0), round, hooks, t1);
    expect(owedWebhooks(after, hooks)).toEqual([hooks[0]]);
    expect(after.deliveries).toContainEqual({ webhook: hooks[1], status: "refused", attempts: 1, at: t1.toISOString(), reason: "HTTP 404" });
    const later = afterDeliveries(after, [{ webhook: hooks[0]!, status: "delivered", attempts: 1 }], hooks, t1);
    expect(later.deliveries).toContainEqual({ webhook: hooks[0], status: "delivered", attempts: 6, at: t1.toISOString() });
    expect(owedWebhooks(later, hooks)).toEqual([]);
    // Refused by one hook: not every webhook took it.
    expect(later.delivered).toBe(false);
  });

  it("reads a record from before per-webhook deliveries: owed to every webhook until delivered", () => {
    const { deliveries: _deliveries, ...legacy } = openedAlert(draft, hooks, t0);
    expect(owedWebhooks({ ...legacy, delivered: false }, hooks)).toEqual(hooks);
    expect(owedWebhooks({ ...legacy, delivered: true }, hooks)).toEqual([]);
  });

  it("for any rounds of deliveries: a webhook that took or refused an alert is never owed it again, and attempts only add up", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      let alert: Alert = openedAlert(draft, hooks, t0);
      const settled = new Set<string>();
      for (let round = 0; round < 10; round++) {
        const owed = owedWebhooks(alert, hooks);
        for (const hook of settled) expect(owed, `seed ${seed}`).not.toContain(hook);
        const results = owed.map((webhook): DeliveryResult => {
          const draw = random();
          return { webhook, status: draw < 0.4 ? "delivered" : draw < 0.5 ? "refused" : "pending", attempts: 1 + Math.floor(random() * 5), reason: "HTTP 503" };
        });
        const before = new Map((alert.deliveries ?? []).map((delivery) => [delivery.webhook, delivery.attempts]));
        alert = afterDeliveries(alert, results, hooks, t1);
        for (const result of results) if (result.status !== "pending") settled.add(result.webhook);
        for (const delivery of alert.deliveries ?? []) {
          expect(delivery.attempts, `seed ${seed}`).toBeGreaterThanOrEqual(before.get(delivery.webhook) ?? 0);
          expect(delivery.reason === undefined, `seed ${seed}`).toBe(delivery.status === "delivered");
        }
        expect(alert.delivered, `seed ${seed}`).toBe(hooks.every((hook) => alert.deliveries?.some((delivery) => delivery.webhook === hook && delivery.status === "delivered")));
      }
    }
  });
});
