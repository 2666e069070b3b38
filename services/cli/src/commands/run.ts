import { parseArgs } from "node:util";
import cron from "node-cron";
import { DEMO_KEY_VARIABLES, DEMO_SITE_REPLY_TOKEN_VARIABLE, demoKeys, demoSiteReplyToken } from "../keys.ts";
import { PIPELINE, SERVICES, runServices, waitForHttp } from "../run.ts";
import { setup } from "../setup.ts";
import { defineCommand, parseFlags, usageError } from "./command.ts";
import { learnOnSchedule } from "./learn.ts";

/** When `odzew run` learns the brand's sentiment model again (`ODZEW_LEARN_SCHEDULE`, cron, or `off`). */
const DEFAULT_LEARN_SCHEDULE = "30 3 * * *";

const FLAGS = { demo: { type: "boolean", default: false } } as const;

export interface RunOptions {
  demo: boolean;
  /** The services to run, in order (default: the whole pipeline). */
  services: string[];
}

export const runCommand = defineCommand<RunOptions>({
  name: "run",
  usage: [
    "  run [--demo] [SERVICE…]     run the pipeline services (default: all of them) until Ctrl-C;",
    "                              --demo also runs the demo review site with config/demo/*; learns the",
    "                              sentiment model daily (ODZEW_LEARN_SCHEDULE, cron or off)",
  ].join("\n"),
  parse(args) {
    const flags = parseFlags("run", FLAGS, () => parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true }));
    if (!flags.ok) return flags;
    const { values, positionals } = flags.parsed;
    const unknown = positionals.filter((name) => !(SERVICES as readonly string[]).includes(name));
    if (unknown.length > 0) return { ok: false, reason: `unknown service(s): ${unknown.join(", ")}; known: ${SERVICES.join(", ")}` };
    return { ok: true, options: { demo: values.demo, services: positionals.length > 0 ? positionals : [...PIPELINE] } };
  },
  async run(options, { env, logger }) {
    const services = [...options.services];
    const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "info" };
    let demo: ReturnType<typeof demoKeys> | undefined;
    if (options.demo) {
      childEnv.ODZEW_SOURCES_FILE = "config/demo/sources.yaml";
      childEnv.ODZEW_TEAMS_FILE = "config/demo/teams.yaml";
      childEnv.ODZEW_BRANDS_FILE = "config/demo/brands.yaml";
      childEnv.ODZEW_ALERTS_FILE = "config/demo/alerts.yaml";
      childEnv.ODZEW_REPLIES_FILE = "config/demo/replies.yaml";
      // A fixed key only for the demo; a real deployment sets its own secret.
      childEnv.ODZEW_AUTHOR_KEY ??= "odzew-demo-author-key-not-for-production";
      demo = demoKeys(".stack/demo-keys.env", process.env);
      for (const [team, variable] of Object.entries(DEMO_KEY_VARIABLES)) childEnv[variable] = demo[team as keyof typeof demo];
      // The demo shop's reply API and the responder that posts to it share this token.
      childEnv[DEMO_SITE_REPLY_TOKEN_VARIABLE] = demoSiteReplyToken(".stack/demo-site.env", process.env);
      if (!services.includes("demo-site")) services.unshift("demo-site");
      for (const line of await setup(env, childEnv.ODZEW_TEAMS_FILE, logger)) process.stdout.write(`${line}\n`);
    }
    // The brand's own sentiment model, learned again daily while an enricher runs (see README).
    const learnSchedule = process.env.ODZEW_LEARN_SCHEDULE ?? DEFAULT_LEARN_SCHEDULE;
    if (learnSchedule !== "off" && !cron.validate(learnSchedule)) {
      throw usageError(`ODZEW_LEARN_SCHEDULE "${learnSchedule}" is not a cron expression (e.g. "${DEFAULT_LEARN_SCHEDULE}") or "off"`, `Usage: odzew …\n${runCommand.usage}`);
    }
    const learning =
      learnSchedule === "off" || !services.includes("enricher")
        ? undefined
        : cron.schedule(learnSchedule, () => learnOnSchedule({ env, logger }), { name: "sentiment-learn", noOverlap: true });
    const apiBase = `http://${env.API_HOST}:${env.API_PORT}`;
    try {
      return await runServices({
      services,
      env: childEnv,
      logger,
      pidFile: env.ODZEW_RUN_PIDFILE,
      onReady: async () => {
        if (!services.includes("api")) return;
        if (!(await waitForHttp(`${apiBase}/readyz`, 120_000))) {
          logger.error(`the API did not become ready at ${apiBase} within 2 minutes; see the logs above`);
          return;
        }
        const lines = [
          "",
          "Odzew is running.",
          `  Dashboard:   ${apiBase}/ (sign in with a team's key)`,
          `  API:         ${apiBase}/api/v1/mentions`,
          `  OpenAPI:     ${apiBase}/api/v1/openapi.json`,
          ...(demo
            ? [
                `  Demo site:   http://127.0.0.1:${env.DEMO_SITE_PORT}/opinie (a new review every 45 s)`,
                `  Demo keys:   (also in .stack/demo-keys.env)`,
                ...Object.entries(demo).map(([team, key]) => `    ${team.padEnd(8)} ${key}`),
                `  Try:         curl -s -H "Authorization: Bearer ${demo.pr}" '${apiBase}/api/v1/mentions?q=dostawa'`,
                `               curl -s -H "Authorization: Bearer ${demo.service}" '${apiBase}/api/v1/queue'`,
                `  Reply:       open ${apiBase}/ with the service key, Inbox → a review → Reply: the answer appears on the demo site`,
                `               under its review, then shows as confirmed here once the collector reads it back`,
              ]
            : []),
          "  Ctrl-C stops the services; scripts/stack down stops Kafka and the search engine.",
          "",
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      },
    });
    } finally {
      await learning?.stop();
      await learning?.destroy();
    }
  },
});
