import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: [
            "packages/*/src/**/*.integration.test.ts",
            "services/*/src/**/*.integration.test.ts",
            "tests/**/*.integration.test.ts",
          ],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores: the integration suites share one broker and one engine.
          fileParallelism: false,
        },
      },
    ],
  },
});
