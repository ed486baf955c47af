/** maskTokens: google-research's create_masked_lm_predictions on one row, as dynamic masking will call it. */
import { describe, expect, it } from "vitest";
import { maskTokens, roundHalfEven, type MaskingVocab } from "../../../src/data/pretraining/masking.js";
import { Rng } from "../../../src/tensor/random.js";

// A toy vocabulary: 0 [PAD], 1 [CLS], 2 [SEP], 3 [MASK], 4 [UNK], ids ≥ 100 words; odd ids ≥ 101 are "##" pieces.
const SIZE = 1000;
const vocab: MaskingVocab = {
  size: SIZE,
  maskId: 3,
  padId: 0,
  specialIds: [1, 2, 0, 3],
  isContinuation: Uint8Array.from({ length: SIZE }, (_, id) => (id >= 100 && id % 2 === 1 ? 1 : 0)),
};
const options = { maskedLmProb: 0.15, maxPredictions: 20, wholeWordMask: false };

/** [CLS] a… [SEP] b… [SEP] [PAD]… with word ids drawn from `rng` (even = word start, odd = continuation). */
function row(T: number, real: number, rng: Rng): Int32Array {
  const ids = new Int32Array(T);
  const sep = 1 + Math.floor((real - 3) / 2);
  for (let i = 0; i < real; i++) ids[i] = i === 0 ? 1 : i === sep || i === real - 1 ? 2 : 100 + rng.int(800);
  return ids;
}

describe("roundHalfEven (Python's round)", () => {
  it.each([
    [2.5, 2],
    [3.5, 4],
    [19.2, 19],
    [0.45, 0],
    [7.5, 8],
    [1.5000001, 2],
  ])("round(%d) = %d", (x, expected) => expect(roundHalfEven(x)).toBe(expected));
});

describe("maskTokens", () => {
  it("predicts min(max_predictions, max(1, round(len × p))) positions, never special tokens or padding", () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 300; trial++) {
      const real = 5 + rng.int(124);
      const ids = row(128, real, rng);
      const copy = ids.slice();
      const out = maskTokens(ids, vocab, options, rng);
      expect(ids).toEqual(copy); // the original row is not touched
      expect(out.predictions).toBe(Math.min(20, Math.max(1, roundHalfEven(real * 0.15))));
      let labelled = 0;
      for (let i = 0; i < 128; i++) {
        if (out.labels[i] === -100) {
          expect(out.inputIds[i]).toBe(ids[i]);
          continue;
        }
        labelled++;
        expect(out.labels[i]).toBe(ids[i]);
        expect([0, 1, 2, 3]).not.toContain(ids[i]);
        expect(i).toBeLessThan(real);
      }
      expect(labelled).toBe(out.predictions);
    }
  });

  it("replaces 80% with [MASK], keeps 10%, draws 10% uniformly from the vocabulary", () => {
    const rng = new Rng(9);
    let mask = 0;
    let same = 0;
    let random = 0;
    const randomIds = new Set<number>();
    for (let trial = 0; trial < 4000; trial++) {
      const ids = row(128, 128, rng);
      const out = maskTokens(ids, vocab, options, rng);
      for (let i = 0; i < 128; i++) {
        if (out.labels[i] === -100) continue;
        if (out.inputIds[i] === 3) mask++;
        else if (out.inputIds[i] === ids[i]) same++;
        else {
          random++;
          randomIds.add(out.inputIds[i]);
        }
      }
    }
    const n = mask + same + random; // 76,000 predictions: 1 sd of a 10% share is 0.11%, of 80% 0.15%
    expect(mask / n).toBeCloseTo(0.8, 2);
    expect(same / n).toBeGreaterThan(0.095);
    expect(same / n).toBeLessThan(0.105);
    expect(random / n).toBeGreaterThan(0.095);
    expect(random / n).toBeLessThan(0.105);
    expect(randomIds.size).toBeGreaterThan(0.95 * SIZE); // ~7,600 uniform draws over 1,000 ids cover nearly all
  });

  it("with whole-word masking predicts every piece of a word or none", () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const ids = row(128, 40 + rng.int(88), rng);
      const out = maskTokens(ids, vocab, { ...options, wholeWordMask: true }, rng);
      expect(out.predictions).toBeGreaterThan(0);
      for (let i = 1; i < 128; i++) {
        const continues = vocab.isContinuation[ids[i]] === 1 && ![0, 1, 2, 3].includes(ids[i - 1]);
        if (continues) expect(out.labels[i] === -100).toBe(out.labels[i - 1] === -100);
      }
    }
  });

  it("is reproducible from the Rng's state and may mask in place", () => {
    const ids = row(64, 60, new Rng(1));
    const a = maskTokens(ids, vocab, options, new Rng(42));
    const b = maskTokens(ids, vocab, options, new Rng(42));
    const c = maskTokens(ids, vocab, options, new Rng(43));
    expect(b.inputIds).toEqual(a.inputIds);
    expect(b.labels).toEqual(a.labels);
    expect(c.labels).not.toEqual(a.labels);
    const inPlace = ids.slice();
    maskTokens(inPlace, vocab, options, new Rng(42), { inputIds: inPlace, labels: new Int32Array(64), predictions: 0 });
    expect(inPlace).toEqual(a.inputIds);
  });
});
