import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runTs } from "@odzew/testing";

/** Run `odzew` with `input` on standard input; resolve with exit code, stdout and stderr. */
function odzew(args: string[], input: string, env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "services/cli/src/index.ts", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: "info", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("odzew enrich (the contract in DESIGN.md)", () => {
  it("writes one enriched NDJSON line per input line, in order, and nothing else on stdout", async () => {
    const lines = [
      { text: "Kupiłem w Żurawiu książkę, dostawa była szybka. Polecam!", rating: 5 },
      { title: "Never again", text: "The parcel never arrived and support ignored me.", lang: "en" },
      "this line is not JSON",
      { text: "Paczka przyszła w czwartek.", extra: { kept: true } },
      { rating: 3 },
    ];
    const input = lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n");
    const result = await odzew(["enrich", "--brands", "config/demo/brands.yaml"], input);
    const output = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(output).toHaveLength(lines.length);
    expect(output[0]).toMatchObject({ lang: "pl", sentiment: { label: "positive" }, brands: [{ id: "zuraw", via: "text" }] });
    expect(output[0]?.topics).toEqual(expect.arrayContaining(["delivery"]));
    expect(output[1]).toMatchObject({ lang: "en", sentiment: { label: "negative" }, title: "Never again" });
    expect(output[2]).toEqual({ error: "line 3: not JSON" });
    expect(output[3]).toMatchObject({ lang: "pl", sentiment: { label: "neutral" }, extra: { kept: true } });
    expect(output[4]?.error).toMatch(/line 5: text/);
    // Logs went to standard error; a bad line makes the exit code say so.
    expect(result.stderr).toContain("not JSON");
    expect(result.code).toBe(3);
  });

  it("refuses to start without a brands file, naming the problem", async () => {
    const result = await odzew(["enrich", "--brands", "config/nope.yaml"], "");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("config/nope.yaml");
  });
});

describe("odzew sentiment train", () => {
  it("learns from rated reviews, reports held-out accuracy against the lexicon, and the model is usable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "odzew-train-"));
    const good = ["Świetny produkt, polecam", "Szybka wysyłka i dobra jakość", "Wszystko zgodnie z opisem, super", "Bardzo dobry kontakt ze sprzedawcą"];
    const bad = ["Produkt zepsuł się po tygodniu", "Nie polecam, szkoda pieniędzy", "Paczka nie dotarła, masakra", "Słaba jakość, rozpadł się"];
    const rows = Array.from({ length: 240 }, (_, index) => {
      const positive = index % 2 === 0;
      const pool = positive ? good : bad;
      return { text: `${pool[index % pool.length]} ${pool[(index + 1) % pool.length]}.`, rating: positive ? 5 : 1 };
    });
    const input = join(dir, "rated.ndjson");
    const model = join(dir, "model.json");
    await writeFile(input, rows.map((row) => JSON.stringify(row)).join("\n"));
    const train = runTs("services/cli/src/index.ts", ["sentiment", "train", "--input", input, "--out", model], {});
    expect(await train.exited, train.stderr()).toBe(0);
    expect(train.stdout()).toMatch(/held-out accuracy \(1–2 vs 4–5 stars\): model \d+\.\d %, lexicon \d+\.\d %/);
    expect(JSON.parse(await readFile(model, "utf8"))).toMatchObject({ kind: "odzew-sentiment-linear", lang: "pl" });

    const enriched = await odzew(["enrich", "--brands", "config/demo/brands.yaml", "--sentiment-model", model], JSON.stringify({ text: "Paczka nie dotarła, szkoda pieniędzy" }));
    expect(enriched.code).toBe(0);
    expect((JSON.parse(enriched.stdout) as { sentiment: { label: string } }).sentiment.label).toBe("negative");
  });
});
