import { describe, expect, it } from "vitest";
import { ANONYMOUS_AUTHOR, pseudonymiseAuthor } from "@odzew/nlp";
import { isErasedMention } from "@odzew/schema";
import {
  alertWithout,
  compacted,
  deadLetterMatches,
  decideErase,
  foldName,
  judgeAuthorName,
  mentionRecordMatches,
  parseEraseRequest,
  type ErasureCounts,
  type ErasureTarget,
} from "./erase-rules.ts";

const KEY = "erase-rules-test-key-0123456789";
const pseudonymise = (name: string) => pseudonymiseAuthor(name, KEY);
const lumped = (name: string) => pseudonymiseAuthor(name, KEY) === ANONYMOUS_AUTHOR;
const ID = (n: number) => n.toString(16).padStart(32, "0");

describe("which names may be erased", () => {
  it.each([
    "Anonim", "anonim", "ANONIM", "Anonimowy", "Anonimowa", "Anonimowy użytkownik", "anonimowy uzytkownik", "Użytkownik", "Uzytkownik",
    "Użytkownik Google", "Klient", "Klientka", "Gość", "Gosc", "Kupujący", "Kupujacy", "A Google user", "A Google User", "Google user",
    "Anonymous", "Customer", "App Store user", "Verified customer", "Zweryfikowany klient", "Zweryfikowana klientka", "anonim123",
    "  Klient.  ", "Guest", "n/a", "-", "", "   ", "?!", "Użytkownik Ceneo", "Klient sklepu", "Gość 12",
  ])("refuses the placeholder %j", (name) => {
    const verdict = judgeAuthorName(name, lumped);
    expect(verdict.ok).toBe(false);
  });

  it.each(["Bożena Świątek", "Jan Kowalski", "Ola", "tomek88", "Marek_z_Łodzi", "Klientowicz", "Pan Kowalski", "Anna Gość"])("accepts the name %j", (name) => {
    expect(judgeAuthorName(name, lumped)).toEqual({ ok: true });
  });

  it("refuses whatever the enricher's pseudonym lumps together, even when the list here misses it", () => {
    expect(judgeAuthorName("Jan Kowalski", (name) => name === "Jan Kowalski").ok).toBe(false);
  });

  it("folds case, diacritics (ł too) and punctuation", () => {
    expect(foldName("  ŁUKASZ  Żółć-Gęślą! ")).toBe("lukasz zolc gesla");
  });

  it("tells what to do instead of erasing a placeholder", () => {
    const verdict = judgeAuthorName("Anonim", lumped);
    expect(verdict.ok ? "" : verdict.reason).toMatch(/--mention ID/);
  });
});

describe("what a request is", () => {
  it("takes an author, mention ids (normalised, deduplicated) and a reference", () => {
    expect(parseEraseRequest({ author: "Jan Kowalski", mention: [ID(1).toUpperCase(), ID(1), ID(2)], reference: "RODO-1" }, lumped)).toEqual({
      ok: true,
      request: { author: "Jan Kowalski", mentionIds: [ID(1), ID(2)], reference: "RODO-1" },
    });
  });

  it("needs an author or a mention, refuses bad ids and placeholder names", () => {
    expect(parseEraseRequest({}, lumped)).toMatchObject({ ok: false, reason: expect.stringMatching(/--author NAME .* or --mention ID/) });
    expect(parseEraseRequest({ mention: ["123"] }, lumped)).toMatchObject({ ok: false, reason: expect.stringContaining('not "123"') });
    expect(parseEraseRequest({ author: "A Google user" }, lumped)).toMatchObject({ ok: false });
    expect(parseEraseRequest({ author: "" }, lumped)).toMatchObject({ ok: false });
  });
});

describe("which copies belong to an erasure", () => {
  const target = (): ErasureTarget => ({ pseudonyms: new Set([pseudonymise("Bożena Świątek")]), names: ["Bożena Świątek"], mentionIds: new Set([ID(9)]) });

  it("matches raw copies by the stored name put through the same pseudonym, whatever its case and spacing", () => {
    const raw = (name: string, id = ID(1)) => JSON.stringify({ id, author: { name }, text: "x" });
    expect(mentionRecordMatches(ID(1), raw(" bożena   ŚWIĄTEK"), target(), pseudonymise)).toBe(true);
    expect(mentionRecordMatches(ID(1), raw("Bożena Świątkowa"), target(), pseudonymise)).toBe(false);
    // A copy that fails every schema still has its author read.
    expect(mentionRecordMatches(ID(1), JSON.stringify({ schemaVersion: 99, author: { name: "Bożena Świątek" } }), target(), pseudonymise)).toBe(true);
  });

  it("matches enriched copies by pseudonym, and any copy by an erased id", () => {
    const enriched = JSON.stringify({ id: ID(2), authorPseudonym: pseudonymise("Bożena Świątek"), text: "x" });
    expect(mentionRecordMatches(ID(2), enriched, target(), pseudonymise)).toBe(true);
    expect(mentionRecordMatches(ID(9), "{}", target(), pseudonymise)).toBe(true);
  });

  it("matches a copy that is not JSON by the name as a JSON string in it", () => {
    expect(mentionRecordMatches(ID(3), '{"author":{"name":"Bożena Świątek"},"text":"cut sh', target(), pseudonymise)).toBe(true);
    expect(mentionRecordMatches(ID(3), '{"author":{"name":"Jan"},"text":"cut sh', target(), pseudonymise)).toBe(false);
  });

  it("matches dead letters by key, by their payload (utf8, base64 or truncated) and never an unrelated one", () => {
    const letter = (original: Record<string, unknown>) => JSON.stringify({ schemaVersion: 1, stage: "enrich", reason: { code: "X", message: "x" }, original });
    const payload = JSON.stringify({ id: ID(4), author: { name: "Bożena Świątek" }, rating: { value: 9 } });
    expect(deadLetterMatches(ID(4), letter({ key: ID(4), value: payload, encoding: "utf8" }), target(), pseudonymise)).toBe(true);
    expect(deadLetterMatches(ID(4), letter({ key: ID(4), value: Buffer.from(payload).toString("base64"), encoding: "base64" }), target(), pseudonymise)).toBe(true);
    expect(deadLetterMatches(ID(4), letter({ key: ID(4), value: payload.slice(0, 80), encoding: "utf8", truncated: { bytes: 999, sha256: "x" } }), target(), pseudonymise)).toBe(true);
    expect(deadLetterMatches(ID(9), letter({ key: ID(9), value: null, encoding: "utf8" }), target(), pseudonymise)).toBe(true);
    expect(deadLetterMatches(ID(5), letter({ key: ID(5), value: JSON.stringify({ author: { name: "Jan" } }), encoding: "utf8" }), target(), pseudonymise)).toBe(false);
  });

  it("never matches by name when only mentions are erased", () => {
    const byId: ErasureTarget = { pseudonyms: new Set(), names: [], mentionIds: new Set([ID(9)]) };
    expect(mentionRecordMatches(ID(1), JSON.stringify({ id: ID(1), author: { name: "Bożena Świątek" } }), byId, () => "")).toBe(false);
  });
});

describe("the erasures applied to mentions collected again", () => {
  const erased = new Set([pseudonymise("Bożena Świątek"), `mention:${ID(7)}`, ANONYMOUS_AUTHOR]);
  const has = (key: string) => erased.has(key);

  it("drops the erased author's and the erased mention, nobody else's", () => {
    expect(isErasedMention({ id: ID(1), authorPseudonym: pseudonymise("bożena świątek") }, has)).toBe(true);
    expect(isErasedMention({ id: ID(7) }, has)).toBe(true);
    expect(isErasedMention({ id: ID(1), authorPseudonym: pseudonymise("Jan") }, has)).toBe(false);
  });

  it("never applies an erasure of the anonymous pseudonym (one written before erase refused it)", () => {
    expect(isErasedMention({ id: ID(1), authorPseudonym: pseudonymise("Anonim") }, has)).toBe(false);
  });
});

describe("a compacted topic", () => {
  it("keeps the latest value per key and forgets tombstoned keys, whatever came before", () => {
    const view = compacted([
      { key: "a", value: 1 },
      { key: "b", value: 2 },
      { key: "a", value: null },
      { key: "b", value: 3 },
      { key: null, value: 4 },
      { key: "c", value: null },
      { key: "c", value: 5 },
    ]);
    expect([...view]).toEqual([
      ["b", 3],
      ["c", 5],
    ]);
  });
});

describe("alerts without the erased mentions", () => {
  const target: ErasureTarget = { pseudonyms: new Set([pseudonymise("Bożena Świątek")]), names: ["Bożena Świątek"], mentionIds: new Set([ID(1)]) };
  const alert = {
    schemaVersion: 1,
    key: "spike:zuraw:opineo:negative",
    futureField: { kept: true },
    mentions: [
      { id: ID(1), source: "opineo", text: "erased" },
      { id: ID(2), source: "opineo", text: "kept" },
      { id: ID(3), source: "opineo", text: "by author", author: "Bożena Świątek" },
    ],
  };

  it("removes the erased mentions and keeps every other field as the alerter wrote it", () => {
    expect(alertWithout(alert, target, pseudonymise)).toEqual({ ...alert, mentions: [alert.mentions[1]] });
  });

  it("leaves an alert that names none of them alone", () => {
    expect(alertWithout({ ...alert, mentions: [alert.mentions[1]] }, target, pseudonymise)).toBeUndefined();
    expect(alertWithout("not an alert", target, pseudonymise)).toBeUndefined();
  });
});

describe("whether to go ahead", () => {
  const counts: ErasureCounts = { index: 3, raw: 4, enriched: 4, deadLetters: 1, alerts: 1, mentions: 5 };

  it("only tells on a dry run, and goes ahead with --yes", () => {
    expect(decideErase({ counts, yes: true, dryRun: true, interactive: true, author: true })).toMatchObject({ action: "dry-run", message: expect.stringContaining("matches 5 mentions") });
    expect(decideErase({ counts, yes: true, dryRun: false, interactive: false, author: true })).toEqual({ action: "proceed" });
  });

  it("asks on a terminal, and refuses without one, with the count and the way to confirm", () => {
    expect(decideErase({ counts, yes: false, dryRun: false, interactive: true, author: false })).toMatchObject({ action: "ask", question: expect.stringContaining("[y/N]") });
    const refused = decideErase({ counts, yes: false, dryRun: false, interactive: false, author: true });
    expect(refused).toMatchObject({ action: "refuse" });
    expect(refused.action === "refuse" && refused.message).toMatch(/matches 5 mentions \(index 3, raw topic 4, enriched topic 4, dead letters 1, alerts 1\).*--yes.*--dry-run/);
  });
});
