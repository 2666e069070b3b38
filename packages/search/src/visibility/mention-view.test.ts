import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { HIDEABLE_FIELDS, teamSchema } from "@odzew/schema";
import { PERSONAL_FIELDS, hide, isPseudonymousView, projectMention, sourceFilter, type HideableField, type MentionDocument, type PersonalField } from "./mention-view.ts";

const team = (view: "full" | "pseudonymous", extra: Record<string, unknown> = {}) =>
  teamSchema.parse({ id: "t", name: "T", keys: [{ env: "K" }], slice: { brands: ["zuraw"], window: "90d" }, view, ...extra });

const AT = "2026-11-27T10:00:00.000Z";

/** A stored mention as the indexer writes it, every optional field present. */
const stored = (id: string): MentionDocument => ({
  schemaVersion: 1,
  id,
  source: { id: "opineo-sklep", type: "opineo" },
  nativeId: "r-1",
  url: "https://opinie.example.pl/r-1",
  author: { name: "Klient", profileUrl: "https://opinie.example.pl/u/1" },
  title: "Tytuł",
  text: "Tekst opinii",
  rating: { value: 2, original: 2, scaleMin: 1, scaleMax: 5 },
  lang: "pl",
  langConfidence: 0.9,
  publishedAt: AT,
  collectedAt: AT,
  enrichedAt: AT,
  enrichment: { version: "1" },
  reach: { votes: 3 },
  reply: { text: "Dziękujemy", author: "Zespół", publishedAt: AT },
  details: { pros: ["szybko"], cons: ["drogo"], verifiedPurchase: true },
  brandHints: ["zuraw"],
  sentiment: { label: "negative", score: -0.5, model: "lexicon" },
  brands: [{ id: "zuraw", via: "source" }],
  topics: ["delivery"],
  authorPseudonym: "a_0000000000000001",
  personalData: [],
  priority: { score: 40, level: "high", reasons: [] },
  workflow: { status: "claimed", assignee: "ola@zuraw.pl", notes: 1, updatedAt: AT, history: [{ eventId: "e1", type: "claimed", actor: "ola@zuraw.pl", team: "service", at: AT }] },
  sampleKey: 1,
});

/**
 * Where each personal field sits in a document, carrying `marker` there only. A Record over the
 * list: a field added to PERSONAL_FIELDS does not compile here until its test carrier exists.
 */
const CARRIERS: Record<PersonalField, (doc: MentionDocument, marker: string) => MentionDocument> = {
  author: (doc, marker) => ({ ...doc, author: { name: marker } }),
  url: (doc, marker) => ({ ...doc, url: `https://opinie.example.pl/${marker}` }),
  nativeId: (doc, marker) => ({ ...doc, nativeId: marker }),
  "source.id": (doc, marker) => ({ ...doc, source: { id: marker, type: "opineo" } }),
  "reply.text": (doc, marker) => ({ ...doc, reply: { text: marker } }),
  "reply.author": (doc, marker) => ({ ...doc, reply: { text: "Dziękujemy", author: marker } }),
  "details.pros": (doc, marker) => ({ ...doc, details: { pros: [marker] } }),
  "details.cons": (doc, marker) => ({ ...doc, details: { cons: [marker] } }),
  "workflow.history": (doc, marker) => ({
    ...doc,
    workflow: { status: "open", notes: 1, updatedAt: AT, history: [{ eventId: "e", type: "noted", actor: "x", team: "t", at: AT, note: marker }] },
  }),
  "workflow.assignee": (doc, marker) => ({ ...doc, workflow: { status: "claimed", assignee: marker, notes: 0, updatedAt: AT, history: [] } }),
  "workflow.reply": (doc, marker) => ({
    ...doc,
    workflow: {
      status: "answered",
      notes: 0,
      updatedAt: AT,
      history: [],
      reply: { version: 1, status: "sent", operation: "post", channel: "api", text: `Dzień dobry, ${marker}`, draftedBy: "ola", draftedAt: AT, failures: 0 },
    },
  }),
};

/** Whether a dotted path is present in a projected view. */
function hasPath(value: object, path: string): boolean {
  const [field, inner] = path.split(".");
  const top = (value as Record<string, unknown>)[field ?? ""];
  if (inner === undefined) return top !== undefined;
  return typeof top === "object" && top !== null && inner in top;
}

const pick = <T>(random: () => number, items: readonly T[]): T[] => items.filter(() => random() < 0.5);

describe("personal fields", () => {
  it("keeps every personal field of the list out of the pseudonymous view, which the full view shows", () => {
    for (const field of PERSONAL_FIELDS) {
      const marker = `PERSONAL-${field.replace(".", "-")}`;
      const doc = CARRIERS[field](stored("a".repeat(32)), marker);
      expect(JSON.stringify(projectMention(doc, team("full"))), field).toContain(marker);
      const seen = projectMention(doc, team("pseudonymous"));
      expect(JSON.stringify(seen), field).not.toContain(marker);
      expect(hasPath(seen, field), field).toBe(false);
    }
  });

  it("never lets a personal field through, whatever else a document carries and the team hides (seeded cases)", () => {
    const random = seededRandom(20261129);
    for (let round = 0; round < 300; round++) {
      const carried = pick(random, PERSONAL_FIELDS);
      const doc = carried.reduce((current, field) => CARRIERS[field](current, `PERSONAL-${round}-${field.replace(".", "-")}`), stored(round.toString(16).padStart(32, "0")));
      // Some optional fields missing, as in older documents or after the engine's source filter.
      for (const field of pick(random, ["reply", "details", "workflow", "author", "url", "masked"] as const)) delete doc[field];
      const hidden = pick(random, HIDEABLE_FIELDS);
      const seen = projectMention(doc, team("pseudonymous", { hide: hidden }));
      expect(JSON.stringify(seen), `round ${round}`).not.toContain("PERSONAL-");
      for (const field of PERSONAL_FIELDS) expect(hasPath(seen, field), `round ${round}: ${field}`).toBe(false);
      expect(isPseudonymousView(seen)).toBe(true);
    }
  });

  it("asks the engine not to send any personal field to the pseudonymous view, and only the hidden ones to the full view", () => {
    expect(sourceFilter(team("pseudonymous")).excludes).toEqual([...PERSONAL_FIELDS]);
    expect(sourceFilter(team("pseudonymous", { hide: ["rating"] })).excludes).toEqual(["rating", ...PERSONAL_FIELDS]);
    expect(sourceFilter(team("full"))).toEqual({ excludes: [] });
    expect(sourceFilter(team("full", { hide: ["reply", "url"] }))).toEqual({ excludes: ["reply", "url"] });
  });
});

describe("hide", () => {
  it("removes every hidden field in both views, and nothing else (seeded cases)", () => {
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const hidden = pick(random, HIDEABLE_FIELDS);
      for (const view of ["full", "pseudonymous"] as const) {
        const doc = stored("b".repeat(32));
        const seen = projectMention(doc, team(view, { hide: hidden }));
        const open = projectMention(doc, team(view));
        for (const field of hidden) expect(seen, `${view} hide ${field}`).not.toHaveProperty(field);
        const kept = Object.keys(open).filter((key) => !(hidden as readonly string[]).includes(key));
        expect(Object.keys(seen).sort(), view).toEqual(kept.sort());
      }
    }
  });

  it("is the identity without hidden fields and idempotent", () => {
    const seen = projectMention(stored("c".repeat(32)), team("full"));
    expect(hide(seen, [])).toBe(seen);
    const fields: HideableField[] = ["rating", "workflow"];
    expect(hide(hide(seen, fields), fields)).toEqual(hide(seen, fields));
  });
});

describe("links", () => {
  it("drops links that are not http(s) in both views, seeded over schemes and spellings", () => {
    const random = seededRandom(11);
    const schemes = ["javascript:", "JaVaScRiPt:", "data:", "file://", "vbscript:", " javascript:", "ftp://"];
    for (let round = 0; round < 100; round++) {
      const scheme = schemes[Math.floor(random() * schemes.length)]!;
      const link = `${scheme}alert(${round})`;
      const doc = { ...stored("d".repeat(32)), url: link, author: { name: "A", profileUrl: link } };
      const full = projectMention(doc, team("full"));
      expect(full, link).not.toHaveProperty("url");
      expect(full.author, link).toEqual({ name: "A" });
      expect(JSON.stringify(projectMention(doc, team("pseudonymous"))), link).not.toContain(link);
    }
    expect(projectMention(stored("d".repeat(32)), team("full")).url).toBe("https://opinie.example.pl/r-1");
  });
});

describe("views", () => {
  const doc: MentionDocument = {
    id: "a".repeat(32),
    nativeId: "r-1",
    url: "https://opinie.example.pl/r-1",
    author: { name: "Bożena Świątek" },
    authorPseudonym: "a_0123456789abcdef",
    title: "Reklamacja",
    text: "Proszę o kontakt: bozena@example.pl",
    masked: { title: "Reklamacja", text: "Proszę o kontakt: [e-mail]" },
    reply: { text: "Pani Bożeno, odezwiemy się." },
    details: { pros: ["tel. 601 234 567"], verifiedPurchase: true },
    workflow: { status: "answered", assignee: "ola@zuraw.pl", notes: 0, updatedAt: "2026-11-27T10:00:00.000Z", history: [] },
    sampleKey: 12345,
  };

  it("shows the pseudonymous view masked text, a pseudonym and whether there is a reply, nothing personal", () => {
    const seen = projectMention(doc, team("pseudonymous"));
    expect(seen).toEqual({
      id: doc.id,
      authorPseudonym: doc.authorPseudonym,
      title: "Reklamacja",
      text: "Proszę o kontakt: [e-mail]",
      hasReply: true,
      details: { verifiedPurchase: true },
      workflow: { status: "answered", notes: 0, updatedAt: "2026-11-27T10:00:00.000Z" },
    });
    expect(sourceFilter(team("pseudonymous")).excludes).toEqual(expect.arrayContaining(["author", "url", "reply.text", "workflow.history"]));
  });

  it("shows the pseudonymous view the source type, never the source id", () => {
    const seen = projectMention({ ...doc, source: { id: "opineo-sklep", type: "opineo" } }, team("pseudonymous"));
    expect(seen.source).toEqual({ type: "opineo" });
    expect(sourceFilter(team("pseudonymous")).excludes).toContain("source.id");
    expect(projectMention({ ...doc, source: { id: "opineo-sklep", type: "opineo" } }, team("full")).source).toEqual({ id: "opineo-sklep", type: "opineo" });
  });

  it("never serves a link that is not http(s), in either view", () => {
    for (const url of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "vbscript:x", "not a url"]) {
      const seen = projectMention({ ...doc, url, author: { name: "A", profileUrl: url } }, team("full"));
      expect(seen, url).not.toHaveProperty("url");
      expect(seen.author, url).toEqual({ name: "A" });
    }
    expect(projectMention(doc, team("full")).url).toBe(doc.url);
  });

  it("shows the full view everything but internals, minus what the team hides", () => {
    const seen = projectMention(doc, team("full", { hide: ["reply", "url"] }));
    expect(seen.author).toEqual({ name: "Bożena Świątek" });
    expect(seen.text).toBe(doc.text);
    expect(seen).not.toHaveProperty("reply");
    expect(seen).not.toHaveProperty("url");
    expect(seen).not.toHaveProperty("masked");
    expect(seen).not.toHaveProperty("sampleKey");
  });
});
