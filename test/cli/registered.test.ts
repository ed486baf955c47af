/** `bertkit demo`, the README's main job, is wired into the binary: a bad flag is one line, exit 2. */
import { expect, it } from "vitest";
import { expectOneLineError, runBin } from "./run-bin.js";

it("bertkit demo rejects --steps 0 on one line", () => {
  expectOneLineError(runBin(["demo", "--steps", "0"]), 2, /--steps/);
  expect(runBin(["demo", "--help"]).stdout).toMatch(/^Usage: bertkit demo/);
});
