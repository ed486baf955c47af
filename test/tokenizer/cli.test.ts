/** `bertkit tokenize` and `bertkit vocab train` through runCli (the same code path as the binary). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { SHARED, VOCAB_CASED, VOCAB_UNCASED } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "bertkit-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe("bertkit tokenize", () => {
  it("prints tokens, ids, type ids, attention mask and offsets of a text", async () => {
    const { code, out } = await run(["tokenize", "--vocab", VOCAB_UNCASED, "Hello, world!"]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      tokens: ["[CLS]", "hello", ",", "world", "!", "[SEP]"],
      input_ids: [101, 7592, 1010, 2088, 999, 102],
      token_type_ids: [0, 0, 0, 0, 0, 0],
      attention_mask: [1, 1, 1, 1, 1, 1],
      offsets: [[0, 0], [0, 5], [5, 6], [7, 12], [12, 13], [0, 0]],
    });
  });

  it("encodes a pair with --cased, --max-length and --truncation", async () => {
    const { code, out } = await run(["tokenize", "--vocab", VOCAB_CASED, "--cased", "--max-length", "7", "--truncation", "only_second", "Who?", "Café au lait please"]);
    expect(code).toBe(0);
    expect(JSON.parse(out).tokens).toEqual(["[CLS]", "Who", "?", "[SEP]", "Café", "au", "[SEP]"]);
  });

  it("reads a model folder and JSON lines, one output line per input line (null for a blank one)", async () => {
    const file = join(dir, "in.jsonl");
    writeFileSync(file, '{"text": "Hello there", "pair": "General Kenobi"}\n\n{"text": "Alone", "pair": null}\n');
    const { code, out } = await run(["tokenize", "--model", join(SHARED, "models", "gutenberg-mini"), "--jsonl", file]);
    expect(code).toBe(0);
    const lines = out.trim().split("\n").map((l) => JSON.parse(l) as { tokens: string[] } | null);
    expect(lines.map((l) => l?.tokens ?? null)).toEqual([
      ["[CLS]", "hello", "there", "[SEP]", "general", "ken", "##ob", "##i", "[SEP]"],
      null,
      ["[CLS]", "alone", "[SEP]"],
    ]);
  });

  it("gives clear errors: missing file, bad JSON line (with its number), bad flags", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"text": "ok"}\n{"text": broken}\n');
    let r = await run(["tokenize", "--vocab", VOCAB_UNCASED, "--jsonl", bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad.jsonl line 2: not valid JSON/);
    writeFileSync(bad, '{"txt": "ok"}\n');
    r = await run(["tokenize", "--vocab", VOCAB_UNCASED, "--jsonl", bad]);
    expect(r.err).toMatch(/line 1: expected an object with a string "text"/);
    expect(r.code).toBe(1);
    r = await run(["tokenize", "--vocab", join(dir, "none.txt"), "hi"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/none.txt does not exist/);
    r = await run(["tokenize", "--vocab", VOCAB_UNCASED, "--jsonl", join(dir, "none.jsonl")]);
    expect(r.err).toMatch(/none.jsonl does not exist/);
    r = await run(["tokenize", "hi"]);
    expect(r).toMatchObject({ code: 2, err: "bertkit: give --model DIR or --vocab FILE (see bertkit tokenize --help)\n" });
    r = await run(["tokenize", "--vocab", VOCAB_UNCASED, "--max-length", "zero", "hi"]);
    expect(r).toMatchObject({ code: 2, err: "bertkit: option '--max-length <n>' argument 'zero' is invalid. expected an integer ≥ 1 (see bertkit tokenize --help)\n" });
    r = await run(["tokenize", "--vocab", VOCAB_UNCASED, "--max-length", "2", "a", "b"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/special tokens alone take 3/);
    r = await run(["tokenize", "--vocab", VOCAB_UNCASED, "--truncation", "middle", "hi"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^bertkit: option '--truncation <strategy>' argument 'middle' is invalid\. Allowed choices are longest_first, only_first, only_second/);
    r = await run(["tokenize", "--vocab", VOCAB_UNCASED, "--truncation", "only_first", "hi"]);
    expect(r).toMatchObject({ code: 2, err: "bertkit: --truncation needs --max-length (see bertkit tokenize --help)\n" });
    r = await run(["tokenize", "--vocab", VOCAB_UNCASED, "--jsonl", "x.jsonl", "hi"]);
    expect(r.err).toMatch(/give TEXT \[PAIR\] or --jsonl FILE, not both/);
    r = await run(["tokenize", "--model", "m", "--cased", "hi"]);
    expect(r.err).toMatch(/option '--cased' cannot be used with option '--model <dir>'/);
  });
});

describe("bertkit vocab train", () => {
  it("writes vocab.txt, tokenizer.json and tokenizer_config.json that tokenize", async () => {
    const corpus = join(dir, "corpus.txt");
    writeFileSync(corpus, "The cat sat on the mat. The dog sat on the log.\n".repeat(50));
    const out = join(dir, "vocab-out");
    const r = await run(["vocab", "train", "--corpus", corpus, corpus, "--vocab-size", "60", "--out", out]);
    expect(r.code).toBe(0);
    const vocab = readFileSync(join(out, "vocab.txt"), "utf8").split("\n");
    expect(vocab.slice(0, 5)).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    expect(vocab).toContain("the");
    const t = await run(["tokenize", "--model", out, "The cat"]);
    expect(JSON.parse(t.out).tokens).toEqual(["[CLS]", "the", "cat", "[SEP]"]);
  });

  it("rejects a bad vocabulary size", async () => {
    const r = await run(["vocab", "train", "--corpus", "x.txt", "--vocab-size", "many", "--out", dir]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("bertkit: option '--vocab-size <n>' argument 'many' is invalid. expected an integer ≥ 5 (see bertkit vocab train --help)\n");
  });
});
