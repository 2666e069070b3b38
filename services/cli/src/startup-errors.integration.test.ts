import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runService, runTs } from "@odzew/testing";

/** What a user sees when a config file or a variable is wrong: one clear message, exit code 1. */
describe("start-up errors", () => {
  const badSources = async () => {
    const dir = await mkdtemp(join(tmpdir(), "odzew-config-"));
    const file = join(dir, "sources.yaml");
    await writeFile(
      file,
      [
        "sources:",
        "  - id: Sklep Główny",
        "    type: html",
        "    url: http://127.0.0.1:9/opinie",
        "    schedule: co godzinę",
        "    selectors: { item: .opinia, id: '@data-id', text: .tresc, date: time@datetime }",
      ].join("\n"),
    );
    return file;
  };

  it("a service refuses a bad sources file, naming the file, line, field and fix", async () => {
    const file = await badSources();
    const collector = runService("collector", { ODZEW_SOURCES_FILE: file, LOG_LEVEL: "info" });
    expect(await collector.exited).toBe(1);
    const log = collector.stderr();
    expect(log).toContain(`${file}:2: sources[0].id: use lowercase letters, digits and dashes`);
    expect(log).toContain(`${file}:5: sources[0].schedule: a cron expression`);
  });

  it("odzew validate lists every problem of every file", async () => {
    const file = await badSources();
    const validate = runTs("services/cli/src/index.ts", ["validate"], {
      ODZEW_SOURCES_FILE: file,
      ODZEW_TEAMS_FILE: "config/demo/teams.yaml",
      ODZEW_BRANDS_FILE: "config/demo/brands.yaml",
    });
    expect(await validate.exited).toBe(1);
    expect(validate.stderr()).toContain("sources[0].id");
    expect(validate.stderr()).toContain("sources[0].schedule");
    expect(validate.stdout()).toContain("config/demo/teams.yaml: ok (3 teams)");
  });

  it("a service refuses a bad environment variable, naming it", async () => {
    const api = runService("api", { API_PORT: "eighty", SEARCH_PASSWORD: "hunter2-secret" });
    expect(await api.exited).toBe(1);
    expect(api.stderr()).toMatch(/API_PORT \("eighty"\): /);
    expect(api.stderr()).not.toContain("hunter2-secret");
  });

  it("the API refuses a team key variable that is not set", async () => {
    const dir = await mkdtemp(join(tmpdir(), "odzew-teams-"));
    const file = join(dir, "teams.yaml");
    await writeFile(file, "teams:\n  - id: pr\n    name: PR\n    keys: [{ env: ODZEW_TEST_MISSING_KEY }]\n");
    const api = runService("api", { ODZEW_TEAMS_FILE: file, LOG_LEVEL: "info" });
    expect(await api.exited).toBe(1);
    expect(api.stderr()).toContain("environment variable ODZEW_TEST_MISSING_KEY is not set");
  });
});
