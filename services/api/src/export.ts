/**
 * Exports: NDJSON, or CSV that opens safely in a spreadsheet. Both stream: a row leaves as soon
 * as the engine returned it, whatever the size of the slice.
 */
import type { MentionView, SampledMention } from "@odzew/search";

export type ExportFormat = "csv" | "ndjson";

/** A CSV column: its name, and its value in one row. */
export interface CsvColumn<M> {
  name: string;
  value: (mention: M) => unknown;
}

/** Columns of the CSV export, by path into the mention as the team sees it. */
export const CSV_COLUMNS: CsvColumn<MentionView>[] = [
  { name: "id", value: (m) => m.id },
  { name: "source", value: (m) => m.source?.id },
  { name: "source_type", value: (m) => m.source?.type },
  { name: "published_at", value: (m) => m.publishedAt },
  { name: "lang", value: (m) => m.lang },
  { name: "rating", value: (m) => m.rating?.value },
  { name: "sentiment", value: (m) => m.sentiment?.label },
  { name: "sentiment_score", value: (m) => m.sentiment?.score },
  { name: "brands", value: (m) => (m.brands ?? []).map((brand) => brand.id).join(" ") },
  { name: "topics", value: (m) => (m.topics ?? []).join(" ") },
  { name: "priority", value: (m) => m.priority?.level },
  { name: "status", value: (m) => m.workflow?.status },
  { name: "author", value: (m) => m.author?.name ?? m.authorPseudonym },
  { name: "url", value: (m) => m.url },
  { name: "title", value: (m) => m.title },
  { name: "text", value: (m) => m.text },
];

/**
 * One CSV cell. A value a spreadsheet would run as a formula (starting with = + - @, a tab or a
 * carriage return) gets a leading apostrophe, the OWASP advice; numbers stay numbers. A cell that
 * holds the list separator of any locale (`,` in English, `;` in Polish and most of Europe, a tab
 * for pasted text), a quote, a line break or surrounding blanks is quoted: whichever separator
 * the spreadsheet splits on, a cell stays one cell, so its formula guard stays at its start.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let text = typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",;\t\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The columns of a sample's CSV: the export's, and the stratum each mention was drawn for (`topic=delivery sentiment=negative`). */
export const SAMPLE_CSV_COLUMNS: CsvColumn<SampledMention>[] = [
  ...CSV_COLUMNS,
  {
    name: "stratum",
    value: (m) =>
      Object.entries(m.stratum)
        .map(([field, value]) => `${field}=${value}`)
        .join(" "),
  },
];

export const csvHeader = (columns: readonly { name: string }[] = CSV_COLUMNS): string => `${columns.map((column) => column.name).join(",")}\r\n`;

export const csvRow = <M extends MentionView>(mention: M, columns: CsvColumn<M>[] = CSV_COLUMNS): string =>
  `${columns.map((column) => csvCell(column.value(mention))).join(",")}\r\n`;

/** Lines of an export, header first for CSV (the export's columns unless others are given). */
export async function* exportLines<M extends MentionView>(rows: AsyncIterable<M> | Iterable<M>, format: ExportFormat, columns: CsvColumn<M>[] = CSV_COLUMNS): AsyncGenerator<string> {
  if (format === "csv") yield `\uFEFF${csvHeader(columns)}`;
  for await (const row of rows) yield format === "csv" ? csvRow(row, columns) : `${JSON.stringify(row)}\n`;
}

/**
 * The file an export is served as: its content type, and a name with the team and the day
 * (and what it is, such as `sample-<seed>`, when given: letters, digits and dashes only).
 */
export function exportFile(team: string, format: ExportFormat, now: Date, label?: string): { name: string; contentType: string } {
  const what = label
    ?.replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return {
    name: `odzew-${team}-${what ? `${what}-` : ""}${now.toISOString().slice(0, 10)}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
  };
}
