import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureServer, waitFor } from "@odzew/testing";
import { CANARY, SEED_REVIEWS, workspaceDemo, type DemoTeam } from "./demo.ts";
import { axeViolations, readmeShot, seriousOrCritical, type TeamPage } from "./harness.ts";

/**
 * The teams' workspace across teams, in a real Chromium on the demo (`odzew run --demo`): each
 * team's own pages and slice (never another brand's canary), hostile reviews rendered inert, Polish
 * and English, the mentions search with its filters in the address and its pages, the sources'
 * health, and an axe-core scan of every page of every team at desktop and at phone width.
 */
const demo = workspaceDemo("workspace");
beforeAll(() => demo.start(), 240_000);
afterAll(() => demo.stop(), 60_000);

/** The pages each demo team has in its navigation (config/demo/teams.yaml actions), in Polish. */
const NAV: Record<DemoTeam, string[]> = {
  service: ["Skrzynka", "Wnioski", "Wzmianki", "Źródła"],
  pr: ["Pokój kryzysowy", "Wnioski", "Wzmianki", "Źródła"],
  cx: ["Wnioski", "Wzmianki", "Źródła"],
};
const PAGE_IDS: Record<DemoTeam, string[]> = { service: ["inbox", "insights", "mentions", "sources"], pr: ["crisis", "insights", "mentions", "sources"], cx: ["insights", "mentions", "sources"] };
const TEAMS: DemoTeam[] = ["service", "pr", "cx"];
/** "Znaleziono 1 wzmiankę / 3 wzmianki / 8 wzmianek": the Polish forms of the count. */
const POLISH_MENTIONS: Partial<Record<Intl.LDMLPluralRule, string>> = { one: "wzmiankę", few: "wzmianki", many: "wzmianek", other: "wzmianki" };

const cards = (page: Page) => page.locator("main .mentions .card");
const totalText = (page: Page) => page.locator("main .mentions .total strong").textContent();
const navLinks = (page: Page) => page.getByRole("navigation", { name: /^(Widoki|Views)$/ }).getByRole("link");

/** The Mentions page, reached as a user does: its link in the navigation; settled when its total is shown. */
async function openMentions(page: Page, name = "Wzmianki") {
  await navLinks(page).filter({ hasText: name }).click();
  await page.locator("main .mentions .total").waitFor();
}

/** A page is settled when it has drawn something and nothing in it is still loading. */
async function settled(page: Page, what = "the page") {
  await expect.poll(async () => (await page.locator("main#main").innerText()).trim().length, { message: `${what} draws something`, timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(() => page.locator('main [aria-busy="true"]').count(), { message: `${what} finishes loading`, timeout: 30_000 }).toBe(0);
}

describe("the teams' workspace in a real browser, on the demo", () => {
  it("shows each team its own pages and slice, never another brand's mention, and authors only in full views", async () => {
    for (const team of TEAMS) {
      const teamPage = await demo.signIn(team);
      const { page } = teamPage;
      await expect.poll(() => navLinks(page).allTextContents(), { message: `${team}'s pages` }).toEqual(NAV[team]);
      await settled(page);
      await teamPage.screenshot(`team-${team}`);

      await openMentions(page);
      const { total } = await demo.search(team, "size=1");
      expect(total).toBeGreaterThanOrEqual(SEED_REVIEWS);
      await expect.poll(() => totalText(page), { message: `${team}'s total, in words` }).toBe(`Znaleziono ${total} ${POLISH_MENTIONS[new Intl.PluralRules("pl").select(total)]}`);
      await expect.poll(() => cards(page).count(), { message: `${team} sees the demo reviews` }).toBe(Math.min(total, 20));
      expect(await page.locator("main").textContent(), `${team} sees no other brand`).not.toContain("Kanarek");
      // CX reads pseudonymously: no author's name appears, and the page says what it shows. The
      // demo's seed reviews are the oldest: ordered oldest first, Marek's is on the first page
      // whatever the other tests (in any order) published since.
      await page.getByLabel("Kolejność").selectOption("oldest");
      await expect.poll(() => page.url(), { message: `${team}'s order in the address` }).toContain("sort=oldest");
      await expect.poll(() => cards(page).first().getAttribute("data-mention-id"), { message: `${team}'s list ordered oldest first` }).toBe(
        (await demo.search(team, "size=1&sort=oldest")).items[0]?.id ?? "",
      );
      expect(await page.getByText("Marek_z_Łodzi", { exact: true }).count(), `${team} sees authors only in the full view`).toBe(team === "cx" ? 0 : 1);
      expect(await page.getByRole("note").filter({ hasText: "Widok pseudonimowy" }).count()).toBe(team === "cx" ? 1 : 0);
      if (team === "service") await readmeShot(teamPage, "mentions");

      // Asking for the canary by name finds nothing either.
      const field = page.getByLabel("Szukaj we wzmiankach");
      await field.fill(CANARY.split(":")[0] ?? CANARY);
      await field.press("Enter");
      await expect.poll(() => totalText(page), { message: `${team} searching for the canary` }).toBe("Znaleziono 0 wzmianek");
      expect(await cards(page).count()).toBe(0);
      expect(await page.getByText("Nic nie pasuje do tego wyszukiwania.").count()).toBe(1);
      teamPage.expectClean();
    }
  });

  it("keeps the search and filters in the address: the same link shows the same view, to a colleague of another team too, and pages follow the cursor", async () => {
    const service = await demo.signIn("service");
    const { page } = service;
    await openMentions(page);
    const before = (await demo.search("service", "size=1")).total;
    await expect.poll(() => totalText(page)).toMatch(new RegExp(`^Znaleziono ${before} `));

    // More reviews than one page holds (20): the shop takes them, the collector reads them, and
    // the open page offers them without a reload (the list does not move under the reader).
    for (let index = 0; index < 14; index++) {
      await demo.publishReview({ author: `Czytelnik ${index}`, text: `Recenzja numer ${index}: paczka przyszła ${index % 2 ? "szybko, dziękuję" : "uszkodzona, słabo"}.`, rating: index % 2 ? 5 : 1 });
    }
    await waitFor("the new reviews searchable", async () => (await demo.search("service", "size=1")).total >= before + 14, { timeoutMs: 90_000 });
    const all = (await demo.search("service", "size=1")).total;
    const newer = page.getByRole("button", { name: new RegExp(`^${all - before} now(a|e|ych) wzmian(ka|ki|ek) — pokaż$`) });
    await newer.waitFor({ timeout: 30_000 });
    expect(await totalText(page), "the list stays as it was until asked").toMatch(new RegExp(`^Znaleziono ${before} `));
    await newer.click();
    await expect.poll(() => page.locator("main .mentions .total").textContent()).toContain(`Pokazano 20 z ${all}.`);
    await page.getByRole("button", { name: "Pokaż więcej" }).click();
    await expect.poll(() => cards(page).count(), { message: "the second page appended" }).toBe(Math.min(all, 40));
    const ids = await cards(page).evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-mention-id")));
    expect(new Set(ids).size, "no mention twice").toBe(ids.length);

    // A filter chosen is in the address at once, and the list is what the API gives for it.
    await page.getByLabel("Wydźwięk").selectOption("negative");
    await page.getByLabel("Ocena co najmniej").selectOption("1");
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/mentions\?.*rating_min=1.*sentiment=negative/);
    const negative = (await demo.search("service", "sentiment=negative&rating_min=1&size=1")).total;
    expect(negative).toBeGreaterThan(0);
    await expect.poll(() => page.locator("main .mentions .total strong").textContent()).toMatch(new RegExp(`^Znaleziono ${negative} `));
    const link = page.url();

    // Reloaded, and opened by a PR colleague: the same view.
    await page.reload();
    await expect.poll(() => page.getByLabel("Wydźwięk").inputValue()).toBe("negative");
    await expect.poll(() => page.locator("main .mentions .total strong").textContent()).toMatch(new RegExp(`^Znaleziono ${negative} `));
    const pr = await demo.signIn("pr");
    await pr.page.goto(link);
    await expect.poll(() => pr.page.getByLabel("Wydźwięk").inputValue()).toBe("negative");
    const prNegative = (await demo.search("pr", "sentiment=negative&rating_min=1&size=1")).total;
    await expect.poll(() => pr.page.locator("main .mentions .total strong").textContent()).toMatch(new RegExp(`^Znaleziono ${prNegative} `));

    // A hand-edited link with a wrong value says what to fix instead of showing everything as if filtered.
    await pr.page.goto(`${demo.apiBase}/#/mentions?sentiment=angry`);
    await expect.poll(() => pr.page.getByRole("alert").textContent()).toContain("sentiment=angry: negative, neutral albo positive");
    await page.getByRole("button", { name: "Wyczyść filtry" }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe("#/mentions");
    service.expectClean();
    pr.expectClean();
  });

  it("renders a hostile review inert: no script runs, nothing is fetched from the attacker, the markup shows as text", async () => {
    const attacker = await startFixtureServer((_request, response) => response.writeHead(204).end());
    try {
      const hostile =
        `<script>window.__pwned = 1; fetch("${attacker.url}/script")</script> Książka ok, ale ` +
        `<img src="${attacker.url}/img" onerror="window.__pwned = 2; fetch('${attacker.url}/onerror')"> ` +
        `<a href="javascript:fetch('${attacker.url}/link')">kliknij tu</a>`;
      const nativeId = await demo.publishReview({ author: "Haker <b>bold</b>", title: `<img src="${attacker.url}/title">`, text: hostile, rating: 1 });
      await waitFor("the hostile review in the API", async () => (await demo.search("service", "size=100")).items.find((item) => item.nativeId === nativeId), { timeoutMs: 60_000 });

      for (const team of ["service", "cx"] as const) {
        const teamPage = await demo.signIn(team);
        const { page } = teamPage;
        await openMentions(page);
        const card = cards(page).filter({ hasText: "kliknij tu" });
        await expect.poll(() => card.count(), { message: `${team} sees the hostile review` }).toBe(1);
        // The markup is on the page as the words the customer typed, not as elements.
        expect(await card.textContent()).toContain("<script>window.__pwned = 1;");
        if (team === "service") expect(await card.textContent(), "the hostile author's name as text").toContain("Haker <b>bold</b>");
        else expect(await card.textContent(), "no author name in the pseudonymous view").not.toContain("Haker");
        expect(await card.locator("script, img, iframe, object, embed, b").count()).toBe(0);
        expect(await page.locator('a[href^="javascript:" i]').count(), "no javascript: link anywhere on the page").toBe(0);
        await card.getByText("kliknij tu").first().click();
        await teamPage.screenshot("hostile");
        expect(await page.evaluate<unknown>("window.__pwned")).toBeUndefined();
        expect(teamPage.requests.filter((url) => url.startsWith(attacker.url))).toEqual([]);
        teamPage.expectClean();
      }
      expect(attacker.requests).toEqual([]);
    } finally {
      await attacker.close();
    }
  });

  it("speaks Polish to a Polish browser and English after the switch or to an English browser, with dates and numbers of that language", async () => {
    const polishMonths = /(sty|lut|mar|kwi|maj|cze|lip|sie|wrz|paź|lis|gru)/;
    const englishMonths = /(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)/;
    const pl = await demo.signIn("pr");
    const { page } = pl;
    expect(await page.evaluate<string>("document.documentElement.lang")).toBe("pl");
    await openMentions(page);
    const firstTime = page.locator("main .mentions .card time").first();
    await expect.poll(() => firstTime.getAttribute("title")).toMatch(polishMonths);
    expect(await firstTime.textContent()).toMatch(/temu|przed chwilą|teraz|wczoraj|przedwczoraj/);

    await page.getByRole("banner").getByLabel("Język").selectOption("en");
    await expect.poll(() => navLinks(page).allTextContents()).toEqual(["Crisis room", "Insights", "Mentions", "Sources"]);
    expect(await page.evaluate<string>("document.documentElement.lang")).toBe("en");
    const { total } = await demo.search("pr", "size=1");
    await expect.poll(() => totalText(page)).toBe(`${total} mentions found`);
    await expect.poll(() => firstTime.getAttribute("title")).toMatch(englishMonths);
    expect(await firstTime.textContent()).toMatch(/ago|now|yesterday/);
    expect(await page.getByLabel("Search mentions").count()).toBe(1);

    // The sources page in English, its numbers and times in en-GB.
    await navLinks(page).filter({ hasText: "Sources" }).click();
    await page.locator("main .sources .source-card").first().waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Sources");
    pl.expectClean();

    // An English browser gets English from the start; British dates put the day first.
    const en = await demo.signIn("cx", { locale: "en-GB" });
    expect(await en.page.evaluate<string>("document.documentElement.lang")).toBe("en");
    await expect.poll(() => navLinks(en.page).allTextContents()).toEqual(["Insights", "Mentions", "Sources"]);
    await openMentions(en.page, "Mentions");
    await expect.poll(() => en.page.locator("main .mentions .card time").first().getAttribute("title")).toMatch(/^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec) \d{4}/);
    expect(await en.page.getByRole("note").textContent()).toContain("Pseudonymous view");
    en.expectClean();
  });

  it("shows each source's collector health, live, as the API gives it to the team", async () => {
    for (const team of ["pr", "cx"] as const) {
      const teamPage = await demo.signIn(team);
      const { page } = teamPage;
      await navLinks(page).filter({ hasText: "Źródła" }).click();
      const { sources } = await demo.api<{ sources: { id: string; status: string }[] }>(team, "/sources");
      expect(sources.map((source) => source.id)).toContain("demo-zuraw");
      const card = page.locator('main .sources .source-card[data-source-id="demo-zuraw"]');
      // The demo's collector polls every 2 s: the source is working, with its last poll a moment ago.
      await expect.poll(() => card.locator(".badge.status").textContent(), { timeout: 30_000 }).toBe("działa");
      expect(await card.getByText("Ostatnie odpytanie").count()).toBe(1);
      await expect.poll(() => card.locator("dd time").first().textContent()).toMatch(/temu|przed chwilą|teraz/);
      expect(await page.locator("main .sources .source-card").count()).toBe(sources.length);
      // Every source works: no banner in the shell.
      expect(await page.locator(".banner.source-health").count()).toBe(0);
      // Live: the last poll moves on without a reload.
      const first = await card.locator("dd time").first().getAttribute("datetime");
      await expect.poll(() => card.locator("dd time").first().getAttribute("datetime"), { timeout: 30_000, message: "a later poll shown without a reload" }).not.toBe(first);
      if (team === "pr") await readmeShot(teamPage, "sources");
      teamPage.expectClean();
    }
  });

  it("puts a banner on every page while a source refuses the collector, says what to do, and takes it down once the source is read again", async () => {
    const outage = (init: { method: string; body?: string }) =>
      fetch(`${demo.siteBase}/api/outage`, { ...init, headers: { "content-type": "application/json" } }).then((response) => {
        if (!response.ok) throw new Error(`the demo shop's outage switch answered ${response.status}`);
      });
    const demoSource = async () => (await demo.api<{ sources: { id: string; status: string }[] }>("service", "/sources")).sources.find((source) => source.id === "demo-zuraw");
    const service = await demo.signIn("service");
    const { page } = service;
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    expect(await page.locator(".banner.source-health").count()).toBe(0);
    // The shop refuses every page (403): two refusals in a row and the source is BLOCKED.
    await outage({ method: "PUT", body: JSON.stringify({ status: 403 }) });
    try {
      await waitFor("demo-zuraw in alert", async () => (await demoSource())?.status === "alert", { timeoutMs: 60_000 });
      await page.reload();
      const banner = page.locator(".banner.source-health");
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toMatch(/Uwaga: źródło demo-zuraw \(odmawia dostępu\) nie dostarcza wzmianek/);
      // On every page, not just the one where it was first seen.
      await navLinks(page).filter({ hasText: "Wzmianki" }).click();
      await page.locator("main .mentions .total").waitFor();
      expect(await page.locator(".banner.source-health").textContent()).toContain("demo-zuraw");
      // Its link leads to the Sources page, which says what is wrong and what to do.
      await page.locator(".banner.source-health").getByRole("link", { name: "Zobacz stan źródeł" }).click();
      const card = page.locator('main .sources .source-card[data-source-id="demo-zuraw"]');
      await expect.poll(() => card.locator(".badge.status").textContent(), { timeout: 30_000 }).toBe("alarm");
      expect(await card.textContent()).toContain("Źródło odmawia kolektorowi");
      await service.screenshot("source-alert");
    } finally {
      await outage({ method: "DELETE" });
    }
    // Read again: the alert ends, and the banner goes without a reload (it asks every 30 s).
    await waitFor("demo-zuraw working again", async () => (await demoSource())?.status === "ok", { timeoutMs: 60_000 });
    await expect.poll(() => page.locator(".banner.source-health").count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => page.locator('main .sources .source-card[data-source-id="demo-zuraw"] .badge.status').textContent(), { timeout: 30_000 }).toBe("działa");
    service.expectClean();
  });

  it("has no serious or critical accessibility violations (axe-core) on any page of any team, at desktop and phone width", async () => {
    const found: string[] = [];
    // The lesser findings (moderate, minor, best practice) are printed for the report, not failed on.
    const lesser = new Set<string>();
    const scan = async (where: string, page: Page) => {
      for (const violation of await axeViolations(page, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])) {
        const line = `${violation.id} (${violation.impact}) ${violation.help}: ${violation.targets.join(", ")}`;
        if (seriousOrCritical([violation]).length) found.push(`${where}: ${line}`);
        else lesser.add(line);
      }
    };
    for (const viewport of [undefined, { width: 390, height: 844 }]) {
      const width = viewport ? "390px" : "desktop";
      const signedOut = await demo.browser.teamPage("signed-out", viewport ? { viewport } : {});
      await signedOut.page.goto(demo.apiBase);
      await signedOut.page.getByLabel("Klucz API zespołu").waitFor();
      await scan(`sign-in (${width})`, signedOut.page);
      for (const team of TEAMS) {
        const teamPage: TeamPage = await demo.signIn(team, viewport ? { viewport } : {});
        const { page } = teamPage;
        for (const id of PAGE_IDS[team]) {
          await page.goto(`${demo.apiBase}/#/${id}`);
          await settled(page, `${team}'s ${id} page (${width})`).catch(async (error: unknown) => {
            // What the page itself said going wrong explains a page that never settles.
            await teamPage.screenshot(`${id}-unsettled`);
            throw new Error(`${String(error)}; the page's problems: ${JSON.stringify(teamPage.problems)}`, { cause: error });
          });
          await scan(`${team} ${id} (${width})`, page);
          if (viewport) await teamPage.screenshot(`${id}-phone`);
        }
        if (viewport) {
          // At phone width nothing is wider than the screen.
          await page.goto(`${demo.apiBase}/#/mentions`);
          await settled(page);
          expect(await page.evaluate<number>("document.documentElement.scrollWidth"), `${team}'s mentions fit 390 px`).toBeLessThanOrEqual(390);
        }
        teamPage.expectClean();
      }
    }
    if (lesser.size) console.log(`axe-core, moderate and minor findings:\n${[...lesser].join("\n")}`);
    expect(found).toEqual([]);
  });
});
