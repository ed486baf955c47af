/** Each stage on its own, with hand-checked {text, tokens, offsets} expectations. */
import { describe, expect, it } from "vitest";
import { BertNormalizer, cleanupTokenization, preTokenize, Vocabulary, WordPiece, WordPieceDecoder } from "../../src/tokenizer/index.js";

describe("BertNormalizer", () => {
  const uncased = new BertNormalizer();
  const cased = new BertNormalizer({ lowercase: false });

  it("cleans text: drops controls, NUL, U+FFFD and format characters; whitespace becomes a space", () => {
    expect(uncased.normalizeString("a\u0000b\ufffdc\u200bd\u00ade\tf\ng\u00a0h\u3000i")).toBe("abcde f g h i");
  });
  it("puts spaces around CJK ideographs only (not kana or hangul)", () => {
    expect(cased.normalizeString("東京です한국")).toBe(" 東  京 です한국");
    // Uncased also strips accents: the kana voicing mark goes and hangul syllables decompose into jamo.
    expect(uncased.normalizeString("東京です한")).toBe(" 東  京 てす\u1112\u1161\u11ab");
  });
  it("strips accents by NFD and dropping non-spacing marks; spacing marks stay", () => {
    expect(uncased.normalizeString("Café ÉCOLE naïve")).toBe("cafe ecole naive");
    expect(uncased.normalizeString("हिन्दी")).toBe("हिनदी"); // virama (Mn) goes, vowel sign (Mc) stays
  });
  it("lower-cases per character, like Rust: no final sigma, İ keeps its dot until accents are stripped", () => {
    expect(uncased.normalizeString("ΣΑΣ")).toBe("σασ");
    expect(new BertNormalizer({ lowercase: true, stripAccents: false }).normalizeString("İ")).toBe("i\u0307");
    expect(uncased.normalizeString("İ")).toBe("i");
  });
  it("cased keeps case and accents", () => {
    expect(cased.normalizeString("Café ÉCOLE")).toBe("Café ÉCOLE");
    expect(cased.stripAccents).toBe(false);
    expect(new BertNormalizer({ lowercase: false, stripAccents: true }).normalizeString("Café")).toBe("Cafe");
  });
  it("maps every output unit back to the input character it came from", () => {
    const n = uncased.normalize("É😀x\u0000y");
    expect(n.text).toBe("e😀xy");
    expect(Array.from(n.sourceStart ?? [])).toEqual([0, 1, 1, 3, 5]);
    expect(Array.from(n.sourceEnd ?? [])).toEqual([1, 3, 3, 4, 6]);
    expect(uncased.normalize("Plain ASCII").sourceStart).toBeNull();
  });
});

describe("pre-tokenizer", () => {
  it("splits on whitespace and isolates each punctuation character (ASCII symbols count, Unicode P*)", () => {
    expect(preTokenize("don't stop-now $5 «ok»¿").map((w) => w.word)).toEqual(["don", "'", "t", "stop", "-", "now", "$", "5", "«", "ok", "»", "¿"]);
  });
  it("uses Hugging Face's Unicode 8 punctuation: U+2E43 (added in Unicode 10) is not split", () => {
    expect(preTokenize("a\u2e43b").map((w) => w.word)).toEqual(["a\u2e43b"]);
    expect(preTokenize("a\u2e3bb").map((w) => w.word)).toEqual(["a", "\u2e3b", "b"]);
  });
  it("reports UTF-16 ranges, astral characters included", () => {
    expect(preTokenize("😀 a!")).toEqual([
      { word: "😀", start: 0, end: 2 },
      { word: "a", start: 3, end: 4 },
      { word: "!", start: 4, end: 5 },
    ]);
  });
});

describe("WordPiece", () => {
  const vocab = new Vocabulary(["[UNK]", "un", "##aff", "##able", "ba", "##na", "a", "😀", "##😀"]);
  const model = new WordPiece(vocab);
  const tokens = (word: string): string[] => model.tokenize(word).map((p) => p.token);
  it("takes the longest match first, with ## continuations", () => {
    expect(tokens("unaffable")).toEqual(["un", "##aff", "##able"]);
    expect(tokens("banana")).toEqual(["ba", "##na", "##na"]);
    expect(model.tokenize("banana").map((p) => [p.start, p.end])).toEqual([[0, 2], [2, 4], [4, 6]]);
  });
  it("makes a word with an uncovered position one [UNK] over the whole word", () => {
    expect(model.tokenize("nana")).toEqual([{ id: 0, token: "[UNK]", start: 0, end: 4 }]);
    expect(tokens("bananax")).toEqual(["[UNK]"]);
  });
  it("makes words over 100 code points [UNK], counting astral characters once", () => {
    expect(tokens("a" + "😀".repeat(99))).toEqual(["a", ...Array<string>(99).fill("##😀")]);
    expect(tokens("😀".repeat(101))).toEqual(["[UNK]"]);
  });
  it("needs an [UNK] token", () => {
    expect(() => new WordPiece(new Vocabulary(["a"]))).toThrow(/unknown token/);
  });
});

describe("WordPiece decoder", () => {
  const decoder = new WordPieceDecoder();
  it("joins ## pieces and cleans up spaces like Hugging Face, per token", () => {
    expect(decoder.decode(["hello", ",", "world", "!", "un", "##aff", "##able"])).toBe("hello, world! unaffable");
    expect(decoder.decode(["can", "'", "t", "do", "n't"])).toBe("can ' t don't");
    expect(decoder.decode(["##x", "y"])).toBe("##x y");
    expect(new WordPieceDecoder({ cleanup: false }).decode(["a", "."])).toBe("a .");
  });
  it("cleanupTokenization replaces the whole string", () => {
    expect(cleanupTokenization("a . b ' c do not")).toBe("a. b'c don't");
  });
});
