import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { alertsFileSchema, type Alert, type SourceAlert } from "@odzew/schema";
import { bookOf, openedAlert, resolvedAlert } from "./book.ts";
import {
  decide,
  judge,
  meanAndSd,
  reachResolutions,
  reachSteps,
  redeliveries,
  sourceHealthSteps,
  spikeDraft,
  spikeSteps,
  transition,
  type AlertStep,
  type LookCounts,
  type LoudMention,
  type PeriodCounts,
} from "./rules.ts";

const spike = alertsFileSchema.parse({}).spike; // 60m, 14 days, k = 3, at least 5, 7 active days

describe("spike detection", () => {
  it("computes the baseline's mean and standard deviation", () => {
    expect(meanAndSd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: 2 });
    expect(meanAndSd([])).toEqual({ mean: 0, sd: 0 });
  });

  it("calls a count above mean + 3σ of the same hour on past days a spike, and one below it calm", () => {
    // A busy app that hears about ten negative reviews in this hour on a usual day.
    const history = [8, 12, 10, 10, 9, 11, 10, 8, 12, 10, 10, 9, 11, 10];
    const burst = judge(14, history, 14, spike);
    expect(burst.kind).toBe("spike");
    if (burst.kind === "spike") expect(burst.baseline).toEqual({ mean: 10, sd: 1.2, threshold: 13.59, days: 14 });
    expect(judge(13, history, 14, spike).kind).toBe("calm");
  });

  it("needs at least the minimum count, however quiet the baseline", () => {
    // mean 0 and σ 0: without a floor, a single review would be a "crisis".
    const quiet = new Array(14).fill(0);
    expect(judge(1, quiet, 10, spike).kind).toBe("calm");
    expect(judge(4, quiet, 10, spike).kind).toBe("calm");
    expect(judge(5, quiet, 10, spike).kind).toBe("spike");
  });

  it("gives no verdict without enough history, rather than calm or crisis", () => {
    const verdict = judge(40, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2], 2, spike);
    expect(verdict.kind).toBe("unknown");
    if (verdict.kind === "unknown") expect(verdict.reason).toContain("only 2 of the past 14 days");
  });

  it("opens an alert once per spike, keeps it quiet while it lasts, and resolves it after", () => {
    expect(transition(false, "spike")).toBe("open");
    expect(transition(true, "spike")).toBe("keep");
    expect(transition(true, "calm")).toBe("resolve");
    expect(transition(false, "calm")).toBe("none");
    // Unknown (or a source in trouble) is neither a new crisis nor the end of one.
    expect(transition(true, "unknown")).toBe("none");
    expect(transition(false, "unknown")).toBe("none");
  });
});

describe("a look at one brand × source × sentiment", () => {
  const blocked = { code: "BLOCKED" as const, message: "HTTP 403 twice in a row", since: "2026-11-27T14:10:00.000Z" };
  const history = [8, 12, 10, 10, 9, 11, 10, 8, 12, 10, 10, 9, 11, 10];

  it("never judges a source whose collector reports a health problem: no crisis, and no calm that ends one", () => {
    // 40 angry reviews would be a crisis, but the collector is retrying pages it already read.
    const flood = decide({ count: 40, history, activeDays: 14, spike, sourceAlert: blocked, open: false });
    expect(flood).toEqual({ verdict: { kind: "unknown", count: 40, reason: "the source's collector reports BLOCKED" }, step: "none" });
    // A blocked source falls silent; its open crisis is not over for that.
    const silence = decide({ count: 0, history, activeDays: 14, spike, sourceAlert: { ...blocked, code: "LAYOUT_CHANGED" }, open: true });
    expect(silence.step).toBe("none");
    // The same counts on a healthy source.
    expect(decide({ count: 40, history, activeDays: 14, spike, sourceAlert: undefined, open: false }).step).toBe("open");
    expect(decide({ count: 0, history, activeDays: 14, spike, sourceAlert: undefined, open: true }).step).toBe("resolve");
  });

  it("judges a quiet source by its whole days: empty hours in the baseline are history, not its absence", () => {
    // A shop with a few reviews a day: this hour was empty on most past days, yet it had reviews every day.
    const quiet = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0];
    const burst = decide({ count: 9, history: quiet, activeDays: 14, spike, sourceAlert: undefined, open: false });
    expect(burst.verdict).toMatchObject({ kind: "spike", count: 9, baseline: { mean: 0.21, sd: 0.41, threshold: 5, days: 14 } });
    expect(burst.step).toBe("open");
  });

  it("fires again for a new spike after the last one was resolved, and only once per spike", () => {
    const looks = [14, 16, 15, 9, 8, 22, 25, 10];
    let open = false;
    const steps: string[] = [];
    for (const count of looks) {
      const { step } = decide({ count, history, activeDays: 14, spike, sourceAlert: undefined, open });
      steps.push(step);
      if (step === "open") open = true;
      if (step === "resolve") open = false;
    }
    expect(steps).toEqual(["open", "keep", "keep", "resolve", "none", "open", "keep", "resolve"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Whole looks: what the rules decide against the alert book, applied as the alerter applies them.
// ---------------------------------------------------------------------------------------------

const config = alertsFileSchema.parse({});
const HOUR = 3_600_000;
const t0 = new Date("2026-11-27T15:00:00.000Z");
const hours = (count: number) => new Date(t0.getTime() + count * HOUR);

/** Counts of one look: `negative` per brand|source now, and the same on every past day. */
function countsOf(now: Record<string, number>, past: Record<string, number>, activeDays = 14): LookCounts {
  const period = (counts: Record<string, number>): PeriodCounts =>
    new Map(Object.entries(counts).map(([pair, count]) => [pair, { total: count, sentiment: new Map([["negative", count]]) }]));
  return {
    current: period(now),
    history: Array.from({ length: 14 }, () => period(past)),
    activeDays: new Map(Object.keys({ ...now, ...past }).map((pair) => [pair, activeDays])),
  };
}

/** One look without I/O: the steps of every rule in the alerter's order, each applied to the book before the next rule. */
function look(
  book: Map<string, Alert>,
  input: { now: Date; counts: LookCounts; health?: Map<string, SourceAlert | undefined>; loud?: LoudMention[] },
): { opened: string[]; resolved: string[] } {
  const health = input.health ?? new Map<string, SourceAlert | undefined>();
  const outcome = { opened: [] as string[], resolved: [] as string[] };
  const apply = (steps: AlertStep[]) => {
    for (const step of steps) {
      if (step.kind === "open") {
        book.set(step.key, openedAlert(step.draft, [], input.now));
        outcome.opened.push(step.key);
      } else {
        book.set(step.key, resolvedAlert(step.alert, input.now, step.message));
        outcome.resolved.push(step.key);
      }
    }
  };
  apply(sourceHealthSteps(book, health, input.now));
  for (const spike of spikeSteps(book, input.counts, health, config.spike)) {
    const decided = spike.step;
    if (decided.kind === "open") apply([{ kind: "open", key: spike.key, draft: spikeDraft({ ...spike, step: decided }, { mentions: [], languages: ["pl"] }, "60m", input.now) }]);
    if (decided.kind === "resolve") apply([{ kind: "resolve", key: spike.key, alert: decided.alert, message: decided.message }]);
  }
  apply(reachSteps(book, input.loud ?? [], input.now));
  apply(reachResolutions(book, input.now, config.reach));
  return outcome;
}

const loud = (id: string, publishedAt: Date): LoudMention => ({
  mention: { id, sourceType: "opineo", reach: 612, sentiment: "negative", publishedAt: publishedAt.toISOString() },
  brand: "zuraw",
  source: "opineo-sklep",
  lang: "pl",
});
const blocked: SourceAlert = { code: "BLOCKED", message: "HTTP 403 at https://example.pl/opinie?token=sekret", since: t0.toISOString() };

describe("a look: the alerts the rules open and resolve", () => {
  it("opens a spike with its message and numbers, and says why it is over when it ends", () => {
    const book = bookOf([]);
    expect(look(book, { now: t0, counts: countsOf({ "zuraw|opineo-sklep": 14 }, { "zuraw|opineo-sklep": 1 }) }).opened).toEqual(["spike:zuraw:opineo-sklep:negative"]);
    const alert = book.get("spike:zuraw:opineo-sklep:negative");
    // The window counted travels with the alert: the dashboard draws it on the chart.
    expect(alert).toMatchObject({ kind: "spike", status: "open", window: "60m", count: 14, languages: ["pl"], baseline: { mean: 1, sd: 0, threshold: 5, days: 14 } });
    expect(alert?.message).toBe("Negative spike: 14 negative mentions of zuraw on opineo-sklep in the last 60m (usually 1 ± 0; threshold 5)");
    const calm = look(book, { now: hours(1), counts: countsOf({ "zuraw|opineo-sklep": 2 }, { "zuraw|opineo-sklep": 1 }) });
    expect(calm.resolved).toEqual(["spike:zuraw:opineo-sklep:negative"]);
    expect(book.get("spike:zuraw:opineo-sklep:negative")?.message).toBe("Over: 2 negative mentions of zuraw on opineo-sklep in the last 60m (threshold 5).");
    // A spike whose mentions are gone from the window entirely still ends: an open alert is always looked at.
    look(book, { now: hours(2), counts: countsOf({ "zuraw|opineo-sklep": 9 }, { "zuraw|opineo-sklep": 1 }) });
    expect(look(book, { now: hours(3), counts: countsOf({}, { "zuraw|opineo-sklep": 1 }) }).resolved).toEqual(["spike:zuraw:opineo-sklep:negative"]);
  });

  it("opens one source-health alert while a collector is in trouble, without the secrets in its message, and resolves it after", () => {
    const book = bookOf([]);
    const health = new Map([["opineo-sklep", blocked]]);
    const counts = countsOf({ "zuraw|opineo-sklep": 40 }, { "zuraw|opineo-sklep": 1 });
    expect(look(book, { now: t0, counts, health })).toEqual({ opened: ["source-health:opineo-sklep"], resolved: [] });
    expect(book.get("source-health:opineo-sklep")?.message).not.toContain("sekret");
    expect(look(book, { now: hours(1), counts, health })).toEqual({ opened: [], resolved: [] });
    const fine = look(book, { now: hours(2), counts, health: new Map([["opineo-sklep", undefined]]) });
    expect(fine.resolved).toEqual(["source-health:opineo-sklep"]);
    // Read again, its flood of 40 is judged now.
    expect(fine.opened).toEqual(["spike:zuraw:opineo-sklep:negative"]);
  });

  it("raises a high-reach mention once, ever, and resolves it when it is no longer news", () => {
    const book = bookOf([]);
    const counts = countsOf({}, {});
    const mention = loud("m1", hours(-1));
    expect(look(book, { now: t0, counts, loud: [mention, mention] }).opened).toEqual(["reach:m1"]);
    expect(book.get("reach:m1")?.message).toBe("High-reach mention of zuraw on opineo-sklep: reach 612, negative");
    expect(look(book, { now: hours(1), counts, loud: [mention] }).opened).toEqual([]);
    expect(look(book, { now: hours(24), counts, loud: [] }).resolved).toEqual(["reach:m1"]);
    expect(book.get("reach:m1")?.message).toContain("(published over 24h ago: no longer news)");
    expect(look(book, { now: hours(25), counts, loud: [mention] }).opened).toEqual([]);
  });

  it("sends again only open alerts still owed to a webhook that this look did not handle", () => {
    const owed = openedAlert({ key: "reach:a", kind: "reach", message: "a", openedAt: t0.toISOString(), mentions: [] }, ["hook#1"], t0);
    const taken: Alert = { ...owed, key: "reach:b", delivered: true, deliveries: [{ webhook: "hook#1", status: "delivered", attempts: 1, at: t0.toISOString() }] };
    const over = resolvedAlert({ ...owed, key: "reach:c" }, t0, "over");
    const book = bookOf([owed, taken, over]);
    expect(redeliveries(book, new Set(), ["hook#1"]).map((alert) => alert.key)).toEqual(["reach:a"]);
    expect(redeliveries(book, new Set(["reach:a"]), ["hook#1"])).toEqual([]);
  });

  it("for any counts, health and loud mentions: the same look run twice opens and resolves nothing the second time", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const pick = (below: number) => Math.floor(random() * below);
      const pairs = ["zuraw|opineo-sklep", "zuraw|ceneo-sklep", "bocian|app-store-pl", "bocian|sklep-maps"];
      const now: Record<string, number> = {};
      const past: Record<string, number> = {};
      for (const pair of pairs) {
        if (random() < 0.8) now[pair] = pick(30);
        past[pair] = pick(12);
      }
      const health = new Map(pairs.map((pair) => [pair.split("|")[1]!, random() < 0.2 ? blocked : undefined]));
      const mentions = Array.from({ length: pick(5) }, (_, index) => loud(`m${seed}-${index}`, hours(-pick(30))));
      const book = bookOf([]);
      // A history of earlier looks, so that some alerts are open and some resolved.
      for (let earlier = -5; earlier < 0; earlier++) look(book, { now: hours(earlier), counts: countsOf(now, past, 3 + pick(12)), health, loud: mentions });
      const input = { now: t0, counts: countsOf(now, past), health, loud: mentions };
      look(book, input);
      const before = [...book.values()];
      expect(look(book, input), `seed ${seed}`).toEqual({ opened: [], resolved: [] });
      expect([...book.values()], `seed ${seed}`).toEqual(before);
    }
  });

  it("over a long history of looks in any order of windows, a crisis opens at most once until it is resolved, and only on a spike of a healthy source", () => {
    const key = "spike:zuraw:opineo-sklep:negative";
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      const book = bookOf([]);
      const events: string[] = [];
      // Windows in a random order: a late window's look must not undo the book's state.
      const windows = Array.from({ length: 300 }, (_, index) => index).sort(() => random() - 0.5);
      for (const window of windows) {
        const count = Math.floor(random() * 20);
        const sick = random() < 0.1;
        const health = new Map([["opineo-sklep", sick ? blocked : undefined]]);
        const wasOpen = book.get(key)?.status === "open";
        const { opened, resolved } = look(book, { now: hours(window), counts: countsOf({ "zuraw|opineo-sklep": count }, { "zuraw|opineo-sklep": 2 }), health });
        const spikeOpened = opened.includes(key);
        const spikeResolved = resolved.includes(key);
        if (spikeOpened) {
          expect(wasOpen, `seed ${seed}`).toBe(false);
          expect(sick || count < 5, `seed ${seed}: opened on count ${count}`).toBe(false);
          events.push("open");
        }
        if (spikeResolved) {
          expect(wasOpen && !sick && count < 5, `seed ${seed}: resolved on count ${count}`).toBe(true);
          events.push("resolve");
        }
        expect(spikeOpened && spikeResolved).toBe(false);
      }
      // Opens and resolves alternate, starting with an open.
      events.forEach((event, index) => expect(event, `seed ${seed}`).toBe(index % 2 === 0 ? "open" : "resolve"));
    }
  });

  it("decides the same whatever order the engine listed the brands and sources in", () => {
    const random = seededRandom(9);
    const entries = Array.from({ length: 12 }, (_, index) => [`brand${index % 3}|source${index}`, 3 + Math.floor(random() * 20)] as const);
    const steps = (order: (readonly [string, number])[]) =>
      spikeSteps(bookOf([]), countsOf(Object.fromEntries(order), Object.fromEntries(order.map(([pair]) => [pair, 1]))), new Map(), config.spike).map((step) => [step.watched, step.step.kind]);
    const expected = steps(entries);
    expect(expected.map(([watched]) => watched)).toEqual([...expected.map(([watched]) => watched)].sort());
    for (let round = 0; round < 20; round++) expect(steps([...entries].sort(() => random() - 0.5))).toEqual(expected);
  });
});
