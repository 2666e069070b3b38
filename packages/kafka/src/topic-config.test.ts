import { describe, expect, it } from "vitest";
import { topicSpecs } from "@odzew/schema";
import { configChanges } from "./topic-config.ts";

describe("bringing an existing topic to its spec", () => {
  it("changes only what the spec names and the topic does not have yet", () => {
    const raw = topicSpecs("p").find((spec) => spec.name === "p.mentions.raw")!;
    // A topic created by an earlier version: compacted and kept forever, no compaction lag.
    const changes = configChanges({ "cleanup.policy": "compact", "retention.ms": "-1", "compression.type": "zstd" }, raw.config);
    expect(Object.keys(changes).sort()).toEqual(["delete.retention.ms", "max.compaction.lag.ms", "min.cleanable.dirty.ratio", "segment.ms"]);
    expect(changes["max.compaction.lag.ms"]).toEqual({ to: String(7 * 24 * 3600 * 1000) });
    expect(configChanges(raw.config, raw.config)).toEqual({});
  });

  it("reads list settings as sets, and moves the dead letters from delete to compact,delete", () => {
    const dlq = topicSpecs("p").find((spec) => spec.name === "p.mentions.dlq")!;
    expect(configChanges({ ...dlq.config, "cleanup.policy": "delete,compact" }, dlq.config)).toEqual({});
    expect(configChanges({ "retention.ms": String(30 * 24 * 3600 * 1000) }, dlq.config)["cleanup.policy"]).toEqual({ to: "compact,delete" });
    expect(configChanges({ "cleanup.policy": "delete" }, dlq.config)["cleanup.policy"]).toEqual({ from: "delete", to: "compact,delete" });
  });
});
