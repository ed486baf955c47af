import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { writeFileAtomic } from "../../src/util/atomic-write.js";
import { loadVocabTokenizer, saveTokenizer, type BertTokenizer } from "../../src/tokenizer/index.js";

const directory = mkdtempSync(join(tmpdir(), "bertkit-atomic-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it("writes bytes and text and leaves no temp file", () => {
  const dir = mkdtempSync(join(directory, "ok-"));
  writeFileAtomic(join(dir, "a.bin"), new Uint8Array([1, 2, 3]));
  writeFileAtomic(join(dir, "b.txt"), "héllo\n");
  expect(readFileSync(join(dir, "a.bin"))).toEqual(Buffer.from([1, 2, 3]));
  expect(readFileSync(join(dir, "b.txt"), "utf8")).toBe("héllo\n");
  expect(readdirSync(dir).sort()).toEqual(["a.bin", "b.txt"]);
});

it("writes a view's bytes only, not its whole backing buffer", () => {
  const path = join(directory, "view.bin");
  writeFileAtomic(path, new Uint8Array([9, 1, 2, 9]).subarray(1, 3));
  expect(readFileSync(path)).toEqual(Buffer.from([1, 2]));
});

it("replaces an existing file and keeps its permission bits", () => {
  const path = join(directory, "config.json");
  writeFileSync(path, "old");
  chmodSync(path, 0o640);
  writeFileAtomic(path, "new");
  expect(readFileSync(path, "utf8")).toBe("new");
  expect(statSync(path).mode & 0o777).toBe(0o640);
});

it("on failure throws an InputError naming the target and removes the temp file", () => {
  // A non-empty directory in the way makes the final rename fail after the temp file is written.
  const dir = mkdtempSync(join(directory, "fail-"));
  const target = join(dir, "model.safetensors");
  mkdirSync(target);
  writeFileSync(join(target, "keep"), "x");
  expect(() => writeFileAtomic(target, "data")).toThrow(InputError);
  expect(() => writeFileAtomic(target, "data")).toThrow(`cannot write ${target}: `);
  expect(readdirSync(dir)).toEqual(["model.safetensors"]);
  expect(readdirSync(target)).toEqual(["keep"]);
});

it("a missing directory is an InputError naming the target", () => {
  const target = join(directory, "no", "such", "dir", "out.bin");
  expect(() => writeFileAtomic(target, "x")).toThrow(new RegExp(`^cannot write ${escape(target)}: ENOENT`));
});

describe("saveTokenizer writes through the same atomic writer", () => {
  const VOCAB = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n";
  async function smallTokenizer(): Promise<BertTokenizer> {
    const dir = mkdtempSync(join(directory, "vocab-"));
    writeFileSync(join(dir, "vocab.txt"), VOCAB);
    return loadVocabTokenizer(join(dir, "vocab.txt"));
  }
  async function saveError(dir: string): Promise<Error> {
    const error: unknown = await saveTokenizer(await smallTokenizer(), dir).then(() => null, (e: unknown) => e);
    if (!(error instanceof Error)) throw new Error(`saveTokenizer(${dir}) succeeded; the test expected it to fail`);
    return error;
  }

  it("a folder that cannot be created is a one-line InputError naming it", async () => {
    const blocker = join(directory, "a-file");
    writeFileSync(blocker, "not a folder");
    const dir = join(blocker, "tokenizer");
    const error = await saveError(dir);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(new RegExp(`^cannot create the folder ${escape(dir)}: ENOTDIR`));
    expect(error.message).not.toContain("\n");
  });

  it("a file that cannot be written is a one-line InputError; files before it are whole, no temp file remains", async () => {
    const dir = mkdtempSync(join(directory, "tok-"));
    const blocked = join(dir, "tokenizer.json");
    mkdirSync(blocked); // a non-empty folder where tokenizer.json goes: its rename fails after the data is written
    writeFileSync(join(blocked, "keep"), "x");
    const error = await saveError(dir);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(new RegExp(`^cannot write ${escape(blocked)}: `));
    expect(error.message).not.toContain("\n");
    expect(readdirSync(dir).sort()).toEqual(["tokenizer.json", "vocab.txt"]);
    expect(readFileSync(join(dir, "vocab.txt"), "utf8")).toBe(VOCAB);
    expect(readdirSync(blocked)).toEqual(["keep"]);
  });

  // Root may write anywhere, so only an ordinary user sees a read-only folder refuse.
  it.skipIf(process.getuid?.() === 0)("a read-only folder is a one-line InputError and stays empty", async () => {
    const dir = mkdtempSync(join(directory, "readonly-"));
    chmodSync(dir, 0o555);
    try {
      const error = await saveError(dir);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(new RegExp(`^cannot write ${escape(join(dir, "vocab.txt"))}: EACCES`));
      expect(error.message).not.toContain("\n");
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
