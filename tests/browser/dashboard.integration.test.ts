import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, deleteTopics } from "@odzew/kafka";
import { topicSpecs } from "@odzew/schema";
import { MentionStore, connectEngine, indexNames } from "@odzew/search";
import {
  createTestStore,
  demoRun,
  runTs,
  sampleEnrichedMention,
  stackEnv,
  startFixtureServer,
  testLogger,
  uniquePrefix,
  waitFor,
  type DemoRun,
  type RunningProcess,
} from "@odzew/testing";
import { axeViolations, launchBrowser, seriousOrCritical, type BrowserHarness, type TeamPage } from "./harness.ts";

/** The reviews the demo site starts with. */
const SEED_REVIEWS = 8;
/** The text of a mention of another brand, put straight into the engine: no demo team may see it. */
const CANARY = "Kanarek obcej marki: księgarnia Sowa wysłała paczkę w jeden dzień.";

interface MentionItem {
  id: string;
  nativeId: string;
  text: string;
  author?: { name: string };
}

/**
 * Today's dashboard (`/` of the API) in a real Chromium, on the demo as a new user runs it
 * (`odzew run --demo`): the demo shop, the pipeline, the API and the responder as processes on the
 * real broker and engine, with the demo's teams, brands and reply templates. Every page must load
 * without a console error, a failed request or an HTTP error.
 */
describe("the dashboard in a real browser, on the demo", () => {
  const prefix = uniquePrefix("browser");
  let keys: DemoRun["keys"];
  let run: RunningProcess;
  let apiBase: string;
  let siteBase: string;
  let browser: BrowserHarness;

  beforeAll(async () => {
    const demo = await demoRun(prefix, "browser-author-key-0123456789");
    ({ keys, apiBase, siteBase } = demo);
    const env = demo.env;
    // The browser starts while the demo sets itself up.
    const launched = launchBrowser();
    const setup = runTs("services/cli/src/index.ts", ["setup"], env);
    expect(await setup.exited, setup.stderr()).toBe(0);
    run = runTs("services/cli/src/index.ts", ["run", "demo-site", "indexer", "enricher", "collector", "scheduler", "api", "responder"], env);
    browser = await launched;

    // A mention of another brand, from the same shop, written to the engine as the indexer would:
    // every demo team's slice is Żuraw, so none of them may ever see it.
    const engine = await connectEngine(stackEnv().search);
    try {
      const store = new MentionStore(engine, prefix, testLogger("browser"));
      const canary = sampleEnrichedMention({
        sourceId: "demo-zuraw",
        nativeId: "kanarek-obca",
        publishedAt: new Date().toISOString(),
        text: CANARY,
        author: { name: "Kanarek" },
        brands: [{ id: "obca", via: "source" }],
        brandHints: ["obca"],
      });
      await store.upsert([canary]);
      await waitFor("the canary in the engine", async () => {
        await engine.request("POST", `/${indexNames(prefix).pattern}/_refresh`);
        const { count } = await engine.request<{ count: number }>("POST", `/${indexNames(prefix).pattern}/_count`, { query: { match_phrase: { text: "Kanarek obcej" } } });
        return count === 1;
      });
    } finally {
      await engine.close();
    }

    try {
      await waitFor("the API to be ready", async () => (await fetch(`${apiBase}/readyz`)).ok, { timeoutMs: 90_000 });
      await waitFor(`the ${SEED_REVIEWS} seed reviews searchable`, async () => (await search("size=100")).total >= SEED_REVIEWS, { timeoutMs: 90_000 });
    } catch (error) {
      throw new Error(`${String(error)}\nodzew run said:\n${run.stderr().slice(-6_000)}`, { cause: error });
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    const code = await run?.stop();
    expect(code, "odzew run exits cleanly on SIGTERM").toBe(0);
    const kafka = createKafka({ brokers: stackEnv().brokers, clientId: "browser-cleanup" }, testLogger("browser"));
    await deleteTopics(kafka, topicSpecs(prefix).map((spec) => spec.name));
    const { cleanup } = await createTestStore(prefix);
    await cleanup();
  }, 60_000);

  const search = async (query: string) => {
    const response = await fetch(`${apiBase}/api/v1/mentions?${query}`, { headers: { authorization: `Bearer ${keys.service}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as { total: number; items: MentionItem[] };
  };

  /** A team's page, signed in with its key as a user does: paste the key, press Enter. */
  const signIn = async (team: keyof typeof keys, options: { viewport?: { width: number; height: number } } = {}): Promise<TeamPage> => {
    const teamPage = await browser.teamPage(team, { ...options, key: keys[team] });
    const { page } = teamPage;
    await page.goto(apiBase);
    await page.getByLabel("API key of your team").fill(teamPage.key ?? "");
    await page.getByLabel("API key of your team").press("Enter");
    await page.locator("#team").filter({ hasText: /\S/ }).waitFor();
    return teamPage;
  };
  const openTab = async (page: Page, name: string) => {
    await page.getByRole("tab", { name, exact: true }).click();
    await expect.poll(() => page.getByRole("tab", { name, exact: true }).getAttribute("aria-selected")).toBe("true");
  };
  const cards = (page: Page) => page.locator("#view .card");

  it("shows each demo team its own slice, never a mention of another brand", async () => {
    for (const team of ["pr", "service", "cx"] as const) {
      const teamPage = await signIn(team);
      const { page } = teamPage;
      if (team === "service") await openTab(page, "Search");
      await expect.poll(() => cards(page).count(), { message: `${team} sees the demo reviews` }).toBeGreaterThanOrEqual(SEED_REVIEWS);
      await expect.poll(() => page.getByText(/\d+ mentions/).textContent()).toMatch(/^\d+ mentions$/);
      expect(await page.locator("#view").textContent(), `${team} sees no other brand`).not.toContain("Kanarek");
      // CX reads pseudonymously: no author's name appears.
      const marek = await page.getByText("Marek_z_Łodzi", { exact: true }).count();
      expect(marek, `${team} sees authors only in the full view`).toBe(team === "cx" ? 0 : 1);
      await teamPage.screenshot("search");

      // Asking for it by name finds nothing either.
      await page.getByLabel("Search mentions").fill("Kanarek obcej");
      await page.getByLabel("Search mentions").press("Enter");
      await expect.poll(() => page.getByText(/\d+ mentions/).textContent(), { message: `${team} searching for the canary` }).toBe("0 mentions");
      expect(await cards(page).count()).toBe(0);
      teamPage.expectClean();
    }
  });

  it("lets a service agent answer a review from the queue: template, count, send, and the state moves to sent", async () => {
    const teamPage = await signIn("service");
    const { page } = teamPage;
    await expect.poll(() => page.getByRole("tab", { name: "Queue", exact: true }).getAttribute("aria-selected")).toBe("true");
    await page.getByLabel("Acting as").fill("Ola");
    await page.getByLabel("Acting as").press("Tab");

    const card = cards(page).filter({ hasText: "Marek_z_Łodzi" });
    await card.getByRole("button", { name: "reply", exact: true }).click();
    const composer = card.locator(".composer");
    await expect.poll(() => composer.getByText("Not answered yet").count()).toBe(1);
    await composer.getByLabel("Template").selectOption("delivery-sorry-pl");
    const reply = composer.getByLabel("Your reply");
    await expect.poll(() => reply.inputValue()).toContain("bardzo przepraszamy za kłopot z dostawą");
    const text = await reply.inputValue();
    expect(text, "the template is filled in for Marek, signed by the agent").toMatch(/^Dzień dobry, Marek_z_Łodzi, .*Ola z księgarni Żuraw$/s);
    // The live count against the shop's limit, as the agent sees it.
    expect(await composer.getByText(/^\d+ \/ 1000 characters/).textContent()).toBe(`${[...text.trim()].length} / 1000 characters`);
    await teamPage.screenshot("composer");

    await composer.getByRole("button", { name: "Send", exact: true }).click();
    await expect
      .poll(() => composer.locator(".state").textContent(), { timeout: 60_000, message: "the reply's state moving to sent" })
      .toMatch(/^Reply v1: (sent|confirmed)$/);
    expect(await composer.getByText("sent by Ola").count()).toBe(1);
    await teamPage.screenshot("sent");
    teamPage.expectClean();

    // The demo shop shows it under Marek's review.
    const shop = await browser.teamPage("shop");
    const review = await waitFor("Marek's review in the API", async () => (await search("size=100")).items.find((item) => item.author?.name === "Marek_z_Łodzi"));
    let answer = "";
    for (let strona = 1; strona <= 2 && !answer; strona++) {
      await shop.page.goto(`${siteBase}/opinie?strona=${strona}`);
      const article = shop.page.locator(`article[data-opinia-id="${review.nativeId}"]`);
      if ((await article.count()) === 1) answer = (await article.locator(".odpowiedz").textContent()) ?? "";
    }
    expect(answer.replace(/\s+/g, " ")).toContain(text.trim().replace(/\s+/g, " "));
  });

  it("renders a hostile review inert: no script runs, nothing is fetched from the attacker, the markup shows as text", async () => {
    const attacker = await startFixtureServer((_request, response) => response.writeHead(204).end());
    try {
      const hostile =
        `<script>window.__pwned = 1; fetch("${attacker.url}/script")</script> Książka ok, ale ` +
        `<img src="${attacker.url}/img" onerror="window.__pwned = 2; fetch('${attacker.url}/onerror')"> ` +
        `<a href="javascript:fetch('${attacker.url}/link')">kliknij tu</a>`;
      const published = await fetch(`${siteBase}/api/reviews`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ author: "Haker <b>bold</b>", title: `<img src="${attacker.url}/title">`, text: hostile, rating: 1 }),
      });
      expect(published.status).toBe(201);
      const { id: nativeId } = (await published.json()) as { id: string };
      await waitFor("the hostile review in the API", async () => (await search("size=100")).items.find((item) => item.nativeId === nativeId), { timeoutMs: 60_000 });

      for (const team of ["service", "cx"] as const) {
        const teamPage = await signIn(team);
        const { page } = teamPage;
        if (team === "service") await openTab(page, "Search");
        const card = cards(page).filter({ hasText: "kliknij tu" });
        await expect.poll(() => card.count(), { message: `${team} sees the hostile review` }).toBe(1);
        // The markup is on the page as the words the customer typed, not as elements.
        expect(await card.textContent()).toContain("<script>window.__pwned = 1;");
        expect(await card.locator("script, img, iframe, object, embed").count()).toBe(0);
        expect(await card.locator('a[href^="javascript:" i]').count()).toBe(0);
        expect(await page.locator('#view a[href^="javascript:" i]').count()).toBe(0);
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

  it("has no serious or critical accessibility violations (axe-core) on each team's views, at desktop and phone width", async () => {
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
    const tabsOf = { service: ["Queue", "Search", "Timeline", "Sources"], pr: ["Search", "Timeline", "Sources", "Alerts"], cx: ["Search", "Timeline", "Sources", "Sample"] } as const;
    const signedOut = await browser.teamPage("signed-out");
    await signedOut.page.goto(apiBase);
    await scan("sign-in", signedOut.page);
    for (const team of ["service", "pr", "cx"] as const) {
      const teamPage = await signIn(team, team === "service" ? { viewport: { width: 390, height: 844 } } : {});
      const { page } = teamPage;
      for (const tab of tabsOf[team]) {
        await openTab(page, tab);
        // Settled: the view has drawn what it loads (a card, a table, a chart or a message).
        await page.locator("#view").locator(".card, table, svg, p").first().waitFor();
        if (tab === "Queue") await cards(page).first().getByRole("button", { name: /^reply/ }).click().then(() => page.locator(".composer .state").waitFor());
        if (tab === "Sample") await page.getByRole("button", { name: "Draw" }).click().then(() => cards(page).first().waitFor());
        await scan(`${team} ${tab}`, page);
        await teamPage.screenshot(tab);
      }
      teamPage.expectClean();
    }
    if (lesser.size) console.log(`axe-core, moderate and minor findings:\n${[...lesser].join("\n")}`);
    expect(found).toEqual([]);
  });
});
