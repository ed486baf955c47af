/**
 * int8 / bf16 models: which layers are converted, closeness to fp32, the numerics of one layer against the
 * documented rule (docs/quantization.md), the fused Q/K/V GEMM against the three layers, checkpoints written
 * and read back bit for bit in the documented layout, and the errors for training or a wrong dtype.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withBackend } from "../../src/backend/registry.js";
import { referenceKernels } from "../../src/backend/reference/index.js";
import { BertModel } from "../../src/bert/model.js";
import { createModel } from "../../src/bert/architectures.js";
import { convertLinears, createLowPrecisionModel, linearLayers, prepackLowPrecision } from "../../src/bert/low-precision.js";
import { loadPretrained, savePretrained, type ModelDType } from "../../src/bert/pretrained.js";
import { stateDict, storedStateDict } from "../../src/bert/state-dict.js";
import { InputError } from "../../src/errors.js";
import { readSafetensorsHeader, withSafetensors } from "../../src/io/safetensors.js";
import { Linear, skipNormals } from "../../src/nn/linear.js";
import { manualSeed } from "../../src/nn/random-state.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { fusedLinearInference } from "../../src/tensor/ops/linear.js";
import { quantizeInt8 } from "../../src/tensor/low-precision.js";
import { lowPrecisionConcatenation } from "../../src/tensor/packed-weights.js";
import { Rng } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { backends } from "../helpers/backends.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";
import { randomIds, randomModel, smallConfig } from "../helpers/random-model.js";

const TINY = join(GOLDEN_MODELS, "pretraining-tiny"); // 2 layers, C 64, BertForPreTraining

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "bertkit-lowp-"));
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

const inputs = { inputIds: randomIds(2, 12, 2000), attentionMask: new Tensor(Int32Array.from({ length: 24 }, (_, i) => (i >= 21 ? 0 : 1)), [2, 12]) };

/** Last hidden state (and every layer's) of `dir` loaded as a BertModel in `dtype`. */
function hidden(dir: string, dtype?: ModelDType): Float32Array {
  const { model } = loadPretrained(dir, { architecture: "BertModel", dtype });
  if (!(model instanceof BertModel)) throw new Error("BertModel expected");
  return Float32Array.from(noGrad(() => model.forward(inputs)).lastHiddenState.data);
}

function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe("which layers are converted", () => {
  it("every Linear of encoder and heads holds int8; embeddings, LayerNorms, biases and the tied decoder stay float32 parameters", () => {
    const { model, dtype } = loadPretrained(TINY, { dtype: "int8" });
    expect(dtype).toBe("int8");
    const layers = linearLayers(model).map(([path]) => path);
    expect(layers).toContain("bert.encoder.layer.1.attention.self.value");
    expect(layers).toContain("bert.pooler.dense");
    expect(layers).toContain("cls.predictions.transform.dense");
    expect(layers).toContain("cls.seq_relationship");
    expect(layers).toHaveLength(2 * 6 + 3);
    for (const [path, layer] of linearLayers(model)) {
      expect(layer.lowPrecision?.dtype, path).toBe("int8");
      expect(layer.lowPrecision?.label).toBe(path);
      expect(Object.keys(layer)).not.toContain("weight"); // no float32 copy kept
    }
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain("bert.embeddings.word_embeddings.weight");
    expect(names).toContain("bert.encoder.layer.0.attention.output.LayerNorm.weight");
    expect(names).toContain("bert.encoder.layer.0.intermediate.dense.bias");
    expect(names).toContain("cls.predictions.bias");
    expect(names.filter((n) => /(query|key|value|dense|seq_relationship)\.weight$/.test(n))).toEqual([]);
  });
});

describe.each(backends)("int8 and bf16 on the $name backend", (kernels) => {
  it.each(["int8", "bf16"] as const)("%s hidden states are close to fp32 (cosine > 0.99 per token)", (dtype) => {
    const [fp32, low] = withBackend(kernels, () => [hidden(TINY, "fp32"), hidden(TINY, dtype)]);
    const c = 64;
    for (let t = 0; t < 21; t++) { // 21 … 23 are padding (zeros)
      expect(cosine(fp32.subarray(t * c, (t + 1) * c), low.subarray(t * c, (t + 1) * c))).toBeGreaterThan(dtype === "bf16" ? 0.999 : 0.99);
    }
  });

  it.each(["int8", "bf16"] as const)("%s: the fused Q/K/V GEMM gives exactly the three layers' outputs", (dtype) => {
    withBackend(kernels, () => {
      // Two copies of one random model: a layer that ran alone keeps only its packed copy, so it cannot be fused after.
      const attention = (): BertModel["encoder"]["layer"][number]["attention"]["self"] => {
        manualSeed(7);
        const model = createLowPrecisionModel("BertModel", smallConfig(), dtype, { initialize: true });
        if (!(model instanceof BertModel)) throw new Error("BertModel expected");
        return model.encoder.layer[0].attention.self;
      };
      const x = new Tensor(Float32Array.from({ length: 5 * 24 }, (_, i) => Math.sin(i * 0.7) * 2), [5, 24]);
      const alone = attention();
      const each = noGrad(() => [alone.query, alone.key, alone.value].map((l) => l.forward(x).data));
      const self = attention();
      const fused = noGrad(() => fusedLinearInference(x, self, [self.query, self.key, self.value]));
      if (fused === null) throw new Error("fused output expected");
      expect(fused.shape).toEqual([5, 72]);
      for (let r = 0; r < 5; r++) {
        each.forEach((y, part) => expect(bytes(fused.data.subarray(r * 72 + part * 24, r * 72 + part * 24 + 24))).toEqual(bytes(y.subarray(r * 24, r * 24 + 24))));
      }
    });
  });
});

describe("one int8 layer on the reference backend follows the documented numerics exactly", () => {
  it("uint8 rows (DynamicQuantizeLinear), int8 channels, int32 sums, dequantized with the bias", () => {
    manualSeed(4);
    const layer = new Linear(37, 19, 0.3);
    const rng = new Rng(9);
    for (let i = 0; i < layer.bias.size; i++) layer.bias.data[i] = rng.normal();
    const w = Float32Array.from(layer.weight.data);
    layer.toLowPrecision("int8");
    const x = Float32Array.from({ length: 3 * 37 }, () => rng.normal() * 3 + 0.5);
    const y = withBackend(referenceKernels, () => noGrad(() => layer.forward(new Tensor(x, [3, 37])).data));
    const f = Math.fround;
    const rne = (v: number): number => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
    const q = quantizeInt8(w, 19, 37);
    for (let r = 0; r < 3; r++) {
      const row = x.subarray(r * 37, r * 37 + 37);
      const lo = Math.min(0, ...row);
      const hi = Math.max(0, ...row);
      const s = f(f(hi - lo) / 255);
      const z = Math.min(255, Math.max(0, rne(f(-lo / s))));
      const xq = Array.from(row, (v) => Math.min(255, Math.max(0, rne(f(v / s)) + z)));
      for (let j = 0; j < 19; j++) {
        let acc = 0;
        for (let t = 0; t < 37; t++) acc += (xq[t] - z) * q.values[j * 37 + t];
        expect(y[r * 19 + j]).toBe(f(f(f(acc) * f(s * q.scales[j])) + layer.bias.data[j]));
      }
    }
  });
});

describe("checkpoints", () => {
  it("int8: quantize → save → load is bit-identical, in the documented layout (I8 + F32 weight_scale, metadata, quantization_config)", () => {
    const a = loadPretrained(TINY, { dtype: "int8", prepack: false });
    const before = storedStateDict(a.model);
    const dir = tmp();
    savePretrained(dir, a.model, a.config, a.architecture);
    const header = readSafetensorsHeader(join(dir, "model.safetensors"));
    expect(header.get("bert.encoder.layer.0.attention.self.query.weight")).toEqual({ dtype: "I8", shape: [64, 64] });
    expect(header.get("bert.encoder.layer.0.attention.self.query.weight_scale")).toEqual({ dtype: "F32", shape: [64] });
    expect(header.get("bert.encoder.layer.1.intermediate.dense.weight")).toEqual({ dtype: "I8", shape: [256, 64] });
    expect(header.get("bert.embeddings.word_embeddings.weight")).toEqual({ dtype: "F32", shape: [2000, 64] });
    expect(header.get("bert.encoder.layer.1.intermediate.dense.bias")).toEqual({ dtype: "F32", shape: [256] });
    expect([...header.values()].filter((e) => e.dtype === "I8")).toHaveLength(15);
    expect(withSafetensors(join(dir, "model.safetensors"), (f) => f.metadata)).toEqual({ format: "pt", bertkit_quantization: "int8-per-channel-symmetric" });
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).quantization_config.quant_method).toBe("bertkit");

    const b = loadPretrained(dir, { prepack: false }); // no dtype: the checkpoint's own
    expect(b.dtype).toBe("int8");
    const after = storedStateDict(b.model);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [k, t] of before) expect(bytes(after.get(k)?.data ?? new Uint8Array()).equals(bytes(t.data)), k).toBe(true);
    expect(bytes(hidden(dir)).equals(bytes(hidden(TINY, "int8")))).toBe(true);
  });

  it("bf16: Linear weights as BF16, the rest F32; read back as bits with dtype bf16, widened exactly without", () => {
    const a = loadPretrained(TINY, { dtype: "bf16", prepack: false });
    const dir = tmp();
    savePretrained(dir, a.model, a.config, a.architecture);
    const header = readSafetensorsHeader(join(dir, "model.safetensors"));
    expect(header.get("bert.encoder.layer.0.output.dense.weight")).toEqual({ dtype: "BF16", shape: [64, 256] });
    expect(header.get("bert.encoder.layer.0.output.LayerNorm.weight")).toEqual({ dtype: "F32", shape: [64] });
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).quantization_config).toBeUndefined();
    const b = loadPretrained(dir, { dtype: "bf16", prepack: false });
    const [key, layer] = linearLayers(b.model)[3];
    const bits = layer.lowPrecision?.unpacked("test");
    const original = linearLayers(a.model)[3][1].lowPrecision?.unpacked("test");
    if (bits?.dtype !== "bf16" || original?.dtype !== "bf16") throw new Error(`bf16 expected at ${key}`);
    expect(bytes(bits.weight.bits).equals(bytes(original.weight.bits))).toBe(true);
    expect(bytes(hidden(dir, "bf16")).equals(bytes(hidden(TINY, "bf16")))).toBe(true);
    const widened = loadPretrained(dir); // fp32, as Hugging Face reads it
    const w = widened.model.namedParameters().find(([n]) => n === `${key}.weight`)?.[1].data;
    expect(Array.from(w ?? [])).toEqual(Array.from(bits.weight.bits, (h) => new Float32Array(new Uint32Array([h << 16]).buffer)[0]));
  });
});

describe("errors", () => {
  it("a model packed for inference at load cannot be saved, and says how to keep its values", () => {
    const a = loadPretrained(TINY, { dtype: "int8" });
    expect(() => savePretrained(tmp(), a.model, a.config, a.architecture)).toThrow(
      /^cannot save it: bert\.encoder\.layer\.0\.attention\.self\.query's int8 weight was packed for inference .*load the model with \{ prepack: false \}/,
    );
  });

  it("training or autograd on a quantized model says it needs fp32", () => {
    const { model } = loadPretrained(TINY, { architecture: "BertModel", dtype: "int8" });
    if (!(model instanceof BertModel)) throw new Error("BertModel expected");
    expect(() => model.forward(inputs)).toThrow(/^encoder\.layer\.0\.attention\.self\.query is quantized \(int8\); training needs fp32 — load the model without --dtype/);
    expect(() => model.forward(inputs)).toThrow(InputError);
    expect(() => stateDict(model)).toThrow(/is quantized \(int8\); training needs fp32/);
    const layer = linearLayers(model)[0][1];
    expect(() => layer.weight).toThrow(/quantized \(int8\)/);
  });

  it("an int8 checkpoint does not load as fp32 or bf16, nor into a float32 model's state dict", () => {
    const a = loadPretrained(TINY, { dtype: "int8", prepack: false });
    const dir = tmp();
    savePretrained(dir, a.model, a.config, a.architecture);
    expect(() => loadPretrained(dir, { dtype: "fp32" })).toThrow(/is an int8 checkpoint \(bertkit quantize\); it loads only as int8 — drop --dtype fp32/);
    expect(() => loadPretrained(dir, { dtype: "bf16" })).toThrow(InputError);
  });

  it("after a model ran, its dropped unpacked weights cannot be saved; before, they can", () => {
    const model = randomModel("BertModel", smallConfig());
    convertLinears(model, "int8");
    expect(() => storedStateDict(model)).not.toThrow();
    if (!(model instanceof BertModel)) throw new Error("BertModel expected");
    noGrad(() => model.forward({ inputIds: randomIds(1, 4, 50) }));
    expect(() => storedStateDict(model)).toThrow(/cannot save it: encoder\.layer\.0\.attention\.self\.query's int8 weight was packed for inference/);
  });
});

describe("memory: unpacked values exist for about one layer at a time", () => {
  it("skipNormals moves the stream exactly as that many normal() calls, with or without a spare", () => {
    for (const spare of [false, true]) {
      for (let count = 0; count < 8; count++) {
        const skipped = new Rng(11);
        const drawn = new Rng(11);
        if (spare) [skipped, drawn].forEach((r) => r.normal());
        skipNormals(skipped, count);
        for (let i = 0; i < count; i++) drawn.normal();
        expect(skipped.state(), `count ${count}, spare ${spare}`).toEqual(drawn.state());
        expect(skipped.normal()).toBe(drawn.normal());
      }
    }
    // A uniform of exactly 0 (s1 = 0 before the step, once in 2³² draws) is redrawn by normal(): so by the skip.
    for (const count of [2, 3, 6]) {
      const state = [0x12345678, 0, 0x9abcdef0, 0x0fedcba9];
      const skipped = Rng.fromState(state);
      const drawn = Rng.fromState(state);
      expect(drawn.uniform()).toBe(0);
      drawn.restore(state);
      skipNormals(skipped, count);
      for (let i = 0; i < count; i++) drawn.normal();
      expect(skipped.state(), `redraw, count ${count}`).toEqual(drawn.state());
    }
  });

  it.each(["int8", "bf16"] as const)("a %s model built with random weights draws them later, yet holds exactly the float32 model's weights converted", (dtype) => {
    manualSeed(5);
    const reference = createModel("BertForPreTraining", smallConfig());
    convertLinears(reference, dtype);
    manualSeed(5);
    const built = createLowPrecisionModel("BertForPreTraining", smallConfig(), dtype, { initialize: true });
    const expected = storedStateDict(reference);
    const actual = storedStateDict(built); // draws the deferred weights: the embeddings and heads drawn around them must match too
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [k, t] of expected) expect(bytes(actual.get(k)?.data ?? new Uint8Array()).equals(bytes(t.data)), k).toBe(true);
  });

  it("prepackLowPrecision draws and packs every layer, keeping no unpacked values, and runs as the unpacked model does", () => {
    const build = (): BertModel => {
      manualSeed(6);
      const model = createLowPrecisionModel("BertModel", smallConfig(), "int8", { initialize: true });
      if (!(model instanceof BertModel)) throw new Error("BertModel expected");
      return model.eval();
    };
    const packed = build();
    prepackLowPrecision(packed);
    for (const [path, layer] of linearLayers(packed)) expect(layer.lowPrecision?.hasValues, path).toBe(false);
    const ids = { inputIds: randomIds(2, 6, 50) };
    const y = noGrad(() => packed.forward(ids).lastHiddenState.data);
    expect(bytes(y).equals(bytes(noGrad(() => build().forward(ids).lastHiddenState.data)))).toBe(true);
  });

  it.each(["int8", "bf16"] as const)("%s: weights packed straight from their makers (one shared scratch) equal those made first, and outlive the next model's packing", (dtype) => {
    const build = (seed: number): BertModel => {
      manualSeed(seed);
      const model = createLowPrecisionModel("BertModel", smallConfig(), dtype, { initialize: true });
      if (!(model instanceof BertModel)) throw new Error("BertModel expected");
      return model.eval();
    };
    const ids = { inputIds: randomIds(2, 6, 50) };
    const run = (m: BertModel): Buffer => bytes(noGrad(() => m.forward(ids).lastHiddenState.data));
    const madeFirst = build(9);
    storedStateDict(madeFirst); // makes every weight's values in arrays of its own; packing then copies those
    const expected = run(madeFirst);
    const fromScratch = build(9);
    prepackLowPrecision(fromScratch);
    expect(run(fromScratch).equals(expected)).toBe(true);
    const lazily = build(9); // packed by its first forward pass: Q/K/V fused from makers, then packed
    expect(run(lazily).equals(expected)).toBe(true);
    const other = build(10);
    prepackLowPrecision(other); // reuses the scratch the first two packed from
    expect(run(other).equals(expected)).toBe(false);
    expect(run(fromScratch).equals(expected)).toBe(true);
    expect(run(lazily).equals(expected)).toBe(true);
  });

  it("loading packs each layer as it is read (Q/K/V fused before their biases are read) and gives the outputs of an unpacked load", () => {
    const packed = loadPretrained(TINY, { architecture: "BertModel", dtype: "int8" }).model;
    for (const [path, layer] of linearLayers(packed)) expect(layer.lowPrecision?.hasValues, path).toBe(false);
    const unpacked = loadPretrained(TINY, { architecture: "BertModel", dtype: "int8", prepack: false }).model;
    if (!(packed instanceof BertModel) || !(unpacked instanceof BertModel)) throw new Error("BertModel expected");
    const a = noGrad(() => packed.forward(inputs).lastHiddenState.data);
    expect(bytes(a).equals(bytes(noGrad(() => unpacked.forward(inputs).lastHiddenState.data)))).toBe(true);
  });

  it("a fused Q/K/V weight keeps its packed copy when a bias changes, and takes the new bias", () => {
    manualSeed(8);
    const model = createLowPrecisionModel("BertModel", smallConfig(), "int8", { initialize: true });
    if (!(model instanceof BertModel)) throw new Error("BertModel expected");
    prepackLowPrecision(model);
    const self = model.encoder.layer[0].attention.self;
    const parts = [self.query, self.key, self.value];
    const weights = parts.map((l) => l.lowPrecision).filter((w): w is NonNullable<typeof w> => w !== null);
    const before = lowPrecisionConcatenation(self, weights, parts.map((l) => l.bias));
    self.value.bias.data.fill(0.25);
    self.value.bias.markModified();
    const after = lowPrecisionConcatenation(self, weights, parts.map((l) => l.bias));
    expect(after.weight).toBe(before.weight);
    expect(Array.from(after.bias.subarray(48))).toEqual(new Array<number>(24).fill(0.25));
    expect(Array.from(after.bias.subarray(0, 48))).toEqual(Array.from(before.bias.subarray(0, 48)));
  });
});
