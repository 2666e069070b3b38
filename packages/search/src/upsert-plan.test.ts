import { describe, expect, it } from "vitest";
import { sampleEnrichedMention } from "@odzew/testing";
import type { EnrichedMention } from "@odzew/schema";
import { seededRandom } from "@odzew/core";
import { compareVersions, newestVersions, planUpsert, type StoredMention, type UpsertStep } from "./upsert-plan.ts";

const home = (publishedAt: string) => `t-mentions-${publishedAt.slice(0, 7).replace("-", ".")}`;
const toDocument = (mention: EnrichedMention) => ({ ...mention }) as Record<string, unknown>;
const minutes = (base: string, count: number) => new Date(Date.parse(base) + count * 60_000).toISOString();
const base = sampleEnrichedMention({ nativeId: "p-1", publishedAt: "2026-06-30T22:00:00.000Z" });
const version = (step: number, overrides: Partial<EnrichedMention> = {}): EnrichedMention => ({
  ...base,
  text: `wersja ${step}`,
  collectedAt: minutes(base.collectedAt, step),
  ...overrides,
});

/** The engine as far as the planner is concerned: apply a step to what is stored. */
function apply(stored: StoredMention | undefined, step: UpsertStep): StoredMention | undefined {
  if (step.kind === "skip") return stored;
  const doc = step.document as { publishedAt: string; collectedAt: string; enrichedAt: string; text: string; workflow?: StoredMention["workflow"] };
  return { index: step.index, seqNo: (stored?.seqNo ?? -1) + 1, primaryTerm: 1, publishedAt: doc.publishedAt, collectedAt: doc.collectedAt, enrichedAt: doc.enrichedAt, ...(doc.workflow ? { workflow: doc.workflow } : {}) };
}

describe("planUpsert", () => {
  it("creates a new mention in the index of its publication month", () => {
    expect(planUpsert(version(1), undefined, home, toDocument)).toMatchObject({ kind: "create", index: "t-mentions-2026.06" });
  });

  it("replaces an older version conditionally on the document read, keeping its workflow", () => {
    const workflow = { status: "claimed" as const, updatedAt: "2026-07-01T00:00:00.000Z", notes: 0, history: [] };
    const stored: StoredMention = { index: "t-mentions-2026.06", seqNo: 7, primaryTerm: 2, ...version(1), workflow };
    const step = planUpsert(version(2), stored, home, toDocument);
    expect(step).toMatchObject({ kind: "replace", index: "t-mentions-2026.06", seqNo: 7, primaryTerm: 2 });
    expect(step.kind === "replace" && step.document.workflow).toEqual(workflow);
  });

  it("never rolls back: an older or the same version is skipped", () => {
    const stored: StoredMention = { index: "t-mentions-2026.06", seqNo: 1, primaryTerm: 1, ...version(5) };
    expect(planUpsert(version(4), stored, home, toDocument)).toMatchObject({ kind: "skip", reason: "stale" });
    expect(planUpsert(version(5), stored, home, toDocument)).toMatchObject({ kind: "skip", reason: "same-version" });
    // The same reading enriched again later (a new model) is newer.
    expect(planUpsert(version(5, { enrichedAt: minutes(base.enrichedAt, 60) }), stored, home, toDocument)).toMatchObject({ kind: "replace" });
  });

  it("keeps an edited review in its first month, with the new date as editedAt", () => {
    const stored: StoredMention = { index: "t-mentions-2026.06", seqNo: 1, primaryTerm: 1, ...version(1) };
    const edited = version(2, { publishedAt: "2026-07-03T10:00:00.000Z" });
    const step = planUpsert(edited, stored, home, toDocument);
    expect(step).toMatchObject({ kind: "replace", index: "t-mentions-2026.06" });
    expect(step.kind === "replace" && step.document).toMatchObject({ publishedAt: base.publishedAt, editedAt: edited.publishedAt });
  });

  it("fills in a workflow stub (events that came before their mention)", () => {
    const workflow = { status: "answered" as const, updatedAt: "2026-07-01T00:00:00.000Z", notes: 1, history: [] };
    const stub: StoredMention = { index: "t-mentions-2026.06", seqNo: 0, primaryTerm: 1, workflow };
    const step = planUpsert(version(1), stub, home, toDocument);
    expect(step).toMatchObject({ kind: "replace", seqNo: 0 });
    expect(step.kind === "replace" && step.document).toMatchObject({ text: "wersja 1", workflow });
  });

  it("confirms a reply Odzew sent when a newly collected version shows it at the source", () => {
    const text = "Dziękujemy za opinię! Kurier już jedzie.";
    const sentReply = {
      version: 1,
      status: "sent" as const,
      operation: "post" as const,
      channel: "api" as const,
      text,
      draftedBy: "ala",
      draftedAt: "2026-07-01T08:00:00.000Z",
      sentBy: "ala",
      sentAt: "2026-07-01T08:01:00.000Z",
      firstSentAt: "2026-07-01T08:01:00.000Z",
      firstSentBy: "ala",
      failures: 0,
    };
    const workflow = { status: "answered" as const, assignee: "ala", answeredAt: sentReply.sentAt, updatedAt: sentReply.sentAt, notes: 0, reply: sentReply, history: [] };
    const stored: StoredMention = { index: "t-mentions-2026.06", seqNo: 3, primaryTerm: 1, ...version(1), workflow };
    const withReply = version(2, { reply: { text: `${text}\n`, author: "Sklep Żuraw" } });
    const step = planUpsert(withReply, stored, home, toDocument);
    expect(step.kind === "replace" && step.document.workflow).toMatchObject({ status: "answered", reply: { status: "confirmed", confirmedAt: withReply.collectedAt } });
    // A version without the reply, or with another text, leaves the workflow as it was.
    const without = planUpsert(version(2), stored, home, toDocument);
    expect(without.kind === "replace" && without.document.workflow).toBe(workflow);
    const other = planUpsert(version(2, { reply: { text: "Odpowiedź z konsoli sklepu" } }), stored, home, toDocument);
    expect(other.kind === "replace" && other.document.workflow).toBe(workflow);
  });

  it("ends with the newest version whatever the order and repetition of deliveries (property)", () => {
    const random = seededRandom(20261129);
    for (let round = 0; round < 300; round++) {
      const count = 1 + Math.floor(random() * 6);
      const versions = Array.from({ length: count }, (_, step) =>
        version(step, { publishedAt: minutes(base.publishedAt, step * 24 * 60 * Math.floor(random() * 3)) }),
      );
      const deliveries = Array.from({ length: count * 2 + Math.floor(random() * 4) }, () => versions[Math.floor(random() * count)]!);
      // Every version is delivered at least once (at-least-once delivery), in any order.
      deliveries.push(...versions);
      deliveries.sort(() => random() - 0.5);
      let stored: StoredMention | undefined;
      for (const delivery of deliveries) stored = apply(stored, planUpsert(delivery, stored, home, toDocument));
      const newest = versions[count - 1]!;
      expect(stored?.collectedAt).toBe(newest.collectedAt);
      // The first delivery chose the month, and it never moved.
      expect(stored?.index).toBe(home(deliveries[0]!.publishedAt));
    }
  });
});

describe("newestVersions", () => {
  it("keeps the newest version of each mention, the later of equal ones", () => {
    const other = sampleEnrichedMention({ nativeId: "p-2" });
    const picked = newestVersions([version(3), other, version(1), version(3, { text: "again" }), version(2)], (mention) => mention);
    expect(picked.map((mention) => [mention.id, mention.text])).toEqual([
      [base.id, "again"],
      [other.id, other.text],
    ]);
  });

  it("orders by collection first, then enrichment", () => {
    expect(compareVersions(version(2), version(1, { enrichedAt: "2030-01-01T00:00:00.000Z" }))).toBeGreaterThan(0);
    expect(compareVersions(version(1), version(1, { enrichedAt: minutes(base.enrichedAt, 1) }))).toBeLessThan(0);
  });
});
