import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { sampleEnrichedMention } from "@odzew/testing";
import { keepNewest, mentionVersion, ratedMentions, splitByTime, type MentionVersion, type RatedMention } from "./dataset.ts";

const at = (hour: number) => new Date(Date.UTC(2026, 0, 1) + hour * 3_600_000).toISOString();

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let position = copy.length - 1; position > 0; position--) {
    const other = Math.floor(random() * (position + 1));
    [copy[position], copy[other]] = [copy[other] as T, copy[position] as T];
  }
  return copy;
}

describe("the data set: rated Polish mentions, newest version of each", () => {
  it("takes Polish mentions with stars and a letter of text, title and text together", () => {
    const rated = mentionVersion(sampleEnrichedMention({ nativeId: "a", title: "Super", text: "Paczka na czas.", lang: "pl" }));
    expect(rated.rated).toMatchObject({ text: "Super\nPaczka na czas.", rating: 5 });
    expect(mentionVersion(sampleEnrichedMention({ nativeId: "b", lang: "en" })).rated).toBeUndefined();
    expect(mentionVersion(sampleEnrichedMention({ nativeId: "c", lang: "pl", rating: undefined })).rated).toBeUndefined();
    // Stars alone teach the text nothing.
    expect(mentionVersion(sampleEnrichedMention({ nativeId: "d", lang: "pl", title: undefined, text: "  5/5 !!! " })).rated).toBeUndefined();
  });

  it("keeps the newest version of each mention whatever the order the versions are read in, and twice changes nothing", () => {
    const random = seededRandom(11);
    for (let round = 0; round < 50; round++) {
      const versions: MentionVersion[] = [];
      for (let id = 0; id < 8; id++) {
        const count = 1 + Math.floor(random() * 4);
        for (let v = 0; v < count; v++) {
          versions.push({ id: `m${id}`, collectedAt: at(Math.floor(random() * 3)), enrichedAt: at(10 + v), ...(random() < 0.5 ? { rated: { id: `m${id}`, text: `v${v}`, rating: 5, publishedAt: at(0) } } : {}) });
        }
      }
      const newest = (order: MentionVersion[]) => {
        const kept = new Map<string, MentionVersion>();
        for (const version of order) keepNewest(kept, version);
        return kept;
      };
      const reference = newest(versions);
      expect(newest(shuffled(versions, random))).toEqual(reference);
      expect(newest([...versions, ...shuffled(versions, random)])).toEqual(reference);
      for (const [id, kept] of reference) {
        for (const other of versions.filter((version) => version.id === id)) {
          const older = other.collectedAt < kept.collectedAt || (other.collectedAt === kept.collectedAt && other.enrichedAt <= kept.enrichedAt);
          expect(older).toBe(true);
        }
      }
    }
  });

  it("drops a mention whose newest version is no longer rated", () => {
    const kept = new Map<string, MentionVersion>();
    keepNewest(kept, { id: "m", collectedAt: at(2), enrichedAt: at(3) });
    keepNewest(kept, { id: "m", collectedAt: at(1), enrichedAt: at(4), rated: { id: "m", text: "ok", rating: 4, publishedAt: at(0) } });
    expect(ratedMentions(kept.values())).toEqual([]);
  });
});

describe("split by time", () => {
  it("holds out the newest 15 % by publishedAt, whatever the input order", () => {
    const random = seededRandom(3);
    for (let round = 0; round < 30; round++) {
      const size = 20 + Math.floor(random() * 200);
      const mentions: RatedMention[] = Array.from({ length: size }, (_, n) => ({ id: `m${n}`, text: "x", rating: 1 + Math.floor(random() * 5), publishedAt: at(Math.floor(random() * 1000)) }));
      const { train, test } = splitByTime(shuffled(mentions, random));
      expect(train.length + test.length).toBe(size);
      expect(test.length).toBe(size - Math.floor(size * 0.85));
      const newestTrained = Math.max(...train.map((mention) => Date.parse(mention.publishedAt)));
      for (const mention of test) expect(Date.parse(mention.publishedAt)).toBeGreaterThanOrEqual(newestTrained);
      // The same mentions in another order split the same way.
      expect(splitByTime(shuffled(mentions, random))).toEqual({ train, test });
    }
  });

  it("refuses a held-out share outside (0, 1)", () => {
    expect(() => splitByTime([], 0)).toThrow(/held-out share/);
    expect(() => splitByTime([], 1)).toThrow(/held-out share/);
  });
});
