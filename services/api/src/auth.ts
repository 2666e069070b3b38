import { watchFile, unwatchFile } from "node:fs";
import { loadTeamsFile } from "@odzew/config";
import { OdzewError, describeError, hashBytes, hashKey, keyStrengthProblem, matchKey, type Logger } from "@odzew/core";
import type { TeamConfig } from "@odzew/schema";

/** Making, hashing and checking keys lives in @odzew/core (keys.ts); re-exported for the API's callers. */
export { generateKey, hashKey, keyStrengthProblem } from "@odzew/core";

interface KeyEntry {
  hash: Uint8Array;
  team: TeamConfig;
}

/**
 * Every team's keys, stored as SHA-256 hashes only. A presented key is hashed and compared with
 * every stored hash in constant time (no early exit, no map lookup keyed by it), so neither the
 * key nor which team it almost matched leaks through timing.
 */
export class TeamKeys {
  /** The stored hashes, in the order of `entries`. */
  private readonly hashes: Uint8Array[];

  private constructor(
    private readonly entries: KeyEntry[],
    readonly teams: TeamConfig[],
  ) {
    this.hashes = entries.map((entry) => entry.hash);
  }

  /**
   * Resolve the teams' keys: hashes as given, keys from environment variables hashed here (set,
   * and strong enough). A key shared by two teams is refused: a key names exactly one team.
   */
  static resolve(teams: TeamConfig[], env: NodeJS.ProcessEnv, file: string): TeamKeys {
    const entries: KeyEntry[] = [];
    const owners = new Map<string, string>();
    const problems: string[] = [];
    teams.forEach((team, teamIndex) => {
      team.keys.forEach((key, keyIndex) => {
        const where = `${file}: teams[${teamIndex}].keys[${keyIndex}]`;
        let hash: string;
        if ("sha256" in key) {
          hash = key.sha256;
        } else {
          const value = env[key.env];
          if (!value) {
            problems.push(`${where}: environment variable ${key.env} is not set; set it to the team's API key or remove this entry`);
            return;
          }
          const weak = keyStrengthProblem(value);
          if (weak) {
            problems.push(`${where}: the key in ${key.env} ${weak}`);
            return;
          }
          hash = hashKey(value);
        }
        const owner = owners.get(hash);
        if (owner && owner !== team.id) {
          problems.push(`${where}: the same key is also given to team "${owner}"; every key must belong to one team`);
          return;
        }
        owners.set(hash, team.id);
        entries.push({ hash: hashBytes(hash), team });
      });
    });
    if (problems.length > 0) throw new OdzewError("CONFIG_INVALID", problems.join("\n"));
    return new TeamKeys(entries, teams);
  }

  /** The team a presented key belongs to, if any (compared in constant time: `matchKey`). */
  authenticate(key: string): TeamConfig | undefined {
    return this.entries[matchKey(key, this.hashes)]?.team;
  }
}

/**
 * The teams file, read at start and again whenever it changes (or on SIGHUP): keys are rotated
 * and slices changed without a restart. A changed file that does not validate is refused with
 * the loader's message (file, field, fix) and the previous teams stay in force.
 */
export class TeamRegistry {
  private current: TeamKeys;
  private readonly listeners: ((teams: TeamConfig[]) => Promise<void> | void)[] = [];
  private watching = false;

  private constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger: Logger,
    initial: TeamKeys,
  ) {
    this.current = initial;
  }

  static async load(file: string, env: NodeJS.ProcessEnv, logger: Logger): Promise<TeamRegistry> {
    const { teams } = await loadTeamsFile(file);
    return new TeamRegistry(file, env, logger, TeamKeys.resolve(teams, env, file));
  }

  get keys(): TeamKeys {
    return this.current;
  }

  get teams(): TeamConfig[] {
    return this.current.teams;
  }

  /** Called with the new teams after every successful reload. */
  onReload(listener: (teams: TeamConfig[]) => Promise<void> | void): void {
    this.listeners.push(listener);
  }

  /** Read the file again; true when the new teams are in force. */
  async reload(): Promise<boolean> {
    try {
      const { teams } = await loadTeamsFile(this.file);
      this.current = TeamKeys.resolve(teams, this.env, this.file);
      for (const listener of this.listeners) await listener(teams);
      this.logger.info({ teams: teams.map((team) => team.id) }, `teams reloaded from ${this.file}`);
      return true;
    } catch (error) {
      this.logger.error(`teams file not reloaded, the previous teams stay in force: ${describeError(error)}`);
      return false;
    }
  }

  /** Reload when the file changes (polled, so it works on every file system) and on SIGHUP. */
  watch(intervalMs = 2_000): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(this.file, { interval: intervalMs }, (now, before) => {
      if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) void this.reload();
    });
    process.on("SIGHUP", this.onHangup);
  }

  stop(): void {
    if (!this.watching) return;
    unwatchFile(this.file);
    process.off("SIGHUP", this.onHangup);
    this.watching = false;
  }

  private readonly onHangup = () => void this.reload();
}
