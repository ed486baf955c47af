/**
 * Corpus → documents → sentences, as documented in src/data/pretraining/documents.ts: prose (hard-wrapped, a document
 * per file) and lines (a sentence per line, blank line between documents), on the real corpora and on small files;
 * files that are not text are refused with a one-line error naming them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkCorpusFileStart, MAX_LINE, readLineBatches } from "../../../src/data/pretraining/corpus-reader.js";
import { readDocuments } from "../../../src/data/pretraining/documents.js";
import { FormatError } from "../../../src/errors.js";

const PRETRAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "data", "pretrain");
const dir = mkdtempSync(join(tmpdir(), "bertkit-documents-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A temp file with `text`, or with the first `bytes` of a real corpus file (cut at a line end). */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function head(corpusPath: string, bytes: number): string {
  const text = readFileSync(join(PRETRAIN, corpusPath), "utf8").slice(0, bytes);
  return text.slice(0, text.lastIndexOf("\n") + 1);
}

describe("prose: paragraphs of hard-wrapped lines, sentences by rule, a document per file", () => {
  it("joins a paragraph's lines and splits them into sentences; a file is one document", async () => {
    const a = file("a.txt", "The first line\nwraps here. A second\nsentence.\n\nNew paragraph, Mr. Smith\nsaid.\n");
    const b = file("b.txt", "\uFEFFOther file.\r\nSame paragraph.\r\n");
    expect(await readDocuments([a, b], "prose")).toEqual([
      ["The first line wraps here.", "A second sentence.", "New paragraph, Mr. Smith said."],
      ["Other file.", "Same paragraph."],
    ]);
  });

  it("reads a Gutenberg novel as one document of sentences", async () => {
    const path = file("alice.txt", head("gutenberg/pg11.txt", 6000));
    const documents = await readDocuments([path], "prose");
    expect(documents).toHaveLength(1);
    const sentences = documents[0];
    expect(sentences.slice(0, 4)).toEqual(["ALICE’S ADVENTURES IN WONDERLAND", "Lewis Carroll", "THE MILLENNIUM FULCRUM EDITION 3.0", "CHAPTER I. Down the Rabbit-Hole"]);
    expect(sentences).toContain(
      "So she was considering in her own mind (as well as she could, for the hot day made her feel very sleepy and stupid), " +
        "whether the pleasure of making a daisy-chain would be worth the trouble of getting up and picking the daisies, " +
        "when suddenly a White Rabbit with pink eyes ran close by her.",
    );
    expect(sentences).toContain("Oh dear!");
    // no sentence holds a line break, and none ends in the middle of "Mr." and the like
    expect(sentences.every((s) => !s.includes("\n"))).toBe(true);
  });

  it("reads WikiText (a paragraph per line, blank lines around headings) into headings and sentences", async () => {
    const path = file("wiki.txt", head("wikitext-2/wiki.test.tokens", 3000));
    const [sentences] = await readDocuments([path], "prose");
    expect(sentences[0]).toBe("= Robert <unk> =");
    expect(sentences[1]).toBe("Robert <unk> is an English film , television and theatre actor .");
    expect(sentences[2]).toBe("He had a guest @-@ starring role on the television series The Bill in 2000 .");
    expect(sentences).toContain("= = Career = =");
  });
});

describe("lines: a sentence per line, a blank line between documents (google-research's format)", () => {
  it("keeps each line as one sentence and starts a document at each blank line", async () => {
    const path = file("lines.txt", "One sentence.\nAnother one, not split. Even here.\n\n\nSecond document.\n   \nThird.");
    expect(await readDocuments([path], "lines")).toEqual([["One sentence.", "Another one, not split. Even here."], ["Second document."], ["Third."]]);
  });

  it("reads tinyshakespeare as one document per speech, one sentence per verse line", async () => {
    const path = file("shakespeare.txt", head("tinyshakespeare.txt", 2000));
    const documents = await readDocuments([path], "lines");
    expect(documents[0]).toEqual(["First Citizen:", "Before we proceed any further, hear me speak."]);
    expect(documents[1]).toEqual(["All:", "Speak, speak."]);
    expect(documents.length).toBeGreaterThan(8);
  });
});

describe("corpus files that are not text", () => {
  it("refuses a file with NUL bytes, naming it, before reading on", () => {
    const path = file("image.bin", "");
    writeFileSync(path, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    expect(() => checkCorpusFileStart(path)).toThrow(FormatError);
    expect(() => checkCorpusFileStart(path)).toThrow(/image\.bin is not UTF-8 text \(it has a NUL byte at byte 8/);
  });

  it("refuses a file that is mostly invalid UTF-8 (e.g. Latin-1 bytes everywhere)", async () => {
    const path = file("latin1.txt", "");
    writeFileSync(path, Uint8Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 0xe9 : 0x61)));
    await expect(readDocuments([path], "prose")).rejects.toThrow(/latin1\.txt is not UTF-8 text \(50% of the characters/);
  });

  it("accepts text with the odd invalid byte", async () => {
    const path = file("mostly-fine.txt", "");
    writeFileSync(path, Buffer.concat([Buffer.from("Caf"), Buffer.from([0xe9]), Buffer.from(" au lait is fine. It is.\n")]));
    expect(await readDocuments([path], "prose")).toEqual([["Caf\uFFFD au lait is fine.", "It is."]]);
  });

  it("cuts a line longer than MAX_LINE so that a file without newlines streams in bounded pieces", async () => {
    const path = file("long.txt", "word ".repeat(MAX_LINE / 2) + "\nend\n");
    const lengths: number[] = [];
    for await (const lines of readLineBatches(path)) lengths.push(...lines.map((l) => l.length));
    expect(Math.max(...lengths)).toBe(MAX_LINE);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(5 * (MAX_LINE / 2) + 3);
  });
});
