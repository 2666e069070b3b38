import { describe, expect, it } from "vitest";
import { detectCharset, parseRetryAfter, retryAfterOf } from "./http-client.ts";
import { load } from "cheerio";
import { cleanText, elementText, normaliseRating, parseNumber, parseReviewDate, parseScore, plainText } from "./text.ts";

describe("review text helpers", () => {
  it("reads the dates review pages print", () => {
    expect(parseReviewDate("2026-03-12T14:05:00+01:00")).toBe("2026-03-12T13:05:00.000Z");
    expect(parseReviewDate("12.03.2026 14:05")).toBe("2026-03-12T13:05:00.000Z");
    expect(parseReviewDate("3 października 2025")?.slice(0, 10)).toBe("2025-10-03");
    expect(parseReviewDate("31.02.2026")).toBeUndefined();
    expect(parseReviewDate("wczoraj")).toBeUndefined();
  });

  it("reads Ceneo's datetime with seconds and Opineo's 'date | time'", () => {
    expect(parseReviewDate("2020-12-10 19:41:04")).toBe("2020-12-10T18:41:04.000Z");
    expect(parseReviewDate("4 stycznia 2015 | 16:33")).toBe("2015-01-04T15:33:00.000Z");
    expect(parseReviewDate("12.03.2026 14:05:30")).toBe("2026-03-12T13:05:30.000Z");
    // Summer time (CEST, UTC+2) from the last Sunday of March to the last Sunday of October.
    expect(parseReviewDate("2025-07-14 18:30")).toBe("2025-07-14T16:30:00.000Z");
    expect(parseReviewDate("14 lipca 2025 | 09:05")).toBe("2025-07-14T07:05:00.000Z");
    expect(parseReviewDate("2025-01-14 18:30")).toBe("2025-01-14T17:30:00.000Z");
    expect(parseReviewDate("14.07.2025")).toBe("2025-07-14T10:00:00.000Z");
    // Ceneo's time[datetime], in July and in January.
    expect(parseReviewDate("2025-07-14 19:41:04")).toBe("2025-07-14T17:41:04.000Z");
    expect(parseReviewDate("2025-01-14 19:41:04")).toBe("2025-01-14T18:41:04.000Z");
    expect(parseReviewDate("14.01.2025")).toBe("2025-01-14T11:00:00.000Z");
    expect(parseReviewDate("2026-03-12 25:00")).toBeUndefined();
  });

  it("reads scores with their scale", () => {
    expect(parseScore("4,5/5")).toEqual({ value: 4.5, max: 5 });
    expect(parseScore("7.5 / 10")).toEqual({ value: 7.5, max: 10 });
    expect(parseScore("Ocena: 4")).toBeUndefined();
  });

  it("keeps the line breaks a reader sees and drops markup", () => {
    const $ = load("<div id=r>Kurier <b>spóźniony</b>.<br>Druga linia<p>Akapit</p><script>x()</script></div>");
    expect(elementText($("#r"))).toBe("Kurier spóźniony.\nDruga linia\nAkapit");
    expect($("#r script")).toHaveLength(1); // the page itself is untouched
    expect(plainText('Uwaga<script>alert("xss")</script> na <b>oszustów</b>!')).toBe("Uwaga na oszustów!");
    expect(plainText("Sklep <3 polecam, a < b > c & d")).toBe("Sklep <3 polecam, a < b > c & d");
  });

  it("normalises ratings to 1–5 and keeps the original", () => {
    expect(normaliseRating(10, 1, 10)).toEqual({ value: 5, original: 10, scaleMin: 1, scaleMax: 10 });
    expect(normaliseRating(4.5, 0, 5)?.value).toBe(4.6);
    expect(normaliseRating(6, 1, 5)).toBeUndefined();
    expect(parseNumber("Ocena: 4,5/5")).toBe(4.5);
  });

  it("keeps text plain", () => {
    expect(cleanText("  Bardzo\u0000 dobra\t\u00a0obsługa \n\n  polecam ")).toBe("Bardzo dobra obsługa\npolecam");
  });

  it("honours Retry-After in seconds and as a date", () => {
    expect(parseRetryAfter("120")).toBe(120_000);
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(parseRetryAfter("Wed, 25 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("reads an API's rate-limit reset when there is no Retry-After: X's Unix time, Reddit's seconds from now", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    // X: x-rate-limit-reset is the Unix time (seconds) the window resets.
    expect(retryAfterOf({ "x-rate-limit-reset": String(now / 1000 + 840) }, now)).toBe(840_000);
    // Reddit: x-ratelimit-reset is seconds until the period ends.
    expect(retryAfterOf({ "x-ratelimit-reset": "37" }, now)).toBe(37_000);
    expect(retryAfterOf({ "ratelimit-reset": "5" }, now)).toBe(5_000);
    // Retry-After wins; a reset in the past waits nothing; junk is no answer.
    expect(retryAfterOf({ "retry-after": "3", "x-rate-limit-reset": String(now / 1000 + 840) }, now)).toBe(3_000);
    expect(retryAfterOf({ "x-rate-limit-reset": String(now / 1000 - 10) }, now)).toBe(0);
    expect(retryAfterOf({ "x-ratelimit-reset": "soon" }, now)).toBeUndefined();
    expect(retryAfterOf({}, now)).toBeUndefined();
  });

  it("finds the charset in the header, then the page, then by validity", () => {
    expect(detectCharset("text/html; charset=ISO-8859-2", Buffer.from(""))).toBe("iso-8859-2");
    expect(detectCharset("text/html", Buffer.from('<meta charset="windows-1250">'))).toBe("windows-1250");
    expect(detectCharset(undefined, Buffer.from("Zażółć", "utf8"))).toBe("utf-8");
    expect(detectCharset(undefined, Buffer.from([0x5a, 0x61, 0xbf, 0xf3, 0xb3]))).toBe("windows-1250");
  });
});

describe("Warsaw wall-clock times", () => {
  it("take the zone's change days right: the hour that does not exist and the one that happens twice", () => {
    // 30 March 2025: at 02:00 CET clocks went to 03:00 CEST.
    expect(parseReviewDate("2025-03-30 01:59")).toBe("2025-03-30T00:59:00.000Z");
    expect(parseReviewDate("2025-03-30 02:30")).toBe("2025-03-30T01:30:00.000Z"); // does not exist: 03:30 CEST
    expect(parseReviewDate("2025-03-30 03:00")).toBe("2025-03-30T01:00:00.000Z");
    // 26 October 2025: at 03:00 CEST clocks went back to 02:00 CET; 02:30 happened twice.
    expect(parseReviewDate("2025-10-26 01:30")).toBe("2025-10-25T23:30:00.000Z");
    expect(parseReviewDate("2025-10-26 02:30")).toBe("2025-10-26T00:30:00.000Z"); // the first, summer-time one
    expect(parseReviewDate("2025-10-26 03:30")).toBe("2025-10-26T02:30:00.000Z");
  });

  it("round-trips every quarter hour of a year through the zone", () => {
    const format = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Warsaw", dateStyle: "short", timeStyle: "short", hourCycle: "h23" });
    const misread: string[] = [];
    for (let at = Date.UTC(2026, 0, 1); at < Date.UTC(2027, 0, 1); at += 15 * 60_000) {
      const wall = format.format(new Date(at)); // "2026-07-14 18:30": what a Polish page shows
      const parsed = parseReviewDate(wall);
      if (parsed !== new Date(at).toISOString()) misread.push(`${wall} → ${parsed ?? "?"}`);
    }
    // Only the second pass through the repeated October hour is ambiguous: read as the first one.
    expect(misread).toEqual(["2026-10-25 02:00 → 2026-10-25T00:00:00.000Z", "2026-10-25 02:15 → 2026-10-25T00:15:00.000Z", "2026-10-25 02:30 → 2026-10-25T00:30:00.000Z", "2026-10-25 02:45 → 2026-10-25T00:45:00.000Z"]);
  });
});
