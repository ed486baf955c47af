/**
 * The collator: encodings of different lengths from the real gutenberg-mini tokenizer become one padded batch, and
 * running that batch through the model gives each sequence's real tokens the same outputs as running it alone.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BertModel } from "../../src/bert/model.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { collate } from "../../src/data/collate.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { loadTokenizer, type BertTokenizer, type Encoding } from "../../src/tokenizer/index.js";
import { SHARED } from "../helpers/golden.js";

const MINI = join(SHARED, "models", "gutenberg-mini");
let tokenizer: BertTokenizer;
let encodings: Encoding[];

beforeAll(async () => {
  tokenizer = await loadTokenizer(MINI);
  encodings = tokenizer.encodeBatch(["He opened the door.", ["Who wrote it?", "A man of the sea wrote it, long ago."], "Yes"]);
});

describe("collate", () => {
  it("pads to the longest with the tokenizer's pad id, mask 0 and type 0", () => {
    const lengths = encodings.map((e) => e.length);
    expect(new Set(lengths).size).toBe(3);
    const t = Math.max(...lengths);
    const padId = tokenizer.specialTokenId("pad");
    const batch = collate(encodings, { padId });
    expect(batch.inputIds.shape).toEqual([3, t]);
    expect(batch.inputIds.dtype).toBe("int32");
    encodings.forEach((e, i) => {
      const row = (x: Int32Array): number[] => Array.from(x.subarray(i * t, (i + 1) * t));
      const pad = t - e.length;
      expect(row(batch.inputIds.ints("test"))).toEqual([...e.inputIds, ...Array<number>(pad).fill(padId)]);
      expect(row(batch.attentionMask.ints("test"))).toEqual([...Array<number>(e.length).fill(1), ...Array<number>(pad).fill(0)]);
      expect(row(batch.tokenTypeIds.ints("test"))).toEqual([...e.tokenTypeIds, ...Array<number>(pad).fill(0)]);
    });
    // The pair keeps its segment ids.
    expect(Array.from(batch.tokenTypeIds.ints("test").subarray(t, 2 * t))).toContain(1);
  });

  it("pads to a multiple, to a fixed length, and on the left", () => {
    const longest = Math.max(...encodings.map((e) => e.length));
    expect(collate(encodings, { padId: 0, padToMultipleOf: 8 }).inputIds.shape).toEqual([3, Math.ceil(longest / 8) * 8]);
    expect(collate(encodings, { padId: 0, length: 32 }).inputIds.shape).toEqual([3, 32]);
    const left = collate([encodings[2], encodings[0]], { padId: 0, paddingSide: "left" });
    const [, t] = left.inputIds.shape;
    const first = Array.from(left.inputIds.ints("test").subarray(0, t));
    expect(first.slice(t - encodings[2].length)).toEqual(Array.from(encodings[2].inputIds));
    expect(first.slice(0, t - encodings[2].length).every((id) => id === 0)).toBe(true);
  });

  it("says what is wrong with an empty batch, a length too short, or a bad option", () => {
    expect(() => collate([], { padId: 0 })).toThrow(/the batch is empty/);
    expect(() => collate(encodings, { padId: 0, length: 4 })).toThrow(/encoding 0 has \d+ tokens, more than the padded length 4; encode with maxLength 4/);
    expect(() => collate(encodings, { padId: -1 })).toThrow(/padId must be an integer ≥ 0/);
    expect(() => collate(encodings, { padId: 0, padToMultipleOf: 0 })).toThrow(/padToMultipleOf must be an integer ≥ 1/);
  });
});

describe("a collated batch through gutenberg-mini", () => {
  it("gives every sequence's real tokens the outputs it has alone", () => {
    const { model } = loadPretrained(MINI, { architecture: "BertModel" });
    if (!(model instanceof BertModel)) throw new Error("BertModel expected");
    const padId = tokenizer.specialTokenId("pad");
    const batch = collate(encodings, { padId, padToMultipleOf: 8 });
    const [, t] = batch.inputIds.shape;
    const together = noGrad(() => model.forward(batch)).lastHiddenState;
    const hidden = together.shape[2];
    let worst = 0;
    encodings.forEach((e, i) => {
      const alone = noGrad(() => model.forward(collate([e], { padId }))).lastHiddenState;
      expect(alone.shape).toEqual([1, e.length, hidden]);
      const a = alone.floats("test");
      const b = together.floats("test").subarray(i * t * hidden, (i * t + e.length) * hidden);
      for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
    });
    expect(worst).toBeLessThan(1e-4);
    // Padding is not ignored by accident: without the mask the outputs change.
    const unmasked = noGrad(() => model.forward({ inputIds: batch.inputIds, tokenTypeIds: batch.tokenTypeIds })).lastHiddenState;
    const shortest = encodings[2];
    const i = 2;
    const masked = together.floats("test").subarray(i * t * hidden, (i * t + shortest.length) * hidden);
    const open = unmasked.floats("test").subarray(i * t * hidden, (i * t + shortest.length) * hidden);
    expect(Math.max(...masked.map((v, k) => Math.abs(v - open[k])))).toBeGreaterThan(1e-3);
  });
});
