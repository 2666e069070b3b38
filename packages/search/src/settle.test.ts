import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import type { BulkFailure, BulkOutcome } from "./bulk.ts";
import { writeSettled } from "./settle.ts";

/** A workflow event, say: several share a mention id and must be written together. */
interface Item {
  id: string;
  seq: number;
}

type Verdict = "ok" | "retry" | "reject";

/**
 * A pure fake engine: `verdict(id, round)` decides each id's fate in each round (the items of one
 * id are one document, so they share it). It records every round's items.
 */
function fakeEngine(verdict: (id: string, round: number) => Verdict) {
  const rounds: Item[][] = [];
  const write = (pending: Item[]): Promise<BulkOutcome> => {
    rounds.push(pending);
    const round = rounds.length;
    const outcome: BulkOutcome = { indexed: [], retryable: [], rejected: [] };
    for (const id of new Set(pending.map((item) => item.id))) {
      const fate = verdict(id, round);
      if (fate === "ok") outcome.indexed.push(id);
      else if (fate === "retry") outcome.retryable.push({ id, status: 429, reason: `busy (round ${round})` });
      else outcome.rejected.push({ id, status: 400, reason: `mapper_parsing_exception: ${id}` });
    }
    return Promise.resolve(outcome);
  };
  return { write, rounds };
}

const idOf = (item: Item) => item.id;
const noPause = () => Promise.resolve();
const items = (spec: [id: string, count: number][]): Item[] => {
  let seq = 0;
  return spec.flatMap(([id, count]) => Array.from({ length: count }, () => ({ id, seq: seq++ })));
};

describe("writeSettled", () => {
  it("retries passing refusals until every item is stored, pausing between rounds", async () => {
    const engine = fakeEngine((id, round) => (id === "b" && round < 4 ? "retry" : "ok"));
    const pauses: { attempt: number; pending: number }[] = [];
    const refused = await writeSettled(items([["a", 1], ["b", 2], ["c", 1]]), idOf, engine.write, (attempt, _outcome, pending) => {
      pauses.push({ attempt, pending });
      return Promise.resolve();
    });
    expect(refused).toEqual([]);
    expect(engine.rounds.map((round) => round.map((item) => item.id))).toEqual([["a", "b", "b", "c"], ["b", "b"], ["b", "b"], ["b", "b"]]);
    expect(pauses).toEqual([{ attempt: 1, pending: 2 }, { attempt: 2, pending: 2 }, { attempt: 3, pending: 2 }]);
  });

  it("keeps the items of one id together and in order when they retry or fail", async () => {
    const engine = fakeEngine((id, round) => (id === "m1" && round === 1 ? "retry" : id === "m2" ? "reject" : "ok"));
    const batch = items([["m1", 3], ["m2", 2], ["m3", 1]]);
    const refused = await writeSettled(batch, idOf, engine.write, noPause);
    expect(engine.rounds[1]).toEqual(batch.filter((item) => item.id === "m1"));
    expect(refused.map(({ item }) => item)).toEqual(batch.filter((item) => item.id === "m2"));
    expect(new Set(refused.map(({ failure }) => failure.reason))).toEqual(new Set(["mapper_parsing_exception: m2"]));
  });

  it("returns each final refusal once and never writes it again", async () => {
    // The engine names the refused id twice, and once more as retryable: still one refusal per item.
    const write = (pending: Item[]): Promise<BulkOutcome> => {
      calls.push(pending);
      if (calls.length > 3) return Promise.reject(new Error("written again after a final refusal"));
      const failure: BulkFailure = { id: "x", status: 400, reason: "document_parsing_exception" };
      return Promise.resolve({ indexed: ["y"], rejected: [failure, failure], retryable: [{ id: "x", status: 503, reason: "unavailable" }] });
    };
    const calls: Item[][] = [];
    const refused = await writeSettled(items([["x", 2], ["y", 1]]), idOf, write, noPause);
    expect(calls).toHaveLength(1);
    expect(refused.map(({ item }) => item.seq)).toEqual([0, 1]);
  });

  it("sends an id reported retryable twice once in the next round", async () => {
    let round = 0;
    const calls: Item[][] = [];
    const write = (pending: Item[]): Promise<BulkOutcome> => {
      calls.push(pending);
      round++;
      const busy = { id: "x", status: 429, reason: "busy" };
      return Promise.resolve(round === 1 ? { indexed: [], rejected: [], retryable: [busy, busy] } : { indexed: ["x"], rejected: [], retryable: [] });
    };
    await writeSettled(items([["x", 2]]), idOf, write, noPause);
    expect(calls.map((call) => call.map((item) => item.seq))).toEqual([[0, 1], [0, 1]]);
  });

  it("stops when the pause says so, without another write", async () => {
    const engine = fakeEngine(() => "retry");
    const stop = new Error("worker stopping");
    await expect(
      writeSettled(items([["a", 1]]), idOf, engine.write, (attempt) => (attempt === 3 ? Promise.reject(stop) : Promise.resolve())),
    ).rejects.toBe(stop);
    expect(engine.rounds).toHaveLength(3);
  });

  it("writes nothing for no items", async () => {
    const engine = fakeEngine(() => "ok");
    expect(await writeSettled([], idOf, engine.write, noPause)).toEqual([]);
    expect(engine.rounds).toEqual([]);
  });

  it("settles every item exactly once, whatever the engine does (seeded)", async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const ids = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, index) => `m${index}`);
      const batch = items(ids.map((id) => [id, 1 + Math.floor(random() * 4)]));
      // Each id: some rounds of passing refusals, then stored or refused for good.
      const plan = new Map(ids.map((id) => [id, { retries: Math.floor(random() * 4), final: random() < 0.2 ? "reject" : "ok" } as const]));
      const engine = fakeEngine((id, round) => {
        const { retries, final } = plan.get(id)!;
        return round <= retries ? "retry" : final;
      });
      const refused = await writeSettled(batch, idOf, engine.write, noPause);

      const expectedRefused = batch.filter((item) => plan.get(item.id)!.final === "reject");
      expect(refused.map(({ item }) => item).sort((a, b) => a.seq - b.seq), `seed ${seed}`).toEqual(expectedRefused);
      for (const item of batch) {
        const { retries } = plan.get(item.id)!;
        const writes = engine.rounds.filter((round) => round.includes(item)).length;
        // Written once per round until its id settles: never again after success or refusal.
        expect(writes, `seed ${seed}, item ${item.seq}`).toBe(retries + 1);
      }
      for (const round of engine.rounds) {
        // The items of one id travel together, in their original order.
        for (const id of new Set(round.map((item) => item.id))) {
          expect(round.filter((item) => item.id === id), `seed ${seed}`).toEqual(batch.filter((item) => item.id === id));
        }
      }
      expect(engine.rounds).toHaveLength(1 + Math.max(...[...plan.values()].map((entry) => entry.retries)));
    }
  });
});
