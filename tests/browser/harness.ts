/**
 * Browser tests in a real Chromium: Debian's `chromium` (scripts/test installs it with apt and
 * exports its path as ODZEW_CHROMIUM), driven by playwright-core, which downloads no browser.
 *
 * A test gets one browser per file and one page per team (its own context: storage, cookies and
 * key are never shared between teams). Each page records what a user or a developer would notice
 * going wrong: console errors (a Content-Security-Policy refusal is one), uncaught exceptions,
 * failed requests, HTTP errors and dialogs. `expectClean()` asserts there were none. Screenshots go
 * to `.test-results/screenshots/` (git-ignored), named after the test.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { REPO_ROOT } from "@odzew/testing";

/** Where the browser binary is: ODZEW_CHROMIUM, else Debian's package path. */
export const CHROMIUM_PATH = process.env.ODZEW_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = join(REPO_ROOT, ".test-results", "screenshots");

/** Something that went wrong on a page, in words a failing assertion can print. */
export interface PageProblem {
  kind: "console-error" | "page-error" | "request-failed" | "http-error" | "dialog";
  text: string;
}

export interface TeamPage {
  team: string;
  /** The team's API key, for the test to sign in with as the page under test asks for it. */
  key: string | undefined;
  page: Page;
  context: BrowserContext;
  /** Everything that went wrong on this page so far. */
  problems: PageProblem[];
  /** Every URL the page requested (to prove what it did not ask for). */
  requests: string[];
  /** Fail the test, listing each problem, when the page had any. */
  expectClean(): void;
  /** A full-page PNG in .test-results/screenshots/, named `<test>--<team>-<label>.png`. */
  screenshot(label: string): Promise<string>;
}

export interface BrowserHarness {
  browser: Browser;
  /** A fresh page, in a context of its own (storage, cookies), for a team and its key. */
  teamPage(team: string, options?: { key?: string; viewport?: { width: number; height: number }; locale?: string }): Promise<TeamPage>;
  close(): Promise<void>;
}

/** Launch the system Chromium headless; says how to install it when it is missing. */
export async function launchBrowser(): Promise<BrowserHarness> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium; scripts/test does it) or set ODZEW_CHROMIUM to a Chromium binary`,
    );
  }
  // As root (CI containers), Chromium's sandbox cannot start: it refuses to run without this.
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...(root ? ["--no-sandbox"] : []), "--disable-dev-shm-usage", "--disable-gpu"],
  });
  const pages: TeamPage[] = [];
  return {
    browser,
    async teamPage(team, options = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, locale: options.locale ?? "pl-PL", timezoneId: "Europe/Warsaw" });
      const page = await context.newPage();
      const teamPage = watch(team, options.key, page, context);
      pages.push(teamPage);
      return teamPage;
    },
    async close() {
      await Promise.all(pages.splice(0).map((teamPage) => teamPage.context.close().catch(() => undefined)));
      await browser.close();
    },
  };
}

function watch(team: string, key: string | undefined, page: Page, context: BrowserContext): TeamPage {
  const problems: PageProblem[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push({ kind: "console-error", text: `${message.text()} (${message.location().url || "page"})` });
  });
  page.on("pageerror", (error) => problems.push({ kind: "page-error", text: error.message }));
  page.on("request", (request) => requests.push(request.url()));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "failed";
    // The page cancelling a request it no longer needs (a filter changed, a view left: AbortController) is not a failure.
    if (reason === "net::ERR_ABORTED") return;
    problems.push({ kind: "request-failed", text: `${request.method()} ${request.url()}: ${reason}` });
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push({ kind: "http-error", text: `${response.request().method()} ${response.url()}: HTTP ${response.status()}` });
  });
  // No dialog is expected from the page; dismiss it so the page does not hang, and record it.
  page.on("dialog", (dialog) => {
    problems.push({ kind: "dialog", text: `${dialog.type()}: ${dialog.message()}` });
    void dialog.dismiss().catch(() => undefined);
  });
  return {
    team,
    key,
    page,
    context,
    problems,
    requests,
    expectClean() {
      expect(problems.map((problem) => `${problem.kind}: ${problem.text}`), `what went wrong on ${team}'s page`).toEqual([]);
    },
    async screenshot(label) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      // The test's own name (the last part of "describe > test"), then the team and the view.
      const test = (expect.getState().currentTestName ?? "test").split(" > ").at(-1) ?? "test";
      const path = join(SCREENSHOT_DIR, `${slug(test).slice(0, 60)}--${slug(team)}-${slug(label)}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}

/** Where the README's screenshots live; written only when ODZEW_README_SHOTS=1. */
export const README_SHOTS_DIR = join(REPO_ROOT, "docs", "screenshots");

/**
 * A screenshot for the README: taken like any other (in .test-results), and, only when the run
 * was started with ODZEW_README_SHOTS=1, copied to `docs/screenshots/<name>.png`. A test run
 * never writes into the repository otherwise. Returns the README copy's path, if one was made.
 */
export async function readmeShot(teamPage: TeamPage, name: string): Promise<string | undefined> {
  const taken = await teamPage.screenshot(name);
  if (process.env.ODZEW_README_SHOTS !== "1") return undefined;
  await mkdir(README_SHOTS_DIR, { recursive: true });
  const target = join(README_SHOTS_DIR, `${slug(name)}.png`);
  await copyFile(taken, target);
  return target;
}

const slug = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** One accessibility finding of axe-core, reduced to what a report needs. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

let axeSource: Promise<string> | undefined;
const loadAxeSource = () => (axeSource ??= readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));

/**
 * Run axe-core on the page as it is and return its violations. The page's Content-Security-Policy
 * allows only its own script, so axe is not added as a <script> (the policy would refuse it, and
 * weakening the policy would test a different page): its source is evaluated through the DevTools
 * protocol (page.evaluate → Runtime.evaluate), which a page's CSP does not govern.
 */
export async function axeViolations(page: Page, tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]): Promise<AxeFinding[]> {
  const loaded = await page.evaluate<boolean>("typeof window.axe === 'object'");
  if (!loaded) await page.evaluate<unknown>(await loadAxeSource());
  const run = `axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(tags)} }, resultTypes: ["violations"] })
    .then((results) => results.violations.map((violation) => ({
      id: violation.id, impact: violation.impact || "unknown", help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
    })))`;
  return page.evaluate<AxeFinding[]>(run);
}

/** The violations a user of assistive technology is blocked or seriously hindered by. */
export const seriousOrCritical = (findings: AxeFinding[]) => findings.filter((finding) => finding.impact === "serious" || finding.impact === "critical");
