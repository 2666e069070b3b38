/**
 * The PR crisis room in a real browser on the running demo: the PR team sees its chart, a burst of
 * negative reviews on the demo shop grows the current bar and opens a spike alert without a
 * reload, and a click on the alert or on the bar shows exactly those reviews.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { MentionStore, connectEngine } from "@odzew/search";
import { sampleEnrichedMention, stackEnv, testLogger } from "@odzew/testing";
import { axeViolations, readmeShot, seriousOrCritical } from "./harness.ts";
import { workspaceDemo } from "./demo.ts";

const demo = workspaceDemo("crisis");
// The demo's alert rules (config/demo/alerts.yaml: a spike is 3 negative mentions in an hour).
beforeAll(() => demo.start(), 240_000);
afterAll(() => demo.stop(), 60_000);

/** The numbers table of the chart: per bucket (its start), the negative count and the total. */
async function chartNumbers(page: Page): Promise<Map<string, { negative: number; total: number }>> {
  const rows = await page.locator('table[data-table="timeline"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      at: tr.getAttribute("data-at") ?? "",
      negative: tr.querySelector('[data-part="negative"]')?.textContent ?? "",
      total: tr.querySelector('[data-part="total"]')?.textContent ?? "",
    })),
  );
  const number = (text: string) => Number(text.replace(/\s/g, ""));
  return new Map(rows.map((row) => [row.at, { negative: number(row.negative), total: number(row.total) }]));
}

const sumNegative = (numbers: Map<string, { negative: number }>) => [...numbers.values()].reduce((sum, row) => sum + row.negative, 0);

/** The texts of the mention cards in the drill-down. */
const drillTexts = (drill: Locator) => drill.locator("article.card p.text").allTextContents();

async function openCrisisRoom(page: Page): Promise<void> {
  await page.getByRole("navigation").getByRole("link", { name: "Pokój kryzysowy" }).click();
  await page.getByRole("heading", { level: 1, name: "Pokój kryzysowy" }).waitFor();
  await page.locator('[data-chart="crisis-timeline"][data-ready="true"]').waitFor();
}

/**
 * Mentions with reach (votes, followers, helpful counts), as a source with such counts would
 * bring them: the demo shop's reviews have none. Published three hours ago, so they stay out of
 * the spike's window.
 */
const LOUD = [
  { nativeId: "glosna-followers", text: "Głośny wpis: obserwuje go 120 osób.", reach: { followers: 120 } },
  { nativeId: "glosna-votes", text: "Najgłośniejszy wpis: 800 głosów.", reach: { votes: 800 } },
  { nativeId: "glosna-helpful", text: "Cichy wpis: 5 osób uznało za pomocny.", reach: { helpful: 5 } },
];

async function indexLoudMentions(): Promise<void> {
  const engine = await connectEngine(stackEnv().search);
  try {
    const store = new MentionStore(engine, demo.prefix, testLogger("browser-crisis"));
    const publishedAt = new Date(Date.now() - 3 * 3_600_000).toISOString();
    await store.upsert(
      LOUD.map(({ nativeId, text, reach }) =>
        sampleEnrichedMention({ sourceId: "demo-zuraw", nativeId, publishedAt, text, reach, brands: [{ id: "zuraw", via: "source" }], brandHints: ["zuraw"] }),
      ),
    );
  } finally {
    await engine.close();
  }
  await expect.poll(async () => (await demo.api<{ items: { text: string }[] }>("pr", "/mentions?sort=reach&size=3")).items.map((item) => item.text), { timeout: 30_000 }).toEqual([
    LOUD[1]?.text,
    LOUD[0]?.text,
    LOUD[2]?.text,
  ]);
}

describe("the PR crisis room", () => {
  it("lists the loudest mentions of the range first", async () => {
    await indexLoudMentions();
    const pr = await demo.signIn("pr");
    await openCrisisRoom(pr.page);
    const loud = pr.page.getByRole("region", { name: /Największy zasięg/ });
    await expect.poll(() => loud.locator("article.card p.text").allTextContents(), { timeout: 20_000 }).toEqual([LOUD[1]?.text, LOUD[0]?.text, LOUD[2]?.text]);
    // The range is part of the address (a link is the same view).
    await pr.page.getByRole("button", { name: "7 dni" }).click();
    await expect.poll(() => pr.page.url()).toContain("range=7d");
    await pr.page.getByRole("heading", { name: "Największy zasięg (7 dni)" }).waitFor();
    expect(await pr.page.getByRole("button", { name: "7 dni" }).getAttribute("aria-pressed")).toBe("true");
    pr.expectClean();
  }, 120_000);

  it("shows a synthetic spike on the chart and in the alerts without a reload, and drills into it", async () => {
    const pr = await demo.signIn("pr");
    const { page } = pr;
    await openCrisisRoom(page);
    await page.getByText("Liczby z wykresu (tabela)").click();
    await expect.poll(async () => (await chartNumbers(page)).size, { timeout: 20_000 }).toBeGreaterThanOrEqual(24);
    const before = await chartNumbers(page);
    // A marker on the window: a reload would drop it.
    await page.evaluate<string>('window.crisisMarker = "no reload"');

    const burst = [
      "Fatalnie! Paczka przyszła zniszczona, książki podarte, nikt nie odpowiada na reklamację.",
      "Skandal, zapłaciłem i od tygodnia cisza. Oszustwo, nie polecam nikomu.",
      "Najgorsza księgarnia: zamówienie anulowane bez słowa, pieniądze przepadły.",
      "Beznadziejna obsługa, trzy maile bez odpowiedzi, zwrot odrzucony. Nigdy więcej.",
    ].map((text, index) => `${text} [kryzys-${demo.prefix}-${index}]`);
    // The burst and its alert belong in the current hour's bar: not in the last minutes of an hour.
    await expect.poll(() => new Date().getUTCMinutes() < 57, { timeout: 200_000, interval: 1_000 }).toBe(true);
    for (const [index, text] of burst.entries()) await demo.publishReview({ author: `Klient ${index}`, title: "Katastrofa", text, rating: 1 });

    // The chart's current buckets grow by the burst, live.
    await expect.poll(async () => sumNegative(await chartNumbers(page)) - sumNegative(before), { timeout: 120_000, message: "the chart's negative bars grow by the burst" }).toBe(burst.length);
    const after = await chartNumbers(page);
    const grown = [...after].map(([at, row]) => ({ at, by: row.total - (before.get(at)?.total ?? 0) })).filter((row) => row.by > 0);
    expect(grown.reduce((sum, row) => sum + row.by, 0)).toBe(burst.length);
    expect(grown.every((row) => after.has(row.at))).toBe(true);
    // The newest bucket (now) holds the burst unless the hour turned while it arrived (the table lists newest first).
    const newest = (ats: string[]) => ats.reduce((latest, at) => (Date.parse(at) > Date.parse(latest) ? at : latest));
    expect([...after.keys()][0], "the table's first row is the newest bucket").toBe(newest([...after.keys()]));
    expect(newest(grown.map((row) => row.at))).toBe(newest([...after.keys()]));

    // The alerter's next look opens a spike alert; the list shows it, live.
    const alert = page.locator('li[data-alert-key="spike:zuraw:demo-zuraw:negative"]');
    await alert.waitFor({ timeout: 150_000 });
    await expect.poll(() => alert.locator(".badge.state-open").textContent()).toBe("otwarty");
    // The alerter counts what was indexed at its look: the burst, or most of it if a look fell in between.
    expect(await alert.textContent()).toMatch(/[34] wzmianki w oknie przy progu 3/);
    expect(await alert.textContent()).toContain("Bez webhooka");
    // The brand by its name (brands.yaml), not its id.
    expect(await alert.textContent()).toContain("Żuraw · demo-zuraw");
    expect(await page.evaluate<string | undefined>("window.crisisMarker")).toBe("no reload");
    // …and the chart marks it where it opened (the pin's words are in the numbers table too, newest row first).
    await expect.poll(() => page.locator('table[data-table="timeline"] tbody tr').first().locator('[data-part="alerts"]').textContent(), { timeout: 10_000 }).toMatch(/^skok: [34] przy progu 3$/);
    await readmeShot(pr, "crisis");

    // The alert → exactly the burst, with the drill-down in the address.
    await alert.getByRole("button", { name: /Pokaż wzmianki \([34]\)/ }).click();
    const drill = page.locator("section.drill");
    await expect.poll(async () => (await drillTexts(drill)).sort(), { timeout: 20_000 }).toEqual([...burst].sort());
    expect(page.url()).toContain("alert=spike");
    expect(page.url()).toContain("sentiment=negative");
    await readmeShot(pr, "drill-down");
    await drill.getByRole("button", { name: "Wróć do wykresu" }).click();
    await expect.poll(() => drill.count()).toBe(0);

    // A bar (its row in the numbers table) → the reviews of that hour: the burst's part in it.
    const bucket = grown[0]; // the newest bucket that grew (the table lists newest first)
    if (!bucket) throw new Error("no bucket grew");
    await page.locator(`table[data-table="timeline"] tr[data-at="${bucket.at}"]`).getByRole("button").click();
    await expect.poll(async () => (await drillTexts(drill)).length, { timeout: 20_000 }).toBe(bucket.by);
    expect((await drillTexts(drill)).every((text) => burst.includes(text))).toBe(true);

    // A link is a saved view: reloading the address shows the same drill-down.
    await page.reload();
    await expect.poll(async () => (await drillTexts(page.locator("section.drill"))).length, { timeout: 20_000 }).toBe(bucket.by);
    await page.getByRole("button", { name: "Wróć do wykresu" }).click();

    // The bar itself, clicked on the chart: its negative part → the burst's reviews of that hour.
    const chart = page.locator('[data-chart="crisis-timeline"]');
    await chart.scrollIntoViewIfNeeded();
    await chart.locator("svg").first().waitFor();
    // The tallest solid shape in the negative colour is the burst's bar (the legend's swatch and the pin are smaller, the alert's window is translucent).
    const bar = await page.evaluate<{ x: number; y: number } | null>(`(() => {
      const red = [...document.querySelectorAll('[data-chart="crisis-timeline"] svg path')]
        .filter((path) => ["#b3261e", "rgb(179,38,30)"].includes((path.getAttribute("fill") || "").replace(/\\s/g, "").toLowerCase()))
        .filter((path) => Number(path.getAttribute("fill-opacity") ?? "1") === 1 && Number(path.getAttribute("opacity") ?? "1") === 1);
      const tallest = red.map((path) => path.getBoundingClientRect()).sort((a, b) => b.height - a.height)[0];
      return tallest ? { x: tallest.x + tallest.width / 2, y: tallest.y + tallest.height - 4 } : null;
    })()`);
    if (!bar) throw new Error("no negative bar on the chart");
    await page.mouse.click(bar.x, bar.y);
    const drilled = page.locator("section.drill");
    await expect.poll(async () => (await drillTexts(drilled)).length, { timeout: 20_000 }).toBe(bucket.by);
    expect(page.url()).toContain("sentiment=negative");
    expect((await drillTexts(drilled)).every((text) => burst.includes(text))).toBe(true);

    expect(seriousOrCritical(await axeViolations(page))).toEqual([]);
    pr.expectClean();
  }, 360_000);

  it("works at phone width without serious accessibility findings", async () => {
    const phone = await demo.signIn("pr", { viewport: { width: 390, height: 844 } });
    await openCrisisRoom(phone.page);
    await phone.page.getByText("Liczby z wykresu (tabela)").click();
    // What sticks out to the right, if anything: the elements past the screen's edge whose parent is not.
    const overflowing = await phone.page.evaluate<string[]>(
      `[...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > 391 && element.parentElement && element.parentElement.getBoundingClientRect().right <= 391)
        .slice(0, 5).map((element) => element.outerHTML.slice(0, 80) + " in " + element.parentElement.outerHTML.slice(0, 80) + " " + Math.round(element.getBoundingClientRect().right))`,
    );
    await phone.screenshot("crisis-phone");
    const width = await phone.page.evaluate<number>("document.documentElement.scrollWidth");
    expect(width, `no sideways scrolling at 390 px; sticking out: ${overflowing.join(", ")}`).toBeLessThanOrEqual(390);
    expect(seriousOrCritical(await axeViolations(phone.page))).toEqual([]);
    phone.expectClean();
  }, 120_000);
});
