/** vocab.txt / tokenizer.json / tokenizer_config.json: loading, saving (atomic), round trips and error messages. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FormatError, InputError } from "../../src/errors.js";
import { loadTokenizer, loadVocabTokenizer, parseTokenizerJson, saveTokenizer } from "../../src/tokenizer/index.js";
import { SHARED, VOCAB_CASED, VOCAB_SMALL, VOCAB_UNCASED } from "./helpers.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bertkit-tok-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SAMPLES = ["Hello, world! Café 😀 東京", "[CLS] x [SEP]", "Zoë's naïve façade"];

describe("files", () => {
  it("finds special tokens by name: [CLS] is 101 in bert-base-uncased and 2 in the small vocabulary", async () => {
    const big = await loadVocabTokenizer(VOCAB_UNCASED);
    const small = await loadVocabTokenizer(VOCAB_SMALL);
    expect([big.specialTokenId("cls"), big.specialTokenId("sep"), big.specialTokenId("pad"), big.specialTokenId("mask")]).toEqual([101, 102, 0, 103]);
    expect([small.specialTokenId("cls"), small.specialTokenId("sep"), small.specialTokenId("pad"), small.specialTokenId("unk")]).toEqual([2, 3, 0, 1]);
    const e = small.encode("hi");
    expect(e.tokens).toEqual(["[CLS]", "h", "##i", "[SEP]"]);
    expect(Array.from(e.inputIds)).toEqual([2, 23, 45, 3]);
  });

  it.each([
    ["uncased", VOCAB_UNCASED, true],
    ["cased", VOCAB_CASED, false],
  ])("round-trips %s through vocab.txt, tokenizer.json and tokenizer_config.json", async (_name, path, lowercase) => {
    const original = await loadVocabTokenizer(path, { lowercase });
    const dir = tempDir();
    await saveTokenizer(original, dir);
    expect(readdirSync(dir).sort()).toEqual(["tokenizer.json", "tokenizer_config.json", "vocab.txt"]); // no temp files left
    expect(readFileSync(join(dir, "vocab.txt"), "utf8")).toBe(readFileSync(path, "utf8"));
    const fromFolder = await loadTokenizer(dir); // tokenizer.json preferred
    const vocabOnly = tempDir();
    copyFileSync(join(dir, "vocab.txt"), join(vocabOnly, "vocab.txt"));
    copyFileSync(join(dir, "tokenizer_config.json"), join(vocabOnly, "tokenizer_config.json"));
    const fromVocab = await loadTokenizer(vocabOnly); // vocab.txt + config: casing comes from the config
    const fromJsonFile = await loadTokenizer(join(dir, "tokenizer.json"));
    for (const text of SAMPLES) {
      const expected = original.encode(text, "pair").toJSON();
      expect(fromFolder.encode(text, "pair").toJSON()).toEqual(expected);
      expect(fromVocab.encode(text, "pair").toJSON()).toEqual(expected);
      expect(fromJsonFile.encode(text, "pair").toJSON()).toEqual(expected);
    }
    expect(fromFolder.normalizer.lowercase).toBe(lowercase);
  });

  it("writes the vocabulary in id order, even for integer-like tokens", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nz\n10\n2\n");
    await saveTokenizer(await loadTokenizer(dir), dir);
    const json = readFileSync(join(dir, "tokenizer.json"), "utf8");
    expect(json.indexOf('"z": 5')).toBeLessThan(json.indexOf('"10": 6'));
    const reloaded = await loadTokenizer(join(dir, "tokenizer.json"));
    expect(reloaded.vocab.tokens).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "z", "10", "2"]);
  });

  it("reads BertProcessing and tokenizer.json defaults (truncation, padding)", () => {
    const parts = parseTokenizerJson(
      JSON.stringify({
        truncation: { max_length: 8, strategy: "OnlySecond", stride: 2 },
        padding: { strategy: { Fixed: 8 }, direction: "Left", pad_token: "[PAD]" },
        added_tokens: [],
        normalizer: { type: "BertNormalizer", lowercase: false },
        pre_tokenizer: { type: "BertPreTokenizer" },
        post_processor: { type: "BertProcessing", sep: ["[SEP]", 2], cls: ["[CLS]", 1] },
        decoder: { type: "WordPiece", prefix: "##", cleanup: true },
        model: { type: "WordPiece", vocab: { "[PAD]": 0, "[CLS]": 1, "[SEP]": 2, "[UNK]": 3, a: 4 } },
      }),
    );
    expect(parts.defaults).toEqual({ maxLength: 8, stride: 2, truncation: "only_second", padding: "max_length", paddingSide: "left" });
    expect(parts.normalizer?.stripAccents).toBeNull();
  });

  it("explains what is wrong with a file", async () => {
    const dir = tempDir();
    await expect(loadTokenizer(join(dir, "missing"))).rejects.toThrow(InputError);
    await expect(loadTokenizer(dir)).rejects.toThrow(/neither tokenizer.json nor vocab.txt/);
    writeFileSync(join(dir, "tokenizer.json"), "{ not json");
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer.json is not valid JSON/);
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify({ normalizer: { type: "NFKC" }, pre_tokenizer: { type: "BertPreTokenizer" }, post_processor: null, decoder: null, model: { type: "WordPiece", vocab: {} } }));
    await expect(loadTokenizer(dir)).rejects.toThrow(FormatError);
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer.json: unsupported or malformed normalizer/);
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify({ normalizer: null, pre_tokenizer: { type: "BertPreTokenizer" }, post_processor: null, decoder: null, model: { type: "WordPiece", vocab: { a: 0, b: 0 } } }));
    await expect(loadTokenizer(dir)).rejects.toThrow(/ids must be 0..1, each used once/);
    rmSync(join(dir, "tokenizer.json"));
    writeFileSync(join(dir, "vocab.txt"), "a\nb\n");
    await expect(loadTokenizer(dir)).rejects.toThrow(/vocab.txt: the vocabulary has no unknown token "\[UNK\]"/);
    writeFileSync(join(dir, "tokenizer_config.json"), '{"do_lower_case": "yes"}');
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer_config.json: do_lower_case/);
  });

  it("loads the shared gutenberg-mini model folder (vocab.txt + tokenizer_config.json)", async () => {
    const t = await loadTokenizer(join(SHARED, "models", "gutenberg-mini"));
    expect(t.encode("Hello World").tokens).toEqual(["[CLS]", "hello", "world", "[SEP]"]);
  });
});
