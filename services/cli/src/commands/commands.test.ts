import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { backfillCommand } from "./backfill.ts";
import { enrichCommand } from "./enrich.ts";
import { eraseCommand } from "./erase.ts";
import { COMMANDS, commandHelp, dispatch, usageText } from "./index.ts";
import { keysCommand } from "./keys.ts";
import { reindexCommand } from "./reindex.ts";
import { runCommand } from "./run.ts";
import { sentimentCommand } from "./sentiment.ts";
import { setupCommand } from "./setup.ts";
import { validateCommand } from "./validate.ts";

const MENTION = "0123456789abcdef0123456789abcdef";

describe("odzew's dispatcher", () => {
  it("lists every command's usage from its module, in one help text", () => {
    const usage = usageText();
    expect(usage.startsWith("Usage: odzew <command> [options]\n\nCommands:\n  setup [--teams FILE]")).toBe(true);
    for (const command of COMMANDS) expect(usage).toContain(command.usage);
    expect(COMMANDS.map((command) => command.name)).toEqual(["setup", "backfill", "enrich", "sentiment", "rescore", "reindex", "erase", "keys", "replies", "validate", "run"]);
    expect(usage).toContain("  help                        show this");
  });

  it("shows the usage for help (exit 0) and without a command (exit 2), a command's help for COMMAND --help, and refuses an unknown command", () => {
    expect(dispatch([])).toEqual({ kind: "usage", exitCode: 2 });
    for (const word of ["help", "--help", "-h"]) expect(dispatch([word])).toEqual({ kind: "usage", exitCode: 0 });
    expect(dispatch(["backfill", "--help"])).toEqual({ kind: "command-help", command: backfillCommand });
    expect(commandHelp(backfillCommand)).toContain("backfill SOURCE [--pages N]");
    expect(dispatch(["backfill", "shop", "--pages", "3"])).toEqual({ kind: "run", command: backfillCommand, args: ["shop", "--pages", "3"] });
    expect(dispatch(["nope"])).toEqual({ kind: "unknown", name: "nope" });
  });
});

describe("arguments of each command", () => {
  it("name the flag and the fix for an unknown option, a missing value, a value on a switch, or a stray argument", () => {
    expect(backfillCommand.parse(["shop", "--page", "3"])).toEqual({ ok: false, reason: "unknown option --page for backfill; backfill takes --pages N" });
    expect(backfillCommand.parse(["shop", "--pages"])).toEqual({ ok: false, reason: "--pages needs a value (--pages N)" });
    expect(backfillCommand.parse(["shop", "--pages", "-5"])).toEqual({ ok: false, reason: "--pages needs a value (--pages N); for a value starting with a dash write --pages=VALUE" });
    expect(eraseCommand.parse(["--mention", MENTION, "--yes=no"])).toEqual({ ok: false, reason: "--yes takes no value; write just --yes" });
    expect(setupCommand.parse(["teams.yaml"])).toEqual({ ok: false, reason: 'unexpected argument "teams.yaml" for setup; setup takes --teams FILE' });
    expect(validateCommand.parse(["--strict"])).toEqual({ ok: false, reason: "unknown option --strict for validate; validate takes --demo" });
  });

  it("backfill: one source id, and --pages a whole number from 1 to 10000", () => {
    expect(backfillCommand.parse(["shop"])).toEqual({ ok: true, options: { sourceId: "shop" } });
    expect(backfillCommand.parse(["shop", "--pages", "250"])).toEqual({ ok: true, options: { sourceId: "shop", pages: 250 } });
    expect(backfillCommand.parse([])).toEqual({ ok: false, reason: "backfill takes one source id (an id from the sources file), and none was given" });
    expect(backfillCommand.parse(["a", "b"])).toEqual({ ok: false, reason: "backfill takes one source id (an id from the sources file), not 2: a b" });
    const random = seededRandom(3);
    for (let round = 0; round < 200; round++) {
      const value = Math.floor(random() * 30_000) - 10_000;
      const text = random() < 0.2 ? `${value}.5` : String(value);
      const parsed = backfillCommand.parse(["shop", `--pages=${text}`]);
      const valid = !text.includes(".") && value >= 1 && value <= 10_000;
      expect(parsed, text).toEqual(valid ? { ok: true, options: { sourceId: "shop", pages: value } } : { ok: false, reason: `--pages takes a whole number from 1 to 10000, not "${text}"` });
    }
  });

  it("enrich needs --brands; sentiment train needs --input and --out", () => {
    expect(enrichCommand.parse([])).toEqual({ ok: false, reason: "enrich needs --brands FILE (the brands file, see README)" });
    expect(enrichCommand.parse(["--brands", "b.yaml", "--topics", "t.yaml"])).toEqual({ ok: true, options: { brandsFile: "b.yaml", topicsFile: "t.yaml" } });
    expect(sentimentCommand.parse(["forget"])).toEqual({ ok: false, reason: 'unknown sentiment command "forget"; try: sentiment train --input FILE --out FILE, sentiment learn, sentiment rollback --to VERSION' });
    expect(sentimentCommand.parse(["train", "--out", "m.json"])).toEqual({ ok: false, reason: "sentiment train needs --input FILE and --out FILE (--input is missing)" });
    expect(sentimentCommand.parse(["train", "--input", "r.ndjson", "--out", "m.json"])).toEqual({ ok: true, options: { input: "r.ndjson", out: "m.json" } });
  });

  it("erase: an author or mention ids, never both missing, ids as the API shows them, confirmation flags", () => {
    expect(eraseCommand.parse([])).toEqual({ ok: false, reason: "erase needs --author NAME (the name as the source shows it) or --mention ID (repeatable)" });
    expect(eraseCommand.parse(["--mention", "abc"])).toEqual({ ok: false, reason: '--mention takes a mention id (32 hex characters, as the API shows it), not "abc"' });
    expect(eraseCommand.parse(["--mention", MENTION.toUpperCase(), "--mention", MENTION, "--dry-run"])).toEqual({
      ok: true,
      options: { request: { mentionIds: [MENTION] }, yes: false, dryRun: true },
    });
    expect(eraseCommand.parse(["--author", "Bożena Świątek", "--reference", "RODO-1", "--yes"])).toEqual({
      ok: true,
      options: { request: { author: "Bożena Świątek", mentionIds: [], reference: "RODO-1" }, yes: true, dryRun: false },
    });
  });

  it("keys, setup, reindex, validate and run take what they took before", () => {
    expect(keysCommand.parse(["new"])).toEqual({ ok: true, options: { subcommand: "new" } });
    expect(keysCommand.parse([])).toEqual({ ok: false, reason: "keys takes one subcommand: keys new" });
    expect(keysCommand.parse(["new", "--x"])).toEqual({ ok: false, reason: 'keys takes one subcommand: keys new (not "new --x")' });
    expect(setupCommand.parse(["--teams", "t.yaml"])).toEqual({ ok: true, options: { teams: "t.yaml" } });
    expect(reindexCommand.parse([])).toEqual({ ok: true, options: {} });
    expect(validateCommand.parse(["--demo"])).toEqual({ ok: true, options: { demo: true } });
    expect(runCommand.parse([])).toEqual({ ok: true, options: { demo: false, services: ["indexer", "enricher", "collector", "scheduler", "alerter", "api", "responder"] } });
    expect(runCommand.parse(["--demo", "api"])).toEqual({ ok: true, options: { demo: true, services: ["api"] } });
    expect(runCommand.parse(["apii"])).toEqual({ ok: false, reason: "unknown service(s): apii; known: demo-site, indexer, enricher, collector, scheduler, alerter, api, responder" });
  });
});
