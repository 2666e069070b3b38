import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The labelled Polish reviews in `../shared/eval` (KLEJ: Allegro Reviews and PolEmo 2.0-IN),
 * read in place for tests and benchmarks: never copied into the repository, never shipped.
 */
export const EVAL_DIR = fileURLToPath(new URL("../../../../shared/eval/", import.meta.url));

export interface RatedReview {
  text: string;
  /** Stars 1–5. */
  rating: number;
}

export interface LabelledText {
  text: string;
  label: "positive" | "negative" | "neutral" | "ambiguous";
}

export function evalDataAvailable(): boolean {
  return existsSync(`${EVAL_DIR}allegro-reviews-train.tsv`) && existsSync(`${EVAL_DIR}polemo2-in-train.tsv`);
}

/**
 * Rows of a two-column TSV with a header: one row per line, the label after the last tab; a text
 * wrapped in quotes (with doubled quotes inside) is unwrapped.
 */
function readTsv(file: string): [string, string][] {
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .slice(1)
    .flatMap((line): [string, string][] => {
      const tab = line.lastIndexOf("\t");
      if (tab <= 0) return [];
      let text = line.slice(0, tab);
      if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).replaceAll('""', '"');
      return [[text, line.slice(tab + 1).trim()]];
    });
}

export function allegroReviews(): RatedReview[] {
  return readTsv(`${EVAL_DIR}allegro-reviews-train.tsv`).map(([text, rating]) => ({ text, rating: Number(rating) }));
}

const POLEMO_LABELS: Record<string, LabelledText["label"]> = {
  __label__meta_plus_m: "positive",
  __label__meta_minus_m: "negative",
  __label__meta_zero: "neutral",
  __label__meta_amb: "ambiguous",
};

export function polemoReviews(): LabelledText[] {
  return readTsv(`${EVAL_DIR}polemo2-in-train.tsv`).flatMap(([text, target]) => {
    const label = POLEMO_LABELS[target];
    return label ? [{ text, label }] : [];
  });
}

/** The fixed split every measurement uses: the last 15 % of a file is held out. */
export function split<T>(rows: T[], heldOut = 0.15): { train: T[]; test: T[] } {
  const cut = Math.floor(rows.length * (1 - heldOut));
  return { train: rows.slice(0, cut), test: rows.slice(cut) };
}
