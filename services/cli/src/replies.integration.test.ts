import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teamSchema, type EnrichedMention } from "@odzew/schema";
import { createTestStore, runTs, sampleEnrichedMention, stackEnv, uniquePrefix } from "@odzew/testing";

/**
 * `odzew replies dry-run` over a real index: the rule's team's slice of the last days, oldest
 * first, each mention with what the rule would have done and why, printed as a table.
 */
const teams = [teamSchema.parse({ id: "service", name: "Obsługa", keys: [{ env: "UNUSED" }], slice: { brands: ["zuraw"] }, view: "full", actions: ["workflow", "reply"] })];
const now = Date.now();
const HOUR = 3_600_000;

/** A review published `hoursAgo` hours ago; stars only unless it has text. */
function review(index: number, hoursAgo: number, stars: number, text: string, brand = "zuraw"): EnrichedMention {
  const { title, ...sample } = sampleEnrichedMention({ sourceId: "sklep-www", nativeId: `r-${index}` });
  return {
    ...sample,
    ...(text ? { title } : {}),
    text,
    author: { name: "Anonim" },
    rating: { value: stars, original: stars, scaleMin: 1, scaleMax: 5 },
    publishedAt: new Date(now - hoursAgo * HOUR).toISOString(),
    brands: [{ id: brand, via: "source" }],
    personalData: [],
    priority: { score: 1, level: "low", reasons: [] },
  };
}

const mentions = [
  review(1, 30, 5, ""),
  review(2, 20, 5, "Świetny sklep, polecam każdemu."),
  review(3, 10, 1, ""),
  review(4, 5, 5, "", "obca"),
  review(5, 24 * 40, 5, ""),
];

describe("odzew replies dry-run, on the real engine", () => {
  const prefix = uniquePrefix("cli-replies");
  let store: Awaited<ReturnType<typeof createTestStore>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    store = await createTestStore(prefix, teams);
    const outcome = await store.store.upsert(mentions);
    expect(outcome.rejected).toEqual([]);
    await store.store.refresh();
    const dir = await mkdtemp(join(tmpdir(), "odzew-cli-replies-"));
    const files = { teams: join(dir, "teams.yaml"), replies: join(dir, "replies.yaml"), brands: join(dir, "brands.yaml") };
    await writeFile(files.teams, "teams:\n  - id: service\n    name: Obsługa\n    keys: [{ env: UNUSED }]\n    slice: { brands: [zuraw] }\n    view: full\n    actions: [workflow, reply]\n");
    await writeFile(files.brands, "brands:\n  - id: zuraw\n    name: Żuraw\n    aliases: [Żuraw]\n");
    await writeFile(
      files.replies,
      [
        "templates:",
        "  - id: thanks-pl",
        "    name: Podziękowanie",
        "    lang: pl",
        "    text: 'Dziękujemy, {author|Drogi Kliencie}! Zespół {brand}'",
        "rules:",
        "  - id: thank-5-stars",
        "    team: service",
        "    when: { ratings: [5], noText: true }",
        "    templates: [thanks-pl]",
      ].join("\n"),
    );
    const { search, brokers } = stackEnv();
    env = {
      SEARCH_URL: search.url,
      KAFKA_BROKERS: brokers.join(","),
      ODZEW_INDEX_PREFIX: prefix,
      ODZEW_TEAMS_FILE: files.teams,
      ODZEW_REPLIES_FILE: files.replies,
      ODZEW_BRANDS_FILE: files.brands,
      ODZEW_SOURCES_FILE: join(dir, "none.yaml"),
    };
  }, 120_000);
  afterAll(async () => {
    await store?.cleanup();
  });

  it("prints what the rule would have done with each review of the team's last 30 days, and why", async () => {
    const run = runTs("services/cli/src/index.ts", ["replies", "dry-run", "--rule", "thank-5-stars"], env);
    expect(await run.exited, run.stderr()).toBe(0);
    const lines = run.stdout().split("\n");
    const rows = lines.filter((line) => /^\d{4}-\d{2}-\d{2} /.test(line));
    // Oldest first; another brand's review and one older than 30 days are not in the team's window.
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/sklep-www\s+5★\s+draft\s+"Dziękujemy, Drogi Kliencie! Zespół Żuraw"\s+\(no text\)$/);
    expect(rows[1]).toMatch(/5★\s+skip\s+the review has (a title|text)/);
    expect(rows[2]).toMatch(/1★\s+skip\s+1★ is not one of the rule's ratings/);
    expect(lines).toContain("3 mentions: 0 would be sent, 1 drafted, 2 skipped");
  });

  it("refuses an unknown rule, naming the rules there are", async () => {
    const run = runTs("services/cli/src/index.ts", ["replies", "dry-run", "--rule", "nope"], env);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain('no rule "nope"; the rules are thank-5-stars');
  });
});
