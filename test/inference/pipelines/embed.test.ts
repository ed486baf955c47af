/**
 * EmbeddingPipeline and pooling: each pooling against Hugging Face's hidden states of pretraining-tiny (the pooler
 * through the golden NSP logits it feeds), mean pooling against a hand mean of gutenberg-mini's hidden states,
 * independence from batch padding, truncation, L2 normalisation, and refusals.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BertForPreTraining } from "../../../src/bert/heads/pretraining.js";
import { loadPretrained, savePretrained } from "../../../src/bert/pretrained.js";
import { readSafetensors, type TensorData } from "../../../src/io/safetensors.js";
import { EmbeddingPipeline, Embeddings } from "../../../src/inference/pipelines/embed.js";
import { POOLINGS, type Pooling } from "../../../src/inference/pipelines/pooling.js";
import { noGrad } from "../../../src/tensor/autograd.js";
import { Tensor } from "../../../src/tensor/tensor.js";
import { randomModel, smallConfig } from "../../helpers/random-model.js";
import { GOLDEN_TINY, MINI, tinyModelFolder } from "./tiny-folder.js";

function golden(name: string, tensors: Map<string, TensorData>): TensorData {
  const t = tensors.get(name);
  if (t === undefined) throw new Error(`${name} missing from the golden file`);
  return t;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** The expected (C) vector of sequence `row` from (B, T, C) hidden states, computed plainly. */
function handPool(hidden: TensorData, mask: ArrayLike<number>, row: number, pooling: "cls" | "mean" | "max"): number[] {
  const [, t, c] = hidden.shape;
  const tokens = Array.from({ length: t }, (_, i) => i).filter((i) => mask[row * t + i] === 1);
  const at = (i: number, j: number): number => hidden.data[(row * t + i) * c + j];
  return Array.from({ length: c }, (_, j) => {
    if (pooling === "cls") return at(0, j);
    const values = tokens.map((i) => at(i, j));
    return pooling === "max" ? Math.max(...values) : values.reduce((s, x) => s + x, 0) / values.length;
  });
}

let mini: EmbeddingPipeline;

beforeAll(async () => {
  mini = await EmbeddingPipeline.load(MINI);
});

describe("pooling against Hugging Face (pretraining-tiny)", () => {
  it("cls, mean and max of the golden last hidden state, and the pooler through the golden NSP logits", async () => {
    const dir = tinyModelFolder();
    const tiny = await EmbeddingPipeline.load(dir);
    const g = readSafetensors(join(GOLDEN_TINY, "golden_outputs.safetensors")).tensors;
    const ints = (name: string): Tensor => new Tensor(Int32Array.from(golden(name, g).data), golden(name, g).shape);
    const batch = { inputIds: ints("input_ids"), attentionMask: ints("attention_mask"), tokenTypeIds: ints("token_type_ids") };
    const mask = golden("attention_mask", g).data;
    const last = golden(`hidden_states.${tiny.model.config.num_hidden_layers}`, g);
    const c = tiny.dim;
    for (const pooling of ["cls", "mean", "max"] as const) {
      const ours = tiny.embedBatch(batch, pooling);
      const expected = [0, 1, 2].flatMap((row) => handPool(last, mask, row, pooling));
      const diff = maxAbsDiff(ours, expected);
      console.log(`embed ${pooling} vs HF hidden states: max |Δ| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-5);
    }
    // NSP logits = pooled · Wᵀ + b: Hugging Face's logits pin down the pooled output we feed in.
    const pooled = tiny.embedBatch(batch, "pooler");
    const { model } = loadPretrained(dir);
    if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
    const w = model.cls.seq_relationship.weight.data;
    const bias = model.cls.seq_relationship.bias.data;
    const nsp = [0, 1, 2].flatMap((row) => [0, 1].map((k) => {
      let s = bias[k];
      for (let j = 0; j < c; j++) s += pooled[row * c + j] * w[k * c + j];
      return s;
    }));
    const diff = maxAbsDiff(nsp, golden("seq_relationship_logits", g).data);
    console.log(`embed pooler → NSP logits vs HF: max |Δ| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
  });
});

describe("EmbeddingPipeline on gutenberg-mini", () => {
  const texts = ["The old man walked slowly along the road.", "Yes.", "She opened the letter, read it twice, and said nothing for a long while."];

  it("mean pooling is the mean of the model's hidden states over the text's tokens, padding or not", () => {
    const e = mini.tokenizer.encode(texts[1]);
    const hidden = noGrad(() => mini.model.forward({ inputIds: new Tensor(e.inputIds, [1, e.length]) }).lastHiddenState.floats("test"));
    const c = mini.dim;
    const hand = Array.from({ length: c }, (_, j) => {
      let s = 0;
      for (let i = 0; i < e.length; i++) s += hidden[i * c + j];
      return s / e.length;
    });
    const batched = mini.run(texts, { pooling: "mean" }); // "Yes." is padded to the longest text here
    const diff = maxAbsDiff(batched.vector(1), hand);
    console.log(`mean pooling vs hand mean (padded batch): max |Δ| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
  });

  it("every pooling gives a short text the same vector alone and padded in a batch with a long one", () => {
    for (const pooling of POOLINGS) {
      const together = mini.run([texts[2], texts[1]], { pooling, batchSize: 2 }); // "Yes." (4 tokens) padded to 19
      const alone = mini.run([texts[1]], { pooling });
      expect(maxAbsDiff(together.vector(1), alone.vector(0)), pooling).toBeLessThan(1e-5);
    }
  });

  it("normalize scales every vector to norm 1 without turning it", () => {
    const raw = mini.run(texts, { pooling: "cls" });
    const unit = mini.run(texts, { pooling: "cls", normalize: true });
    texts.forEach((_, i) => {
      const r = raw.vector(i);
      const norm = Math.hypot(...r);
      expect(Math.hypot(...unit.vector(i))).toBeCloseTo(1, 6);
      expect(maxAbsDiff(unit.vector(i), Array.from(r, (x) => x / norm))).toBeLessThan(1e-6);
    });
  });

  it("maxLength truncates: 'a b c d e f' with 5 tokens is embedded as 'a b c'", () => {
    const truncated = mini.run(["a b c d e f"], { maxLength: 5 });
    const short = mini.run(["a b c"]);
    expect(maxAbsDiff(truncated.vector(0), short.vector(0))).toBeLessThan(1e-6);
    expect(truncated.dim).toBe(256);
    expect(truncated.count).toBe(1);
  });

  it("refuses bad options with one-line InputErrors", () => {
    expect(() => mini.run(["x"], { maxLength: 1 })).toThrow(/maxLength must be an integer from 2 to 512/);
    expect(() => mini.run(["x"], { maxLength: 513 })).toThrow(/maxLength must be an integer from 2 to 512/);
    expect(() => mini.run(["x"], { pooling: "sum" as Pooling })).toThrow(/unknown pooling "sum"; use one of cls, mean, max, pooler/);
    expect(() => mini.run(["x"], { batchSize: 0 })).toThrow(/batch size must be a positive integer/);
  });
});

describe("a checkpoint without a pooler", () => {
  it("warns on load, refuses pooler pooling and embeds with the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bertkit-embed-mlm-"));
    const config = smallConfig();
    savePretrained(dir, randomModel("BertForMaskedLM", config), config, "BertForMaskedLM");
    const tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ..."abcdefghijklmnopqrstuvwxyz".split("")];
    writeFileSync(join(dir, "vocab.txt"), tokens.join("\n") + "\n");
    const p = await EmbeddingPipeline.load(dir);
    expect(p.warning).toMatch(/pooler/);
    expect(() => p.run(["a b"], { pooling: "pooler" })).toThrow(/no trained pooler .* use pooling cls, mean or max/);
    expect(p.run(["a b", "c"], { pooling: "max" }).count).toBe(2);
  });
});

describe("Embeddings", () => {
  it("views rows of the (N, C) buffer and refuses rows that are not there", () => {
    const m = new Embeddings(Float32Array.from([1, 2, 3, 4, 5, 6]), 3, 2);
    expect(Array.from(m.vector(2))).toEqual([5, 6]);
    expect(m.vectors().map((v) => Array.from(v))).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(() => m.vector(3)).toThrow(/no embedding 3; there are 3/);
    expect(() => new Embeddings(new Float32Array(5), 3, 2)).toThrow(/5 floats do not make 3 vectors of 2/);
  });
});
