/**
 * `bertkit vocab train` on the real binary: output paths are checked before training, an empty or missing corpus is
 * a one-line error, and a vocabulary smaller than asked for says so.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneLineError, runBin, tmp } from "./run-bin.js";

const dir = tmp("bertkit-vocab-");
const corpus = join(dir, "corpus.txt");
writeFileSync(corpus, "The cat sat on the mat. The dog sat on the log.\n".repeat(20));

describe("bertkit vocab train", () => {
  it("says when the corpus supports fewer pieces than asked for, and still writes the vocabulary", () => {
    const out = join(dir, "small");
    const r = runBin(["vocab", "train", "--corpus", corpus, "--vocab-size", "2000", "--out", out]);
    expect(r.code).toBe(0);
    const learned = readFileSync(join(out, "vocab.txt"), "utf8").trimEnd().split("\n").length;
    expect(learned).toBeLessThan(2000);
    const [shortfall, summary] = r.stderr.trimEnd().split("\n");
    expect(shortfall).toBe(
      `bertkit: learned ${learned} of the 2000 pieces asked for: the corpus has no more pairs to merge at --min-frequency 2 ` +
        "(lower --min-frequency or give more text)",
    );
    expect(summary).toMatch(new RegExp(`^${learned} tokens from 8 distinct words in [\\d.]+ s → `));
  });

  it("prints no shortfall line when the vocabulary is full", () => {
    const r = runBin(["vocab", "train", "--corpus", corpus, "--vocab-size", "30", "--out", join(dir, "full")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^30 tokens from 8 distinct words/);
  });

  it("refuses --out onto a regular file before training", () => {
    const file = join(dir, "taken.txt");
    writeFileSync(file, "keep me");
    expectOneLineError(runBin(["vocab", "train", "--corpus", corpus, "--vocab-size", "30", "--out", file]), 1, /--out .*taken\.txt is a file, not a folder/);
    expect(readFileSync(file, "utf8")).toBe("keep me");
    expectOneLineError(
      runBin(["vocab", "train", "--corpus", corpus, "--vocab-size", "30", "--out", join(file, "sub")]),
      1,
      /--out .*taken\.txt\/sub: cannot create the folder \(a file is in the way/,
    );
  });

  it("refuses a folder it cannot write in", () => {
    expectOneLineError(runBin(["vocab", "train", "--corpus", corpus, "--vocab-size", "30", "--out", "/proc/bertkit-vocab"]), 1, /--out \/proc\/bertkit-vocab: cannot (create|write)/);
  });

  it("says when the corpus has no words, and leaves no output folder behind", () => {
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, " \n\t\n");
    const out = join(dir, "never");
    expectOneLineError(runBin(["vocab", "train", "--corpus", empty, "--vocab-size", "30", "--out", out]), 1, /corpus .*empty\.txt has no words/);
    expect(existsSync(out)).toBe(false);
  });

  it("says when a corpus file is missing, and keeps an output folder that existed", () => {
    const out = join(dir, "existing");
    mkdirSync(out);
    expectOneLineError(runBin(["vocab", "train", "--corpus", corpus, join(dir, "none.txt"), "--vocab-size", "30", "--out", out]), 1, /corpus file .*none\.txt does not exist/);
    expect(existsSync(out)).toBe(true);
  });
});
