import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadBrandsFile, loadRepliesFile, loadSourcesFile, loadTeamsFile } from "@odzew/config";
import { OdzewError } from "@odzew/core";
import { dryRun, type DryRunEntry, type RuleMention } from "@odzew/replies";
import type { RepliesFile, ReplyTemplate } from "@odzew/schema";
import { SearchRequestError, TeamSearch, connectEngine, indexNames, ruleMentionOf } from "@odzew/search";
import { replyCapability } from "@odzew/sources";
import type { CliEnv } from "../env.ts";
import { defineCommand, parseFlags, type Parsed } from "./command.ts";

const FLAGS = { rule: { type: "string" }, days: { type: "string" } } as const;

const USAGE = [
  "  replies dry-run --rule ID [--days N]",
  "                              what a reply rule would have answered, drafted or skipped (and why) over",
  "                              its team's mentions of the last N days (default 30, at most 90)",
  "  replies templates           list the reply templates of the replies file",
].join("\n");

export type RepliesOptions = { subcommand: "dry-run"; rule: string; days: number } | { subcommand: "templates" };

/** The most mentions one dry run reads (the oldest of the window first). */
export const DRY_RUN_MAX = 5_000;

export function parseRepliesArgs(args: readonly string[]): Parsed<RepliesOptions> {
  const [subcommand, ...rest] = args;
  if (subcommand === "templates") {
    if (rest.length > 0) return { ok: false, reason: `replies templates takes no arguments (not "${rest.join(" ")}")` };
    return { ok: true, options: { subcommand: "templates" } };
  }
  if (subcommand !== "dry-run") {
    return { ok: false, reason: `replies takes a subcommand: replies dry-run --rule ID [--days N], or replies templates${subcommand ? ` (not "${subcommand}")` : ""}` };
  }
  const flags = parseFlags("replies dry-run", FLAGS, () => parseArgs({ args: [...rest], options: FLAGS, strict: true }));
  if (!flags.ok) return flags;
  const { rule, days } = flags.parsed.values;
  if (rule === undefined) return { ok: false, reason: "replies dry-run needs --rule ID (a rule id from the replies file)" };
  if (days === undefined) return { ok: true, options: { subcommand: "dry-run", rule, days: 30 } };
  const value = Number(days);
  if (!/^\d+$/.test(days) || value < 1 || value > 90) return { ok: false, reason: `--days takes a whole number from 1 to 90, not "${days}"` };
  return { ok: true, options: { subcommand: "dry-run", rule, days: value } };
}

/** Text in one line of at most `max` characters (an ellipsis where cut). */
export function oneLine(text: string, max: number): string {
  const folded = text.replace(/\s+/g, " ").trim();
  const chars = [...folded];
  return chars.length <= max ? folded : `${chars.slice(0, max - 1).join("")}…`;
}

const pad = (text: string, width: number) => text + " ".repeat(Math.max(0, width - [...text].length));

/**
 * The dry run as a table: date, source, rating, verdict, reason (or the reply it would write),
 * the review's text; then the counts.
 */
export function dryRunTable(entries: readonly DryRunEntry[], texts: ReadonlyMap<string, string>): string[] {
  const rows = entries.map((entry) => {
    const { verdict } = entry;
    const what = verdict.kind === "skip" ? "skip" : verdict.mode;
    const why = verdict.kind === "skip" ? verdict.reason : `${verdict.reason ? `${verdict.reason}; ` : ""}"${verdict.text}"`;
    return [entry.publishedAt.slice(0, 16).replace("T", " "), entry.sourceId, entry.rating === undefined ? "-" : `${entry.rating}★`, what, oneLine(why, 70), oneLine(texts.get(entry.mentionId) ?? "", 50) || "(no text)"];
  });
  const header = ["date", "source", "rating", "verdict", "reason / reply", "review"];
  const widths = header.map((title, column) => Math.max([...title].length, ...rows.map((row) => [...row[column]!].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : pad(cell, widths[column]!))).join("  ").trimEnd();
  const counts = { send: 0, draft: 0, skip: 0 };
  for (const entry of entries) counts[entry.verdict.kind === "skip" ? "skip" : entry.verdict.mode] += 1;
  return [line(header), ...rows.map(line), "", `${entries.length} mentions: ${counts.send} would be sent, ${counts.draft} drafted, ${counts.skip} skipped`];
}

/** The templates as a list: id, language, brand, name, and the text in one line. */
export function templatesTable(templates: readonly ReplyTemplate[]): string[] {
  if (templates.length === 0) return ["no templates in the replies file"];
  const rows = templates.map((template) => [template.id, template.lang, template.brand ?? "(all)", template.name, oneLine(template.text, 60)]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => [...row[column]!].length), ["id", "lang", "brand", "name"][column]!.length));
  const line = (cells: string[]) => cells.map((cell, column) => (column < 4 ? pad(cell, widths[column]!) : cell)).join("  ");
  return [line(["id", "lang", "brand", "name", "text"]), ...rows.map(line)];
}

/** The replies file the CLI reads, checked against the teams and brands files. */
async function loadReplies(env: CliEnv): Promise<{ file: string; replies: RepliesFile }> {
  const file = env.ODZEW_REPLIES_FILE;
  if (!existsSync(file)) throw new OdzewError("CONFIG_INVALID", `${file}: no replies file; write one (see config/demo/replies.yaml) or set ODZEW_REPLIES_FILE`);
  const { teams } = await loadTeamsFile(env.ODZEW_TEAMS_FILE);
  const brands = existsSync(env.ODZEW_BRANDS_FILE) ? (await loadBrandsFile(env.ODZEW_BRANDS_FILE)).brands.map((brand) => brand.id) : undefined;
  return { file, replies: await loadRepliesFile(file, { teams, brands }) };
}

export const repliesCommand = defineCommand<RepliesOptions>({
  name: "replies",
  usage: USAGE,
  parse: parseRepliesArgs,
  async run(options, { env }) {
    const { file, replies } = await loadReplies(env);
    if (options.subcommand === "templates") {
      for (const line of templatesTable(replies.templates)) process.stdout.write(`${line}\n`);
      return 0;
    }
    const rule = replies.rules.find((candidate) => candidate.id === options.rule);
    if (!rule) {
      const known = replies.rules.map((candidate) => candidate.id);
      throw new OdzewError("CONFIG_INVALID", `${file}: no rule "${options.rule}"; ${known.length > 0 ? `the rules are ${known.join(", ")}` : "the file has no rules"}`);
    }
    const { teams } = await loadTeamsFile(env.ODZEW_TEAMS_FILE);
    const team = teams.find((candidate) => candidate.id === rule.team);
    // loadRepliesFile checked it; a teams file changed in between is still a clear refusal.
    if (!team) throw new OdzewError("CONFIG_INVALID", `${file}: rule "${rule.id}" works for team "${rule.team}", which ${env.ODZEW_TEAMS_FILE} does not have`);
    const sources = existsSync(env.ODZEW_SOURCES_FILE) ? (await loadSourcesFile(env.ODZEW_SOURCES_FILE)).sources : [];
    const brandNames = existsSync(env.ODZEW_BRANDS_FILE) ? new Map((await loadBrandsFile(env.ODZEW_BRANDS_FILE)).brands.map((brand) => [brand.id, brand.name])) : new Map<string, string>();
    const engine = await connectEngine({ url: env.SEARCH_URL, username: env.SEARCH_USERNAME, password: env.SEARCH_PASSWORD });
    try {
      const search = new TeamSearch(engine, indexNames(env.ODZEW_INDEX_PREFIX));
      const to = new Date();
      const from = new Date(to.getTime() - options.days * 86_400_000);
      const mentions: RuleMention[] = [];
      let truncated = false;
      for await (const view of search.scan(team, { from: from.toISOString(), to: to.toISOString() }, 500)) {
        if (mentions.length >= DRY_RUN_MAX) {
          truncated = true;
          break;
        }
        const mention = ruleMentionOf(view);
        if (mention) mentions.push(mention);
      }
      const configured = new Map(sources.map((source) => [source.id, source]));
      const entries = dryRun(rule, mentions, {
        team,
        templates: replies.templates,
        brandName: (brand) => brandNames.get(brand),
        capability: (mention) => replyCapability(configured.get(mention.source.id)),
      });
      process.stdout.write(`rule ${rule.id} (team ${team.id}, mode ${rule.mode}) over mentions published since ${from.toISOString().slice(0, 10)}${truncated ? ` (the first ${DRY_RUN_MAX} only)` : ""}\n\n`);
      for (const line of dryRunTable(entries, new Map(mentions.map((mention) => [mention.id, mention.text])))) process.stdout.write(`${line}\n`);
      return 0;
    } catch (error) {
      if (error instanceof SearchRequestError) throw new OdzewError("SEARCH_UNAVAILABLE", error.message);
      throw error;
    } finally {
      await engine.close();
    }
  },
});
