import { describe, expect, it } from "vitest";
import { TeamLimiter } from "./limits.ts";

describe("heavy reads per team", () => {
  it("gives each team its own slots and frees a slot once, however often it is released", () => {
    const limiter = new TeamLimiter(2);
    const first = limiter.tryAcquire("cx");
    const second = limiter.tryAcquire("cx");
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(limiter.tryAcquire("cx")).toBeUndefined();
    // Another team is not held up by this one.
    expect(limiter.tryAcquire("pr")).toBeDefined();
    first!();
    first!();
    expect(limiter.inUse("cx")).toBe(1);
    expect(limiter.tryAcquire("cx")).toBeDefined();
    expect(limiter.tryAcquire("cx")).toBeUndefined();
  });

  it("lets a read beyond the limit wait its turn: the freed slot goes to the first waiting, in order", async () => {
    const limiter = new TeamLimiter(1);
    const running = limiter.tryAcquire("cx")!;
    const order: string[] = [];
    const second = limiter.acquire("cx", { waitMs: 5_000 }).then((release) => (order.push("second"), release));
    const third = limiter.acquire("cx", { waitMs: 5_000 }).then((release) => (order.push("third"), release));
    expect(limiter.queued("cx")).toBe(2);
    // Nobody jumps the queue while others wait.
    expect(limiter.tryAcquire("cx")).toBeUndefined();
    running();
    const secondRelease = await second;
    expect(secondRelease).toBeDefined();
    expect(order).toEqual(["second"]);
    expect(limiter.inUse("cx")).toBe(1);
    secondRelease!();
    (await third)!();
    expect(order).toEqual(["second", "third"]);
    expect(limiter.inUse("cx")).toBe(0);
    expect(limiter.queued("cx")).toBe(0);
  });

  it("refuses a read that waited too long, one beyond the waiting room, and one whose client went away", async () => {
    const limiter = new TeamLimiter(1, 1);
    const running = limiter.tryAcquire("cx")!;
    expect(await limiter.acquire("cx", { waitMs: 30 })).toBeUndefined();
    expect(limiter.queued("cx")).toBe(0);

    const client = new AbortController();
    const waiting = limiter.acquire("cx", { waitMs: 5_000, signal: client.signal });
    // The waiting room holds one.
    expect(await limiter.acquire("cx", { waitMs: 5_000 })).toBeUndefined();
    client.abort();
    expect(await waiting).toBeUndefined();
    expect(limiter.queued("cx")).toBe(0);
    // The slot it would have had goes back to the team.
    running();
    expect(limiter.inUse("cx")).toBe(0);
    expect(await limiter.acquire("cx", { waitMs: 0 })).toBeDefined();
  });
});
