/**
 * `pnpm bench dashboard [--team service|pr|cx] [--runs N]`: the workspace's first paint on a
 * running demo, in Debian's Chromium (ODZEW_CHROMIUM, else /usr/bin/chromium) driven by
 * playwright-core. Starts nothing: it measures the API at ODZEW_API_URL (default the demo's
 * http://127.0.0.1:8080 of `scripts/start`), signed in with a demo key of `.stack/demo-keys.env`
 * (or ODZEW_API_KEY). Each figure is the median of N runs (default 5), cold (a fresh browser
 * profile: nothing cached) and warm (the same profile loading again):
 *
 *   - first-contentful-paint of `/` (the sign-in page a new user sees);
 *   - first-contentful-paint and time to the first page's data for a signed-in tab (the key in
 *     the tab, as after signing in): from the start of navigation until the team's first page has
 *     drawn what it loads (nothing in it still marked busy).
 *
 * Target: under one second on the demo, locally.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { OdzewError } from "@odzew/core";

const TEAMS = { service: "ODZEW_DEMO_SERVICE_KEY", pr: "ODZEW_DEMO_PR_KEY", cx: "ODZEW_DEMO_CX_KEY" } as const;
type Team = keyof typeof TEAMS;
const isTeam = (name: string): name is Team => Object.hasOwn(TEAMS, name);
const KEY_STORAGE = "odzew-key"; // services/web/src/api.ts
const TARGET_MS = 1_000;

export interface DashboardBenchOptions {
  apiUrl: string;
  key: string;
  team: string;
  runs: number;
  chromium: string;
}

/** The demo key of a team from `.stack/demo-keys.env` (KEY=value lines), or undefined. */
export function demoKey(file: string, team: Team): string | undefined {
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^\s*([A-Z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] === TEAMS[team]) return match[2]?.replace(/^["']|["']$/g, "") || undefined;
  }
  return undefined;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

/** In the page: first-contentful-paint in ms from the start of navigation (waits for it). */
const FCP = `new Promise((resolve) => {
  const seen = performance.getEntriesByName("first-contentful-paint")[0];
  if (seen) return resolve(seen.startTime);
  new PerformanceObserver((list, observer) => {
    const entry = list.getEntriesByName("first-contentful-paint")[0];
    if (entry) { observer.disconnect(); resolve(entry.startTime); }
  }).observe({ type: "paint", buffered: true });
})`;

/**
 * Put in every page before the app runs (through DevTools, which the page's CSP does not govern):
 * records in `window.__odzewFirstData` when the first page has drawn its data — a page under
 * main, not the sign-in form, nothing in it still marked busy — checked on every DOM change.
 */
const SETTLED_WATCH = `(() => {
  const settled = () => {
    const main = document.querySelector("main#main");
    if (!main || !main.firstElementChild || document.querySelector("#key")) return false;
    return main.querySelector('[aria-busy="true"]') === null;
  };
  const observer = new MutationObserver(() => {
    if (window.__odzewFirstData === undefined && settled()) {
      window.__odzewFirstData = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-busy"] });
})();`;

interface Sample {
  signInFcp: number;
  appFcp: number;
  firstData: number;
}

async function measure(context: BrowserContext, apiUrl: string): Promise<Sample> {
  // The sign-in page, as a new user sees it (no key in this tab).
  const signIn = await context.newPage();
  await signIn.goto(`${apiUrl}/#signed-out`, { waitUntil: "load" });
  await signIn.locator("#key").waitFor();
  const signInFcp = await signIn.evaluate<number>(FCP);
  await signIn.close();

  // A signed-in tab: the key is in its sessionStorage before the app starts, as after signing in.
  const page = await context.newPage();
  await page.goto(`${apiUrl}/#/`, { waitUntil: "commit" });
  const deadline = Date.now() + 30_000;
  let firstData: number | undefined;
  while ((firstData = await page.evaluate<number | undefined>("window.__odzewFirstData")) === undefined) {
    if (Date.now() > deadline) throw new Error(`the first page did not draw its data within 30 s at ${apiUrl}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const appFcp = await page.evaluate<number>(FCP);
  const problem = await page.evaluate<string | null>(`document.querySelector("main .error") ? document.querySelector("main .error").textContent : null`);
  if (problem) throw new Error(`the first page shows an error: ${problem}`);
  await page.close();
  return { signInFcp, appFcp, firstData };
}

async function run(browser: Browser, options: DashboardBenchOptions, warm: boolean): Promise<Sample[]> {
  const samples: Sample[] = [];
  const newContext = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "pl-PL" });
    // Every page of this profile starts signed in (sessionStorage is per tab: set it in each),
    // but the tab that measures the sign-in page (it opens `#signed-out`).
    await context.addInitScript({
      content: `if (!location.hash.includes("signed-out")) sessionStorage.setItem(${JSON.stringify(KEY_STORAGE)}, ${JSON.stringify(options.key)});`,
    });
    await context.addInitScript({ content: SETTLED_WATCH });
    return context;
  };
  if (warm) {
    const context = await newContext();
    await measure(context, options.apiUrl); // fills the cache
    for (let index = 0; index < options.runs; index++) samples.push(await measure(context, options.apiUrl));
    await context.close();
  } else {
    for (let index = 0; index < options.runs; index++) {
      const context = await newContext();
      samples.push(await measure(context, options.apiUrl));
      await context.close();
    }
  }
  return samples;
}

export async function benchDashboard(options: DashboardBenchOptions): Promise<void> {
  const ready = await fetch(`${options.apiUrl}/readyz`).catch(() => undefined);
  if (!ready?.ok) {
    throw new OdzewError("ENV_INVALID", `no Odzew API answers at ${options.apiUrl}: start the demo with scripts/start (or give ODZEW_API_URL of a running API)`);
  }
  const me = await fetch(`${options.apiUrl}/api/v1/me`, { headers: { authorization: `Bearer ${options.key}` } });
  if (!me.ok) throw new OdzewError("ENV_INVALID", `the key for team ${options.team} is refused by ${options.apiUrl} (HTTP ${me.status}): is .stack/demo-keys.env from this demo?`);
  if (!existsSync(options.chromium)) throw new OdzewError("ENV_INVALID", `Chromium not found at ${options.chromium}: apt-get install -y chromium, or set ODZEW_CHROMIUM`);
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: [...(root ? ["--no-sandbox"] : []), "--disable-dev-shm-usage", "--disable-gpu"] });
  try {
    const cold = await run(browser, options, false);
    const warm = await run(browser, options, true);
    const ms = (value: number) => `${Math.round(value)} ms`.padStart(8);
    const verdict = (value: number) => (value < TARGET_MS ? "ok" : "OVER TARGET");
    const row = (what: string, pick: (sample: Sample) => number) => {
      const coldMedian = median(cold.map(pick));
      const warmMedian = median(warm.map(pick));
      return `  ${what.padEnd(44)} cold ${ms(coldMedian)}   warm ${ms(warmMedian)}   ${verdict(Math.max(coldMedian, warmMedian))}`;
    };
    console.log(`Dashboard first paint at ${options.apiUrl}, team ${options.team}, Chromium ${browser.version()}, median of ${options.runs} (target < ${TARGET_MS} ms):`);
    console.log(row("sign-in page: first-contentful-paint", (sample) => sample.signInFcp));
    console.log(row("signed in: first-contentful-paint", (sample) => sample.appFcp));
    console.log(row("signed in: the first page's data drawn", (sample) => sample.firstData));
  } finally {
    await browser.close();
  }
}

/** `pnpm bench dashboard` arguments and environment. */
export function dashboardOptions(argv: readonly string[], env: NodeJS.ProcessEnv, root: string): DashboardBenchOptions {
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at === -1 ? undefined : argv[at + 1];
  };
  const team = flag("--team") ?? "service";
  if (!isTeam(team)) throw new OdzewError("ENV_INVALID", `--team: one of ${Object.keys(TEAMS).join(", ")} (got "${team}")`);
  const runs = Number(flag("--runs") ?? 5);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new OdzewError("ENV_INVALID", `--runs: a whole number from 1 to 50 (got "${flag("--runs")}")`);
  const apiUrl = (env.ODZEW_API_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
  const keysFile = join(root, ".stack", "demo-keys.env");
  const key = env.ODZEW_API_KEY ?? demoKey(keysFile, team);
  if (!key) throw new OdzewError("ENV_INVALID", `no key for team ${team}: run the demo with scripts/start (it writes ${keysFile}) or set ODZEW_API_KEY`);
  return { apiUrl, key, team, runs, chromium: env.ODZEW_CHROMIUM ?? "/usr/bin/chromium" };
}
