import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "@odzew/testing";
import { loadAlerterConfig } from "./config.ts";

const dir = mkdtempSync(join(tmpdir(), "odzew-alerter-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("alerter config", () => {
  it("resolves webhooks given by environment variable, and keeps the file's thresholds", async () => {
    const path = file("alerts.yaml", "webhooks:\n  - env: ODZEW_SLACK_WEBHOOK_URL\n  - url: https://chat.example.com/hooks/abc\nspike:\n  k: 2.5\n  minCount: 8\nbrands: [zuraw]\n");
    const loaded = await loadAlerterConfig(path, { ODZEW_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/xyz" });
    expect(loaded.webhooks).toEqual(["https://hooks.slack.com/services/T0/B0/xyz", "https://chat.example.com/hooks/abc"]);
    expect(loaded.config.spike).toMatchObject({ window: "60m", baselineDays: 14, k: 2.5, minCount: 8, minBaselineDays: 7, sentiments: ["negative"] });
    expect(loaded.config.brands).toEqual(["zuraw"]);
  });

  it("stops with the file, the field and the fix when a webhook's variable is missing or holds no URL", async () => {
    const path = file("env.yaml", "webhooks:\n  - env: ODZEW_SLACK_WEBHOOK_URL\n");
    await expect(loadAlerterConfig(path, {})).rejects.toThrow(`${path}: webhooks[0].env: environment variable ODZEW_SLACK_WEBHOOK_URL is not set; set it to the webhook's URL, or remove the entry`);
    await expect(loadAlerterConfig(path, { ODZEW_SLACK_WEBHOOK_URL: "hooks.slack.com/services/x" })).rejects.toThrow("must hold the webhook's http(s) URL");
  });

  it("names the line, the field and the fix of a broken file", async () => {
    const path = file("broken.yaml", 'webhooks:\n  - slack: https://hooks.slack.com/x\nspike:\n  window: 1 hour\n  baselineDays: 5\n  minBaselineDays: 9\nschedule: "5 minutes"\n');
    const error = await loadAlerterConfig(path, {}).then(
      () => expect.fail("a broken file must not load"),
      (caught: unknown) => caught as Error,
    );
    expect(error.message).toContain(`${path}:2: webhooks[0]: a webhook is either \`url: https://…\` or \`env: VARIABLE\``);
    expect(error.message).toContain(`${path}:4: spike.window: a duration such as "60m", "2h" or "1d"`);
    expect(error.message).toContain(`spike.minBaselineDays: cannot be more than baselineDays`);
    expect(error.message).toContain(`${path}:7: schedule: a cron expression with 5 or 6 fields`);
  });

  it("refuses a schedule that looks like cron but is not", async () => {
    const path = file("cron.yaml", 'schedule: "*/5 * * * 9"\n');
    await expect(loadAlerterConfig(path, {})).rejects.toThrow(`${path}: schedule: "*/5 * * * 9" is not a valid cron expression`);
  });

  it.each(["config/alerts.example.yaml", "config/demo/alerts.yaml"])("loads %s", async (name) => {
    const loaded = await loadAlerterConfig(join(REPO_ROOT, name), { ODZEW_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/xyz" });
    expect(loaded.config.spike.sentiments).toEqual(["negative"]);
  });
});
