/**
 * `bertkit next-sentence` on gutenberg-mini (pre-trained with NSP): pairs from arguments and from a file of
 * "first<TAB>second" lines, human and JSON output, one-line errors — in-process (runCommand), then the compiled
 * CLI, which needs the command registered in src/cli/main.ts and `npx tsc -p tsconfig.build.json`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { argumentPairs, nextSentenceLines, registerNextSentence } from "../../src/cli/commands/next-sentence.js";
import type { NextSentenceScore } from "../../src/inference/pipelines/next-sentence.js";
import { UsageError } from "../../src/cli/usage.js";
import { runCommand } from "./in-process.js";
import { expectOneLineError, MINI, runBin, tmp } from "./run-bin.js";

const FIRST = "Alice was beginning to get very tired of sitting by her sister on the bank, and of having nothing to do.";
const NEXT = "Once or twice she had peeped into the book her sister was reading, but it had no pictures or conversations in it.";
const RANDOM = "The Martians fired their heat-ray at the town, and the houses burst into flames one after another.";

describe("next-sentence in-process", () => {
  it("pairs from a file: the true continuation scores higher; --json gives {isNextProbability, isNext}", async () => {
    const file = join(tmp(), "pairs.txt");
    writeFileSync(file, `${FIRST}\t${NEXT}\n\n${FIRST}\t${RANDOM}\n`);
    const r = await runCommand(registerNextSentence, ["next-sentence", "--model", MINI, "--file", file, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [follows, random] = JSON.parse(r.stdout) as NextSentenceScore[];
    expect(Object.keys(follows).sort()).toEqual(["isNext", "isNextProbability"]);
    expect(follows.isNextProbability).toBeGreaterThan(random.isNextProbability);
    expect(follows.isNextProbability).toBeGreaterThan(0);
    expect(random.isNextProbability).toBeLessThan(1);
  });

  it("arguments come in pairs; a file line without a tab is named by its line", async () => {
    expectOneLineError(await runCommand(registerNextSentence, ["next-sentence", "--model", MINI, FIRST]), 2, /give the texts in pairs, "first" "second" \(got 1 text\)/);
    const file = join(tmp(), "pairs.txt");
    writeFileSync(file, `${FIRST}\t${NEXT}\n${FIRST}\n`);
    expectOneLineError(await runCommand(registerNextSentence, ["next-sentence", "--model", MINI, "--file", file]), 1, new RegExp(`^bertkit: ${file}:2: no tab`));
    expect(() => argumentPairs(["a", "b", "c"])).toThrow(UsageError);
    expect(argumentPairs(["a", "b", "c", "d"])).toEqual([{ text: "a", textPair: "b" }, { text: "c", textPair: "d" }]);
  });

  it("human output: the probability, then is next / not next", () => {
    expect(nextSentenceLines([{ isNextProbability: 0.97314, isNext: true }, { isNextProbability: 0.0123, isNext: false }], false))
      .toEqual(["0.9731  is next", "0.0123  not next"]);
  });
});

describe("bertkit next-sentence (compiled CLI; needs the command registered in main.ts)", () => {
  it("scores a pair given as two arguments", () => {
    const r = runBin(["next-sentence", "--model", MINI, FIRST, NEXT]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d\.\d{4} {2}(is next|not next)\n$/);
  });
});
