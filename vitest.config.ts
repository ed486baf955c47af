import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every temporary folder the tests make lives under one directory removed at the end of the run.
    globalSetup: ["test/helpers/temp-root.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores on CI: keep the worker count small so heavy model tests do not thrash.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
