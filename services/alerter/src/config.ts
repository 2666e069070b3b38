import { existsSync } from "node:fs";
import cron from "node-cron";
import { loadAlertsFile } from "@odzew/config";
import { OdzewError } from "@odzew/core";
import { alertsFileSchema, type AlertsFile } from "@odzew/schema";

export interface AlerterConfig {
  /** The file read, if any. */
  file: string | undefined;
  config: AlertsFile;
  /** Webhook URLs, resolved from the file or the environment (secrets: never log them whole). */
  webhooks: string[];
}

/**
 * The alerts file (`ODZEW_ALERTS_FILE`, else `config/alerts.yaml` if present, else the defaults
 * with no webhooks), with each `env:` webhook resolved from `environment`. A problem stops
 * start-up with the file, the field and the fix.
 */
export async function loadAlerterConfig(file: string | undefined, environment: NodeJS.ProcessEnv = process.env): Promise<AlerterConfig> {
  const path = file ?? (existsSync("config/alerts.yaml") ? "config/alerts.yaml" : undefined);
  const config = path ? await loadAlertsFile(path) : alertsFileSchema.parse({});
  const where = path ?? "(defaults)";
  if (!cron.validate(config.schedule)) {
    throw new OdzewError("CONFIG_INVALID", `${where}: schedule: "${config.schedule}" is not a valid cron expression; e.g. "*/5 * * * *" (every 5 minutes)`);
  }
  const webhooks = config.webhooks.map((hook, index) => {
    if ("url" in hook) return hook.url;
    const url = environment[hook.env];
    if (!url) {
      throw new OdzewError("CONFIG_INVALID", `${where}: webhooks[${index}].env: environment variable ${hook.env} is not set; set it to the webhook's URL, or remove the entry`);
    }
    if (!/^https?:\/\/[^\s/]+/.test(url) || !URL.canParse(url)) {
      throw new OdzewError("CONFIG_INVALID", `${where}: webhooks[${index}].env: environment variable ${hook.env} must hold the webhook's http(s) URL (e.g. https://hooks.slack.com/services/…)`);
    }
    return url;
  });
  return { file: path, config, webhooks };
}
