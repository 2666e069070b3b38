import { createHash } from "node:crypto";
import { OdzewError } from "@odzew/core";
import type { TeamConfig } from "@odzew/schema";

export const hashKey = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex");

/**
 * Resolve every team's keys to their SHA-256 hashes. Keys given by environment variable must
 * be set; a key shared by two teams is refused, since a key must name exactly one team.
 */
export function resolveTeamKeys(teams: TeamConfig[], env: NodeJS.ProcessEnv, file: string): Map<string, TeamConfig> {
  const byHash = new Map<string, TeamConfig>();
  const problems: string[] = [];
  teams.forEach((team, teamIndex) => {
    team.keys.forEach((key, keyIndex) => {
      let hash: string;
      if ("sha256" in key) {
        hash = key.sha256;
      } else {
        const value = env[key.env];
        if (!value) {
          problems.push(`${file}: teams[${teamIndex}].keys[${keyIndex}]: environment variable ${key.env} is not set; set it to the team's API key or remove this entry`);
          return;
        }
        if (value.length < 16) {
          problems.push(`${file}: teams[${teamIndex}].keys[${keyIndex}]: the key in ${key.env} is shorter than 16 characters; use a long random key`);
          return;
        }
        hash = hashKey(value);
      }
      const owner = byHash.get(hash);
      if (owner && owner.id !== team.id) {
        problems.push(`${file}: teams[${teamIndex}].keys[${keyIndex}]: the same key is also given to team "${owner.id}"; every key must belong to one team`);
        return;
      }
      byHash.set(hash, team);
    });
  });
  if (problems.length > 0) throw new OdzewError("CONFIG_INVALID", problems.join("\n"));
  return byHash;
}
