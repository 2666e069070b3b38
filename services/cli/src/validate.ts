import { existsSync } from "node:fs";
import { ConfigError, loadAlertsFile, loadBrandsFile, loadSourcesFile, loadTeamsFile } from "@odzew/config";

export interface ConfigFiles {
  sources: string;
  teams: string;
  brands: string;
  alerts: string;
}

/**
 * Validate every config file Odzew reads, all at once, so that one run shows every problem.
 * Returns one line per good file, and a ConfigError listing every problem of the bad ones.
 */
export async function validateConfig(files: ConfigFiles): Promise<{ report: string[]; error?: ConfigError }> {
  const report: string[] = [];
  const problems: ConfigError["problems"] = [];
  const check = async (file: string, load: (file: string) => Promise<unknown>, describe: (value: never) => string) => {
    try {
      report.push(`${file}: ok (${describe((await load(file)) as never)})`);
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  };
  await check(files.sources, loadSourcesFile, (value: { sources: unknown[] }) => `${value.sources.length} sources`);
  await check(files.teams, loadTeamsFile, (value: { teams: unknown[] }) => `${value.teams.length} teams`);
  if (existsSync(files.brands)) {
    await check(files.brands, loadBrandsFile, (value: { brands: unknown[] }) => `${value.brands.length} brands`);
  } else {
    report.push(`${files.brands}: not present (the enricher needs it)`);
  }
  if (existsSync(files.alerts)) {
    await check(files.alerts, loadAlertsFile, (value: { webhooks: unknown[] }) => `${value.webhooks.length} webhooks`);
  } else {
    report.push(`${files.alerts}: not present (the alerter uses its defaults and no webhooks)`);
  }
  return problems.length > 0 ? { report, error: new ConfigError(problems) } : { report };
}
