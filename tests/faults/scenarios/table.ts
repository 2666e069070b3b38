import type { ScenarioResult } from "./common.ts";

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The figures of one scenario as `name: value; …`. */
export const figuresText = (result: ScenarioResult) =>
  Object.entries(result.figures)
    .map(([name, value]) => `${name}: ${value}`)
    .join("; ");

/** The fault table for the README: scenario | load | result figures | pass/fail. */
export function markdownTable(results: ScenarioResult[]): string {
  return [
    "| scenario | load | result figures | pass/fail |",
    "| --- | --- | --- | --- |",
    ...results.map((result) => `| ${cell(result.scenario)} | ${cell(result.load)} | ${cell(figuresText(result))} | ${result.pass ? "pass" : "**fail**"} |`),
  ].join("\n");
}

/** One scenario's figures and findings, for a test's output. */
export const resultText = (result: ScenarioResult) =>
  `${result.scenario} (${result.load}): ${result.pass ? "pass" : "FAIL"}\n  ${figuresText(result)}${result.findings.map((finding) => `\n  - ${finding}`).join("")}`;
