import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { generateKey } from "@odzew/core";

/* Making and hashing keys lives in @odzew/core (keys.ts), shared with the API; `odzew keys new` is commands/keys.ts. */

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
    Object.entries(DEMO_KEY_VARIABLES).map(([team, variable]) => [team, env[variable] ?? stored.get(variable) ?? generateKey()]),
  ) as Record<keyof typeof DEMO_KEY_VARIABLES, string>;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Object.entries(DEMO_KEY_VARIABLES).map(([team, variable]) => `${variable}=${keys[team as keyof typeof keys]}\n`).join(""), { mode: 0o600 });
  return keys;
}

/** The variable holding the demo shop's reply API token (services/demo-site and the responder both read it). */
export const DEMO_SITE_REPLY_TOKEN_VARIABLE = "DEMO_SITE_REPLY_TOKEN";

/**
 * The demo shop's reply API token, made like the demo keys: random on the first demo start, then
 * kept in `file` (git-ignored, owner-only) so a demo site and a responder started apart agree.
 * Set in the environment, it wins.
 */
export function demoSiteReplyToken(file: string, env: NodeJS.ProcessEnv): string {
  const given = env[DEMO_SITE_REPLY_TOKEN_VARIABLE];
  if (given) return given;
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const match = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
      if (match?.[1] === DEMO_SITE_REPLY_TOKEN_VARIABLE && match[2]) return match[2];
    }
  }
  const token = generateKey();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${DEMO_SITE_REPLY_TOKEN_VARIABLE}=${token}\n`, { mode: 0o600 });
  return token;
}
