/**
 * CX insights in a real browser on the running demo: the CX team (pseudonymous view) sees topics ×
 * sentiment, trends and ratings; draws the same sample twice with one seed (and after a reload),
 * another sample gets another seed; and the exported file holds exactly the rows shown, without
 * any author name, link or unmasked personal data.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { DEFAULT_TOPIC_LABELS } from "@odzew/schema";
import { periodOf } from "../../services/web/src/pages/insights/model.ts";
import { axeViolations, readmeShot, seriousOrCritical } from "./harness.ts";
import { workspaceDemo } from "./demo.ts";

const demo = workspaceDemo("insights");
beforeAll(() => demo.start(), 240_000);
afterAll(() => demo.stop(), 60_000);

async function openInsights(page: Page): Promise<void> {
  await page.getByRole("navigation").getByRole("link", { name: "Wnioski" }).click();
  await page.getByRole("heading", { level: 1, name: "Wnioski CX" }).waitFor();
}

/** The ids of the sample's cards, in the order shown, once the sample of `seed` is on screen. */
async function sampleIds(page: Page, seed?: string): Promise<string[]> {
  await page.locator(seed ? `.sample-summary[data-seed="${seed}"]` : ".sample-summary").waitFor({ timeout: 30_000 });
  return page.locator(".sample-items article.card").evaluateAll((cards) => cards.map((card) => card.getAttribute("data-mention-id") ?? ""));
}

/** The first column (id) of each row of a CSV file, the header and its byte-order mark left out. */
const csvIds = (text: string) =>
  text
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n")
    .slice(1)
    .map((line) => line.split(",")[0]);

/** What the full view knows of the demo's mentions and the pseudonymous view must never show. */
async function personalValues(): Promise<string[]> {
  const page = await demo.api<{ items: { author?: { name: string }; url?: string }[] }>("service", "/mentions?size=100");
  const values = page.items.flatMap((item) => [item.author?.name, item.url]).filter((value): value is string => typeof value === "string" && value.length > 2);
  expect(values.length).toBeGreaterThan(0);
  return values;
}

describe("CX insights", () => {
  it("shows the CX team topics × sentiment, trends against the period before and ratings per source type; a cell opens its mentions", async () => {
    const cx = await demo.signIn("cx");
    const { page } = cx;
    await openInsights(page);

    // The heatmap is drawn (ECharts, SVG), with a numbers table whose counts open their mentions.
    await page.locator('[data-chart="topics-heatmap"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-chart="topics-heatmap"] svg path, [data-chart="topics-heatmap"] svg rect').count(), { timeout: 20_000 }).toBeGreaterThan(3);
    const heatmap = page.getByRole("region", { name: "Tematy × wydźwięk" });
    await heatmap.locator("summary").click();
    const cell = heatmap.getByRole("button", { name: /pokaż wzmianki/ }).first();
    const cellName = (await cell.getAttribute("aria-label")) ?? "";
    // Topics by their labels, not the tagger's ids.
    const [, count, label, sentiment] = /^(\d+) — pokaż wzmianki: (.+), (\S+)$/.exec(cellName) ?? [];
    const topic = Object.entries(DEFAULT_TOPIC_LABELS).find(([, names]) => names.pl === label)?.[0];
    expect(topic, cellName).toBeDefined();
    const rowHeads = await heatmap.locator("tbody th").allTextContents();
    expect(rowHeads.length).toBeGreaterThan(0);
    for (const head of rowHeads) expect(Object.values(DEFAULT_TOPIC_LABELS).map((names) => names.pl)).toContain(head);

    // Trends: the whole slice now against the 30 days before, with words beside the arrows.
    const trends = page.getByRole("region", { name: "Trendy względem poprzedniego okresu" });
    const overall = trends.getByRole("row", { name: /Wszystkie wzmianki/ });
    await overall.waitFor();
    const period = periodOf("30d", new Date());
    const population = (await demo.api<{ total: number }>("cx", `/mentions?size=1&from=${period.from}&to=${period.to}`)).total;
    expect(population).toBeGreaterThan(0);
    expect(Number((await overall.locator("td").first().textContent())?.replace(/\s/g, ""))).toBe(population);
    expect(await overall.textContent()).toMatch(/więcej|mniej|bez zmian|nowy temat/);

    // Ratings per source type (the pseudonymous view has no source ids), chart and table.
    const ratings = page.getByRole("region", { name: "Oceny według typu źródła" });
    await ratings.locator('[data-chart="ratings"][data-ready="true"]').waitFor();
    const rated = await ratings.locator("tbody tr").evaluateAll((rows) => rows.map((row) => row.querySelector("th")?.textContent ?? ""));
    expect(rated.length).toBeGreaterThan(0);
    expect(rated.join(" ")).not.toContain("demo-zuraw");

    // A cell → its mentions, with the cell in the address.
    await cell.click();
    const drill = page.getByRole("region", { name: `Wzmianki: ${label}, ${sentiment}` });
    // As many mentions as the cell counts: by the sentiment of the clause that names the topic.
    await expect.poll(() => drill.locator("article.card").count(), { timeout: 20_000 }).toBe(Number(count));
    expect(page.url()).toContain(`topic=${topic}`);
    await readmeShot(cx, "insights");

    for (const finding of seriousOrCritical(await axeViolations(page))) expect.fail(`axe: ${finding.id} (${finding.impact}) ${finding.help} at ${finding.targets.join(", ")}`);
    await drill.getByRole("button", { name: "Zamknij" }).click();
    await expect.poll(() => page.url()).not.toContain("topic=");
    cx.expectClean();
  });

  it("draws the same sample with one seed, after a reload too, exports exactly those rows, and another sample gets another seed", async () => {
    const cx = await demo.signIn("cx");
    const { page } = cx;
    await openInsights(page);
    // A sample is on screen at once, with a seed in the address.
    await sampleIds(page);
    expect(page.url()).toMatch(/seed=[A-Za-z0-9]+/);

    const sample = page.getByRole("region", { name: "Próba do przeczytania" });
    await sample.getByLabel("Rozmiar").fill("5");
    await sample.getByLabel("Warstwy").selectOption("sentiment");
    await sample.getByLabel("Ziarno").fill("raport-s5");
    await sample.getByRole("button", { name: "Losuj", exact: true }).click();
    const first = await sampleIds(page, "raport-s5");
    expect(first.length).toBe(5);
    expect(page.url()).toContain("seed=raport-s5");

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Wnioski CX" }).waitFor();
    expect(await sampleIds(page, "raport-s5")).toEqual(first);

    // Exported: the file holds exactly the rows shown, in their order, and nothing personal.
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), sample.getByRole("button", { name: "Eksportuj tę próbę (CSV)" }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^odzew-cx-sample-raport-s5-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await csvDownload.path(), "utf8");
    expect(csvIds(csv)).toEqual(first);
    const [ndjsonDownload] = await Promise.all([page.waitForEvent("download"), sample.getByRole("button", { name: "Eksportuj tę próbę (NDJSON)" }).click()]);
    const ndjson = await readFile(await ndjsonDownload.path(), "utf8");
    const rows = ndjson
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((row) => row.id)).toEqual(first);
    for (const row of rows) {
      expect(row.author, "no author in the pseudonymous view").toBeUndefined();
      expect(row.url, "no link in the pseudonymous view").toBeUndefined();
    }
    for (const value of await personalValues()) {
      expect(csv, "CSV").not.toContain(value);
      expect(ndjson, "NDJSON").not.toContain(value);
    }
    await expect.poll(() => sample.getByRole("status").textContent()).toContain("5 wierszy");

    // Drawn again with the same seed: the same rows, in the same order.
    await sample.getByRole("button", { name: "Losuj", exact: true }).click();
    expect(await sampleIds(page, "raport-s5")).toEqual(first);
    await readmeShot(cx, "sample");

    // Another sample: another seed, in the field and the address.
    await sample.getByRole("button", { name: "Inna próba" }).click();
    await expect.poll(() => page.locator(".sample-summary").getAttribute("data-seed"), { timeout: 30_000 }).not.toBe("raport-s5");
    const seed = (await page.locator(".sample-summary").getAttribute("data-seed")) ?? "";
    expect(seed).toMatch(/^[a-z0-9]{6,}$/);
    expect(page.url()).toContain(`seed=${seed}`);
    expect(await sample.getByLabel("Ziarno").inputValue()).toBe(seed);
    cx.expectClean();
  });

  it("saves the view by name in this browser and opens it again, and works at phone width", async () => {
    const cx = await demo.signIn("cx", { viewport: { width: 390, height: 844 } });
    const { page } = cx;
    await openInsights(page);
    const sample = page.getByRole("region", { name: "Próba do przeczytania" });
    await sample.getByLabel("Ziarno").fill("zapisana");
    await sample.getByRole("button", { name: "Losuj", exact: true }).click();
    const saved = await sampleIds(page, "zapisana");
    await page.getByRole("combobox", { name: /^Okres/ }).selectOption("7d");
    await page.getByLabel("Nazwa widoku").fill("Tydzień, próba zapisana");
    await page.getByRole("button", { name: "Zapisz ten widok" }).click();
    await page.getByText("Zapisano widok „Tydzień, próba zapisana”").waitFor();

    // Somewhere else, then the saved view: its range and its sample come back. Another sample
    // asked for right after the range changed waits for the samples still running, not a 429.
    await page.getByRole("combobox", { name: /^Okres/ }).selectOption("90d");
    await sample.getByRole("button", { name: "Inna próba" }).click();
    await expect.poll(() => page.locator(".sample-summary").getAttribute("data-seed")).not.toBe("zapisana");
    await page.getByRole("link", { name: "Tydzień, próba zapisana" }).click();
    await expect.poll(() => page.getByRole("combobox", { name: /^Okres/ }).inputValue()).toBe("7d");
    const reopened = await sampleIds(page, "zapisana");
    // The 7-day range may hold fewer of the demo's reviews than 30 days: the same seed and range draw the same.
    await page.reload();
    expect(await sampleIds(page, "zapisana")).toEqual(reopened);
    expect(saved.length).toBeGreaterThan(0);

    await cx.screenshot("insights-phone");
    // Nothing wider than the phone, and no serious accessibility finding.
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    for (const finding of seriousOrCritical(await axeViolations(page))) expect.fail(`axe at 390 px: ${finding.id} (${finding.impact}) ${finding.help} at ${finding.targets.join(", ")}`);
    cx.expectClean();
  });
});
