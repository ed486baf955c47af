/**
 * The packed copy of a weight kept for inference (src/tensor/packed-weights.ts): made without autograd on
 * the native backend, identical results to the unpacked path, and dropped whenever the weight changes.
 */
import { describe, expect, it } from "vitest";
import { loadNative } from "../../src/backend/native/index.js";
import { referenceKernels } from "../../src/backend/reference/index.js";
import { withBackend } from "../../src/backend/registry.js";
import { BertModel } from "../../src/bert/model.js";
import { loadStateDict, stateDict } from "../../src/bert/state-dict.js";
import { Linear } from "../../src/nn/linear.js";
import { backward, noGrad } from "../../src/tensor/autograd.js";
import { linear } from "../../src/tensor/ops/linear.js";
import { sum } from "../../src/tensor/ops/reduce.js";
import { hasPacked } from "../../src/tensor/packed-weights.js";
import { Rng } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { AdamW } from "../../src/train/adamw.js";
import { randomIds, smallConfig } from "../helpers/random-model.js";

const load = loadNative();
const native = load.ok ? load.kernels : null;

/** Largest |a − b| (a plain number, so that a failure does not print two 100,000-element arrays). */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function input(rows: number, cols: number, seed: number): Tensor {
  const rng = new Rng(seed);
  return new Tensor(Float32Array.from({ length: rows * cols }, () => rng.normal()), [rows, cols]);
}

describe.skipIf(native === null || native.packB(new Float32Array(4), 2, 2, true) === null)("packed weights (native backend)", () => {
  const run = <T>(fn: () => T): T => withBackend(native ?? referenceKernels, fn);

  it("packs a layer's weight on the first inference call and gives the unpacked path's exact outputs", () => {
    run(() => {
      const layer = new Linear(300, 520, 0.05, new Rng(1));
      const x = input(200, 300, 2);
      for (const activation of ["identity", "gelu"] as const) {
        const recorded = layer.forward(x, activation); // autograd on: no packing, activation as its own op
        expect(hasPacked(layer.weight)).toBe(false);
        const unpacked = withBackend({ ...(native ?? referenceKernels), packB: () => null }, () => noGrad(() => layer.forward(x, activation)));
        expect(hasPacked(layer.weight)).toBe(false);
        const first = noGrad(() => layer.forward(x, activation));
        expect(hasPacked(layer.weight)).toBe(true);
        const second = noGrad(() => layer.forward(x, activation));
        expect(maxDiff(first.data, unpacked.data)).toBe(0);
        expect(maxDiff(second.data, unpacked.data)).toBe(0);
        // The inference epilogue's GELU (16 lanes) computes what the separate op's (8 lanes) does, bit for bit.
        expect(maxDiff(first.data, recorded.data)).toBe(0);
        layer.weight.markModified();
      }
    });
  });

  it("drops the packed copy when an optimizer step changes the weight, and uses the new values", () => {
    run(() => {
      const layer = new Linear(64, 96, 0.05, new Rng(3));
      const x = input(40, 64, 4);
      const before = noGrad(() => layer.forward(x)).data.slice();
      expect(hasPacked(layer.weight)).toBe(true);
      const opt = new AdamW([{ params: [layer.weight, layer.bias], weightDecay: 0 }], { lr: 0.1 });
      backward(sum(layer.forward(x)));
      opt.step();
      expect(hasPacked(layer.weight)).toBe(false);
      const after = noGrad(() => layer.forward(x));
      const expected = withBackend(referenceKernels, () => noGrad(() => layer.forward(x)));
      expect(maxDiff(after.data, before)).toBeGreaterThan(1e-3);
      expect(maxDiff(after.data, expected.data)).toBeLessThan(1e-4);
    });
  });

  it("drops it on markModified() after writing into the weight by hand", () => {
    run(() => {
      const layer = new Linear(32, 48, 0.05, new Rng(5));
      const x = input(8, 32, 6);
      noGrad(() => layer.forward(x));
      layer.weight.data.fill(0);
      layer.weight.markModified();
      expect(hasPacked(layer.weight)).toBe(false);
      const y = noGrad(() => layer.forward(x));
      expect(Array.from(y.data).every((v) => v === 0)).toBe(true); // zero weight, zero bias
    });
  });

  it("drops it when a checkpoint is loaded into the model", () => {
    run(() => {
      const model = new BertModel(smallConfig());
      const dense = model.encoder.layer[0].attention.output.dense.weight;
      noGrad(() => model.forward({ inputIds: randomIds(2, 5, model.config.vocab_size) }));
      expect(hasPacked(dense)).toBe(true);
      loadStateDict(model, stateDict(model), { source: "test", allowNewHead: false });
      expect(hasPacked(dense)).toBe(false);
    });
  });

  it("does not pack tensors that are not trained weights, nor on the reference backend", () => {
    const w = input(48, 32, 7);
    const b = new Tensor(new Float32Array(48), [48]);
    run(() => noGrad(() => linear(input(8, 32, 8), w, b)));
    expect(hasPacked(w)).toBe(false);
    const layer = new Linear(32, 48, 0.05, new Rng(9));
    withBackend(referenceKernels, () => noGrad(() => layer.forward(input(8, 32, 10))));
    expect(hasPacked(layer.weight)).toBe(false);
  });

  it("fuses query, key and value into one GEMM in inference: the same bits as three, and rebuilt when one changes", () => {
    run(() => {
      const model = new BertModel(smallConfig()).eval();
      const ids = randomIds(2, 7, model.config.vocab_size, 3);
      const mask = new Tensor(Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]), [2, 7]);
      const inputs = { inputIds: ids, attentionMask: mask };
      // A backend that does not pack runs the three projections and the attention op of the training path.
      const unfused = (): Float32Array => withBackend({ ...(native ?? referenceKernels), packB: () => null }, () =>
        noGrad(() => model.forward(inputs)).lastHiddenState.data as Float32Array);
      const fused = (): Float32Array => noGrad(() => model.forward(inputs)).lastHiddenState.data as Float32Array;
      const self = model.encoder.layer[1].attention.self;
      expect(maxDiff(fused(), unfused())).toBe(0);
      expect(hasPacked(self.query.weight)).toBe(false); // only the fused copy exists

      const before = fused();
      self.key.weight.data[5] += 0.5;
      self.value.bias.data[3] -= 0.5;
      self.key.weight.markModified();
      self.value.bias.markModified();
      const after = fused();
      expect(maxDiff(after, before)).toBeGreaterThan(1e-3);
      expect(maxDiff(after, unfused())).toBe(0);

      const probs: Tensor[] = [];
      noGrad(() => model.forward(inputs, { attentions: probs }));
      expect(probs.map((t) => t.shape)).toEqual(model.encoder.layer.map(() => [2, model.config.num_attention_heads, 7, 7]));
      const firstRow = Array.from(probs[0].data.slice(0, 7));
      expect(Math.abs(firstRow.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-5);
    });
  });
});
