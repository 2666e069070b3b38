import { describe, expect, it } from "vitest";
import { sourcesFileSchema, teamsFileSchema } from "@odzew/schema";
import { ConfigError, loadAlertsFile, loadBrandsFile, loadSourcesFile, loadTeamsFile, parseYamlText } from "./load.ts";

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
    expect(problems[0]?.message).toContain('supported types: "app-store", "google-play"');
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
  it.each(["config/alerts.example.yaml", "config/demo/alerts.yaml"])("%s is valid", async (file) => {
    const alerts = await loadAlertsFile(`${root}${file}`);
    expect(alerts.spike.sentiments).toEqual(["negative"]);
  });
});
