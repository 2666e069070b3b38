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
});
