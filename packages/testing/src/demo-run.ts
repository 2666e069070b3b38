import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, freePort } from "./process.ts";
import { stackEnv } from "./stack.ts";

/** The demo as `odzew run --demo` runs it, under a test's own prefix, ports and keys. */
export interface DemoRun {
  /** The environment for `odzew setup` and `odzew run` (the demo's config/demo/* files). */
  env: NodeJS.ProcessEnv;
  apiBase: string;
  siteBase: string;
  keys: { service: string; pr: string; cx: string };
  replyToken: string;
  /** A folder of this run's own: its sources file, the run's pid file. */
  dir: string;
  /** This run's copy of the demo's teams.yaml: a test may change it, and the API reloads it within seconds. */
  teamsFile: string;
}

/**
 * The demo's environment for a test that runs `odzew setup` and `odzew run …` as processes: the
 * demo's sources file as shipped, pointed at this test's demo shop and polled every 2 s, a copy of
 * the demo's teams (the test's to change), the demo's brands and reply templates, random team keys and reply token, free ports, and
 * consumer groups under the test's prefix.
 */
export async function demoRun(prefix: string, authorKey: string): Promise<DemoRun> {
  const [apiPort, sitePort] = [await freePort(), await freePort()];
  const apiBase = `http://127.0.0.1:${apiPort}`;
  const siteBase = `http://127.0.0.1:${sitePort}`;
  const random = () => randomBytes(24).toString("base64url");
  const keys = { service: random(), pr: random(), cx: random() };
  const replyToken = random();
  const dir = await mkdtemp(join(tmpdir(), `odzew-${prefix}-`));
  const demoSources = await readFile(join(REPO_ROOT, "config/demo/sources.yaml"), "utf8");
  if (!demoSources.includes("http://127.0.0.1:8088/")) throw new Error("config/demo/sources.yaml no longer points at http://127.0.0.1:8088/: update demoRun");
  await writeFile(
    join(dir, "sources.yaml"),
    demoSources.replaceAll("http://127.0.0.1:8088/", `${siteBase}/`).replace(/schedule: "[^"]*"/, 'schedule: "*/2 * * * * *"'),
  );
  const teamsFile = join(dir, "teams.yaml");
  await writeFile(teamsFile, await readFile(join(REPO_ROOT, "config/demo/teams.yaml"), "utf8"));
  const env: NodeJS.ProcessEnv = {
    KAFKA_BROKERS: stackEnv().brokers.join(","),
    SEARCH_URL: stackEnv().search.url,
    ODZEW_TOPIC_PREFIX: prefix,
    ODZEW_INDEX_PREFIX: prefix,
    ODZEW_SOURCES_FILE: join(dir, "sources.yaml"),
    ODZEW_TEAMS_FILE: teamsFile,
    ODZEW_BRANDS_FILE: "config/demo/brands.yaml",
    ODZEW_REPLIES_FILE: "config/demo/replies.yaml",
    ODZEW_ALERTS_FILE: "config/demo/alerts.yaml",
    ODZEW_DEMO_SERVICE_KEY: keys.service,
    ODZEW_DEMO_PR_KEY: keys.pr,
    ODZEW_DEMO_CX_KEY: keys.cx,
    DEMO_SITE_REPLY_TOKEN: replyToken,
    API_PORT: String(apiPort),
    DEMO_SITE_PORT: String(sitePort),
    DEMO_SITE_NEW_REVIEW_EVERY_S: "0",
    COLLECTOR_MIN_INTERVAL_MS: "0",
    COLLECTOR_GROUP_ID: `${prefix}-collector`,
    ENRICHER_GROUP_ID: `${prefix}-enricher`,
    INDEXER_GROUP_ID: `${prefix}-indexer`,
    RESPONDER_GROUP_ID: `${prefix}-responder`,
    RESPONDER_BACKOFF_MS: "200",
    ODZEW_RUN_PIDFILE: join(dir, "run.pid"),
    ODZEW_HEALTH_PORT_BASE: "0",
    ODZEW_AUTHOR_KEY: authorKey,
    ODZEW_LEARN_SCHEDULE: "off",
  };
  return { env, apiBase, siteBase, keys, replyToken, dir, teamsFile };
}
