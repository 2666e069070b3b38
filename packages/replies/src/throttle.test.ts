import { seededRandom } from "@odzew/core";
import { describe, expect, it } from "vitest";
import { EMPTY_THROTTLE, THROTTLE_WINDOW_MS, takeThrottle, type ThrottleState } from "./throttle.ts";

const T0 = Date.parse("2026-11-20T10:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

describe("takeThrottle", () => {
  it("lets `limit` replies through per source in an hour, then refuses until the oldest leaves the window", () => {
    let state: ThrottleState = EMPTY_THROTTLE;
    const allowed: boolean[] = [];
    for (const minute of [0, 10, 20, 30]) {
      const verdict = takeThrottle(state, "play-app", at(minute), 3);
      allowed.push(verdict.allowed);
      state = verdict.state;
    }
    expect(allowed).toEqual([true, true, true, false]);
    const refused = takeThrottle(state, "play-app", at(59), 3);
    expect(refused).toMatchObject({ allowed: false, used: 3, retryAt: at(60) });
    // At 60 minutes the reply of minute 0 is out of the window: one more goes through.
    expect(takeThrottle(state, "play-app", at(60), 3).allowed).toBe(true);
  });

  it("counts each source on its own", () => {
    let state: ThrottleState = EMPTY_THROTTLE;
    state = takeThrottle(state, "play-app", at(0), 1).state;
    expect(takeThrottle(state, "play-app", at(1), 1).allowed).toBe(false);
    expect(takeThrottle(state, "google-maps", at(1), 1).allowed).toBe(true);
  });

  it("a refusal changes nothing that counts, and the state stays small", () => {
    let state: ThrottleState = EMPTY_THROTTLE;
    state = takeThrottle(state, "s", at(0), 1).state;
    const refused = takeThrottle(state, "s", at(30), 1);
    expect(refused.state.s).toEqual([T0]);
    // A day later the old times are gone from the state.
    expect(takeThrottle(refused.state, "s", at(24 * 60), 1).state.s).toEqual([T0 + 24 * 60 * 60_000]);
  });

  it("never lets more than `limit` through in any window of an hour (random times in order)", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const random = seededRandom(seed);
      const limit = 1 + Math.floor(random() * 10);
      let state: ThrottleState = EMPTY_THROTTLE;
      let time = T0;
      const passed: number[] = [];
      for (let i = 0; i < 200; i++) {
        time += Math.floor(random() * 20 * 60_000);
        const verdict = takeThrottle(state, "s", new Date(time), limit);
        state = verdict.state;
        if (verdict.allowed) passed.push(time);
      }
      for (const start of passed) {
        const inWindow = passed.filter((time) => time >= start && time < start + THROTTLE_WINDOW_MS).length;
        expect(inWindow, `seed ${seed}`).toBeLessThanOrEqual(limit);
      }
      expect(passed.length).toBeGreaterThan(limit);
    }
  });
});
