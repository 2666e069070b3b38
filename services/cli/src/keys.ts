import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A new API key (192 random bits) and the line that stores its hash in teams.yaml. */
export function newKey(): { key: string; sha256: string } {
  const key = randomBytes(24).toString("base64url");
  return { key, sha256: createHash("sha256").update(key, "utf8").digest("hex") };
}

export const DEMO_KEY_VARIABLES = { pr: "ODZEW_DEMO_PR_KEY", service: "ODZEW_DEMO_SERVICE_KEY", cx: "ODZEW_DEMO_CX_KEY" } as const;

/**
 * The demo teams' keys: random on the first demo start, then kept in `file` (git-ignored,
 * readable by the owner only) so the keys a user copied keep working. Set in the environment,
 * they win.
 */
export function demoKeys(file: string, env: NodeJS.ProcessEnv): Record<keyof typeof DEMO_KEY_VARIABLES, string> {
  const stored = new Map<string, string>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const match = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
      if (match) stored.set(match[1]!, match[2]!);
    }
  }
  const keys = Object.fromEntries(
    Object.entries(DEMO_KEY_VARIABLES).map(([team, variable]) => [team, env[variable] ?? stored.get(variable) ?? newKey().key]),
  ) as Record<keyof typeof DEMO_KEY_VARIABLES, string>;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Object.entries(DEMO_KEY_VARIABLES).map(([team, variable]) => `${variable}=${keys[team as keyof typeof keys]}\n`).join(""), { mode: 0o600 });
  return keys;
}
