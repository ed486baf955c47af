/**
 * Properties of the BERT forward pass that hold for any configuration: padding invariance, batch
 * independence, the causal mask, attention rows summing to one, and a float64 gradient check of a whole
 * model. Run over several sizes, head counts and activations, not only the goldens' shape.
 */
import { describe, expect, it } from "vitest";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { BertModel } from "../../src/bert/model.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { Tensor, intTensor } from "../../src/tensor/tensor.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { randomIds, randomModel, smallConfig } from "../helpers/random-model.js";
import type { BertConfig } from "../../src/bert/config.js";

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function baseModel(config: BertConfig): BertModel {
  const m = randomModel("BertModel", config);
  if (!(m instanceof BertModel)) throw new Error("expected BertModel");
  return m;
}

const VARIANTS: [string, Partial<BertConfig>][] = [
  ["gelu, 3 heads", {}],
  ["gelu_new, 1 head", { hidden_act: "gelu_new", num_attention_heads: 1 }],
  ["relu, 6 heads, 3 layers", { hidden_act: "relu", num_attention_heads: 6, num_hidden_layers: 3 }],
  ["gelu_pytorch_tanh, 4 heads, type vocab 3", { hidden_act: "gelu_pytorch_tanh", num_attention_heads: 4, type_vocab_size: 3 }],
];

describe.each(VARIANTS)("BertModel (%s)", (_label, overrides) => {
  const config = smallConfig(overrides);
  const model = baseModel(config);
  const ids = randomIds(2, 7, config.vocab_size);

  it("gives the same outputs on real tokens when padding is appended", () => {
    const plain = noGrad(() => model.forward({ inputIds: ids }).lastHiddenState);
    const padded = new Int32Array(2 * 10);
    const mask = new Int32Array(2 * 10);
    for (let b = 0; b < 2; b++) for (let t = 0; t < 7; t++) {
      padded[b * 10 + t] = ids.data[b * 7 + t];
      mask[b * 10 + t] = 1;
    }
    const out = noGrad(() => model.forward({ inputIds: new Tensor(padded, [2, 10]), attentionMask: new Tensor(mask, [2, 10]) }).lastHiddenState);
    const c = config.hidden_size;
    const real = new Float32Array(2 * 7 * c);
    for (let b = 0; b < 2; b++) real.set(out.data.subarray(b * 10 * c, (b * 10 + 7) * c), b * 7 * c);
    expect(maxDiff(real, plain.data)).toBeLessThan(1e-5);
  });

  it("computes each sequence independently of the rest of the batch", () => {
    const both = noGrad(() => model.forward({ inputIds: ids }).poolerOutput);
    const second = noGrad(() => model.forward({ inputIds: new Tensor(ids.data.slice(7), [1, 7]) }).poolerOutput);
    if (!both || !second) throw new Error("pooler expected");
    expect(maxDiff(both.data.subarray(config.hidden_size), second.data)).toBeLessThan(1e-6);
  });

  it("has attention rows that sum to one over real keys, and no work (zero rows) for padded queries", () => {
    const attentions: Tensor[] = [];
    const mask = intTensor([1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1], [2, 7]);
    noGrad(() => model.forward({ inputIds: ids, attentionMask: mask }, { attentions }));
    expect(attentions).toHaveLength(config.num_hidden_layers);
    const [b, h, t] = attentions[0].shape;
    expect([b, h, t]).toEqual([2, config.num_attention_heads, 7]);
    for (const a of attentions) {
      for (let row = 0; row < b * h * t; row++) {
        let s = 0;
        for (let k = 0; k < t; k++) s += a.data[row * t + k];
        const padded = Math.floor(row / (h * t)) === 0 && row % t >= 5; // batch 0, queries 5 and 6
        expect(Math.abs(s - (padded ? 0 : 1))).toBeLessThan(1e-5);
        if (Math.floor(row / (h * t)) === 0) expect(a.data[row * t + 5] + a.data[row * t + 6]).toBe(0);
      }
    }
  });
});

describe("causal mask", () => {
  const config = smallConfig();
  const model = baseModel(config);

  it("makes each position independent of later tokens, unlike bidirectional BERT", () => {
    const a = randomIds(1, 8, config.vocab_size, 5);
    const changed = new Tensor(Int32Array.from(a.data), [1, 8]);
    changed.data[6] = a.data[6] === 5 ? 6 : 5; // a different token at position 6
    const c = config.hidden_size;
    const run = (ids: Tensor, causal: boolean): Float32Array => noGrad(() => model.forward({ inputIds: ids, causal }).lastHiddenState.data as Float32Array);
    const early = (x: Float32Array): Float32Array => x.subarray(0, 6 * c);
    expect(maxDiff(early(run(a, true)), early(run(changed, true)))).toBeLessThan(1e-6);
    expect(maxDiff(early(run(a, false)), early(run(changed, false)))).toBeGreaterThan(1e-4);
  });

  it("combines with a padding mask", () => {
    const ids = randomIds(1, 5, config.vocab_size, 9);
    const mask = intTensor([1, 1, 1, 0, 0], [1, 5]);
    const attentions: Tensor[] = [];
    noGrad(() => model.forward({ inputIds: ids, attentionMask: mask, causal: true }, { attentions }));
    const a = attentions[0].data;
    for (let q = 0; q < 3; q++) for (let k = q + 1; k < 5; k++) expect(a[q * 5 + k]).toBe(0);
  });
});

describe("whole-model gradient", () => {
  it("matches finite differences in float64 (MLM + NSP loss, every parameter of a tiny BERT)", () => {
    const config = smallConfig({ vocab_size: 12, hidden_size: 8, num_attention_heads: 2, intermediate_size: 12, num_hidden_layers: 1, max_position_embeddings: 8 });
    const model = randomModel("BertForPreTraining", config, 4);
    if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
    model.toDtype("float64");
    const params = model.parameters();
    const inputs = {
      inputIds: intTensor([2, 7, 8, 3, 9, 0, 2, 5, 6, 10, 3, 11], [2, 6]),
      attentionMask: intTensor([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1], [2, 6]),
      tokenTypeIds: intTensor([0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1], [2, 6]),
      labels: intTensor([-100, 4, -100, -100, 6, -100, -100, -100, 7, -100, -100, 1], [2, 6]),
      nextSentenceLabel: intTensor([0, 1]),
    };
    const err = gradCheck(() => {
      const out = model.forward(inputs);
      if (out.loss === null) throw new Error("loss expected");
      return out.loss;
    }, params);
    console.log(`whole-model gradcheck over ${params.length} parameters: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-6);
  });
});

describe("bad inputs", () => {
  const model = baseModel(smallConfig());
  const ids = randomIds(2, 4, 50);

  it("says an empty input_ids is empty instead of failing deep inside", () => {
    expect(() => model.forward({ inputIds: new Tensor(new Int32Array(0), [1, 0]) }))
      .toThrow(/^input_ids \[1, 0\] is empty: give at least one sequence of at least one token/);
    expect(() => model.forward({ inputIds: new Tensor(new Int32Array(0), [0, 4]) })).toThrow(/is empty/);
  });

  it("accepts only 0 and 1 in attention_mask, naming the position", () => {
    const mask = intTensor([1, 1, 1, 0, 1, 2, 1, 1], [2, 4]);
    expect(() => model.forward({ inputIds: ids, attentionMask: mask }))
      .toThrow(/^attention_mask holds 2 at \(1, 1\); it must be 1 for real tokens and 0 for padding$/);
  });

  it("names both shapes when attention_mask does not match input_ids", () => {
    expect(() => model.forward({ inputIds: ids, attentionMask: intTensor([1, 1, 1], [1, 3]) }))
      .toThrow(/^attention_mask \[1, 3\] must match input_ids \[2, 4\]$/);
  });
});
