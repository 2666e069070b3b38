import { existsSync } from "node:fs";
import { ConfigError, loadAlertsFile, loadBrandsFile, loadRepliesFile, loadSourcesFile, loadTeamsFile } from "@odzew/config";
import type { SourceConfig } from "@odzew/schema";
import { replyCapability } from "@odzew/sources";

export interface ConfigFiles {
  sources: string;
  teams: string;
  brands: string;
  alerts: string;
  /** Reply templates and rules; optional (without it Odzew has no templates and no rules). */
  replies?: string;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * The environment variables a source's configuration names for its credentials: every `…Env`
 * field (tokenEnv, apiKeyEnv, oauth.clientIdEnv, …) and every `…File` field written as a
 * variable's name (serviceAccountKeyFile: PLAY_KEY_FILE), anywhere in the source's block.
 */
export function credentialNames(source: SourceConfig): string[] {
  const names: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== "object") return;
    for (const [key, field] of Object.entries(value)) {
      if (typeof field === "string" && ENV_NAME.test(field) && (key.endsWith("Env") || key.endsWith("File"))) names.push(field);
      else walk(field);
    }
  };
  walk(source);
  return [...new Set(names)];
}

/**
 * Sources Odzew would answer through their store's API whose credentials are named but not set
 * in this environment: by the variables' names only, never a value. Without them the responder
 * records "not configured" and the agent answers there.
 */
export function missingReplyCredentials(sources: readonly SourceConfig[], env: Readonly<Record<string, string | undefined>>): { source: string; missing: string[] }[] {
  return sources
    .filter((source) => replyCapability(source).canReply)
    .map((source) => ({ source: source.id, missing: credentialNames(source).filter((name) => !env[name]) }))
    .filter((entry) => entry.missing.length > 0);
}

/**
 * Validate every config file Odzew reads, all at once, so that one run shows every problem.
 * Returns one line per good file, and a ConfigError listing every problem of the bad ones.
 */
export async function validateConfig(files: ConfigFiles, env: Readonly<Record<string, string | undefined>> = process.env): Promise<{ report: string[]; error?: ConfigError }> {
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
  const loaded: { sources?: SourceConfig[]; teams?: Awaited<ReturnType<typeof loadTeamsFile>>["teams"]; brands?: string[] } = {};
  await check(
    files.sources,
    async (file) => (loaded.sources = (await loadSourcesFile(file)).sources),
    (sources: unknown[]) => `${sources.length} sources`,
  );
  await check(files.teams, async (file) => (loaded.teams = (await loadTeamsFile(file)).teams), (teams: unknown[]) => `${teams.length} teams`);
  if (existsSync(files.brands)) {
    await check(files.brands, async (file) => (loaded.brands = (await loadBrandsFile(file)).brands.map((brand) => brand.id)), (brands: unknown[]) => `${brands.length} brands`);
  } else {
    report.push(`${files.brands}: not present (the enricher needs it)`);
  }
  if (files.replies && existsSync(files.replies)) {
    await check(
      files.replies,
      (file) => loadRepliesFile(file, { teams: loaded.teams, brands: loaded.brands }),
      (value: { templates: unknown[]; rules: unknown[] }) => `${value.templates.length} templates, ${value.rules.length} reply rules`,
    );
  } else if (files.replies) {
    report.push(`${files.replies}: not present (no reply templates and no reply rules)`);
  }
  for (const { source, missing } of missingReplyCredentials(loaded.sources ?? [], env)) {
    report.push(`${files.sources}: source ${source}: reply credentials not set in this environment: ${missing.join(", ")} (until they are, Odzew cannot post its replies)`);
  }
  if (existsSync(files.alerts)) {
    await check(files.alerts, loadAlertsFile, (value: { webhooks: unknown[] }) => `${value.webhooks.length} webhooks`);
  } else {
    report.push(`${files.alerts}: not present (the alerter uses its defaults and no webhooks)`);
  }
  return problems.length > 0 ? { report, error: new ConfigError(problems) } : { report };
}
