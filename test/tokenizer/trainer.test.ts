/** Vocabulary training: Hugging Face's WordPiece trainer (BPE with ## continuations), streaming word counts. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadVocabTokenizer, trainWordPieceTokens, trainWordPieceVocab } from "../../src/tokenizer/index.js";
import { TINY_SHAKESPEARE, VOCAB_SMALL } from "./helpers.js";

describe("WordPiece trainer", () => {
  it("merges the most frequent pairs, ## continuations, specials first", () => {
    const counts = new Map([
      ["roses", 1], ["are", 2], ["red", 1], ["voilets", 1], ["blue", 1], ["is", 2], ["big", 1], ["and", 1], ["so", 1],
    ]);
    const tokens = trainWordPieceTokens(counts, { vocabSize: 100, minFrequency: 2, specialTokens: ["[UNK]"] });
    const alphabet = ["a", "b", "d", "e", "g", "i", "l", "n", "o", "r", "s", "t", "u", "v"];
    expect(tokens.slice(0, 1 + alphabet.length)).toEqual(["[UNK]", ...alphabet]);
    // Pairs seen twice: (a, ##r) and (##r, ##e) in "are", (i, ##s) in "is". Ties go to smaller ids: "a" (1) < "i" (6),
    // so "ar" first; then (i, ##s) = (6, 16) beats (ar, ##e) = (26, 17). Everything else occurs once (< min frequency).
    expect(tokens.slice(-3)).toEqual(["ar", "is", "are"]);
    expect(tokens.filter((t) => t.startsWith("##")).length).toBeGreaterThan(5);
  });

  it("limits the alphabet to the most frequent characters and drops the others from words", () => {
    const tokens = trainWordPieceTokens(new Map([["aaab", 5], ["ccb", 1]]), { vocabSize: 50, limitAlphabet: 2 });
    expect(tokens.slice(0, 2)).toEqual(["a", "b"]);
    expect(tokens).not.toContain("c");
  });

  it("learns Hugging Face's vocabulary from tinyshakespeare (2,000 pieces, min frequency 2)", async () => {
    const started = performance.now();
    const { tokenizer } = await trainWordPieceVocab({ files: [TINY_SHAKESPEARE], vocabSize: 2000, minFrequency: 2 });
    const seconds = (performance.now() - started) / 1000;
    const reference = await loadVocabTokenizer(VOCAB_SMALL);
    const referenceSet = new Set(reference.vocab.tokens);
    const shared = tokenizer.vocab.tokens.filter((t) => referenceSet.has(t)).length;
    expect(tokenizer.vocab.tokens.slice(0, 5)).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    expect(tokenizer.vocab.size).toBe(2000);
    const corpus = readFileSync(TINY_SHAKESPEARE, "utf8");
    const ours = tokenizer.encode(corpus, null, { addSpecialTokens: false }).length;
    const theirs = reference.encode(corpus, null, { addSpecialTokens: false }).length;
    console.log(`trained in ${seconds.toFixed(1)} s; ${shared}/2000 tokens shared with vocab-small.txt; pieces ${ours} vs ${theirs} (×${(ours / theirs).toFixed(4)})`);
    expect(ours / theirs).toBeLessThanOrEqual(1.03);
    expect(shared).toBeGreaterThan(1950);
  });

  it("streams files in chunks without splitting words, and explains bad input", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bertkit-train-"));
    try {
      const file = join(dir, "corpus.txt");
      // Longer than one 1 MiB read, with a multi-byte character across the boundary region.
      writeFileSync(file, "héllo wörld ".repeat(120_000));
      const { tokenizer, distinctWords } = await trainWordPieceVocab({ files: [file], vocabSize: 40, minFrequency: 2 });
      expect(distinctWords).toBe(2);
      expect(tokenizer.vocab.tokens).toContain("hello");
      await expect(trainWordPieceVocab({ files: [join(dir, "nope.txt")], vocabSize: 40 })).rejects.toThrow(/nope.txt does not exist/);
      await expect(trainWordPieceVocab({ files: [file], vocabSize: 3 })).rejects.toThrow(/vocab size must be an integer ≥ 5/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
