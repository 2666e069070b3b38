import { describe, expect, it } from "vitest";
import { HEALTHY_RUN_MS, nodeOptionsOf, restartsAfterExit } from "./run.ts";

describe("restartsAfterExit", () => {
  it("backs off more while a service keeps crashing, and starts over after a healthy run", () => {
    let restarts = 0;
    for (let crash = 0; crash < 5; crash++) restarts = restartsAfterExit(restarts, 2_000);
    expect(restarts).toBe(5);
    expect(restartsAfterExit(restarts, HEALTHY_RUN_MS)).toBe(1);
    expect(restartsAfterExit(restarts, 6 * 3_600_000)).toBe(1);
  });
});

describe("nodeOptionsOf", () => {
  it("bounds the workers' heap unless the operator chose one", () => {
    expect(nodeOptionsOf("indexer", undefined)).toBe("--max-old-space-size=192");
    expect(nodeOptionsOf("enricher", "--enable-source-maps")).toBe("--enable-source-maps --max-old-space-size=192");
    expect(nodeOptionsOf("indexer", "--max-old-space-size=1024")).toBe("--max-old-space-size=1024");
    expect(nodeOptionsOf("api", undefined)).toBe("");
  });
});
