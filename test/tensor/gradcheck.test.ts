/** Every differentiable op's backward rule against central finite differences, in float64. */
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/tensor/random.js";
import { Tensor, intTensor } from "../../src/tensor/tensor.js";
import { add, div, mul, sub } from "../../src/tensor/ops/binary.js";
import { matmul } from "../../src/tensor/ops/matmul.js";
import { affine, exp, gelu, geluTanh, neg, relu, tanh } from "../../src/tensor/ops/unary.js";
import { logSoftmax, softmax } from "../../src/tensor/ops/softmax.js";
import { addLayerNorm, layerNorm } from "../../src/tensor/ops/layer-norm.js";
import { biasActivation } from "../../src/tensor/ops/bias-activation.js";
import { linear } from "../../src/tensor/ops/linear.js";
import { scaledDotProductAttention } from "../../src/tensor/ops/attention.js";
import { selfAttention } from "../../src/tensor/ops/self-attention.js";
import { attentionMask, packTokens } from "../../src/tensor/attention-mask.js";
import { embedding } from "../../src/tensor/ops/embedding.js";
import { bceWithLogits, crossEntropy, mseLoss } from "../../src/tensor/ops/losses.js";
import { mean, sum } from "../../src/tensor/ops/reduce.js";
import { concat, permute, reshape, slice, transpose } from "../../src/tensor/ops/layout.js";
import { dropout } from "../../src/tensor/ops/dropout.js";
import { gradCheck, randomTensor } from "../helpers/gradcheck.js";

const TOL = 1e-7;
const rng = new Rng(42);
const r = (...shape: number[]): Tensor => randomTensor(shape, rng);
/** A leaf with values in [2, 4): safe denominators. */
function positive(...shape: number[]): Tensor {
  const t = randomTensor(shape, rng);
  for (let i = 0; i < t.size; i++) t.data[i] = 2 + rng.uniform() * 2;
  return t;
}

function check(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  it(name, () => {
    const err = gradCheck(fn, inputs);
    console.log(`gradcheck ${name}: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOL);
  });
}

describe("matmul", () => {
  check("plain (3,4)·(4,5)", (a, b) => matmul(a, b), [r(3, 4), r(4, 5)]);
  check("transA", (a, b) => matmul(a, b, { transA: true }), [r(4, 3), r(4, 5)]);
  check("transB", (a, b) => matmul(a, b, { transB: true }), [r(3, 4), r(5, 4)]);
  check("transA+transB", (a, b) => matmul(a, b, { transA: true, transB: true }), [r(4, 3), r(5, 4)]);
  check("batched", (a, b) => matmul(a, b), [r(2, 3, 3, 4), r(2, 3, 4, 2)]);
  check("batched transB", (a, b) => matmul(a, b, { transB: true }), [r(2, 3, 4), r(2, 5, 4)]);
  check("batched · shared 2-D (Linear)", (a, b) => matmul(a, b, { transB: true }), [r(2, 3, 4), r(5, 4)]);
  check("batched transA · shared 2-D", (a, b) => matmul(a, b, { transA: true }), [r(2, 4, 3), r(4, 5)]);
  check("batched transA · shared transB", (a, b) => matmul(a, b, { transA: true, transB: true }), [r(2, 4, 3), r(5, 4)]);
});

describe("broadcasting arithmetic", () => {
  check("add same shape", add, [r(3, 4), r(3, 4)]);
  check("add bias (C)", add, [r(2, 3, 4), r(4)]);
  check("sub (B,1,1,T)", sub, [r(2, 3, 4, 4), r(2, 1, 1, 4)]);
  check("mul (3,1)·(1,4)", mul, [r(3, 1), r(1, 4)]);
  check("div", div, [r(3, 4), positive(3, 4)]);
  check("div broadcast denominator", div, [r(2, 3), positive(3)]);
  check("mul by itself", (a) => mul(a, a), [r(5)]);
});

describe("activations", () => {
  check("gelu", gelu, [r(4, 5)]);
  check("gelu (large values)", (x) => gelu(affine(x, 3)), [r(20)]);
  check("gelu_tanh", geluTanh, [r(4, 5)]);
  check("relu", relu, [r(4, 5)]); // no sample lands exactly on the kink
  check("tanh", tanh, [r(4, 5)]);
  check("exp", exp, [r(4, 5)]);
  check("neg", neg, [r(4)]);
  check("affine", (x) => affine(x, -1.5, 2), [r(3, 2)]);
});

describe("normalisation and softmax", () => {
  check("softmax", softmax, [r(3, 7)]);
  check("softmax with additive mask", (x, m) => softmax(add(x, m)), [r(2, 2, 3, 3), new Tensor(Float64Array.from([0, 0, -1e9, 0, 0, 0]), [2, 1, 1, 3])]);
  check("logSoftmax", logSoftmax, [r(3, 7)]);
  check("layerNorm (x, γ, β)", (x, g, b) => layerNorm(x, g, b, 1e-12), [r(2, 3, 6), r(6), r(6)]);
});

describe("lookups and losses", () => {
  const ids = intTensor([3, 0, 3, 1, 4, 2], [2, 3]);
  check("embedding (repeated ids)", (t) => embedding(t, ids), [r(5, 4)]);
  const targets = intTensor([2, -100, 0, 4]);
  check("crossEntropy with ignore index", (x) => crossEntropy(x, targets), [r(4, 5)]);
  const y = new Tensor(Float64Array.from([1, 0, 0.5, 1, 0, 1]), [2, 3]);
  check("bceWithLogits", (x) => bceWithLogits(x, y), [r(2, 3)]);
  check("mseLoss", (x, t) => mseLoss(x, t), [r(3, 2), r(3, 2)]);
});

describe("reductions and layout", () => {
  check("sum all", (x) => sum(x), [r(3, 4)]);
  check("sum axis 1", (x) => sum(x, 1), [r(2, 3, 4)]);
  check("mean axis -1", (x) => mean(x, -1), [r(2, 3, 4)]);
  check("reshape", (x) => reshape(x, [4, -1]), [r(2, 3, 4)]);
  check("permute (0,2,1,3)", (x) => permute(x, [0, 2, 1, 3]), [r(2, 3, 4, 2)]);
  check("transpose", (x) => transpose(x, 0, -1), [r(2, 3, 4)]);
  check("slice axis 1", (x) => slice(x, 1, 1, 3), [r(2, 4, 3)]);
  check("concat axis 1", (a, b) => concat([a, b], 1), [r(2, 2, 3), r(2, 1, 3)]);
  check("dropout (fixed mask)", (x) => dropout(x, 0.3, new Rng(7)), [r(4, 5)]);
});

describe("fused ops", () => {
  check("linear (x, W, b)", (x, w, b) => linear(x, w, b), [r(2, 3, 4), r(5, 4), r(5)]);
  check("linear on 2-D input", (x, w, b) => linear(x, w, b), [r(3, 4), r(2, 4), r(2)]);
  check("linear with GELU", (x, w, b) => linear(x, w, b, "gelu"), [r(3, 4), r(2, 4), r(2)]);
  for (const op of ["identity", "gelu", "gelu_tanh", "relu", "tanh"] as const) {
    check(`bias + ${op}`, (x, b) => biasActivation(x, b, op), [r(2, 3, 5), r(5)]);
  }
  check("addLayerNorm (x, residual, γ, β)", (x, res, g, b) => addLayerNorm(x, res, g, b, 1e-12), [r(2, 3, 6), r(2, 3, 6), r(6), r(6)]);
  const mask = intTensor([1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0], [3, 5]);
  const attn = (causal: boolean, p: number) => (q: Tensor, k: Tensor, v: Tensor): Tensor =>
    scaledDotProductAttention(q, k, v, { heads: 2, mask: attentionMask(mask, 3, 5, { causal }), dropout: p > 0 ? { p, rng: new Rng(3) } : null }).out;
  check("attention with padding", attn(false, 0), [r(3, 5, 6), r(3, 5, 6), r(3, 5, 6)]);
  check("attention, causal + padding", attn(true, 0), [r(3, 5, 6), r(3, 5, 6), r(3, 5, 6)]);
  check("attention with dropout (fixed mask)", attn(false, 0.25), [r(3, 5, 6), r(3, 5, 6), r(3, 5, 6)]);
  check("attention without mask, 1 head", (q, k, v) => scaledDotProductAttention(q, k, v, { heads: 1, mask: attentionMask(null, 2, 4), dropout: null }).out, [r(2, 4, 3), r(2, 4, 3), r(2, 4, 3)]);
  // The whole op on packed real tokens (N, C): projections, re-padding around the kernel, packing back.
  const packed = attentionMask(mask, 3, 5);
  check("self-attention on packed rows (x, Wq, bq, Wk, bk, Wv, bv)", (x, wq, bq, wk, bk, wv, bv) =>
    selfAttention(packTokens(x, packed), { query: { weight: wq, bias: bq }, key: { weight: wk, bias: bk }, value: { weight: wv, bias: bv } },
      { heads: 2, mask: packed, dropout: null, withProbs: false }).context,
  [r(3, 5, 4), r(4, 4), r(4), r(4, 4), r(4), r(4, 4), r(4)]);
});
