import { afterAll, describe, expect, it } from "vitest";
import { topicNames, topicSpecs } from "@odzew/schema";
import { stackEnv, testLogger, uniquePrefix } from "@odzew/testing";
import { createKafka, deleteTopics, ensureTopics } from "./client.ts";

describe("topics brought to their spec on the real broker", () => {
  const prefix = uniquePrefix("topic-config");
  const topics = topicNames(prefix);
  const kafka = createKafka({ brokers: stackEnv().brokers, clientId: prefix }, testLogger("topic-config"));

  afterAll(async () => {
    await deleteTopics(kafka, topicSpecs(prefix).map((spec) => spec.name)).catch(() => undefined);
  });

  it("gives topics an earlier version created a bounded compaction lag, and dead letters that a tombstone removes", async () => {
    // Topics as an earlier version created them: no compaction lag, dead letters only deleted.
    const old = topicSpecs(prefix, 1).map((spec) => ({
      ...spec,
      config: Object.fromEntries(
        Object.entries(spec.config).filter(
          ([name]) =>
            !["max.compaction.lag.ms", "min.cleanable.dirty.ratio", "segment.ms", "delete.retention.ms"].includes(name) &&
            !(spec.name === topics.mentionsDlq && name === "cleanup.policy"),
        ),
      ),
    }));
    await ensureTopics(kafka, old);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const before = await admin.topicConfigs([topics.mentionsRaw, topics.mentionsDlq]);
      expect(before.get(topics.mentionsRaw)?.["max.compaction.lag.ms"]).not.toBe(String(7 * 24 * 3600 * 1000));
      expect(before.get(topics.mentionsDlq)?.["cleanup.policy"]).toBe("delete");

      await ensureTopics(kafka, topicSpecs(prefix, 1));
      const described = await admin.topicConfigs([topics.mentionsRaw, topics.mentionsDlq, topics.alerts]);
      const config = (topic: string, name: string) => described.get(topic)?.[name];
      expect(config(topics.mentionsRaw, "max.compaction.lag.ms")).toBe(String(7 * 24 * 3600 * 1000));
      expect(config(topics.mentionsRaw, "cleanup.policy")).toBe("compact");
      expect(config(topics.mentionsRaw, "retention.ms")).toBe("-1");
      expect(config(topics.mentionsDlq, "cleanup.policy")?.split(",").sort()).toEqual(["compact", "delete"]);
      expect(config(topics.mentionsDlq, "retention.ms")).toBe(String(30 * 24 * 3600 * 1000));
      expect(config(topics.alerts, "segment.ms")).toBe(String(24 * 3600 * 1000));
    } finally {
      await admin.disconnect();
    }
  });
});
