import { existsSync, unwatchFile, watchFile } from "node:fs";
import { loadRepliesFile } from "@odzew/config";
import { describeError, type Logger } from "@odzew/core";
import type { RepliesFile, TeamConfig } from "@odzew/schema";

/** The replies file a process reads: the one named, else config/replies.yaml when it exists, else none. */
export function repliesFilePath(named: string | undefined, fallback = "config/replies.yaml"): string | undefined {
  if (named) return named;
  return existsSync(fallback) ? fallback : undefined;
}

const NONE: RepliesFile = { templates: [], rules: [] };

/**
 * replies.yaml (templates and reply rules), read at start and again whenever it (or teams.yaml,
 * which its rules name) changes, and on SIGHUP, like the teams file: a changed file that does not
 * validate is refused with the loader's message and the previous templates and rules stay in force.
 */
export class RepliesConfig {
  private watching = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly context: () => { teams: TeamConfig[]; brands: string[] | undefined },
    private readonly logger: Logger,
    private value: RepliesFile,
  ) {}

  /** Read the file (a bad file stops the start with its problems); without a file, no templates and no rules. */
  static async load(file: string | undefined, context: () => { teams: TeamConfig[]; brands: string[] | undefined }, logger: Logger): Promise<RepliesConfig> {
    const value = file ? await loadRepliesFile(file, context()) : NONE;
    return new RepliesConfig(file, context, logger, value);
  }

  get current(): RepliesFile {
    return this.value;
  }

  /** Read the file again; true when the new templates and rules are in force. */
  async reload(): Promise<boolean> {
    if (!this.file) return true;
    try {
      this.value = await loadRepliesFile(this.file, this.context());
      this.logger.info({ templates: this.value.templates.length, rules: this.value.rules.length }, `replies reloaded from ${this.file}`);
      return true;
    } catch (error) {
      this.logger.error(`replies file not reloaded, the previous templates and rules stay in force: ${describeError(error)}`);
      return false;
    }
  }

  /** Reload when the file changes (polled, so it works on every file system) and on SIGHUP. */
  watch(intervalMs = 2_000): void {
    if (this.watching || !this.file) return;
    this.watching = true;
    watchFile(this.file, { interval: intervalMs }, (now, before) => {
      if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) void this.reload();
    });
    process.on("SIGHUP", this.onHangup);
  }

  stop(): void {
    if (!this.watching || !this.file) return;
    unwatchFile(this.file);
    process.off("SIGHUP", this.onHangup);
    this.watching = false;
  }

  private readonly onHangup = () => void this.reload();
}
