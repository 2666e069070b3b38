import { describe, expect, it } from "vitest";
import { sourcesFileSchema, teamsFileSchema } from "@odzew/schema";
import { ConfigError, loadAlertsFile, loadBrandsFile, loadRepliesFile, loadSourcesFile, loadTeamsFile, parseRepliesText, parseYamlText } from "./load.ts";

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("config files", () => {
  it("names the file, the path and the line of a bad field, with the fix", () => {
    const yaml = [
      "sources:",
      "  - id: demo",
      "    type: html",
      "    url: http://127.0.0.1:8088/opinie",
      "    schedule: every minute",
      "    selectors: { item: .review, id: '@data-id', text: .text, date: time@datetime }",
    ].join("\n");
    const problems = problemsOf(() => parseYamlText(yaml, "config/sources.yaml", sourcesFileSchema));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "config/sources.yaml", path: "sources[0].schedule", line: 5 });
    expect(problems[0]?.message).toContain("cron expression");
  });

  it("rejects an unknown source type and lists the supported ones", () => {
    const yaml = "sources:\n  - id: x\n    type: myspace\n    schedule: '* * * * *'\n";
    const problems = problemsOf(() => parseYamlText(yaml, "s.yaml", sourcesFileSchema));
    expect(problems[0]?.path).toBe("sources[0].type");
    expect(problems[0]?.message).toContain('supported types: "app-store", ');
    expect(problems[0]?.message).toContain('"google-play"');
  });

  it("rejects duplicate ids and typos in field names", () => {
    const yaml = [
      "teams:",
      "  - id: pr",
      "    name: PR",
      "    keys: [{ env: PR_KEY }]",
      "  - id: pr",
      "    name: PR again",
      "    keys: [{ env: PR_KEY2 }]",
      "    slise: {}",
    ].join("\n");
    const problems = problemsOf(() => parseYamlText(yaml, "teams.yaml", teamsFileSchema));
    const paths = problems.map((p) => p.path);
    expect(paths).toContain("teams[1].id");
    expect(problems.find((p) => p.path === "teams[1].id")?.line).toBe(5);
    expect(problems.some((p) => p.message.includes("slise"))).toBe(true);
  });

  it("reports YAML syntax errors with their line", () => {
    const problems = problemsOf(() => parseYamlText("teams:\n  - id: pr\n   name: [oops\n", "t.yaml", teamsFileSchema));
    expect(problems[0]?.path).toBe("(syntax)");
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("accepts a valid file and fills defaults", () => {
    const yaml = [
      "sources:",
      "  - id: demo",
      "    type: html",
      "    url: http://127.0.0.1:8088/opinie",
      "    schedule: '*/30 * * * * *'",
      "    selectors: { item: .review, id: '@data-id', text: .text, date: time@datetime }",
    ].join("\n");
    const file = parseYamlText(yaml, "s.yaml", sourcesFileSchema);
    expect(file.sources[0]?.limits.maxPages).toBe(10);
    expect(file.sources[0]?.brands).toEqual([]);
  });
});

describe("replies.yaml", () => {
  const teams = teamsFileSchema.parse({
    teams: [
      { id: "service", name: "Obsługa", keys: [{ env: "K1" }], view: "full", actions: ["workflow", "reply"] },
      { id: "pr", name: "PR", keys: [{ env: "K2" }], view: "full", actions: ["alerts"] },
      { id: "cx", name: "CX", keys: [{ env: "K3" }], view: "pseudonymous", actions: ["sample"] },
    ],
  }).teams;
  const context = { teams, brands: ["zuraw"] };
  const good = [
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
  ];

  it("accepts templates and a rule of a team that may reply, with the defaults filled", () => {
    const file = parseRepliesText(good.join("\n"), "config/replies.yaml", context);
    expect(file.rules[0]).toMatchObject({ id: "thank-5-stars", mode: "draft", perSourcePerHour: 30, maxAgeDays: 7, enabled: true });
  });

  it("names the file, path, line and fix of a rule whose team is missing, may not reply, or is pseudonymous", () => {
    for (const [team, words] of [
      ["support", 'no team "support" in the teams file; use one of "service", "pr", "cx"'],
      ["pr", "add reply to its actions"],
      ["cx", "is pseudonymous and can never reply"],
    ] as const) {
      const yaml = good.join("\n").replace("team: service", `team: ${team}`);
      const problems = problemsOf(() => parseRepliesText(yaml, "config/replies.yaml", context));
      expect(problems).toEqual([expect.objectContaining({ file: "config/replies.yaml", path: "rules[0].team", line: 8 })]);
      expect(problems[0]?.message).toContain(words);
    }
  });

  it("names an unknown template variable, an unknown brand and a rule's missing template, each on its line", () => {
    const yaml = [
      "templates:",
      "  - id: thanks-pl",
      "    name: Podziękowanie",
      "    lang: pl",
      "    brand: zurav",
      "    text: 'Dziękujemy, {autor}!'",
      "rules:",
      "  - id: thank-5-stars",
      "    team: service",
      "    when: { ratings: [5] }",
      "    templates: [thanks-pl, thanks-en]",
    ].join("\n");
    const problems = problemsOf(() => parseRepliesText(yaml, "config/replies.yaml", context));
    const at = (path: string) => problems.find((problem) => problem.path === path);
    expect(at("templates[0].text")).toMatchObject({ line: 6 });
    expect(at("templates[0].text")?.message).toContain("{autor}");
    expect(at("templates[0].brand")).toMatchObject({ line: 5 });
    expect(at("templates[0].brand")?.message).toContain('"zuraw"');
    expect(at("rules[0].templates[1]")).toMatchObject({ line: 11 });
    expect(at("rules[0].templates[1]")?.message).toContain('no template "thanks-en"');
  });

  it("checks the schema first: a bad mode is named with its line", () => {
    const yaml = [...good, "    mode: always"].join("\n");
    const problems = problemsOf(() => parseRepliesText(yaml, "r.yaml", context));
    expect(problems[0]).toMatchObject({ path: "rules[0].mode", line: 11 });
  });

  it("reports a missing file with the path", async () => {
    await expect(loadRepliesFile("/nonexistent/replies.yaml", context)).rejects.toThrow("/nonexistent/replies.yaml: (file): file not found");
  });
});

describe("shipped config files", () => {
  const root = new URL("../../../", import.meta.url).pathname;
  it.each(["config/sources.example.yaml", "config/demo/sources.yaml", "config/demo/sources.docker.yaml"])("%s is valid", async (file) => {
    const { sources } = await loadSourcesFile(`${root}${file}`);
    expect(sources.length).toBeGreaterThan(0);
  });
  it("the demo teams and brands are valid", async () => {
    expect((await loadTeamsFile(`${root}config/demo/teams.yaml`)).teams.map((team) => team.id)).toEqual(["pr", "service", "cx"]);
    expect((await loadBrandsFile(`${root}config/demo/brands.yaml`)).brands[0]?.id).toBe("zuraw");
  });
  it("the shipped teams keep CX pseudonymous and give each team its actions", async () => {
    for (const file of ["config/teams.example.yaml", "config/demo/teams.yaml"]) {
      const teams = new Map((await loadTeamsFile(`${root}${file}`)).teams.map((team) => [team.id, team]));
      expect([...teams.keys()], file).toEqual(["pr", "service", "cx"]);
      expect(teams.get("cx")?.view, file).toBe("pseudonymous");
      expect(teams.get("service")?.actions, file).toContain("workflow");
      expect(teams.get("pr")?.actions, file).toContain("alerts");
    }
  });
  it("the demo replies file fits the demo teams and brands", async () => {
    const { teams } = await loadTeamsFile(`${root}config/demo/teams.yaml`);
    const brands = (await loadBrandsFile(`${root}config/demo/brands.yaml`)).brands.map((brand) => brand.id);
    const replies = await loadRepliesFile(`${root}config/demo/replies.yaml`, { teams, brands });
    expect(replies.templates.length).toBeGreaterThan(0);
    for (const rule of replies.rules) expect(teams.find((team) => team.id === rule.team)?.actions).toContain("reply");
  });
  it.each(["config/alerts.example.yaml", "config/demo/alerts.yaml"])("%s is valid", async (file) => {
    const alerts = await loadAlertsFile(`${root}${file}`);
    expect(alerts.spike.sentiments).toEqual(["negative"]);
  });
});
