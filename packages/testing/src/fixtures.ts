import { test as base } from "vitest";
import { createTestPipeline, createTestStore, uniquePrefix, type TestPipeline, type TestStore } from "./stack.ts";

/*
 * Imported as `@odzew/testing/fixtures`, apart from the package's main entry: importing vitest
 * outside a test run fails, and the benchmarks use the rest of this package.
 */

/** What an integration test may ask for; each is made for that test alone, and removed after it. */
export interface StackFixtures {
  /**
   * This test's own prefix for topics, consumer groups and indices (`t-<test name>-<time>-<random>`):
   * no other test, nor an earlier run of this one, shares it, so tests run alone, in any order, twice.
   */
  prefix: string;
  /** Partitions of each of the test's topics: 3 unless a suite says otherwise (`stackTest.override({ partitions: 1 })`). */
  partitions: number;
  /** This test's topics (`partitions` each) and a connected producer, under `prefix`; deleted after the test. */
  pipeline: TestPipeline;
  /** This test's mention store, its indices under `prefix`; dropped after the test. */
  search: TestStore;
}

/** A test name as a topic- and index-safe slug: lowercase letters, digits and dashes, short. */
export function prefixSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 24)
    .replace(/-+$/, "");
  return slug || "test";
}

/**
 * `test` with per-test stack fixtures: `stackTest("…", async ({ pipeline, search }) => …)`. A
 * fixture is made only when the test names it, so a test that needs only Kafka never touches the
 * engine. Cleanup runs after the test whatever its outcome.
 */
export const stackTest = base.extend<StackFixtures>({
  prefix: async ({ task }, use) => {
    await use(uniquePrefix(prefixSlug(task.name)));
  },
  partitions: 3,
  pipeline: async ({ prefix, partitions, task }, use) => {
    const pipeline = await createTestPipeline(prefixSlug(task.name), partitions, prefix);
    try {
      await use(pipeline);
    } finally {
      await pipeline.cleanup();
    }
  },
  search: async ({ prefix }, use) => {
    const search = await createTestStore(prefix);
    try {
      await use(search);
    } finally {
      await search.cleanup();
    }
  },
});
