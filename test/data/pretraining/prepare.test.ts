/**
 * prepareShards on real novels (Project Gutenberg, with the gutenberg-mini vocabulary): the row layout, the masking
 * and NSP statistics, the manifest, determinism, blocks (bounded memory) and the errors raised before any work.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roundHalfEven } from "../../../src/data/pretraining/masking.js";
import { prepareShards, type PrepareShardsOptions, type PrepareProgress } from "../../../src/data/pretraining/prepare.js";
import { vocabHash } from "../../../src/data/pretraining/shard-format.js";
import { InputError } from "../../../src/errors.js";
import { BertTokenizer, loadTokenizer, Vocabulary } from "../../../src/tokenizer/index.js";
import { checkRowLayout, readManifest, readRows, type Specials } from "./shard-checks.js";

const SHARED = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared");
const ALICE = join(SHARED, "data", "pretrain", "gutenberg", "pg11.txt");
const TIME_MACHINE = join(SHARED, "data", "pretrain", "gutenberg", "pg35.txt");
const MINI = join(SHARED, "models", "gutenberg-mini");

let tokenizer: BertTokenizer;
let specials: Specials;
const made: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "bertkit-prepare-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const run = (outDir: string, options: Partial<PrepareShardsOptions> = {}): ReturnType<typeof prepareShards> =>
  prepareShards({ files: [ALICE, TIME_MACHINE], tokenizer, outDir, ...options });

beforeAll(async () => {
  tokenizer = await loadTokenizer(MINI);
  specials = { cls: tokenizer.specialTokenId("cls"), sep: tokenizer.specialTokenId("sep"), pad: tokenizer.specialTokenId("pad"), mask: tokenizer.specialTokenId("mask") };
});

describe("two novels, default options, dupe factor 3", () => {
  let dir: string;
  beforeAll(async () => {
    dir = tmp();
    await run(dir, { dupeFactor: 3, seed: 1 });
  });

  it("writes a manifest that matches the shards, the options and the vocabulary", () => {
    const manifest = readManifest(dir);
    expect(manifest.rows).toBeGreaterThan(2000);
    expect(manifest.shards).toEqual([{ file: "shard-00000.safetensors", rows: manifest.rows }]);
    expect(manifest.vocab).toEqual({ size: 30522, sha256: vocabHash(tokenizer.vocab.tokens) });
    expect(manifest.options).toEqual({ maxSeqLength: 128, maxPredictions: 20, maskedLmProb: 0.15, shortSeqProb: 0.1, dupeFactor: 3, wholeWordMask: false, seed: 1, lowercase: true });
    expect(manifest.stats.files).toEqual([ALICE, TIME_MACHINE]);
    expect(manifest.stats.documents).toBe(2);
    expect(manifest.stats.tokens).toBeGreaterThan(70_000);
    const rows = readRows(dir);
    const labelled = rows.labels.filter((l) => l !== -100).length;
    expect(manifest.stats.predictions).toBe(labelled);
  });

  it("lays out every row as [CLS] A [SEP] B [SEP] + padding, and predicts the google-research count per row", () => {
    const rows = readRows(dir);
    const { lengths } = checkRowLayout(rows, specials);
    let predicted = 0;
    let candidates = 0;
    for (let r = 0; r < rows.N; r++) {
      let n = 0;
      for (let i = 0; i < rows.T; i++) if (rows.labels[r * rows.T + i] !== -100) n++;
      expect(n).toBe(Math.min(20, Math.max(1, roundHalfEven(lengths[r] * 0.15))));
      predicted += n;
      candidates += lengths[r] - 3;
    }
    // 15% of a full row's 128 tokens is 19.2 → 19 of its 125 non-special tokens (15.2%); short rows round either way
    expect(predicted / candidates).toBeGreaterThan(0.145);
    expect(predicted / candidates).toBeLessThan(0.16);
  });

  it("masks 80% / keeps 10% / randomizes 10% of the predicted positions", () => {
    const rows = readRows(dir);
    let mask = 0;
    let same = 0;
    let other = 0;
    for (let i = 0; i < rows.labels.length; i++) {
      if (rows.labels[i] === -100) continue;
      if (rows.inputIds[i] === specials.mask) mask++;
      else if (rows.inputIds[i] === rows.labels[i]) same++;
      else other++;
    }
    // n ≈ 43,000 predictions: one standard deviation of a 10% share is 0.14%, of 80% 0.19%; ±1% is over 5 sd,
    // while swapping any two of the shares, or 85/10/5, is far outside.
    const n = mask + same + other;
    expect(n).toBeGreaterThan(40_000);
    expect(Math.abs(mask / n - 0.8)).toBeLessThan(0.01);
    expect(Math.abs(same / n - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(other / n - 0.1)).toBeLessThan(0.01);
  });

  it("gives about half random and half following B segments", () => {
    const rows = readRows(dir);
    const random = rows.nextSentenceLabel.reduce((a, b) => a + b, 0) / rows.N;
    // 50/50 by coin, plus the one-sentence chunks that always take a random B (google-research does the same):
    // a little over one half. n ≈ 2,300 rows: 1 sd = 1%.
    expect(random).toBeGreaterThan(0.47);
    expect(random).toBeLessThan(0.58);
  });
});

describe("whole-word masking", () => {
  it("predicts all the pieces of a predicted word", async () => {
    const dir = tmp();
    await prepareShards({ files: [ALICE], tokenizer, outDir: dir, dupeFactor: 1, wholeWordMask: true, seed: 3 });
    expect(readManifest(dir).options.wholeWordMask).toBe(true);
    const rows = readRows(dir);
    const { originals } = checkRowLayout(rows, specials);
    const tokens = tokenizer.vocab.tokens;
    let pieces = 0;
    for (let r = 0; r < rows.N; r++) {
      for (let i = 2; i < rows.T; i++) {
        const at = r * rows.T + i;
        if (!tokens[originals[at]].startsWith("##") || originals[at - 1] === specials.sep) continue;
        pieces++;
        expect(rows.labels[at] === -100, `row ${r} position ${i}`).toBe(rows.labels[at - 1] === -100);
      }
    }
    expect(pieces).toBeGreaterThan(500);
  });
});

describe("determinism", () => {
  it("gives byte-identical shards for the same seed and different ones for another seed", async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    const options = { files: [ALICE], dupeFactor: 1, rowsPerShard: 100, seed: 7 };
    await run(a, options);
    await run(b, options);
    await run(c, { ...options, seed: 8 });
    const files = readdirSync(a).sort();
    expect(files.filter((f) => f.startsWith("shard-")).length).toBeGreaterThan(3);
    expect(readdirSync(b).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    expect(readFileSync(join(c, "shard-00000.safetensors")).equals(readFileSync(join(a, "shard-00000.safetensors")))).toBe(false);
    expect(readManifest(a).shards.every((s, i, all) => s.rows === 100 || i === all.length - 1)).toBe(true);
  });
});

describe("bounded memory: blocks", () => {
  it("processes a corpus larger than the block in blocks, with the same kind of rows", async () => {
    const [whole, blocked] = [tmp(), tmp()];
    // shortSeqProb 0: a short target applies to a whole document, so with 2 vs ~20 documents it would vary the row count a lot
    const single = await run(whole, { dupeFactor: 1, shortSeqProb: 0 });
    const progress: PrepareProgress[] = [];
    const manifest = await run(blocked, { dupeFactor: 1, shortSeqProb: 0, blockTokens: 4000, onProgress: (p) => progress.push(p) });
    const last = progress[progress.length - 1];
    expect(last.blocks).toBeGreaterThanOrEqual(Math.floor(single.stats.tokens / 4000));
    expect(last.bytesRead).toBe(last.totalBytes);
    expect(last.rows).toBe(manifest.rows);
    // blocks cut the two books into ~20 documents; the text is the same, and the rows only gain the short last chunk
    // of each extra document (~20 of ~700 rows)
    expect(manifest.stats.documents).toBeGreaterThan(15);
    expect(manifest.stats.tokens).toBe(single.stats.tokens);
    expect(Math.abs(manifest.rows / single.rows - 1)).toBeLessThan(0.1);
    checkRowLayout(readRows(blocked), specials);
  });
});

describe("errors before any work", () => {
  it("refuses an empty corpus", async () => {
    const dir = tmp();
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, "\n  \n\t\n");
    await expect(run(join(dir, "out"), { files: [empty] })).rejects.toThrow(/empty\.txt\) has no sentences/);
    expect(existsSync(join(dir, "out", "manifest.json"))).toBe(false);
  });

  it("refuses a vocabulary without [MASK]", async () => {
    const noMask = new BertTokenizer({ vocab: new Vocabulary(tokenizer.vocab.tokens.map((t) => (t === "[MASK]" ? "[unused999]" : t))) });
    await expect(prepareShards({ files: [ALICE], tokenizer: noMask, tokenizerSource: "my-vocab.txt", outDir: tmp() })).rejects.toThrow(
      /my-vocab\.txt has no \[MASK\]: pre-training rows need/,
    );
  });

  it.each([
    [{ maxSeqLength: 4 }, /maxSeqLength = 4/],
    [{ maskedLmProb: 1 }, /maskedLmProb = 1/],
    [{ maskedLmProb: 0 }, /maskedLmProb = 0/],
    [{ dupeFactor: 0 }, /dupeFactor = 0/],
    [{ blockTokens: 100 }, /blockTokens = 100: must be an integer ≥ maxSeqLength \(128\)/],
  ])("refuses %j", async (options, message) => {
    const promise = run(tmp(), options);
    await expect(promise).rejects.toThrow(InputError);
    await expect(promise).rejects.toThrow(message);
  });

  it("removes an earlier run's manifest and shards first", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "manifest.json"), "{}");
    writeFileSync(join(dir, "shard-00042.safetensors"), "stale");
    writeFileSync(join(dir, "notes.txt"), "mine");
    await run(dir, { files: [ALICE], dupeFactor: 1 });
    expect(readdirSync(dir).sort()).toEqual(["manifest.json", "notes.txt", "shard-00000.safetensors"]);
  });
});
