/** Each head computes its own loss as Hugging Face does; checked against losses computed by hand. */
import { describe, expect, it } from "vitest";
import { BertForQuestionAnswering } from "../../src/bert/heads/question-answering.js";
import { BertForSequenceClassification, problemTypeFor } from "../../src/bert/heads/sequence-classification.js";
import { BertForTokenClassification } from "../../src/bert/heads/token-classification.js";
import { BertForMaskedLM, BertForNextSentencePrediction, BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { backward } from "../../src/tensor/autograd.js";
import { Tensor, intTensor, tensor } from "../../src/tensor/tensor.js";
import { randomIds, randomModel, smallConfig } from "../helpers/random-model.js";

/** −log softmax(row)[target] */
function ce(logits: ArrayLike<number>, offset: number, n: number, target: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, logits[offset + j]);
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(logits[offset + j] - max);
  return max + Math.log(s) - logits[offset + target];
}

const ids = randomIds(3, 6, 50);

describe("BertForSequenceClassification", () => {
  it("uses cross-entropy for int32 labels", () => {
    const m = randomModel("BertForSequenceClassification", smallConfig({ num_labels: 3 }));
    if (!(m instanceof BertForSequenceClassification)) throw new Error();
    const labels = intTensor([2, 0, 1]);
    const { logits, loss } = m.forward({ inputIds: ids, labels });
    const want = [0, 1, 2].reduce((s, b) => s + ce(logits.data, b * 3, 3, labels.data[b]), 0) / 3;
    expect(loss?.item()).toBeCloseTo(want, 5);
    expect(problemTypeFor(m.config, labels)).toBe("single_label_classification");
  });

  it("uses MSE when there is one label (regression)", () => {
    const m = randomModel("BertForSequenceClassification", smallConfig({ num_labels: 1 }));
    if (!(m instanceof BertForSequenceClassification)) throw new Error();
    const labels = tensor([0.5, -1, 2]);
    const { logits, loss } = m.forward({ inputIds: ids, labels });
    const want = [0, 1, 2].reduce((s, b) => s + (logits.data[b] - labels.data[b]) ** 2, 0) / 3;
    expect(loss?.item()).toBeCloseTo(want, 5);
  });

  it("uses binary cross-entropy for float multi-label targets", () => {
    const m = randomModel("BertForSequenceClassification", smallConfig({ num_labels: 2 }));
    if (!(m instanceof BertForSequenceClassification)) throw new Error();
    const labels = tensor([1, 0, 0, 1, 1, 1], [3, 2]);
    const { logits, loss } = m.forward({ inputIds: ids, labels });
    let want = 0;
    for (let i = 0; i < 6; i++) {
      const p = 1 / (1 + Math.exp(-logits.data[i]));
      want -= labels.data[i] * Math.log(p) + (1 - labels.data[i]) * Math.log(1 - p);
    }
    expect(loss?.item()).toBeCloseTo(want / 6, 5);
  });

  it("rejects int32 labels for regression with a clear error", () => {
    const m = randomModel("BertForSequenceClassification", smallConfig({ num_labels: 1 }));
    if (!(m instanceof BertForSequenceClassification)) throw new Error();
    expect(() => m.forward({ inputIds: ids, labels: intTensor([1, 0, 1]) })).toThrow(/regression labels must be float/);
  });
});

describe("BertForQuestionAnswering", () => {
  it("averages start and end cross-entropy and ignores positions past the sequence", () => {
    const m = randomModel("BertForQuestionAnswering", smallConfig());
    if (!(m instanceof BertForQuestionAnswering)) throw new Error();
    const out = m.forward({ inputIds: ids, startPositions: intTensor([1, 99, 0]), endPositions: intTensor([3, 4, -5]) });
    const t = 6;
    const start = (ce(out.startLogits.data, 0, t, 1) + ce(out.startLogits.data, 2 * t, t, 0)) / 2; // 99 → ignored
    const end = (ce(out.endLogits.data, 0, t, 3) + ce(out.endLogits.data, t, t, 4) + ce(out.endLogits.data, 2 * t, t, 0)) / 3; // −5 → 0
    expect(out.loss?.item()).toBeCloseTo((start + end) / 2, 5);
    expect(out.startLogits.shape).toEqual([3, 6]);
  });
});

describe("BertForTokenClassification", () => {
  it("averages cross-entropy over labelled tokens only", () => {
    const m = randomModel("BertForTokenClassification", smallConfig({ num_labels: 4 }));
    if (!(m instanceof BertForTokenClassification)) throw new Error();
    const raw = Array.from({ length: 18 }, (_, i) => (i % 3 === 0 ? -100 : i % 4));
    const { logits, loss } = m.forward({ inputIds: ids, labels: intTensor(raw, [3, 6]) });
    let s = 0;
    let n = 0;
    raw.forEach((l, i) => {
      if (l === -100) return;
      s += ce(logits.data, i * 4, 4, l);
      n++;
    });
    expect(loss?.item()).toBeCloseTo(s / n, 5);
  });
});

describe("BertForMaskedLM and BertForNextSentencePrediction", () => {
  it("MLM averages over labelled positions", () => {
    const m = randomModel("BertForMaskedLM", smallConfig());
    if (!(m instanceof BertForMaskedLM)) throw new Error();
    const labels = new Tensor(Int32Array.from({ length: 18 }, (_, i) => (i === 4 ? 7 : i === 11 ? 20 : -100)), [3, 6]);
    const { logits, loss } = m.forward({ inputIds: ids, labels });
    expect(loss?.item()).toBeCloseTo((ce(logits.data, 4 * 50, 50, 7) + ce(logits.data, 11 * 50, 50, 20)) / 2, 5);
  });

  it("NSP is a 2-way cross-entropy on the pooled [CLS]", () => {
    const m = randomModel("BertForNextSentencePrediction", smallConfig());
    if (!(m instanceof BertForNextSentencePrediction)) throw new Error();
    const { logits, loss } = m.forward({ inputIds: ids, labels: intTensor([0, 1, 1]) });
    expect(logits.shape).toEqual([3, 2]);
    expect(loss?.item()).toBeCloseTo((ce(logits.data, 0, 2, 0) + ce(logits.data, 2, 2, 1) + ce(logits.data, 4, 2, 1)) / 3, 5);
  });
});

describe("BertForPreTraining with labelledPositionsOnly (google-research's gather_indexes)", () => {
  it("gives the loss and the gradients of scoring every position", () => {
    const config = smallConfig({ hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 });
    const labelData = new Int32Array(18).fill(-100);
    for (const [i, id] of [[1, 7], [4, 30], [8, 2], [13, 49], [17, 11]]) labelData[i] = id;
    const run = (only: boolean) => {
      const m = randomModel("BertForPreTraining", config);
      if (!(m instanceof BertForPreTraining)) throw new Error("not BertForPreTraining");
      const out = m.forward({ inputIds: ids, labels: new Tensor(labelData.slice(), [3, 6]), nextSentenceLabel: intTensor([0, 1, 0]), labelledPositionsOnly: only });
      if (out.loss === null) throw new Error("no loss");
      backward(out.loss);
      return { out, grads: m.namedParameters().map(([name, p]) => [name, Array.from(p.grad?.data ?? [])] as const) };
    };
    const all = run(false);
    const only = run(true);
    expect(only.out.predictionLogits.shape).toEqual([5, config.vocab_size]);
    expect(Array.from(only.out.predictedPositions ?? [])).toEqual([1, 4, 8, 13, 17]);
    expect(only.out.loss?.item()).toBeCloseTo(all.out.loss?.item() ?? NaN, 6);
    // Row r of the gathered logits is row positions[r] of the full ones.
    const v = config.vocab_size;
    const full = all.out.predictionLogits.data;
    only.out.predictionLogits.data.forEach((x, j) => expect(x).toBeCloseTo(full[[1, 4, 8, 13, 17][Math.floor(j / v)] * v + (j % v)], 5));
    for (const [i, [name, g]] of only.grads.entries()) {
      const want = all.grads[i][1];
      expect(name).toBe(all.grads[i][0]);
      const scale = Math.max(1e-6, ...want.map(Math.abs));
      expect(Math.max(...g.map((x, j) => Math.abs(x - want[j]))) / scale, name).toBeLessThan(1e-4);
    }
  });

  it("needs labels", () => {
    const m = randomModel("BertForPreTraining", smallConfig());
    if (!(m instanceof BertForPreTraining)) throw new Error("not BertForPreTraining");
    expect(() => m.forward({ inputIds: ids, labelledPositionsOnly: true })).toThrow(/labelledPositionsOnly needs labels/);
  });
});
