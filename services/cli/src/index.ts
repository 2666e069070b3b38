import { OdzewError, createLogger, describeError } from "@odzew/core";
import { commandHelp, dispatch, usageText } from "./commands/index.ts";
import { env } from "./env.ts";

/**
 * `odzew`: a small dispatcher. Each command (usage, argument parsing, run) is a module in
 * ./commands; this file picks one, runs it, and turns its outcome into an exit code: 0 done,
 * 1 refused (bad arguments or config, named with the fix), 2 no command given, 3 done with
 * problems the output names.
 */
const logger = createLogger({ service: "odzew", level: env.LOG_LEVEL });

async function main(argv: string[]): Promise<number> {
  const action = dispatch(argv);
  switch (action.kind) {
    case "usage":
      process.stdout.write(`${usageText()}\n`);
      return action.exitCode;
    case "command-help":
      process.stdout.write(`${commandHelp(action.command)}\n`);
      return 0;
    case "unknown":
      throw new OdzewError("CONFIG_INVALID", `unknown command "${action.name}"\n\n${usageText()}`);
    case "run":
      return action.command.execute(action.args, { env, logger });
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`odzew: ${error instanceof OdzewError ? error.message : describeError(error)}\n`);
  process.exitCode = 1;
} finally {
  logger.flush();
}
