import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { OdzewError } from "@odzew/core";
import { scorePolish, trainSentimentModel } from "@odzew/nlp";

/**
 * `odzew sentiment train`: learn a Polish sentiment model from NDJSON lines with `text` and
 * `rating` (1–5), the stars review sources carry for free. The last 15 % of the lines are held
 * out; the report says whether the model beats the lexicon there (the enricher uses it only then).
 */
export async function trainFromFile(input: string, out: string): Promise<string[]> {
  const rows: { text: string; rating: number }[] = [];
  let lineNumber = 0;
  let skipped = 0;
  for await (const line of createInterface({ input: createReadStream(input, "utf8"), crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line.trim() === "") continue;
    let row: { text?: unknown; rating?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw new OdzewError("CONFIG_INVALID", `${input}:${lineNumber}: not JSON; expected {"text": "…", "rating": 1-5} per line`);
    }
    const rating = Number(row.rating);
    if (typeof row.text !== "string" || !(rating >= 1 && rating <= 5)) {
      skipped += 1;
      continue;
    }
    rows.push({ text: row.text, rating });
  }
  if (rows.length < 50) {
    throw new OdzewError("CONFIG_INVALID", `${input}: only ${rows.length} rated reviews; a model needs at least 50 (better thousands)`);
  }
  // The lexicon is judged like the model: by the sign of its score on the held-out reviews.
  const baseline = (text: string) => {
    const { score } = scorePolish(text);
    return score > 0 ? "positive" : score < 0 ? "negative" : "neutral";
  };
  const { model, report } = trainSentimentModel(rows, { baseline });
  await writeFile(out, `${JSON.stringify(model)}\n`);
  const percent = (value: number | undefined) => (value === undefined ? "n/a" : `${(value * 100).toFixed(1)} %`);
  const better = report.heldOutAccuracy > (report.baselineAccuracy ?? 0);
  return [
    `trained on ${report.trainedOn} reviews (${skipped} lines without text or a 1–5 rating skipped), held out ${report.heldOutSize}`,
    `held-out accuracy (1–2 vs 4–5 stars): model ${percent(report.heldOutAccuracy)}, lexicon ${percent(report.baselineAccuracy)}`,
    better
      ? `the enricher will use this model for Polish (it beats the lexicon): ${out}`
      : `the enricher will NOT use this model (it does not beat the lexicon on the held-out reviews): ${out}`,
  ];
}
