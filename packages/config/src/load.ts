import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument, isNode } from "yaml";
import type { z } from "zod";
import { OdzewError } from "@odzew/core";
import { checkTemplates } from "@odzew/replies";
import { alertsFileSchema, brandsFileSchema, repliesFileSchema, sourcesFileSchema, teamsFileSchema, type RepliesFile, type TeamConfig } from "@odzew/schema";

/** One problem in a config file: where (file, path, line) and what to do about it. */
export interface ConfigProblem {
  file: string;
  path: string;
  line: number | undefined;
  message: string;
}

export class ConfigError extends OdzewError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super("CONFIG_INVALID", formatProblems(problems), { context: { problems } });
    this.problems = problems;
  }
}

function formatProblems(problems: ConfigProblem[]): string {
  return problems
    .map((p) => `${p.file}${p.line === undefined ? "" : `:${p.line}`}: ${p.path}: ${p.message}`)
    .join("\n");
}

/**
 * Read a YAML config file and validate it against its schema. Every problem is reported with
 * the file, the path inside it (e.g. `sources[2].schedule`) and its line.
 */
export async function loadYamlFile<S extends z.ZodType>(file: string, schema: S): Promise<z.infer<S>> {
  return parseYamlText(await readConfigText(file), file, schema);
}

async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    const message = missing
      ? "file not found; check the path, or start from the examples in config/demo/ (README: Configuration)"
      : `cannot read the file: ${String(error)}`;
    throw new ConfigError([{ file, path: "(file)", line: undefined, message }]);
  }
}

export function parseYamlText<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        file,
        path: "(syntax)",
        line: lineCounter.linePos(error.pos[0]).line,
        message: `YAML syntax error: ${error.message.split("\n")[0]}`,
      })),
    );
  }
  const result = schema.safeParse(document.toJS());
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const path = issue.path.filter((part): part is string | number => typeof part !== "symbol");
      return {
        file,
        path: formatPath(path),
        line: lineOf(document, lineCounter, path),
        message: issue.message,
      };
    }),
  );
}

/** `templates[2].text` → `["templates", 2, "text"]`. */
function parsePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[1] !== undefined) parts.push(match[1]);
  }
  return parts;
}

function formatPath(path: (string | number)[]): string {
  if (path.length === 0) return "(top level)";
  return path.reduce<string>(
    (out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    "",
  );
}

/** The line of the deepest node of `path` that exists in the document. */
function lineOf(
  document: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: (string | number)[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

export const loadBrandsFile = (file: string) => loadYamlFile(file, brandsFileSchema);
export const loadSourcesFile = (file: string) => loadYamlFile(file, sourcesFileSchema);
export const loadTeamsFile = (file: string) => loadYamlFile(file, teamsFileSchema);
export const loadAlertsFile = (file: string) => loadYamlFile(file, alertsFileSchema);

/** A problem a cross-check found in a file that fits its schema: the path inside it and the fix. */
export interface CrossCheckProblem {
  /** `rules[0].team` or its parts. */
  path: string | (string | number)[];
  message: string;
}

/** What replies.yaml is checked against: the teams (teams.yaml) and the brands' ids (brands.yaml), when known. */
export interface RepliesContext {
  teams?: readonly Pick<TeamConfig, "id" | "view" | "actions">[] | undefined;
  brands?: readonly string[] | undefined;
}

/**
 * The rules' teams: each rule works for a team of teams.yaml that may reply (`reply` in its
 * actions, which a pseudonymous team can never have).
 */
export function checkRuleTeams(file: RepliesFile, teams: RepliesContext["teams"]): CrossCheckProblem[] {
  if (!teams) return [];
  const byId = new Map(teams.map((team) => [team.id, team]));
  const problems: CrossCheckProblem[] = [];
  file.rules.forEach((rule, index) => {
    const team = byId.get(rule.team);
    const path = ["rules", index, "team"];
    if (!team) {
      problems.push({ path, message: `no team "${rule.team}" in the teams file; use one of ${teams.map((known) => `"${known.id}"`).join(", ")}` });
    } else if (!team.actions.includes("reply")) {
      problems.push({
        path,
        message:
          team.view === "pseudonymous"
            ? `team "${rule.team}" is pseudonymous and can never reply; give the rule to a team with view: full and the reply action`
            : `team "${rule.team}" may not reply; add reply to its actions in the teams file (actions: [workflow, reply]) or give the rule to a team that has it`,
      });
    }
  });
  return problems;
}

/**
 * replies.yaml (templates and reply rules): its schema, then the cross-checks (`checkTemplates`
 * of @odzew/replies: variables, brands, ids, the rules' templates; and the rules' teams) against
 * the other files when they are given, each problem with the file, the path, the line and the fix.
 */
export function parseRepliesText(text: string, file: string, context: RepliesContext = {}): RepliesFile {
  const replies = parseYamlText(text, file, repliesFileSchema);
  // Without the brands file the templates' brands cannot be checked: each one counts as known.
  const brands = context.brands ?? replies.templates.flatMap((template) => (template.brand ? [template.brand] : []));
  const found: CrossCheckProblem[] = [...checkTemplates(replies, brands), ...checkRuleTeams(replies, context.teams)];
  if (found.length === 0) return replies;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  throw new ConfigError(
    found.map((problem) => {
      const path = typeof problem.path === "string" ? parsePath(problem.path) : problem.path;
      return { file, path: formatPath(path), line: lineOf(document, lineCounter, path), message: problem.message };
    }),
  );
}

export async function loadRepliesFile(file: string, context: RepliesContext = {}): Promise<RepliesFile> {
  return parseRepliesText(await readConfigText(file), file, context);
}
