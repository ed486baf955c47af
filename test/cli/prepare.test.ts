/**
 * `bertkit prepare` on the real binary: shards and a manifest from novels,
 * casing from --cased or the model folder, one-line errors for bad input (exit 1) and bad flags (exit 2), and no
 * manifest when the job is interrupted.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, expectOneLineError, MINI, ROOT, runBin, tmp } from "./run-bin.js";

const GUTENBERG = join(ROOT, "..", "shared", "data", "pretrain", "gutenberg");
const ALICE = join(GUTENBERG, "pg11.txt");
const TIME_MACHINE = join(GUTENBERG, "pg35.txt");
const dir = tmp("bertkit-prepare-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const prepare = (args: string[]): ReturnType<typeof runBin> => runBin(["prepare", ...args]);
const manifestOf = (out: string): { rows: number; shards: { file: string }[]; options: { lowercase: boolean } } =>
  JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { rows: number; shards: { file: string }[]; options: { lowercase: boolean } };

describe("bertkit prepare", () => {
  it("writes shards and the manifest, and says what it wrote", () => {
    const out = join(dir, "novels");
    const r = prepare(["--corpus", ALICE, TIME_MACHINE, "--vocab", MINI, "--out", out, "--dupe-factor", "1", "--rows-per-shard", "300"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^\d+ rows in 3 shards from 2 documents \(\d+ word pieces, \d+ predictions\) in [\d.]+ s → .*novels\n$/);
    const manifest = manifestOf(out);
    expect(manifest.rows).toBe(Number(/^(\d+) rows/.exec(r.stderr)?.[1]));
    expect(readdirSync(out).sort()).toEqual(["manifest.json", ...manifest.shards.map((s) => s.file)].sort());
  });

  it("keeps case with --cased on a bare vocab.txt, and refuses --cased on a folder that says its own casing", () => {
    const out = join(dir, "cased");
    const r = prepare(["--corpus", ALICE, TIME_MACHINE, "--vocab", join(MINI, "vocab.txt"), "--cased", "--out", out, "--dupe-factor", "1"]);
    expect(r.code).toBe(0);
    expect(manifestOf(out).options.lowercase).toBe(false);
    expectOneLineError(prepare(["--corpus", ALICE, "--vocab", MINI, "--cased", "--out", join(dir, "x")]), 1, /gutenberg-mini is a folder, which says its own casing/);
  });

  it("warns when a block holds a single document", () => {
    const r = prepare(["--corpus", ALICE, "--vocab", MINI, "--out", join(dir, "one"), "--dupe-factor", "1"]);
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n")[0]).toMatch(/^bertkit: warning: a block holds a single document, so its random B segments come from that same document/);
  });
});

describe("bertkit prepare: bad input (exit 1, one line, before any shard is written)", () => {
  const empty = join(dir, "empty.txt");
  writeFileSync(empty, "\n \n");
  const binary = join(dir, "picture.png");
  writeFileSync(binary, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
  const noMask = join(dir, "no-mask-vocab.txt");
  writeFileSync(noMask, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cat"].join("\n") + "\n");
  const taken = join(dir, "taken.txt");
  writeFileSync(taken, "keep me");

  it.each([
    ["an empty corpus", [empty], MINI, "fresh-1", /the corpus \(.*empty\.txt\) has no sentences/],
    ["a binary file", [ALICE, binary], MINI, "fresh-2", /corpus file .*picture\.png is not UTF-8 text \(it has a NUL byte at byte 8/],
    ["a missing corpus file", [ALICE, join(dir, "none.txt")], MINI, "fresh-3", /corpus file .*none\.txt does not exist or cannot be read/],
    ["a vocabulary without [MASK]", [ALICE], noMask, "fresh-4", /no-mask-vocab\.txt has no \[MASK\]: pre-training rows need \[CLS\], \[SEP\], \[PAD\] and \[MASK\]/],
    ["a missing vocabulary", [ALICE], join(dir, "nowhere"), "fresh-5", /vocabulary .*nowhere does not exist/],
  ])("%s", (_what, corpus, vocab, outName, message) => {
    const out = join(dir, outName);
    expectOneLineError(prepare(["--corpus", ...corpus, "--vocab", vocab, "--out", out]), 1, message);
    expect(existsSync(out)).toBe(false); // the folder it created is removed again
  });

  it("refuses --out that is a file or cannot be written", () => {
    expectOneLineError(prepare(["--corpus", ALICE, "--vocab", MINI, "--out", taken]), 1, /--out .*taken\.txt is a file, not a folder/);
    expect(readFileSync(taken, "utf8")).toBe("keep me");
    expectOneLineError(prepare(["--corpus", ALICE, "--vocab", MINI, "--out", "/proc/bertkit-prepare"]), 1, /--out \/proc\/bertkit-prepare: cannot (create|write)/);
  });
});

describe("bertkit prepare: bad flags (exit 2, one line)", () => {
  it.each([
    [["--max-seq-length", "4"], /option '--max-seq-length <n>' argument '4' is invalid\. expected an integer ≥ 8/],
    [["--masked-lm-prob", "1.5"], /option '--masked-lm-prob <p>' argument '1\.5' is invalid\. expected a number strictly between 0 and 1/],
    [["--masked-lm-prob", "0"], /argument '0' is invalid\. expected a number strictly between 0 and 1/],
    [["--short-seq-prob", "-0.1"], /argument '-0\.1' is invalid\. expected a number from 0 to 1/],
    [["--dupe-factor", "0"], /option '--dupe-factor <n>' argument '0' is invalid/],
    [["--format", "xml"], /argument 'xml' is invalid\. Allowed choices are prose, lines/],
    [["--block-tokens", "64"], /--block-tokens 64 is smaller than --max-seq-length 128; raise it/],
  ])("%j", (flags, message) => {
    expectOneLineError(prepare(["--corpus", ALICE, "--vocab", MINI, "--out", join(dir, "flags"), ...flags]), 2, message);
  });

  it("names a missing required option", () => {
    expectOneLineError(prepare(["--corpus", ALICE, "--out", join(dir, "flags")]), 2, /missing required option --vocab <path> \(see bertkit prepare --help\)/);
  });
});

describe("bertkit prepare: interrupted", () => {
  it("leaves no manifest when stopped with Ctrl-C (SIGINT) after shards were written", async () => {
    const out = join(dir, "interrupted");
    const files = readdirSync(GUTENBERG).map((f) => join(GUTENBERG, f));
    const child = spawn(process.execPath, [BIN, "prepare", "--corpus", ...files, "--vocab", MINI, "--out", out, "--block-tokens", "20000", "--rows-per-shard", "100"], {
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    for (let waited = 0; waited < 60_000 && !(existsSync(out) && readdirSync(out).some((f) => f.startsWith("shard-00003"))); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGINT");
    expect(await exited).toBe("SIGINT");
    expect(readdirSync(out).some((f) => f.startsWith("shard-00003"))).toBe(true);
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });
});
