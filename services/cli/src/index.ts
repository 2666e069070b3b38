import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { OdzewError, createLogger, describeError } from "@odzew/core";
import { env } from "./env.ts";
import { PIPELINE, SERVICES, runServices, waitForHttp } from "./run.ts";
import { backfill } from "./backfill.ts";
import { enrichStream } from "./enrich.ts";
import { trainFromFile } from "./train.ts";
import { setup } from "./setup.ts";
import { validateConfig } from "./validate.ts";
import { DEMO_KEY_VARIABLES, demoKeys, newKey } from "./keys.ts";
import { rebuildIndex, withPipeline } from "./rebuild.ts";
import { lumpedTogether, runErase } from "./erase.ts";
import { parseEraseRequest } from "./erase-rules.ts";
import { loadTeamsFile } from "@odzew/config";

const USAGE = `Usage: odzew <command> [options]

Commands:
  setup [--teams FILE]        create the Kafka topics, the index template and the team aliases
  backfill SOURCE [--pages N] read a source's history now (default: its limits.backfillPages) and
                              deliver what is new; shows a progress bar
  enrich --brands FILE [--sentiment-model FILE] [--topics FILE]
                              NDJSON mentions on stdin ({"text", "title"?, "rating"?, "lang"?}) →
                              one enriched NDJSON line per input line on stdout, in order
  sentiment train --input FILE --out FILE
                              learn a Polish sentiment model from NDJSON {"text", "rating": 1-5}
  reindex [--teams FILE]      drop the index and rebuild it from the topics (mentions, workflow);
                              for a new mapping or a new model's output
  erase (--author NAME | --mention ID…) [--reference TEXT] [--yes] [--dry-run]
                              erase an author (needs ODZEW_AUTHOR_KEY) or single mentions from
                              the index, the mention, dead-letter and alerts topics, and drop
                              them when collected again; shows what matches and asks first
  keys new                    print a new API key (192 random bits) and its teams.yaml line
  validate [--demo]           check the sources, teams and brands files; every problem with file,
                              line, field and fix
  run [--demo] [SERVICE…]     run the pipeline services (default: all of them) until Ctrl-C;
                              --demo also runs the demo review site with config/demo/*
  help                        show this

Environment: KAFKA_BROKERS, SEARCH_URL (+ SEARCH_USERNAME, SEARCH_PASSWORD), ODZEW_TOPIC_PREFIX,
ODZEW_INDEX_PREFIX, ODZEW_SOURCES_FILE, ODZEW_TEAMS_FILE, ODZEW_BRANDS_FILE, LOG_LEVEL; see README.md.`;


const logger = createLogger({ service: "odzew", level: env.LOG_LEVEL });

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "setup": {
      const { values } = parseArgs({ args: rest, options: { teams: { type: "string" } }, strict: true });
      for (const line of await setup(env, values.teams ?? env.ODZEW_TEAMS_FILE, logger)) process.stdout.write(`${line}\n`);
      return 0;
    }
    case "backfill": {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { pages: { type: "string" } },
        allowPositionals: true,
        strict: true,
      });
      const [sourceId] = positionals;
      if (!sourceId || positionals.length > 1) throw usageError("backfill takes one source id");
      const pages = values.pages === undefined ? undefined : Number(values.pages);
      if (pages !== undefined && !(Number.isInteger(pages) && pages >= 1 && pages <= 10_000)) {
        throw usageError("--pages takes a whole number from 1 to 10000");
      }
      process.stdout.write(`${await backfill(env, sourceId, { logger, ...(pages ? { pages } : {}) })}\n`);
      return 0;
    }
    case "enrich": {
      const { values } = parseArgs({
        args: rest,
        options: { brands: { type: "string" }, "sentiment-model": { type: "string" }, topics: { type: "string" } },
        strict: true,
      });
      if (!values.brands) throw usageError("enrich needs --brands FILE (the brands file, see README)");
      const { errors } = await enrichStream({
        brandsFile: values.brands,
        sentimentModelFile: values["sentiment-model"],
        topicsFile: values.topics,
        authorKey: process.env.ODZEW_AUTHOR_KEY,
        input: process.stdin,
        output: process.stdout,
        logger,
      });
      return errors > 0 ? 3 : 0;
    }
    case "sentiment": {
      const [sub, ...options] = rest;
      if (sub !== "train") throw usageError(`unknown sentiment command "${sub ?? ""}"; try: sentiment train --input FILE --out FILE`);
      const { values } = parseArgs({ args: options, options: { input: { type: "string" }, out: { type: "string" } }, strict: true });
      if (!values.input || !values.out) throw usageError("sentiment train needs --input FILE and --out FILE");
      for (const line of await trainFromFile(values.input, values.out)) process.stdout.write(`${line}\n`);
      return 0;
    }
    case "reindex": {
      const { values } = parseArgs({ args: rest, options: { teams: { type: "string" } }, strict: true });
      const teamsFile = values.teams ?? env.ODZEW_TEAMS_FILE;
      const { teams } = await loadTeamsFile(teamsFile);
      const report = await withPipeline(env, logger, (kafka, store, topics) =>
        rebuildIndex({
          kafka,
          store,
          topics,
          teams,
          replicas: env.SEARCH_REPLICAS,
          logger,
          onProgress: (what, count) => process.stderr.write(`\r${what}: ${count.toLocaleString("en")}   `),
        }),
      );
      process.stderr.write("\n");
      process.stdout.write(
        `reindexed ${report.mentions} mentions and ${report.events} workflow events in ${report.seconds} s` +
          `${report.skippedErased ? `; ${report.skippedErased} of erased authors skipped` : ""}${report.rejected ? `; ${report.rejected} refused by the engine (see the log)` : ""}\n`,
      );
      return report.rejected > 0 ? 3 : 0;
    }
    case "erase": {
      const { values } = parseArgs({
        args: rest,
        options: {
          author: { type: "string" },
          mention: { type: "string", multiple: true },
          reference: { type: "string" },
          yes: { type: "boolean", default: false },
          "dry-run": { type: "boolean", default: false },
        },
        strict: true,
      });
      const parsed = parseEraseRequest(values, lumpedTogether);
      if (!parsed.ok) throw usageError(parsed.reason);
      const authorKey = process.env.ODZEW_AUTHOR_KEY;
      if (parsed.request.author !== undefined && !authorKey) {
        throw usageError("erase --author needs ODZEW_AUTHOR_KEY, the enricher's pseudonym key, to find the author's pseudonym");
      }
      const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
      const { lines, exitCode } = await withPipeline(env, logger, (kafka, store, topics) =>
        runErase({ kafka, store, topics, logger, authorKey }, parsed.request, {
          yes: values.yes,
          dryRun: values["dry-run"],
          confirm: interactive ? askYes : undefined,
        }),
      );
      for (const line of lines) process.stdout.write(`${line}\n`);
      return exitCode;
    }
    case "keys": {
      if (rest[0] !== "new" || rest.length > 1) throw usageError("keys takes one subcommand: keys new");
      const { key, sha256 } = newKey();
      process.stdout.write(`key:    ${key}\nstore:  keys: [{ sha256: ${sha256} }]   # in teams.yaml; hand out the key, keep only the hash\n`);
      return 0;
    }
    case "validate": {
      const { values } = parseArgs({ args: rest, options: { demo: { type: "boolean", default: false } }, strict: true });
      const dir = values.demo ? "config/demo" : "config";
      const { report, error } = await validateConfig({
        sources: values.demo ? `${dir}/sources.yaml` : env.ODZEW_SOURCES_FILE,
        teams: values.demo ? `${dir}/teams.yaml` : env.ODZEW_TEAMS_FILE,
        brands: values.demo ? `${dir}/brands.yaml` : env.ODZEW_BRANDS_FILE,
        alerts: values.demo ? `${dir}/alerts.yaml` : (process.env.ODZEW_ALERTS_FILE ?? "config/alerts.yaml"),
      });
      for (const line of report) process.stdout.write(`${line}\n`);
      if (error) throw error;
      return 0;
    }
    case "run": {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { demo: { type: "boolean", default: false } },
        allowPositionals: true,
        strict: true,
      });
      const unknown = positionals.filter((name) => !(SERVICES as readonly string[]).includes(name));
      if (unknown.length > 0) throw usageError(`unknown service(s): ${unknown.join(", ")}; known: ${SERVICES.join(", ")}`);
      const services: string[] = positionals.length > 0 ? positionals : [...PIPELINE];
      const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "info" };
      let demo: ReturnType<typeof demoKeys> | undefined;
      if (values.demo) {
        childEnv.ODZEW_SOURCES_FILE = "config/demo/sources.yaml";
        childEnv.ODZEW_TEAMS_FILE = "config/demo/teams.yaml";
        childEnv.ODZEW_BRANDS_FILE = "config/demo/brands.yaml";
        childEnv.ODZEW_ALERTS_FILE = "config/demo/alerts.yaml";
        // A fixed key only for the demo; a real deployment sets its own secret.
        childEnv.ODZEW_AUTHOR_KEY ??= "odzew-demo-author-key-not-for-production";
        demo = demoKeys(".stack/demo-keys.env", process.env);
        for (const [team, variable] of Object.entries(DEMO_KEY_VARIABLES)) childEnv[variable] = demo[team as keyof typeof demo];
        if (!services.includes("demo-site")) services.unshift("demo-site");
        for (const line of await setup(env, childEnv.ODZEW_TEAMS_FILE, logger)) process.stdout.write(`${line}\n`);
      }
      const apiBase = `http://${env.API_HOST}:${env.API_PORT}`;
      return runServices({
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
            `  API:         ${apiBase}/api/v1/mentions`,
            `  OpenAPI:     ${apiBase}/api/v1/openapi.json`,
            ...(demo
              ? [
                  `  Demo site:   http://127.0.0.1:${env.DEMO_SITE_PORT}/opinie (a new review every 45 s)`,
                  `  Demo keys:   (also in .stack/demo-keys.env)`,
                  ...Object.entries(demo).map(([team, key]) => `    ${team.padEnd(8)} ${key}`),
                  `  Try:         curl -s -H "Authorization: Bearer ${demo.pr}" '${apiBase}/api/v1/mentions?q=dostawa'`,
                  `               curl -s -H "Authorization: Bearer ${demo.service}" '${apiBase}/api/v1/queue'`,
                ]
              : []),
            "  Ctrl-C stops the services; scripts/stack down stops Kafka and the search engine.",
            "",
          ];
          process.stdout.write(`${lines.join("\n")}\n`);
        },
      });
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw usageError(`unknown command "${command}"`);
  }
}

/** Asks on the terminal; only an explicit yes counts. */
async function askYes(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes|t|tak)$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

function usageError(message: string): OdzewError {
  return new OdzewError("CONFIG_INVALID", `${message}\n\n${USAGE}`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`odzew: ${error instanceof OdzewError ? error.message : describeError(error)}\n`);
  process.exitCode = 1;
} finally {
  logger.flush();
}

