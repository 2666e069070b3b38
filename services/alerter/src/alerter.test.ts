import { describe, expect, it } from "vitest";
import { toAlertMention } from "./alerter.ts";

/** A stored mention as the alerter reads it behind an alert. */
const doc = {
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
