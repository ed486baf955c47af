/**
 * The CLI's one error style, on the real binary: a bad command line is one line `bertkit: … (see bertkit <command>
 * --help)` with exit code 2, never commander's usage dump; --help and --version print normally and exit 0.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneLineError, ROOT, runBin } from "./run-bin.js";

describe("bad command lines: one line, exit 2", () => {
  it("reports an unknown flag before a missing required option (forward --bogus)", () => {
    const r = runBin(["forward", "--bogus"]);
    expectOneLineError(r, 2, /^bertkit: unknown option '--bogus' \(see bertkit forward --help\)\n$/);
    expect(r.stdout).toBe("");
  });

  it("names a missing required option, with the command's help", () => {
    expectOneLineError(runBin(["forward", "--model", "m", "--out", "o"]), 2, /missing required option --inputs <file> \(see bertkit forward --help\)/);
    expectOneLineError(runBin(["vocab", "train", "--corpus", "c.txt", "--out", "o"]), 2, /missing required option --vocab-size <n> \(see bertkit vocab train --help\)/);
  });

  it("suggests a near flag on the same line", () => {
    expectOneLineError(runBin(["forward", "--modle", "x"]), 2, /unknown option '--modle' \(Did you mean --model\?\) \(see bertkit forward --help\)/);
  });

  it.each([
    [["bench", "backward"], /'backward' is invalid for argument 'mode'\. Allowed choices are forward, train.*\(see bertkit bench --help\)/],
    [["bench", "forward", "--batch", "0"], /option '--batch <n>' argument '0' is invalid\. expected an integer ≥ 1 \(see bertkit bench --help\)/],
    [["bench", "forward", "--threads", "2.5"], /'--threads <n>' argument '2.5' is invalid\. expected an integer from 1 to 1024/],
    [["tokenize", "--vocab", "v", "--max-length", "1e3", "hi"], /'--max-length <n>' argument '1e3' is invalid\. expected an integer ≥ 1 \(see bertkit tokenize --help\)/],
    [["tokenize", "--vocab", "v", "--padding", "short", "hi"], /'--padding <strategy>' argument 'short' is invalid\. Allowed choices are longest, max_length/],
    [["tokenize", "--model", "m", "--vocab", "v", "hi"], /option '--model <dir>' cannot be used with option '--vocab <file>'/],
    [["tokenize", "--vocab", "v", "--stride", "2", "hi"], /--stride needs --max-length \(see bertkit tokenize --help\)/],
    [["vocab", "train", "--corpus", "c", "--vocab-size", "4", "--out", "o"], /'--vocab-size <n>' argument '4' is invalid\. expected an integer ≥ 5/],
    [["forward", "--class", "BertForEverything"], /'--class <name>' argument 'BertForEverything' is invalid\. Allowed choices are BertModel, /],
    [["frobnicate"], /^bertkit: unknown command 'frobnicate' \(see bertkit --help\)\n$/],
    [["tokenize", "--vocab", "v", "a", "b", "c"], /too many arguments for 'tokenize'/],
  ])("%j", (args, pattern) => {
    expectOneLineError(runBin(args), 2, pattern);
  });
});

describe("help and version", () => {
  it("--help prints the help on stdout and exits 0, listing only commands that exist and the environment", () => {
    const r = runBin(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const commands = r.stdout.slice(r.stdout.indexOf("Commands:"), r.stdout.indexOf("Environment:"));
    const names = [...commands.matchAll(/^ {2}([\w-]+)/gm)].map((m) => m[1]);
    expect(names).toEqual([
      "demo", "tokenize", "vocab", "forward", "quantize", "bench", "evaluate-pretraining", "plot", "prepare", "pretrain", "finetune", "evaluate",
      "fill-mask", "embed", "similarity", "question-answering", "text-classification", "token-classification", "next-sentence",
      "explore", "serve", "download", "help",
    ]);
    expect(r.stdout).toMatch(/BERTKIT_BACKEND {2}auto/);
    expect(r.stdout).toMatch(/BERTKIT_THREADS {2}compute threads/);
  });

  it("a command's --help exits 0", () => {
    const r = runBin(["vocab", "train", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: bertkit vocab train/);
  });

  it("--version prints package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = runBin(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it("no command prints the help on stderr and exits 2", () => {
    const r = runBin([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Usage: bertkit/);
  });
});

describe("bad input: one line, exit 1", () => {
  it("a bad BERTKIT_THREADS is a one-line error from a command that computes", () => {
    const r = runBin(["bench", "forward", "--config", "tiny", "--seconds", "0.01"], { env: { ...process.env, BERTKIT_THREADS: "lots" } });
    expectOneLineError(r, 1, /BERTKIT_THREADS must be an integer from 1 to 1024, got "lots"/);
    // --threads wins over the variable.
    const ok = runBin(["bench", "forward", "--config", "tiny", "--seconds", "0.01", "--threads", "1", "--json"], { env: { ...process.env, BERTKIT_THREADS: "lots" } });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
  });
});
