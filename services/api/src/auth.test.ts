import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { teamSchema, type TeamConfig } from "@odzew/schema";
import { testLogger } from "@odzew/testing";
import { TeamKeys, TeamRegistry, generateKey, hashKey, keyStrengthProblem } from "./auth.ts";

const team = (id: string, keys: TeamConfig["keys"]): TeamConfig => teamSchema.parse({ id, name: id, keys, slice: {} });

describe("team keys", () => {
  const prKey = generateKey();
  const cxKey = generateKey();

  it("finds each key's team, from a hash or an environment variable, and nothing for a guess", () => {
    const keys = TeamKeys.resolve([team("pr", [{ sha256: hashKey(prKey) }]), team("cx", [{ env: "CX_KEY" }])], { CX_KEY: cxKey }, "teams.yaml");
    expect(keys.authenticate(prKey)?.id).toBe("pr");
    expect(keys.authenticate(cxKey)?.id).toBe("cx");
    expect(keys.authenticate(`${prKey}x`)).toBeUndefined();
    expect(keys.authenticate("")).toBeUndefined();
  });

  it("refuses a missing or weak key variable and a key shared by two teams, naming file and entry", () => {
    expect(() => TeamKeys.resolve([team("pr", [{ env: "NOPE" }])], {}, "teams.yaml")).toThrow(
      "teams.yaml: teams[0].keys[0]: environment variable NOPE is not set",
    );
    expect(() => TeamKeys.resolve([team("pr", [{ env: "SHORT" }])], { SHORT: "odzew-demo-pr" }, "teams.yaml")).toThrow(
      /teams\[0\]\.keys\[0\]: the key in SHORT is 13 characters long; use at least 32/,
    );
    const shared = { sha256: hashKey(prKey) };
    expect(() => TeamKeys.resolve([team("pr", [shared]), team("cx", [shared])], {}, "teams.yaml")).toThrow(
      /teams\[1\]\.keys\[0\]: the same key is also given to team "pr"/,
    );
  });

  it("asks for 128 random bits: long enough, from a key alphabet, not a repeated pattern", () => {
    expect(keyStrengthProblem(generateKey())).toBeUndefined();
    expect(keyStrengthProblem("0123456789abcdef0123456789abcdef")).toBeUndefined(); // 128 bits as hex
    expect(keyStrengthProblem("a".repeat(40))).toMatch(/repeats too few characters/);
    expect(keyStrengthProblem("correct horse battery staple and more")).toMatch(/outside the hex and base64 alphabets/);
    expect(generateKey()).not.toBe(generateKey());
  });
});

describe("team registry", () => {
  it("rotates a key when teams.yaml changes, and keeps the old teams when the new file is broken", async () => {
    const dir = await mkdtemp(join(tmpdir(), "odzew-teams-"));
    const file = join(dir, "teams.yaml");
    const [oldKey, newKey] = [generateKey(), generateKey()];
    const write = (key: string) =>
      writeFile(file, `teams:\n  - id: pr\n    name: PR\n    keys: [{ sha256: ${hashKey(key)} }]\n    slice: { brands: [zuraw] }\n`);
    await write(oldKey);
    const registry = await TeamRegistry.load(file, {}, testLogger("auth"));
    const reloaded: string[][] = [];
    registry.onReload((teams) => void reloaded.push(teams.map((entry) => entry.id)));
    expect(registry.keys.authenticate(oldKey)?.id).toBe("pr");

    await write(newKey);
    expect(await registry.reload()).toBe(true);
    expect(registry.keys.authenticate(newKey)?.id).toBe("pr");
    expect(registry.keys.authenticate(oldKey)).toBeUndefined();
    expect(reloaded).toEqual([["pr"]]);

    await writeFile(file, "teams:\n  - id: pr\n    name: PR\n    keys: []\n");
    expect(await registry.reload()).toBe(false);
    expect(registry.keys.authenticate(newKey)?.id).toBe("pr");
    expect(reloaded).toHaveLength(1);
  });
});
