import { describe, expect, it } from "vitest";
import { teamSchema } from "@odzew/schema";
import { assertSeesReplyMeasures, readReplyMeasures, replyMeasuresRequest, type ReplyMeasuresResponse } from "./reply-measures.ts";

const service = teamSchema.parse({
  id: "obsluga",
  name: "Obsługa klienta",
  keys: [{ env: "UNUSED" }],
  slice: { brands: ["zuraw"] },
  view: "full",
  actions: ["workflow", "reply"],
  replies: { slaHours: 12 },
});

describe("replyMeasuresRequest", () => {
  it("measures the team's slice over the publication range, against the team's SLA", () => {
    const request = replyMeasuresRequest(service, { from: "2026-11-01T00:00:00.000Z", to: "2026-11-30T23:59:59.000Z" }, new Date("2026-11-29T12:00:00.000Z"));
    const text = JSON.stringify(request);
    expect(text).toContain(JSON.stringify({ terms: { "brands.id": ["zuraw"] } }));
    expect(text).toContain(JSON.stringify({ range: { publishedAt: { gte: "2026-11-01T00:00:00.000Z", lte: "2026-11-30T23:59:59.000Z" } } }));
    // 12 hours: within the SLA means a first reply within 43 200 s; due means published before 2026-11-29T00:00.
    expect(text).toContain(JSON.stringify({ range: { "workflow.reply.firstReplySeconds": { lte: 43_200 } } }));
    expect(text).toContain(JSON.stringify({ range: { publishedAt: { lte: "2026-11-29T00:00:00.000Z" } } }));
    expect(request).toMatchObject({ size: 0 });
  });

  it("is refused for a pseudonymous team and a team that hides the workflow, saying why", () => {
    const cx = teamSchema.parse({ id: "cx", name: "CX", keys: [{ env: "UNUSED" }], slice: {}, view: "pseudonymous" });
    expect(() => assertSeesReplyMeasures(cx)).toThrow("reply measures: only for a team with view: full (team cx has the pseudonymous view)");
    const hiding = teamSchema.parse({ id: "marketing", name: "M", keys: [{ env: "UNUSED" }], slice: {}, view: "full", hide: ["workflow"] });
    expect(() => assertSeesReplyMeasures(hiding)).toThrow(/hides the workflow/);
    expect(() => assertSeesReplyMeasures(service)).not.toThrow();
  });
});

describe("readReplyMeasures", () => {
  const figures = (answered: number, withinSla: number, due: number, elsewhere: number, p50: number | null, p90: number | null) => ({
    answered: { doc_count: answered },
    within_sla: { doc_count: withinSla },
    due: { doc_count: due },
    elsewhere: { doc_count: elsewhere },
    first_reply: { values: { "50.0": p50, "90.0": p90 } },
  });

  it("turns the engine's counts and percentiles into hours and shares per source and agent", () => {
    const response: ReplyMeasuresResponse = {
      hits: { total: { value: 10 } },
      aggregations: {
        ...figures(6, 4, 8, 1, 5_400, 90_000),
        waiting: { buckets: { drafts: { doc_count: 1 }, awaitingApproval: { doc_count: 2 }, queued: { doc_count: 0 }, failed: { doc_count: 1 } } },
        sources: {
          buckets: [
            { key: "google-play", doc_count: 7, ...figures(6, 4, 7, 0, 5_400, 90_000) },
            // Nothing answered here yet: no times at all rather than zeros.
            { key: "opineo", doc_count: 3, ...figures(0, 0, 1, 1, null, null) },
          ],
        },
        agents: { buckets: [{ key: "ala", doc_count: 4, within_sla: { doc_count: 3 }, first_reply: { values: { "50.0": 3_600 } } }] },
      },
    };
    expect(readReplyMeasures(response, { slaHours: 12, from: "2026-11-01T00:00:00.000Z" })).toEqual({
      from: "2026-11-01T00:00:00.000Z",
      slaHours: 12,
      totals: {
        reviews: 10,
        answered: 6,
        withinSla: 4,
        due: 8,
        withinSlaShare: 0.5,
        answeredElsewhere: 1,
        p50Hours: 1.5,
        p90Hours: 25,
        waiting: { drafts: 1, awaitingApproval: 2, queued: 0, failed: 1 },
      },
      sources: [
        { source: "google-play", reviews: 7, answered: 6, withinSla: 4, due: 7, withinSlaShare: 0.571, answeredElsewhere: 0, p50Hours: 1.5, p90Hours: 25 },
        { source: "opineo", reviews: 3, answered: 0, withinSla: 0, due: 1, withinSlaShare: 0, answeredElsewhere: 1 },
      ],
      agents: [{ agent: "ala", replies: 4, withinSla: 3, p50Hours: 1 }],
    });
  });

  it("gives zeros, and no share, for a slice with nothing in it", () => {
    expect(readReplyMeasures({ hits: { total: 0 } }, { slaHours: 24 })).toEqual({
      slaHours: 24,
      totals: { reviews: 0, answered: 0, withinSla: 0, due: 0, answeredElsewhere: 0, waiting: { drafts: 0, awaitingApproval: 0, queued: 0, failed: 0 } },
      sources: [],
      agents: [],
    });
  });
});
