import { existsSync } from "node:fs";
import { ConfigError, loadBrandsFile, loadSourcesFile, loadTeamsFile } from "@odzew/config";

export interface ConfigFiles {
  sources: string;
  teams: string;
  brands: string;
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
    report.push(`${files.brands}: not present (brand tagging needs it once enrichment uses it)`);
  }
  return problems.length > 0 ? { report, error: new ConfigError(problems) } : { report };
}
