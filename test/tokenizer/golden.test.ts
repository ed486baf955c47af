/**
 * Every case, pair and decode of ../shared/golden/tokenizer-*.json (Hugging Face `tokenizers` 0.23.2):
 * tokens, ids, type ids and offsets (golden offsets are code points; ours are UTF-16, converted before comparing).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadVocabTokenizer, type BertTokenizer } from "../../src/tokenizer/index.js";
import { goldenOffsetsUtf16, readGolden, VOCAB_SMALL, VOCAB_UNCASED, type GoldenFile } from "./helpers.js";

const suites: Array<[string, string]> = [
  ["tokenizer-bert-base-uncased.json", VOCAB_UNCASED],
  ["tokenizer-small-uncased.json", VOCAB_SMALL],
];

describe.each(suites)("%s", (file, vocabPath) => {
  const golden: GoldenFile = readGolden(file);
  let tokenizer: BertTokenizer;
  beforeAll(async () => {
    tokenizer = await loadVocabTokenizer(vocabPath, { lowercase: golden.do_lower_case });
  });

  it.each(golden.cases.map((c, i) => [i, c] as const))("case %i", (_i, c) => {
    const e = tokenizer.encode(c.text);
    expect(e.tokens).toEqual(c.tokens);
    expect(Array.from(e.inputIds)).toEqual(c.input_ids);
    expect(Array.from(e.tokenTypeIds)).toEqual(c.token_type_ids);
    expect(e.offsets).toEqual(goldenOffsetsUtf16(c.text, c.offsets));
    // Offsets point back into the source: a non-special token's slice is never empty.
    e.offsets.forEach(([s, end], t) => {
      if (e.specialTokensMask[t] === 0) expect(end).toBeGreaterThan(s);
    });
  });

  it.each(golden.pairs.map((p, i) => [i, p] as const))("pair %i", (_i, p) => {
    const e = tokenizer.encode(p.a, p.b, p.max_length === null ? {} : { maxLength: p.max_length, truncation: "longest_first" });
    expect(e.tokens).toEqual(p.tokens);
    expect(Array.from(e.inputIds)).toEqual(p.input_ids);
    expect(Array.from(e.tokenTypeIds)).toEqual(p.token_type_ids);
    const expected = p.offsets.map(([s, end], t) => {
      const text = p.token_type_ids[t] === 0 ? p.a : p.b;
      return goldenOffsetsUtf16(text, [[s, end]])[0];
    });
    expect(e.offsets).toEqual(expected);
  });

  it.each(golden.decode.map((d, i) => [i, d] as const))("decode %i", (i, expected) => {
    expect(tokenizer.decode(golden.cases[i].input_ids)).toBe(expected);
  });
});
