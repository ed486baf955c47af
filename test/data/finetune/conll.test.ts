/**
 * Reading CoNLL files: the real CoNLL-2003 validation set (IOB2; counts checked with conlleval.pl and awk),
 * IOB1 recognised and converted (a round trip through an IOB2 → IOB1 conversion written here), and one-line
 * errors that name the file and line.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { iob1ToIob2, parseConll, readConll } from "../../../src/data/finetune/conll.js";
import { InputError } from "../../../src/errors.js";
import { tmp } from "../../cli/run-bin.js";
import { SHARED } from "../../helpers/golden.js";

const VALID = join(SHARED, "data", "ner", "conll2003", "valid.txt");

/** IOB2 → IOB1: a chunk starts with I- unless it follows a chunk of the same type. */
function toIob1(tags: readonly string[]): string[] {
  return tags.map((tag, i) => {
    const previous = i === 0 ? "O" : tags[i - 1];
    return tag.startsWith("B-") && previous.slice(2) !== tag.slice(2) ? `I-${tag.slice(2)}` : tag;
  });
}

describe("CoNLL-2003 validation file", () => {
  const valid = readConll(VALID);

  it("has 3,250 sentences and 51,362 tokens in IOB2 with the 9 NER tags, sorted", () => {
    expect(valid.sentences.length).toBe(3250);
    expect(valid.sentences.reduce((n, s) => n + s.words.length, 0)).toBe(51362);
    expect(valid.scheme).toBe("IOB2");
    expect(valid.tags).toEqual(["B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"]);
  });

  it("keeps words, tags and line numbers (the -DOCSTART- line and blank lines skipped)", () => {
    const [first, second, third] = valid.sentences;
    expect(first.line).toBe(3);
    expect(first.words.slice(0, 3)).toEqual(["CRICKET", "-", "LEICESTERSHIRE"]);
    expect(first.tags.slice(0, 3)).toEqual(["O", "O", "B-ORG"]);
    expect(second).toEqual({ words: ["LONDON", "1996-08-30"], tags: ["B-LOC", "O"], line: 15 });
    expect(third.words.slice(0, 5)).toEqual(["West", "Indian", "all-rounder", "Phil", "Simmons"]);
    expect(third.tags.slice(0, 5)).toEqual(["B-MISC", "I-MISC", "O", "B-PER", "I-PER"]);
  });

  it("reads another column with tagColumn (the chunk tags, column 2)", () => {
    const chunks = readConll(VALID, { tagColumn: 2 });
    expect(chunks.sentences[1].tags).toEqual(["B-NP", "I-NP"]);
    expect(chunks.tags).toContain("B-VP");
    expect(chunks.scheme).toBe("IOB2");
  });

  it("recognises the same file written in IOB1 and converts it back exactly", () => {
    const dir = tmp("bertkit-conll-");
    const file = join(dir, "valid-iob1.txt");
    const iob1 = valid.sentences.map((s) => toIob1(s.tags));
    writeFileSync(file, valid.sentences.map((s, k) => s.words.map((w, i) => `${w} ${iob1[k][i]}`).join("\n")).join("\n\n") + "\n");
    expect(iob1.flat().filter((t) => t.startsWith("B-")).length).toBeLessThan(20); // IOB1 barely uses B-
    const back = readConll(file);
    expect(back.scheme).toBe("IOB1");
    expect(back.sentences.map((s) => s.tags)).toEqual(valid.sentences.map((s) => s.tags));
    expect(readConll(file, { scheme: "IOB1" }).sentences.map((s) => s.tags)).toEqual(valid.sentences.map((s) => s.tags));
    expect(() => readConll(file, { scheme: "IOB2" })).toThrow(/valid-iob1\.txt:3: I-ORG starts a chunk, which IOB2 does not allow \(it must be B-ORG\); read the file as IOB1 or auto/);
  });
});

describe("IOB1 → IOB2 by hand", () => {
  it("turns an I- that starts a chunk into B- (at the start, after O, after another type) and keeps the rest", () => {
    expect(iob1ToIob2(["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG"])).toEqual(["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG", "I-ORG"]);
  });

  it("leaves an IOB2 sentence unchanged, so scheme IOB1 on an IOB2 file is harmless", () => {
    const tags = ["B-PER", "I-PER", "B-PER", "O", "B-LOC"];
    expect(iob1ToIob2(tags)).toEqual(tags);
  });

  it("converts per sentence: an I- at a sentence start is a new chunk", () => {
    const r = parseConll("a I-PER\n\nb I-PER\nc B-PER\n", "x.txt");
    expect(r.sentences.map((s) => s.tags)).toEqual([["B-PER"], ["B-PER", "B-PER"]]);
  });
});

describe("the format", () => {
  it("takes tabs, CRLF, a BOM, -DOCSTART- without a blank line, and no final newline", () => {
    const r = parseConll("\uFEFFJohn\tNNP\tB-PER\r\nlives\tVBZ\tO\r\n-DOCSTART- -X- -X- O\r\nParis\tNNP\tB-LOC", "x.txt");
    expect(r.sentences).toEqual([{ words: ["John", "lives"], tags: ["B-PER", "O"], line: 1 }, { words: ["Paris"], tags: ["B-LOC"], line: 4 }]);
  });

  it("rejects bad files with one line that names file:line and the fix", () => {
    const bad = (text: string, options = {}): (() => unknown) => () => parseConll(text, "ner.txt", options);
    expect(bad("a NN O\nb O\n")).toThrow(/^ner\.txt:2: 2 columns, but line 1 has 3; every token line needs the same columns/);
    expect(bad("a O\n\nb X-PER\n")).toThrow(/^ner\.txt:3: "X-PER" in column 1 is not an IOB tag; tags are O, B-TYPE or I-TYPE \(set tagColumn/);
    expect(bad("a NN O\n")).not.toThrow();
    expect(bad("a NN O\n", { tagColumn: 1 })).toThrow(/^ner\.txt:1: "NN" in column 1 is not an IOB tag/);
    expect(bad("a NN O\n", { tagColumn: 3 })).toThrow(/^ner\.txt:1: tagColumn is 3 but the lines have only columns 0–2/);
    expect(bad("a O\n", { tagColumn: 0 })).toThrow(/tagColumn must be an integer ≥ 1 \(column 0 is the word\), got 0/);
    expect(bad("a O\n", { scheme: "IOBES" })).toThrow(/unknown tag scheme "IOBES"; use "IOB1", "IOB2" or "auto"/);
    expect(bad("\n\nword\n")).toThrow(/^ner\.txt:3: a token line needs the word and its tag/);
    expect(bad("-DOCSTART- -X- O\n\n")).toThrow(/^ner\.txt has no sentences/);
    expect(() => readConll("/nonexistent/ner.txt")).toThrow(InputError);
    expect(() => readConll("/nonexistent/ner.txt")).toThrow(/does not exist; give a CoNLL file/);
  });
});
