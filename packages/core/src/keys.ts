import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys, the one owner of their rules: how a key is made, how it is stored (its SHA-256 only),
 * how a presented key is compared with the stored hashes, and how strong a key set by hand must
 * be. Used by `odzew keys new` and the API. No I/O apart from the random bytes of a new key,
 * which a caller may supply.
 */

/** Random bytes in a new key: 192 bits. */
export const KEY_BYTES = 24;

/** A new API key: `KEY_BYTES` random bytes, URL-safe (base64url, 32 characters). */
export function generateKey(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(KEY_BYTES);
  if (bytes.length !== KEY_BYTES) throw new RangeError(`generateKey needs ${KEY_BYTES} random bytes, got ${bytes.length}`);
  return Buffer.from(bytes).toString("base64url");
}

/** The stored form of a key: its SHA-256 as 64 lowercase hex characters. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The teams.yaml entry that stores a key's hash (hand out the key, keep only this). */
export function teamsFileKeyEntry(sha256: string): string {
  return `keys: [{ sha256: ${sha256} }]`;
}

/** A new key, its hash and the teams.yaml entry for it. */
export function newKey(random?: (size: number) => Uint8Array): { key: string; sha256: string; teamsEntry: string } {
  const key = generateKey(random);
  const sha256 = hashKey(key);
  return { key, sha256, teamsEntry: teamsFileKeyEntry(sha256) };
}

/**
 * Which of the stored hashes (hex SHA-256) a presented key matches: the index of the first match,
 * or -1. The key is hashed and compared with every stored hash in constant time, with no early
 * exit and no lookup keyed by it, so neither the key nor which entry it almost matched leaks
 * through timing. A stored hash that is not 32 bytes never matches.
 */
export function matchKey(presented: string, storedHashes: readonly Uint8Array[]): number {
  const hash = createHash("sha256").update(presented, "utf8").digest();
  let found = -1;
  storedHashes.forEach((stored, index) => {
    const equal = stored.length === hash.length && timingSafeEqual(stored, hash);
    if (equal && found === -1) found = index;
  });
  return found;
}

/** A hex SHA-256 as the bytes `matchKey` compares. */
export function hashBytes(sha256: string): Buffer {
  if (!/^[a-f0-9]{64}$/.test(sha256)) throw new RangeError("a key hash is 64 lowercase hex characters (the SHA-256 of the key)");
  return Buffer.from(sha256, "hex");
}

/**
 * Why a key set by hand is too weak, or undefined. At least 128 random bits, as far as a string
 * can tell: 32 or more characters from the hex or base64url alphabets (hex: 4 bits each,
 * base64url: 6), not a short pattern repeated.
 */
export function keyStrengthProblem(key: string): string | undefined {
  if (key.length < 32) return `is ${key.length} characters long; use at least 32 random characters (odzew keys new prints one)`;
  if (!/^[A-Za-z0-9_\-+/=]+$/.test(key)) return "has characters outside the hex and base64 alphabets; use a random key (odzew keys new prints one)";
  if (new Set(key).size < 12) return "repeats too few characters to hold 128 random bits; use a random key (odzew keys new prints one)";
  return undefined;
}
