import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores on CI: keep the worker count small so heavy model tests do not thrash.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
