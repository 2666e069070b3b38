import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRETS, TEAM_KEYS, personalMention, seededMention, startApiFixture, type ApiFixture } from "./test-support.ts";

/**
 * The CX insight routes on the real engine: the rating distribution per source (per source type
 * in the pseudonymous view), a period against the one before it, and the export of exactly the
 * sample /sample draws.
 */
const now = new Date();
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

// seededMention's text follows index % 8: 0 negative delivery ★1, 5 positive delivery + customer-service ★5.
// Its source follows index % 3: 0 opineo-sklep, 1 app-store-pl (type app-store), 2 ceneo-sklep (type opineo).
const CURRENT = [0, 8, 16, 5].map((index) => seededMention(index, now, { publishedAt: daysAgo(2 + (index % 5)) }));
const PREVIOUS = [13, 21].map((index) => seededMention(index, now, { publishedAt: daysAgo(12 + (index % 5)) }));
/** Older than both periods; a fractional rating that counts as five stars. */
const OLDER = seededMention(24, now, { publishedAt: daysAgo(40), rating: { value: 4.6, original: 4.6, scaleMin: 1, scaleMax: 5 } });
/** Personal data (masked for CX), older than both periods. */
const personal = { ...personalMention(now), publishedAt: daysAgo(50) };

describe("CX insights, on the real engine", () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApiFixture("insights", [...CURRENT, ...PREVIOUS, OLDER, personal]);
  }, 180_000);
  afterAll(async () => {
    await api?.cleanup();
  });

  it("gives a full-view team the stars per source id, and the pseudonymous view per source type, never an id", async () => {
    const full = await api.get("/stats/ratings", "service");
    expect(full.status, full.text).toBe(200);
    expect(full.body.by).toBe("source");
    const opineo = full.body.sources.find((source: { source: string }) => source.source === "opineo-sklep");
    // Indexes 0 (★1), 21 (★5), 24 (4.6 → ★5), and the personal mention (index 900000: ★1).
    expect(opineo).toEqual({ source: "opineo-sklep", count: 4, mean: 2.9, stars: { "1": 2, "2": 0, "3": 0, "4": 0, "5": 2 } });
    expect(full.body.total).toBe(8);

    const cx = await api.get("/stats/ratings", "cx");
    expect(cx.status, cx.text).toBe(200);
    expect(cx.body.by).toBe("sourceType");
    expect(cx.body.sources.map((source: { source: string; count: number }) => [source.source, source.count])).toEqual([
      ["opineo", 6],
      ["app-store", 2],
    ]);
    expect(cx.text).not.toMatch(/opineo-sklep|ceneo-sklep|app-store-pl/);

    // Filters narrow it like any read.
    const ones = await api.get("/stats/ratings?rating_max=1", "cx");
    expect(ones.body.sources.map((source: { stars: Record<string, number> }) => source.stars["5"])).toEqual([0, 0]);
  });

  it("compares a period with the one before it, overall and per topic", async () => {
    const from = daysAgo(10);
    const to = now.toISOString();
    const { status, body, text } = await api.get(`/stats/trends?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, "cx");
    expect(status, text).toBe(200);
    expect(body.current).toEqual({ from, to });
    expect(body.previous).toEqual({ from: daysAgo(20), to: from });
    expect(body.overall.current).toMatchObject({ count: 4, sentiment: { negative: 3, positive: 1 }, net: -0.5 });
    expect(body.overall.previous).toMatchObject({ count: 2, sentiment: { positive: 2 }, net: 1 });
    expect(body.overall.change).toEqual({ count: 2, ratio: 1, net: -1.5 });
    const delivery = body.topics.find((topic: { topic: string }) => topic.topic === "delivery");
    expect(delivery.change).toEqual({ count: 2, ratio: 1, net: -1.5 });
    const service = body.topics.find((topic: { topic: string }) => topic.topic === "customer-service");
    expect(service.change).toEqual({ count: -1, ratio: -0.5, net: 0 });
    const backwards = await api.get(`/stats/trends?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`, "cx");
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain("from must be before to");
  });

  it("exports exactly the sample /sample draws with the same parameters, in its order, without personal data", async () => {
    const params = "n=5&strata=sentiment&seed=raport-grudzien";
    const shown = await api.get(`/sample?${params}`, "cx");
    expect(shown.status, shown.text).toBe(200);
    const ids = shown.body.items.map((item: { id: string }) => item.id);
    expect(ids).toHaveLength(5);

    const csv = await api.get(`/sample/export?${params}&format=csv`, "cx");
    expect(csv.status, csv.text).toBe(200);
    const lines = csv.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines[0]!.split(",")).toEqual(expect.arrayContaining(["id", "text", "stratum"]));
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(ids);
    expect(lines.slice(1).every((line) => /sentiment=(negative|neutral|positive)/.test(line))).toBe(true);

    const ndjson = await api.get(`/sample/export?${params}&format=ndjson`, "cx");
    expect(ndjson.status, ndjson.text).toBe(200);
    const rows = ndjson.text.trimEnd().split("\n").map((line) => JSON.parse(line) as { id: string; stratum: Record<string, string> });
    expect(rows.map((row) => row.id)).toEqual(ids);
    expect(rows.map((row) => row.stratum)).toEqual(shown.body.items.map((item: { stratum: unknown }) => item.stratum));

    // The whole slice as a sample: the personal mention is in it, masked.
    const whole = await api.get("/sample/export?n=50&format=csv&seed=x", "cx");
    expect(whole.text).toContain("[e-mail]");
    for (const secret of Object.values(SECRETS)) expect(whole.text).not.toContain(secret);
  });

  it("names the file after the sample, hands back a seed it chose, and refuses a team without `sample`", async () => {
    const response = await fetch(`${api.base}/api/v1/sample/export?n=3&format=csv`, { headers: { authorization: `Bearer ${TEAM_KEYS.cx}` } });
    expect(response.status).toBe(200);
    const seed = decodeURIComponent(response.headers.get("x-odzew-sample-seed") ?? "");
    expect(seed).not.toBe("");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="odzew-cx-sample-[A-Za-z0-9-]+-\d{4}-\d{2}-\d{2}\.csv"$/);
    const again = await api.get(`/sample/export?n=3&format=csv&seed=${encodeURIComponent(seed)}`, "cx");
    expect(again.text).toBe(await response.text());
    const service = await api.get("/sample/export?n=3&seed=a", "service");
    expect(service.status).toBe(403);
  });
});
