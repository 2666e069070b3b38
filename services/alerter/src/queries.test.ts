import { describe, expect, it } from "vitest";
import { countsOf, toAlertMention, type AlertMentionDocument } from "./queries.ts";

/** A stored mention as the alerter reads it behind an alert. */
const doc: AlertMentionDocument = {
  id: "b".repeat(32),
  source: { id: "opineo-sklep", type: "opineo" },
  brands: [{ id: "zuraw" }],
  title: "Reklamacja Bożeny",
  text: "Proszę o kontakt: bozena@example.pl",
  masked: { title: "Reklamacja [imię]", text: "Proszę o kontakt: [e-mail]" },
  url: "https://opinie.example.pl/r-1",
  reach: { helpful: 612 },
  sentiment: { label: "negative" },
  lang: "pl",
  publishedAt: "2026-11-27T14:00:00.000Z",
};

describe("the mentions behind an alert, as webhooks may get them", () => {
  it("are the pseudonymous view by default: masked title and text, no link, no source id", () => {
    const mention = toAlertMention(doc, "masked");
    expect(mention).toEqual({
      id: doc.id,
      sourceType: "opineo",
      title: "Reklamacja [imię]",
      text: "Proszę o kontakt: [e-mail]",
      lang: "pl",
      reach: 612,
      sentiment: "negative",
      publishedAt: doc.publishedAt,
    });
  });

  it("carry the original and the link only where alerts.yaml allows the full view", () => {
    expect(toAlertMention(doc, "full")).toMatchObject({ source: "opineo-sklep", title: doc.title, text: doc.text, url: doc.url });
    // Never a link that is not http(s).
    expect(toAlertMention({ ...doc, url: "javascript:alert(1)" }, "full")).not.toHaveProperty("url");
  });

  it("carry no content at all with webhookMentions: none", () => {
    const mention = toAlertMention(doc, "none");
    expect(mention).not.toHaveProperty("title");
    expect(mention).not.toHaveProperty("text");
    expect(mention).not.toHaveProperty("url");
    expect(mention).toMatchObject({ id: doc.id, sentiment: "negative", reach: 612 });
  });
});

describe("the counts of a look, from the engine's aggregations", () => {
  const tree = (pairs: [string, string, number, number][]) => ({
    brand: {
      buckets: [...new Set(pairs.map(([brand]) => brand))].map((brand) => ({
        key: brand,
        doc_count: 0,
        source: {
          buckets: pairs
            .filter(([candidate]) => candidate === brand)
            .map(([, source, total, negative]) => ({ key: source, doc_count: total, sentiment: { buckets: [{ key: "negative", doc_count: negative }] } })),
        },
      })),
    },
  });

  it("reads the window now, the same window on each past day and the days with any mention", () => {
    const counts = countsOf(
      {
        windows: { buckets: { p0: tree([["zuraw", "opineo", 9, 7]]), p1: tree([["zuraw", "opineo", 2, 1]]), p2: {} } },
        days: { buckets: { d1: tree([["zuraw", "opineo", 30, 10], ["zuraw", "ceneo", 0, 0]]), d2: tree([["zuraw", "ceneo", 4, 0]]) } },
      },
      2,
    );
    expect(counts.current.get("zuraw|opineo")).toEqual({ total: 9, sentiment: new Map([["negative", 7]]) });
    expect(counts.history.map((period) => period.get("zuraw|opineo")?.sentiment.get("negative"))).toEqual([1, undefined]);
    expect(counts.activeDays).toEqual(new Map([["zuraw|opineo", 1], ["zuraw|ceneo", 1]]));
  });

  it("counts nothing from an empty answer (no index yet)", () => {
    const counts = countsOf(undefined, 3);
    expect(counts.current.size).toBe(0);
    expect(counts.history).toHaveLength(3);
    expect(counts.activeDays.size).toBe(0);
  });
});
