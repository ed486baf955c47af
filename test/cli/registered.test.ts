/** Every command the README and docs/cli.md name is registered in the binary, and `bertkit demo` rejects a bad flag on one line. */
import { describe, expect, it } from "vitest";
import { expectOneLineError, runBin } from "./run-bin.js";

const COMMANDS = [
  "demo", "tokenize", "vocab", "forward", "bench", "evaluate-pretraining", "plot", "prepare", "pretrain", "finetune", "evaluate",
  "fill-mask", "embed", "similarity", "text-classification", "question-answering", "token-classification", "next-sentence",
  "explore", "serve", "download",
];

describe("bertkit --help", () => {
  it("lists every command", () => {
    const r = runBin(["--help"]);
    expect(r.code).toBe(0);
    const commands = r.stdout.slice(r.stdout.indexOf("Commands:"));
    const listed = [...commands.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]);
    expect(listed.filter((c) => c !== "help").sort()).toEqual([...COMMANDS].sort());
  });

  it("bertkit demo is wired: a bad flag is one line, exit 2", () => {
    expectOneLineError(runBin(["demo", "--steps", "0"]), 2, /--steps/);
  });
});
