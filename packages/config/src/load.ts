import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument, isNode } from "yaml";
import type { z } from "zod";
import { OdzewError } from "@odzew/core";
import { alertsFileSchema, brandsFileSchema, sourcesFileSchema, teamsFileSchema } from "@odzew/schema";

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
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    const message = missing
      ? "file not found; check the path, or start from the examples in config/demo/ (README: Configuration)"
      : `cannot read the file: ${String(error)}`;
    throw new ConfigError([{ file, path: "(file)", line: undefined, message }]);
  }
  return parseYamlText(text, file, schema);
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
