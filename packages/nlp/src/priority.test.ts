import { describe, expect, it } from "vitest";
import { servicePriority, type PriorityInput } from "./priority.ts";

const now = new Date("2026-03-15T12:00:00Z");
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();
const base = (over: Partial<PriorityInput>): PriorityInput => ({ text: "", publishedAt: hoursAgo(2), now, ...over });

describe("servicePriority", () => {
  it("puts a fresh angry 1-star review high, and a 5-star one low", () => {
    const angry = servicePriority(base({ rating: 1, sentiment: { label: "negative", score: -0.9 }, text: "Towar nie dotarł, obsługa nie odpowiada.", hasReply: false }));
    expect(angry.level).toBe("high");
    expect(angry.reasons).toEqual(["1 star", "negative sentiment", "unanswered for 2 hours"]);
    const happy = servicePriority(base({ rating: 5, sentiment: { label: "positive", score: 0.9 }, text: "Super, polecam!" }));
    expect(happy.level).toBe("low");
    expect(happy.score).toBeLessThan(angry.score);
  });

  it("makes urgency words urgent, inflected, with or without diacritics, in English too", () => {
    for (const text of [
      "Oszuści! Zgłaszam sprawę do UOKiK.",
      "Oszusci, zglaszam sprawe do uokiku",
      "Sprawą zajmie się mój prawnik, będzie pozew.",
      "Zawiadomię policję o oszustwie",
      "Mieliście wyciek danych i nic nie mówicie, skarga do UODO z RODO",
      "This is a scam, my lawyer will file a lawsuit",
      "I filed a chargeback after this fraud",
    ]) {
      const result = servicePriority(base({ rating: 1, sentiment: { label: "negative", score: -0.8 }, text }));
      expect(result.level, text).toBe("urgent");
      expect(result.reasons.some((reason) => reason.startsWith("urgency: ")), text).toBe(true);
    }
    expect(servicePriority(base({ text: "Zgłaszam do UOKiK" })).reasons).toContain("urgency: UOKiK");
    expect(servicePriority(base({ text: "There was a data breach" })).reasons).toContain("urgency: data breach");
    expect(servicePriority(base({ text: "Sprawa trafi do sądu" })).reasons).toContain("urgency: sąd");
  });

  it("does not take look-alikes for urgency words", () => {
    for (const text of ["Kran przecieka, wyciek wody", "I'm sad the colour faded", "Sadzonki ładne", "Social media ok"]) {
      expect(servicePriority(base({ text })).reasons.filter((reason) => reason.startsWith("urgency")), text).toEqual([]);
    }
  });

  it("raises the score with reach", () => {
    const plain = servicePriority(base({ rating: 2 }));
    const seen = servicePriority(base({ rating: 2, reach: { helpful: 120 } }));
    expect(seen.score).toBeGreaterThan(plain.score);
    expect(seen.reasons).toContain("reach: 120 helpful votes");
    expect(servicePriority(base({ reach: { followers: 25_000 } })).reasons).toContain("reach: 25000 followers");
  });

  it("lowers old reviews and those the brand already answered", () => {
    const fresh = servicePriority(base({ rating: 1, hasReply: false }));
    const threeDays = servicePriority(base({ rating: 1, hasReply: false, publishedAt: hoursAgo(72) }));
    const old = servicePriority(base({ rating: 1, publishedAt: hoursAgo(24 * 400) }));
    const answered = servicePriority(base({ rating: 1, hasReply: true }));
    expect(threeDays.reasons).toContain("unanswered for 3 days");
    expect(old.reasons).toContain("published 400 days ago");
    expect(answered.reasons).toContain("brand already replied");
    expect(fresh.score).toBeGreaterThan(threeDays.score);
    expect(threeDays.score).toBeGreaterThan(old.score);
    expect(fresh.score).toBeGreaterThan(answered.score);
  });

  it("stays within 0–100 and copes with missing or odd input", () => {
    const max = servicePriority(base({ rating: 1, sentiment: { label: "negative", score: -1 }, text: "oszustwo, UOKiK, prawnik, pozew, policja", reach: { helpful: 10_000, followers: 1e6 } }));
    expect(max.score).toBe(100);
    expect(max.level).toBe("urgent");
    const min = servicePriority(base({ rating: 5, sentiment: { label: "positive", score: 1 }, hasReply: true, publishedAt: hoursAgo(24 * 1000) }));
    expect(min.score).toBe(0);
    expect(min.level).toBe("low");
    const odd = servicePriority({ text: "ok", publishedAt: "not a date", now, sentiment: null, rating: Number.NaN });
    expect(odd.score).toBe(20);
    expect(odd.reasons).toEqual([]);
    expect(servicePriority(base({ rating: 2.5 })).reasons).toContain("2.5 stars");
  });
});
