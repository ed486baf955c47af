/** Initialisation as Hugging Face does it, parameter naming, and reproducible dropout. */
import { describe, expect, it } from "vitest";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { makeConfig } from "../../src/bert/config.js";
import { BertModel } from "../../src/bert/model.js";
import { Dropout } from "../../src/nn/dropout.js";
import { manualSeed } from "../../src/nn/random-state.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { full } from "../../src/tensor/tensor.js";
import { randomIds, smallConfig } from "../helpers/random-model.js";

function stats(data: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i];
  const mean = s / data.length;
  let v = 0;
  for (let i = 0; i < data.length; i++) v += (data[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / data.length) };
}

describe("initialisation", () => {
  manualSeed(11);
  const model = new BertForPreTraining(makeConfig({ vocab_size: 1000, hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 128 }));
  const params = new Map(model.namedParameters());

  it("draws weights from N(0, 0.02), zeroes biases and the padding row, sets LayerNorm to ones/zeros", () => {
    const w = params.get("bert.encoder.layer.0.intermediate.dense.weight");
    const emb = params.get("bert.embeddings.word_embeddings.weight");
    if (!w || !emb) throw new Error("parameters expected");
    const s = stats(w.data);
    expect(Math.abs(s.mean)).toBeLessThan(0.002);
    expect(Math.abs(s.std - 0.02)).toBeLessThan(0.001);
    expect(Array.from(emb.data.subarray(0, 64)).every((x) => x === 0)).toBe(true); // [PAD] = 0
    expect(stats(emb.data.subarray(64)).std).toBeCloseTo(0.02, 2);
    for (const [name, p] of params) {
      if (name.endsWith(".bias")) expect(Array.from(p.data).every((x) => x === 0), name).toBe(true);
      if (name.endsWith("LayerNorm.weight")) expect(Array.from(p.data).every((x) => x === 1), name).toBe(true);
    }
  });

  it("names parameters by Hugging Face key, the tied decoder once", () => {
    expect([...params.keys()]).toContain("bert.encoder.layer.0.attention.self.query.weight");
    expect([...params.keys()]).toContain("cls.predictions.bias");
    expect([...params.keys()]).not.toContain("cls.predictions.decoder.weight");
    expect(model.namedParameters({ includeTied: true }).map(([n]) => n)).toContain("cls.predictions.decoder.weight");
  });

  it("is reproducible from the seed", () => {
    manualSeed(3);
    const a = new BertModel(smallConfig());
    manualSeed(3);
    const b = new BertModel(smallConfig());
    expect(a.embeddings.word_embeddings.weight.toArray()).toEqual(b.embeddings.word_embeddings.weight.toArray());
  });
});

describe("dropout", () => {
  it("zeroes about p of the values, scales the rest by 1/(1−p), and repeats under the same seed", () => {
    const d = new Dropout(0.25);
    const x = full([10000], 1);
    manualSeed(9);
    const y1 = d.forward(x).toArray();
    manualSeed(9);
    const y2 = d.forward(x).toArray();
    expect(y1).toEqual(y2);
    const zeros = y1.filter((v) => v === 0).length;
    expect(Math.abs(zeros / 10000 - 0.25)).toBeLessThan(0.02);
    expect(y1.filter((v) => v !== 0).every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
  });

  it("is the identity in eval mode, and changes a BERT's output in train mode", () => {
    const model = new BertModel(smallConfig({ hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 }));
    const ids = randomIds(2, 6, 50);
    model.eval();
    const e1 = noGrad(() => model.forward({ inputIds: ids }).lastHiddenState.toArray());
    const e2 = noGrad(() => model.forward({ inputIds: ids }).lastHiddenState.toArray());
    expect(e1).toEqual(e2);
    model.train();
    const t1 = noGrad(() => model.forward({ inputIds: ids }).lastHiddenState.toArray());
    expect(t1).not.toEqual(e1);
  });
});

describe("train and eval modes", () => {
  it("reach every module, in fields and in arrays (the encoder's layers), the same ones namedModules lists", () => {
    const model = new BertForPreTraining(makeConfig({ vocab_size: 100, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32 }));
    const all = model.namedModules().map(([, m]) => m);
    const visited: unknown[] = [];
    model.forEachModule((m) => visited.push(m));
    expect(visited.length).toBe(all.length);
    expect(visited.every((m, i) => m === all[i])).toBe(true);
    expect(all.some((m) => m instanceof Dropout)).toBe(true);
    model.eval();
    expect(all.every((m) => !m.training)).toBe(true);
    model.train();
    expect(all.every((m) => m.training)).toBe(true);
  });
});
