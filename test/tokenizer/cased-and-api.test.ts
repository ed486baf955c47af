/**
 * Behaviour the goldens do not show: the cased vocabulary (accents kept), CJK, punctuation, emoji offsets in UTF-16,
 * special tokens typed in the text, pairs, truncation strategies with stride windows, padding, batches, masks.
 * Expectations hand-checked (and equal to Hugging Face `tokenizers`, see bench/tokenizer/conformance.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadVocabTokenizer, type BertTokenizer } from "../../src/tokenizer/index.js";
import { VOCAB_CASED, VOCAB_UNCASED } from "./helpers.js";

let cased: BertTokenizer;
let uncased: BertTokenizer;
beforeAll(async () => {
  cased = await loadVocabTokenizer(VOCAB_CASED, { lowercase: false });
  uncased = await loadVocabTokenizer(VOCAB_UNCASED);
});

const pieces = (t: BertTokenizer, text: string): Array<[string, string]> => {
  const e = t.encode(text, null, { addSpecialTokens: false });
  return e.tokens.map((token, i) => [token, text.slice(...e.offsets[i])]);
};

describe("cased vocabulary", () => {
  it("keeps case and accents", () => {
    expect(cased.tokenize("Hello World, Café Crème!")).toEqual(["Hello", "World", ",", "Café", "C", "##r", "##ème", "!"]);
    expect(cased.tokenize("Zoë and José met in São Paulo.")).toEqual(["Z", "##o", "##ë", "and", "José", "met", "in", "São", "Paulo", "."]);
    expect(cased.tokenize("naïve façade")).toEqual(["na", "##ï", "##ve", "façade"]);
  });
  it("splits CJK ideographs but keeps kana words whole", () => {
    expect(pieces(cased, "東京は日本の首都です")).toEqual([
      ["東", "東"], ["京", "京"], ["は", "は"], ["日", "日"], ["本", "本"], ["の", "の"], ["[UNK]", "首"], ["[UNK]", "都"], ["[UNK]", "です"],
    ]);
  });
  it("isolates punctuation, ASCII and Unicode", () => {
    expect(cased.tokenize("U.S.A. e-mail ¿Qué?")).toEqual(["U", ".", "S", ".", "A", ".", "e", "-", "mail", "¿", "Q", "##ué", "?"]);
  });
  it("gives UTF-16 offsets after astral characters", () => {
    const text = "Emoji 🎉 party 👍🏽!";
    const e = cased.encode(text);
    expect(e.tokens).toEqual(["[CLS]", "Em", "##o", "##ji", "[UNK]", "party", "[UNK]", "!", "[SEP]"]);
    expect(e.offsets).toEqual([[0, 0], [0, 2], [2, 3], [3, 5], [6, 8], [9, 14], [15, 19], [19, 20], [0, 0]]);
    expect(text.slice(15, 19)).toBe("👍🏽");
  });
  it("maps dropped and whitespace characters away but keeps offsets in the original", () => {
    expect(pieces(cased, "tab\there\u00a0nbsp\u200bzw")).toEqual([
      ["ta", "ta"], ["##b", "b"], ["here", "here"], ["n", "n"], ["##bs", "bs"], ["##p", "p"], ["##z", "z"], ["##w", "w"],
    ]);
  });
});

describe("encoding API", () => {
  it("treats special tokens typed in the text as those tokens (own word, special mask 0)", () => {
    const e = uncased.encode("[CLS] literal[SEP]and [MASK]");
    expect(e.tokens).toEqual(["[CLS]", "[CLS]", "literal", "[SEP]", "and", "[MASK]", "[SEP]"]);
    expect(e.wordIds).toEqual([null, 0, 1, 2, 3, 4, null]);
    expect(Array.from(e.specialTokensMask)).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(e.offsets[3]).toEqual([13, 18]);
  });
  it("encodes pairs with type ids, sequence ids, word ids and masks", () => {
    const e = uncased.encode("Who are you?", "I am me.");
    expect(e.tokens).toEqual(["[CLS]", "who", "are", "you", "?", "[SEP]", "i", "am", "me", ".", "[SEP]"]);
    expect(Array.from(e.tokenTypeIds)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(e.sequenceIds).toEqual([null, 0, 0, 0, 0, null, 1, 1, 1, 1, null]);
    expect(e.wordIds).toEqual([null, 0, 1, 2, 3, null, 0, 1, 2, 3, null]);
    expect(Array.from(e.attentionMask)).toEqual(Array<number>(11).fill(1));
    expect(e.charToToken(4, 0)).toBe(2);
    expect(e.charToToken(2, 1)).toBe(7);
  });
  it("adds no special tokens on request", () => {
    expect(uncased.encode("a b", "c", { addSpecialTokens: false }).tokens).toEqual(["a", "b", "c"]);
  });

  const letters = "a b c d e f g h i j k l m n o p";
  it("truncates longest_first: the longer side gives first, then both share (the second gets the odd token)", () => {
    expect(uncased.encode(letters, "x y", { maxLength: 9 }).tokens).toEqual(["[CLS]", "a", "b", "c", "d", "[SEP]", "x", "y", "[SEP]"]);
    expect(uncased.encode("a b c d e", "v w x y z", { maxLength: 8 }).tokens).toEqual(["[CLS]", "a", "b", "[SEP]", "v", "w", "x", "[SEP]"]);
  });
  it("truncates only_first / only_second, and says when that cannot work", () => {
    expect(uncased.encode("a b c d", "x y z", { maxLength: 7, truncation: "only_first" }).tokens).toEqual(["[CLS]", "a", "[SEP]", "x", "y", "z", "[SEP]"]);
    expect(uncased.encode("a b c d", "x y z", { maxLength: 8, truncation: "only_second" }).tokens).toEqual(["[CLS]", "a", "b", "c", "d", "[SEP]", "x", "[SEP]"]);
    expect(() => uncased.encode("a b c d", "x y z", { maxLength: 7, truncation: "only_second" })).toThrow(/second sequence has 3 tokens but 3 must go/);
    expect(() => uncased.encode("a", "x y z", { maxLength: 4, truncation: "only_first" })).toThrow(/first sequence has 1 tokens but 3 must go/);
    expect(() => uncased.encode("a b c", null, { maxLength: 4, truncation: "only_second" })).toThrow(/needs a pair/);
    expect(() => uncased.encode("a b c", "x", { maxLength: 2 })).toThrow(/special tokens alone take 3/);
  });
  it("returns overflowing windows that overlap by the stride and cover the whole text", () => {
    const e = uncased.encode("who", letters, { maxLength: 10, truncation: "only_second", stride: 2 });
    const windows = [e, ...e.overflowing].map((w) => w.tokens.slice(3, -1).join(""));
    expect(windows).toEqual(["abcdef", "efghij", "ijklmn", "mnop"]);
    expect(e.overflowing[0].tokens.slice(0, 3)).toEqual(["[CLS]", "who", "[SEP]"]);
    expect(e.overflowing[0].wordIds.slice(3, 5)).toEqual([4, 5]);
    expect(() => uncased.encode("who", letters, { maxLength: 10, truncation: "only_second", stride: 6 })).toThrow(/stride \(6\) must be smaller/);
  });
  it("pads to the longest of a batch or to maxLength, right or left, to a multiple", () => {
    const [a, b] = uncased.encodeBatch(["hi", ["hello there", "friend"]], { padding: "longest" });
    expect(a.tokens).toEqual(["[CLS]", "hi", "[SEP]", "[PAD]", "[PAD]", "[PAD]"]);
    expect(Array.from(a.attentionMask)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(Array.from(a.specialTokensMask)).toEqual([1, 0, 1, 1, 1, 1]);
    expect(b.length).toBe(6);
    const left = uncased.encode("hi", null, { padding: "max_length", maxLength: 5, paddingSide: "left" });
    expect(left.tokens).toEqual(["[PAD]", "[PAD]", "[CLS]", "hi", "[SEP]"]);
    expect(left.offsets).toEqual([[0, 0], [0, 0], [0, 0], [0, 2], [0, 0]]);
    expect(uncased.encode("hi", null, { padding: true, padToMultipleOf: 8 }).length).toBe(8);
    expect(() => uncased.encode("hi", null, { padding: "max_length" })).toThrow(/needs maxLength/);
  });
  it("decodes, skipping special tokens unless asked", () => {
    const ids = uncased.encode("Hello, world!").inputIds;
    expect(uncased.decode(ids)).toBe("hello, world!");
    expect(uncased.decode(ids, { skipSpecialTokens: false })).toBe("[CLS] hello, world! [SEP]");
    expect(uncased.decodeBatch([[7592], [999999]])).toEqual(["hello", ""]);
  });
  it("serializes to Hugging Face's field names", () => {
    const json = uncased.encode("hi").toJSON();
    expect(json).toEqual({
      tokens: ["[CLS]", "hi", "[SEP]"],
      input_ids: [101, 7632, 102],
      token_type_ids: [0, 0, 0],
      attention_mask: [1, 1, 1],
      special_tokens_mask: [1, 0, 1],
      offsets: [[0, 0], [0, 2], [0, 0]],
      word_ids: [null, 0, null],
    });
  });
  it("rejects bad options with clear messages", () => {
    expect(() => uncased.encode("a", null, { maxLength: -1 })).toThrow(/maxLength must be an integer/);
    expect(() => uncased.encode("a", null, { truncation: "sideways" as "only_first", maxLength: 3 })).toThrow(/unknown truncation/);
  });
});
