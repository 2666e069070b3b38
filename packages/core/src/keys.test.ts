import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KEY_BYTES, generateKey, hashBytes, hashKey, keyStrengthProblem, matchKey, newKey, teamsFileKeyEntry } from "./keys.ts";
import { seededRandom } from "./random.ts";

/** Random bytes from the seeded PRNG, so a failing case can be replayed. */
const bytesFrom = (seed: number) => {
  const next = seededRandom(seed);
  return (size: number) => Uint8Array.from({ length: size }, () => Math.floor(next() * 256));
};

describe("API keys", () => {
  it("are 192 random bits, URL-safe, strong enough, and never the same twice", () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const key = generateKey(bytesFrom(seed));
      expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(Buffer.from(key, "base64url")).toHaveLength(KEY_BYTES);
      expect(keyStrengthProblem(key)).toBeUndefined();
      seen.add(key);
    }
    expect(seen.size).toBe(200);
    expect(generateKey()).not.toBe(generateKey());
    expect(() => generateKey(() => new Uint8Array(3))).toThrow(/needs 24 random bytes, got 3/);
  });

  it("are stored as their SHA-256 only, in the teams.yaml line odzew keys new prints", () => {
    const { key, sha256, teamsEntry } = newKey(bytesFrom(7));
    expect(sha256).toBe(createHash("sha256").update(key, "utf8").digest("hex"));
    expect(sha256).toBe(hashKey(key));
    expect(teamsEntry).toBe(`keys: [{ sha256: ${sha256} }]`);
    expect(teamsFileKeyEntry("ab")).toBe("keys: [{ sha256: ab }]");
    expect(teamsEntry).not.toContain(key);
  });

  it("match the stored hash of the same key and nothing else, whatever the order of the entries", () => {
    const keys = Array.from({ length: 20 }, (_, index) => generateKey(bytesFrom(100 + index)));
    const stored = keys.map((key) => hashBytes(hashKey(key)));
    const random = seededRandom(42);
    for (let round = 0; round < 50; round++) {
      const index = Math.floor(random() * keys.length);
      expect(matchKey(keys[index]!, stored)).toBe(index);
      expect(matchKey(`${keys[index]!}x`, stored)).toBe(-1);
      expect(matchKey(keys[index]!.slice(1), stored)).toBe(-1);
    }
    expect(matchKey("", stored)).toBe(-1);
    expect(matchKey(keys[0]!, [])).toBe(-1);
    // The first of two equal entries wins; a stored value of the wrong length never matches.
    expect(matchKey(keys[3]!, [new Uint8Array(5), stored[3]!, stored[3]!])).toBe(1);
  });

  it("refuses a stored hash that is not 64 lowercase hex characters", () => {
    expect(() => hashBytes("ABC")).toThrow("a key hash is 64 lowercase hex characters");
  });

  it("set by hand, need 128 random bits: long enough, from a key alphabet, not a repeated pattern", () => {
    expect(keyStrengthProblem("0123456789abcdef0123456789abcdef")).toBeUndefined(); // 128 bits as hex
    expect(keyStrengthProblem("odzew-demo-pr")).toBe("is 13 characters long; use at least 32 random characters (odzew keys new prints one)");
    expect(keyStrengthProblem("a".repeat(40))).toMatch(/repeats too few characters/);
    expect(keyStrengthProblem("correct horse battery staple and more")).toMatch(/outside the hex and base64 alphabets/);
  });
});
