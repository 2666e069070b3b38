import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sourceConfigSchema } from "@odzew/schema";
import { credentialNames, missingReplyCredentials, validateConfig } from "./validate.ts";

const site = sourceConfigSchema.parse({
  id: "sklep-www",
  type: "html",
  url: "https://sklep.example.pl/opinie",
  schedule: "*/15 * * * *",
  selectors: { item: ".opinia", id: "@data-id", text: ".tresc", date: "time@datetime" },
  reply: { url: "https://sklep.example.pl/api/reviews/{id}/reply", tokenEnv: "SKLEP_REPLY_TOKEN" },
});
const business = sourceConfigSchema.parse({
  id: "wizytowka",
  type: "google-business",
  schedule: "0 * * * *",
  accountId: "123",
  locationId: "456",
  oauth: { clientIdEnv: "GBP_CLIENT_ID", clientSecretEnv: "GBP_CLIENT_SECRET", refreshTokenEnv: "GBP_REFRESH_TOKEN" },
});
const opineo = sourceConfigSchema.parse({ id: "opineo", type: "opineo", url: "https://www.opineo.pl/opinie/sklep", schedule: "0 * * * *" });

describe("reply credentials", () => {
  it("are the variables a source names, wherever in its block", () => {
    expect(credentialNames(site)).toEqual(["SKLEP_REPLY_TOKEN"]);
    expect(credentialNames(business)).toEqual(["GBP_CLIENT_ID", "GBP_CLIENT_SECRET", "GBP_REFRESH_TOKEN"]);
  });

  it("are reported by name when a source Odzew answers through its API lacks them; never a value, never a source without a reply API", () => {
    const env = { SKLEP_REPLY_TOKEN: "sekretny-token-123", GBP_CLIENT_ID: "id", GBP_CLIENT_SECRET: "" };
    const missing = missingReplyCredentials([site, business, opineo], env);
    expect(missing).toEqual([{ source: "wizytowka", missing: ["GBP_CLIENT_SECRET", "GBP_REFRESH_TOKEN"] }]);
    expect(JSON.stringify(missing)).not.toContain("sekretny");
  });
});

describe("odzew validate with a replies file", () => {
  it("reports the replies file's problems with file, line and fix, and the credentials not set", async () => {
    const dir = await mkdtemp(join(tmpdir(), "odzew-validate-"));
    const files = { sources: join(dir, "sources.yaml"), teams: join(dir, "teams.yaml"), brands: join(dir, "brands.yaml"), alerts: join(dir, "alerts.yaml"), replies: join(dir, "replies.yaml") };
    await writeFile(
      files.sources,
      [
        "sources:",
        "  - id: sklep-www",
        "    type: html",
        "    url: https://sklep.example.pl/opinie",
        "    schedule: '*/15 * * * *'",
        "    selectors: { item: .opinia, id: '@data-id', text: .tresc, date: time@datetime }",
        "    reply: { url: 'https://sklep.example.pl/api/reviews/{id}/reply', tokenEnv: SKLEP_REPLY_TOKEN }",
      ].join("\n"),
    );
    await writeFile(files.teams, "teams:\n  - id: service\n    name: Obsługa\n    keys: [{ env: K }]\n    view: full\n    actions: [workflow]\n");
    await writeFile(files.brands, "brands:\n  - id: zuraw\n    name: Żuraw\n    aliases: [Żuraw]\n");
    await writeFile(
      files.replies,
      ["templates:", "  - id: thanks-pl", "    name: Dzięki", "    lang: pl", "    text: 'Dzięki, {autor}!'", "rules:", "  - id: thanks", "    team: service", "    when: { ratings: [5] }", "    templates: [thanks-pl]"].join("\n"),
    );
    const { report, error } = await validateConfig(files, {});
    expect(report).toContain(`${files.sources}: source sklep-www: reply credentials not set in this environment: SKLEP_REPLY_TOKEN (until they are, Odzew cannot post its replies)`);
    expect(error?.problems).toEqual([
      expect.objectContaining({ file: files.replies, path: "templates[0].text", line: 5, message: expect.stringContaining("{autor}") }),
      expect.objectContaining({ file: files.replies, path: "rules[0].team", line: 8, message: expect.stringContaining("add reply to its actions") }),
    ]);
    const fine = await validateConfig({ ...files, replies: join(dir, "none.yaml") }, { SKLEP_REPLY_TOKEN: "x" });
    expect(fine.error).toBeUndefined();
    expect(fine.report).toContain(`${join(dir, "none.yaml")}: not present (no reply templates and no reply rules)`);
  });
});
