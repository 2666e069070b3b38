/**
 * The demo as a new user runs it (`odzew run --demo`): the demo shop, the pipeline, the API and the
 * responder as processes on the real broker and engine, with the demo's teams, brands and reply
 * templates, plus a browser. Each browser test file starts its own (topics, indices and ports of
 * its own) in beforeAll and stops it in afterAll:
 *
 *   const demo = workspaceDemo("inbox");
 *   beforeAll(() => demo.start(), 240_000);
 *   afterAll(() => demo.stop(), 60_000);
 *   it("…", async () => { const service = await demo.signIn("service"); … });
 *
 * A canary mention of another brand is in the engine from the start: no demo team may ever see it.
 */
import { readFile, writeFile } from "node:fs/promises";
import { expect } from "vitest";
import { createKafka, deleteTopics } from "@odzew/kafka";
import { topicSpecs } from "@odzew/schema";
import { MentionStore, connectEngine, indexNames } from "@odzew/search";
import { createTestStore, demoRun, runTs, sampleEnrichedMention, stackEnv, testLogger, uniquePrefix, waitFor, type DemoRun, type RunningProcess } from "@odzew/testing";
import { launchBrowser, type BrowserHarness, type TeamPage } from "./harness.ts";

/** The reviews the demo site starts with. */
export const SEED_REVIEWS = 8;
/** The text of a mention of another brand, put straight into the engine: no demo team may see it. */
export const CANARY = "Kanarek obcej marki: księgarnia Sowa wysłała paczkę w jeden dzień.";
export type DemoTeam = "service" | "pr" | "cx";

export interface MentionItem {
  id: string;
  nativeId: string;
  text: string;
  author?: { name: string };
  workflow?: { status: string; assignee?: string };
}

export interface WorkspaceDemo {
  readonly prefix: string;
  /** Available after start(). */
  readonly keys: DemoRun["keys"];
  readonly apiBase: string;
  readonly siteBase: string;
  readonly browser: BrowserHarness;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A team's page, signed in as a user does: the key typed into the sign-in form, Enter. */
  signIn(team: DemoTeam, options?: { viewport?: { width: number; height: number }; locale?: string }): Promise<TeamPage>;
  /** A call to the API as a team (to set up or check what the page shows). */
  api<T>(team: DemoTeam, path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  /** The team's search, as the API answers it. */
  search(team: DemoTeam, query: string): Promise<{ total: number; items: MentionItem[] }>;
  /** Rewrites this demo's teams.yaml (the API reloads it within a few seconds; wait on what should change). */
  editTeams(edit: (yaml: string) => string): Promise<void>;
  /** Publishes a review on the demo shop (it is collected within seconds); returns its native id. */
  publishReview(review: { author: string; title?: string; text: string; rating: number }): Promise<string>;
}

export function workspaceDemo(name: string): WorkspaceDemo {
  const prefix = uniquePrefix(`browser-${name}`);
  let demo: DemoRun | undefined;
  let run: RunningProcess | undefined;
  let browser: BrowserHarness | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`workspaceDemo: ${what} before start()`);
    return value;
  };

  const api = async <T>(team: DemoTeam, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const { apiBase, keys } = started(demo, "api()");
    const response = await fetch(`${apiBase}/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${keys[team]}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
      body: init.body === undefined ? null : JSON.stringify(init.body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path} as ${team}: HTTP ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };

  const self: WorkspaceDemo = {
    prefix,
    get keys() {
      return started(demo, "keys").keys;
    },
    get apiBase() {
      return started(demo, "apiBase").apiBase;
    },
    get siteBase() {
      return started(demo, "siteBase").siteBase;
    },
    get browser() {
      return started(browser, "browser");
    },
    async start() {
      demo = await demoRun(prefix, `browser-${name}-author-key-0123456789`);
      const env = demo.env;
      // The browser starts while the demo sets itself up.
      const launched = launchBrowser();
      const setup = runTs("services/cli/src/index.ts", ["setup"], env);
      expect(await setup.exited, setup.stderr()).toBe(0);
      run = runTs("services/cli/src/index.ts", ["run", "demo-site", "indexer", "enricher", "collector", "scheduler", "api", "responder", "alerter"], env);
      browser = await launched;

      // A mention of another brand, from the same shop, written to the engine as the indexer would:
      // every demo team's slice is Żuraw, so none of them may ever see it.
      const engine = await connectEngine(stackEnv().search);
      try {
        const store = new MentionStore(engine, prefix, testLogger("browser"));
        await store.upsert([
          sampleEnrichedMention({
            sourceId: "demo-zuraw",
            nativeId: "kanarek-obca",
            publishedAt: new Date().toISOString(),
            text: CANARY,
            author: { name: "Kanarek" },
            brands: [{ id: "obca", via: "source" }],
            brandHints: ["obca"],
          }),
        ]);
        await waitFor("the canary in the engine", async () => {
          await engine.request("POST", `/${indexNames(prefix).pattern}/_refresh`);
          const { count } = await engine.request<{ count: number }>("POST", `/${indexNames(prefix).pattern}/_count`, { query: { match_phrase: { text: "Kanarek obcej" } } });
          return count === 1;
        });
      } finally {
        await engine.close();
      }
      try {
        await waitFor("the API to be ready", async () => (await fetch(`${self.apiBase}/readyz`)).ok, { timeoutMs: 90_000 });
        await waitFor(`the ${SEED_REVIEWS} seed reviews searchable`, async () => (await self.search("service", "size=100")).total >= SEED_REVIEWS, { timeoutMs: 90_000 });
      } catch (error) {
        throw new Error(`${String(error)}\nodzew run said:\n${run.stderr().slice(-6_000)}`, { cause: error });
      }
    },
    async stop() {
      await browser?.close();
      const code = await run?.stop();
      expect(code, "odzew run exits cleanly on SIGTERM").toBe(0);
      const kafka = createKafka({ brokers: stackEnv().brokers, clientId: `browser-${name}-cleanup` }, testLogger("browser"));
      await deleteTopics(kafka, topicSpecs(prefix).map((spec) => spec.name));
      const { cleanup } = await createTestStore(prefix);
      await cleanup();
    },
    async signIn(team, options = {}) {
      const teamPage = await self.browser.teamPage(team, { ...options, key: self.keys[team] });
      const { page } = teamPage;
      await page.goto(self.apiBase);
      const field = page.getByLabel(/^(Klucz API zespołu|API key of your team)$/);
      await field.fill(teamPage.key ?? "");
      await field.press("Enter");
      await page.locator("header .team").waitFor();
      return teamPage;
    },
    api,
    search: (team, query) => api(team, `/mentions?${query}`),
    async editTeams(edit) {
      const { teamsFile } = started(demo, "editTeams()");
      const before = await readFile(teamsFile, "utf8");
      const after = edit(before);
      if (after === before) throw new Error("editTeams: the edit changed nothing in teams.yaml");
      await writeFile(teamsFile, after);
    },
    async publishReview(review) {
      const response = await fetch(`${self.siteBase}/api/reviews`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(review) });
      expect(response.status, "the demo shop takes the review").toBe(201);
      return ((await response.json()) as { id: string }).id;
    },
  };
  return self;
}
