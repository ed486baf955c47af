/**
 * Inference in groups of sequences (src/nn/sequence-groups.ts): the grouped result equals the whole batch's,
 * with padding, segment ids and a causal mask, in float32 and int8, on both backends; how many sequences a group
 * holds; and that autograd, taps and inputs that do not line up run whole.
 */
import { describe, expect, it } from "vitest";
import { withBackend } from "../../src/backend/registry.js";
import { createLowPrecisionModel, prepackLowPrecision } from "../../src/bert/low-precision.js";
import { type BertInputs, BertModel } from "../../src/bert/model.js";
import { GROUP_BYTES, inSequenceGroups, sequencesPerGroup } from "../../src/nn/sequence-groups.js";
import { manualSeed } from "../../src/nn/random-state.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { Rng } from "../../src/tensor/random.js";
import { scope } from "../../src/tensor/scope.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { backends } from "../helpers/backends.js";
import { randomIds, randomModel, smallConfig } from "../helpers/random-model.js";

/** B sequences of T tokens, lengths from 1 to T (padding after), segment ids 0 then 1. */
function paddedBatch(B: number, T: number, vocab: number, seed: number): BertInputs {
  const rng = new Rng(seed);
  const mask = new Int32Array(B * T);
  const types = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = 1 + rng.int(T);
    for (let t = 0; t < len; t++) {
      mask[b * T + t] = 1;
      types[b * T + t] = t >= len / 2 ? 1 : 0;
    }
  }
  return { inputIds: randomIds(B, T, vocab, seed), attentionMask: new Tensor(mask, [B, T]), tokenTypeIds: new Tensor(types, [B, T]) };
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}

describe.each(backends)("sequence groups on the $name backend", (kernels) => {
  it.each([
    ["float32", "fp32"],
    ["int8", "int8"],
  ] as const)("give the whole batch's hidden states in %s, padding and segments included", (_, dtype) => withBackend(kernels, () => {
    const config = smallConfig();
    manualSeed(5);
    const model = dtype === "fp32" ? randomModel("BertModel", config) : createLowPrecisionModel("BertModel", config, "int8", { initialize: true }).eval();
    prepackLowPrecision(model);
    if (!(model instanceof BertModel)) throw new Error("BertModel expected");
    for (const inputs of [paddedBatch(7, 9, config.vocab_size, 11), { inputIds: randomIds(5, 6, config.vocab_size, 12), causal: true }]) {
      noGrad(() => scope(() => {
        const whole = model.forward(inputs).lastHiddenState;
        for (const perGroup of [1, 2, 3]) {
          const grouped = inSequenceGroups(inputs, perGroup, (part) => model.forward(part).lastHiddenState);
          // Each sequence's rows go through the same kernels whatever the group; only a GEMM's split across
          // threads may change with the row count, which can move float32 sums by an ulp.
          expect(maxAbsDiff(grouped, whole)).toBeLessThan(1e-5);
        }
      }));
    }
  }));
});

describe("sequence groups", () => {
  it("hold as many sequences as keep the feed-forward activation within GROUP_BYTES, at least one", () => {
    expect(GROUP_BYTES).toBe(6 * 2 ** 20);
    expect(sequencesPerGroup(128, 3072)).toBe(4); // BERT-base: 1.5 MiB per sequence
    expect(sequencesPerGroup(128, 1024)).toBe(12); // BERT-mini
    expect(sequencesPerGroup(512, 3072)).toBe(1); // 6 MiB for one sequence
    expect(sequencesPerGroup(1024, 3072)).toBe(1); // 12 MiB: still one
  });

  it("are the fewest groups that hold at most perGroup sequences, their sizes differing by one at most", () => {
    const sizes = (B: number, perGroup: number): number[] => {
      const seen: number[] = [];
      inSequenceGroups({ inputIds: randomIds(B, 2, 50) }, perGroup, (part) => {
        seen.push(part.inputIds.shape[0]);
        return new Tensor(new Float32Array(part.inputIds.size), [...part.inputIds.shape, 1]);
      });
      return seen;
    };
    noGrad(() => {
      expect(sizes(8, 5)).toEqual([4, 4]); // not 5 + 3: one set of activation shapes
      expect(sizes(8, 4)).toEqual([4, 4]);
      expect(sizes(8, 2)).toEqual([2, 2, 2, 2]);
      expect(sizes(7, 3)).toEqual([2, 2, 3]);
      expect(sizes(9, 8)).toEqual([4, 5]);
      expect(sizes(3, 1)).toEqual([1, 1, 1]);
      expect(sizes(4, 4)).toEqual([4]); // fits: run whole
    });
  });

  it("are what BertModel runs in inference: a large intermediate size gives the same result as the whole batch", () => {
    // intermediate 8192 at T = 64: 2 MiB per sequence, so groups of three (then 5 = 3 + 2).
    const config = smallConfig({ intermediate_size: 8192, max_position_embeddings: 64 });
    expect(sequencesPerGroup(64, config.intermediate_size)).toBe(3);
    const model = randomModel("BertModel", config);
    if (!(model instanceof BertModel)) throw new Error("BertModel expected");
    const inputs = paddedBatch(5, 64, config.vocab_size, 21);
    const runs: string[] = [];
    noGrad(() => scope(() => {
      const hiddenStates: Tensor[] = [];
      const whole = model.forward(inputs, { hiddenStates }).lastHiddenState; // taps: the batch runs whole
      expect(hiddenStates).toHaveLength(config.num_hidden_layers + 1);
      const grouped = model.forward(inputs).lastHiddenState;
      expect(maxAbsDiff(grouped, whole)).toBeLessThan(1e-5);
      inSequenceGroups(inputs, 2, (part) => {
        runs.push(part.inputIds.shape.join("×"));
        return model.forward(part).lastHiddenState;
      });
    }));
    expect(runs).toEqual(["1×64", "2×64", "2×64"]);
  });

  it("run the batch whole under autograd and when its tensors do not line up", () => {
    const inputIds = randomIds(4, 3, 50);
    const seen: string[] = [];
    const run = (part: BertInputs): Tensor => {
      seen.push(part.inputIds.shape.join("×"));
      return new Tensor(new Float32Array(part.inputIds.size * 2), [...part.inputIds.shape, 2]);
    };
    inSequenceGroups({ inputIds }, 1, run); // autograd on (no noGrad): whole
    noGrad(() => inSequenceGroups({ inputIds, attentionMask: new Tensor(new Int32Array(8), [4, 2]) }, 1, run)); // mask (4, 2): whole
    noGrad(() => inSequenceGroups({ inputIds }, 4, run)); // fits in one group
    noGrad(() => inSequenceGroups({ inputIds }, 3, run)); // two groups of two
    expect(seen).toEqual(["4×3", "4×3", "4×3", "2×3", "2×3"]);
  });
});
