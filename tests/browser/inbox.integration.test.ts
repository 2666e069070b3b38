import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@odzew/testing";
import { workspaceDemo } from "./demo.ts";
import { axeViolations, readmeShot, seriousOrCritical, type TeamPage } from "./harness.ts";

/**
 * The service inbox in a real Chromium, on the demo: an agent names herself, claims a review with
 * the keyboard and answers it through the composer with a template; the shop shows the reply. A
 * second agent's page shows the claim without a reload, and its own claim is refused in words.
 */
const demo = workspaceDemo("inbox");
beforeAll(() => demo.start(), 240_000);
afterAll(() => demo.stop(), 60_000);

const MAREK = "Marek_z_Łodzi";

/** Signs in as the service team and gives the agent's name, as a user does the first time. */
async function agent(name: string, options: { viewport?: { width: number; height: number } } = {}): Promise<TeamPage> {
  const teamPage = await demo.signIn("service", options);
  const { page } = teamPage;
  await page.getByRole("heading", { name: "Skrzynka obsługi klienta", level: 1 }).waitFor();
  const field = page.getByLabel("Twoje imię");
  await field.fill(name);
  await field.press("Enter");
  await page.getByText(`Działasz jako ${name}`, { exact: true }).waitFor();
  return teamPage;
}

const queueItem = (page: Page, id: string) => page.locator(`li.inbox-item[data-mention-id="${id}"]`);
const takenText = async (page: Page, id: string) => ((await queueItem(page, id).locator(".taken").textContent()) ?? "").trim();

describe("the service inbox in a real browser, on the demo", () => {
  it("lets an agent claim a review by keyboard and answer it with a template, while a second agent sees the claim live and cannot take it", async () => {
    const review = await waitFor("Marek's review in the API", async () => (await demo.search("service", "size=100")).items.find((item) => item.author?.name === MAREK));

    const ola = await agent("Ola");
    const kuba = await agent("Kuba");
    const { page } = ola;

    // Both see Marek's review in the queue, free, with its answer deadline in words.
    for (const { page: agentPage } of [ola, kuba]) {
      await queueItem(agentPage, review.id).waitFor({ timeout: 30_000 });
      expect(await takenText(agentPage, review.id)).toBe("Wolna");
      expect(await queueItem(agentPage, review.id).locator(".deadline").textContent()).toMatch(/^(⚠ po terminie o|odpowiedź w ciągu|termin mija za) .+/);
    }

    // Ola moves down the queue with j until Marek's review is selected, and claims it with c.
    const selected = () => queueItem(page, review.id).locator("article").getAttribute("aria-current");
    for (let step = 0; step < 40 && (await selected()) !== "true"; step++) await page.keyboard.press("j");
    expect(await selected(), "j reaches Marek's review").toBe("true");
    await page.keyboard.press("c");
    await expect.poll(() => takenText(page, review.id), { timeout: 30_000, message: "Ola's page shows the claim as hers" }).toBe("Twoja");
    await page.evaluate("window.scrollTo(0, 0)");
    await ola.screenshot("inbox");

    // Kuba's page shows it taken, without a reload; his claim (keyboard) is refused in words.
    await expect.poll(() => takenText(kuba.page, review.id), { timeout: 15_000, message: "Kuba's page shows Ola's claim without a reload" }).toBe("Przejęta przez Ola");
    await queueItem(kuba.page, review.id).locator(".inbox-item-state").click();
    await kuba.page.keyboard.press("c");
    await expect
      .poll(() => kuba.page.locator(".inbox-notice").textContent(), { timeout: 15_000, message: "Kuba is told who has the review" })
      .toBe("Nie możesz przejąć tej opinii: prowadzi ją Ola.");
    // The refusal is the API's 409 on the claim (and Chromium's console line about it): the one error the page may have had.
    const claimUrl = `/api/v1/mentions/${review.id}/actions`;
    const refusal = (problem: { kind: string; text: string }) =>
      (problem.kind === "http-error" && problem.text.endsWith(`${claimUrl}: HTTP 409`)) || (problem.kind === "console-error" && problem.text.includes("409") && problem.text.includes(claimUrl));
    expect(kuba.problems.filter((problem) => problem.kind === "http-error" && refusal(problem))).toHaveLength(1);
    kuba.problems.splice(0, kuba.problems.length, ...kuba.problems.filter((problem) => !refusal(problem)));
    kuba.expectClean();

    // ? shows the keys (and hides them again).
    await page.keyboard.press("?");
    expect(await page.getByRole("region", { name: "Skróty klawiszowe" }).getByText("przejmij", { exact: true }).count()).toBe(1);
    await page.keyboard.press("?");
    expect(await page.getByRole("region", { name: "Skróty klawiszowe" }).count()).toBe(0);

    // "Mine only" is in the address: the link, opened again, is the same view (her review alone).
    await page.getByLabel("Tylko moje").check();
    await expect.poll(() => page.evaluate<string>("location.hash"), { timeout: 5_000 }).toBe("#/inbox?mine=1");
    await page.reload();
    await expect.poll(() => page.locator("li.inbox-item").count(), { timeout: 30_000, message: "only Ola's review in her view" }).toBe(1);
    expect(await page.getByLabel("Tylko moje").isChecked()).toBe(true);
    expect(await takenText(page, review.id)).toBe("Twoja");

    // o: a note, saved into the review's history.
    await page.keyboard.press("j");
    await page.keyboard.press("o");
    await expect.poll(() => page.evaluate<string | undefined>("document.activeElement?.id"), { timeout: 15_000, message: "o puts the cursor in the note" }).toBe("inbox-note");
    await page.keyboard.type("Klient czeka na paczkę od dwóch tygodni");
    await page.getByRole("button", { name: "Zapisz notatkę" }).click();
    await expect
      .poll(() => page.locator('.inbox-history li[data-type="noted"]').textContent(), { timeout: 30_000, message: "the note in the history" })
      .toContain("Klient czeka na paczkę od dwóch tygodni");

    // Back to the whole queue (the review stays selected and open).
    await page.getByLabel("Tylko moje").uncheck();
    await expect.poll(() => page.locator("li.inbox-item").count(), { timeout: 30_000, message: "the whole queue again" }).toBeGreaterThan(1);

    // Ola answers: r puts the cursor in the reply; the history shows her claim.
    await page.keyboard.press("r");
    const composer = page.locator(".composer");
    const text = composer.getByLabel("Treść odpowiedzi");
    await expect.poll(() => page.evaluate<string | undefined>("document.activeElement?.id"), { timeout: 15_000, message: "r puts the cursor in the reply" }).toBe("inbox-reply-text");
    await expect.poll(() => page.locator('.inbox-history li[data-type="claimed"]').textContent(), { timeout: 15_000 }).toContain("Ola");
    expect(await composer.locator(".state").textContent()).toBe("Jeszcze bez odpowiedzi");

    await composer.getByLabel("Szablon").selectOption("delivery-sorry-pl");
    await expect.poll(() => text.inputValue(), { timeout: 15_000 }).toContain("bardzo przepraszamy za kłopot z dostawą");
    const reply = await text.inputValue();
    expect(reply, "the template is filled in for Marek, signed by the agent").toMatch(/^Dzień dobry, Marek_z_Łodzi, .*Ola z księgarni Żuraw$/s);
    // The live count against the shop's limit, as the agent sees it.
    expect(await composer.locator("#inbox-reply-count").textContent()).toBe(`${[...reply.trim()].length} / 1000 znaków`);
    expect(await composer.locator(".preview").textContent()).toBe(reply.trim());
    await page.evaluate("window.scrollTo(0, 0)");
    await readmeShot(ola, "inbox");

    // Accessibility with the composer open, at desktop and phone width.
    const found: string[] = [];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      if (width === 390) await ola.screenshot("composer-phone");
      for (const violation of seriousOrCritical(await axeViolations(page))) found.push(`${width}px: ${violation.id} (${violation.impact}) ${violation.help}: ${violation.targets.join(", ")}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(found).toEqual([]);

    await composer.getByRole("button", { name: "Wyślij", exact: true }).click();
    await expect
      .poll(() => composer.locator(".state").textContent(), { timeout: 60_000, message: "the reply's state moving to sent" })
      .toMatch(/^Odpowiedź \(wersja 1\): (wysłana|potwierdzona w źródle)$/);
    expect(await composer.getByText(/^wysyłka: Ola, /).count()).toBe(1);
    ola.expectClean();

    // The demo shop shows it under Marek's review.
    const shop = await demo.browser.teamPage("shop");
    let answer = "";
    await waitFor("the reply on the shop's page", async () => {
      for (let strona = 1; strona <= 2 && !answer; strona++) {
        await shop.page.goto(`${demo.siteBase}/opinie?strona=${strona}`);
        const article = shop.page.locator(`article[data-opinia-id="${review.nativeId}"]`);
        if ((await article.locator(".odpowiedz").count()) === 1) answer = (await article.locator(".odpowiedz").textContent()) ?? "";
      }
      return answer !== "";
    });
    expect(answer.replace(/\s+/g, " ")).toContain(reply.trim().replace(/\s+/g, " "));

    // Ola takes the reply back: a second click confirms, the shop deletes it, the state says so.
    const remove = composer.getByRole("button", { name: "Usuń w sklepie", exact: true });
    await remove.click();
    await composer.getByRole("button", { name: "Na pewno usunąć w sklepie?", exact: true }).click();
    await expect.poll(() => composer.locator(".state").textContent(), { timeout: 60_000, message: "the reply's state moving to deleted" }).toMatch(/usunięta/);
    await waitFor("the reply gone from the shop's page", async () => {
      for (let strona = 1; strona <= 2; strona++) {
        await shop.page.goto(`${demo.siteBase}/opinie?strona=${strona}`);
        const article = shop.page.locator(`article[data-opinia-id="${review.nativeId}"]`);
        if ((await article.count()) === 1) return (await article.locator(".odpowiedz").count()) === 0;
      }
      return false;
    });
    ola.expectClean();
  }, 240_000);

  it("with approval on, a reply waits for a second person: its author cannot approve it, a colleague approves it from his page and it reaches the shop", async () => {
    const review = await waitFor("Grzegorz's review in the API", async () => (await demo.search("service", "size=100")).items.find((item) => item.author?.name === "Grzegorz Żak"));
    const approval = async () => (await demo.api<{ approval: boolean }>("service", `/mentions/${review.id}/reply`)).approval;
    await demo.editTeams((yaml) => yaml.replace("approval: false", "approval: true"));
    try {
      await waitFor("the API to reload teams.yaml with approval on", approval, { timeoutMs: 30_000 });
      const ada = await agent("Ada");
      const jan = await agent("Jan");
      const { page } = ada;

      // Ada takes the review and sends a reply of her own words: it waits for approval.
      await queueItem(page, review.id).locator(".inbox-item-state").click();
      await page.keyboard.press("c");
      await expect.poll(() => takenText(page, review.id), { timeout: 30_000 }).toBe("Twoja");
      await page.keyboard.press("r");
      const composer = page.locator(".composer");
      await composer.getByText("Każdą odpowiedź zatwierdza druga osoba.").waitFor({ timeout: 15_000 });
      const words = "Panie Grzegorzu, przepraszamy za uszkodzoną przesyłkę: wyślemy nowy egzemplarz jeszcze dziś. Ada z księgarni Żuraw";
      await composer.getByLabel("Treść odpowiedzi").fill(words);
      await composer.getByRole("button", { name: "Wyślij", exact: true }).click();
      await expect.poll(() => composer.locator(".state").textContent(), { timeout: 30_000 }).toBe("Odpowiedź (wersja 1): czeka na zatwierdzenie");
      // She may not approve her own text: the API says so, and nothing is sent.
      await composer.getByRole("button", { name: "Zatwierdź i wyślij", exact: true }).click();
      await expect.poll(() => composer.locator('p[data-kind="error"]').textContent().catch(() => ""), { timeout: 15_000 }).toMatch(/^Odmowa: .*awaiting approval by someone other than you/);
      expect(await composer.locator(".state").textContent()).toBe("Odpowiedź (wersja 1): czeka na zatwierdzenie");
      const refusal = (problem: { kind: string; text: string }) => problem.text.includes(`/api/v1/mentions/${review.id}/reply`) && problem.text.includes("409");
      ada.problems.splice(0, ada.problems.length, ...ada.problems.filter((problem) => !refusal(problem)));
      ada.expectClean();

      // Jan opens the same review: the text awaits approval, and he approves it.
      await queueItem(jan.page, review.id).locator(".inbox-item-state").click();
      await jan.page.keyboard.press("Enter");
      const his = jan.page.locator(".composer");
      await expect.poll(() => his.locator(".state").textContent(), { timeout: 30_000 }).toBe("Odpowiedź (wersja 1): czeka na zatwierdzenie");
      await his.getByRole("button", { name: "Zatwierdź i wyślij", exact: true }).click();
      await expect.poll(() => his.locator(".state").textContent(), { timeout: 60_000 }).toMatch(/^Odpowiedź \(wersja 1\): (wysłana|potwierdzona w źródle)$/);
      expect(await his.getByText(/^zatwierdzenie: Jan, /).count()).toBe(1);
      jan.expectClean();

      // The shop shows Ada's words under Grzegorz's review.
      const shop = await demo.browser.teamPage("shop-approval");
      await waitFor("the approved reply on the shop's page", async () => {
        for (let strona = 1; strona <= 2; strona++) {
          await shop.page.goto(`${demo.siteBase}/opinie?strona=${strona}`);
          const answer = shop.page.locator(`article[data-opinia-id="${review.nativeId}"] .odpowiedz`);
          if ((await answer.count()) === 1) return ((await answer.textContent()) ?? "").replace(/\s+/g, " ").includes(words);
        }
        return false;
      });
    } finally {
      await demo.editTeams((yaml) => yaml.replace("approval: true", "approval: false"));
      await waitFor("the API to reload teams.yaml with approval off", async () => !(await approval()), { timeoutMs: 30_000 });
    }
  }, 240_000);
});
