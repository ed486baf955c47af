/**
 * Keeping chosen Linear layers in float32 in an int8/bf16 model: the patterns that name them, kept layers computing
 * exactly what the fp32 model computes, the fused Q/K/V rule, models built with random weights, and checkpoints
 * that keep layers (written, read back bit for bit, and the loader's errors for inconsistent folders).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createModel } from "../../src/bert/architectures.js";
import { keepPatternRegExp, matchKeepFp32 } from "../../src/bert/keep-fp32.js";
import { convertLinears, createLowPrecisionModel, fp32Layers, linearLayers, modelDType } from "../../src/bert/low-precision.js";
import { BertModel } from "../../src/bert/model.js";
import { loadPretrained, quantizePretrained, savePretrained } from "../../src/bert/pretrained.js";
import { storedStateDict } from "../../src/bert/state-dict.js";
import { FormatError, InputError } from "../../src/errors.js";
import { readSafetensorsHeader, type StoredTensorData, withSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import type { Linear } from "../../src/nn/linear.js";
import { manualSeed } from "../../src/nn/random-state.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { fusedLinearInference } from "../../src/tensor/ops/linear.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";
import { randomIds, smallConfig } from "../helpers/random-model.js";

const TINY = join(GOLDEN_MODELS, "pretraining-tiny"); // 2 layers, C 64, BertForPreTraining, 15 Linear layers
const PATHS = linearLayers(createModel("BertForPreTraining", smallConfig({ num_hidden_layers: 12 }))).map(([p]) => p);
const inputs = { inputIds: randomIds(2, 12, 2000), attentionMask: new Tensor(Int32Array.from({ length: 24 }, (_, i) => (i >= 21 ? 0 : 1)), [2, 12]) };

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "bertkit-keep-"));
}

function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function bertModel(options: Parameters<typeof loadPretrained>[1], dir = TINY): BertModel {
  const { model } = loadPretrained(dir, { architecture: "BertModel", ...options });
  if (!(model instanceof BertModel)) throw new Error("BertModel expected");
  return model;
}

function lastHidden(model: BertModel): Float32Array {
  return Float32Array.from(noGrad(() => model.forward(inputs)).lastHiddenState.data);
}

function layerAt(model: BertModel, path: string): Linear {
  const found = linearLayers(model).find(([p]) => p === path);
  if (found === undefined) throw new Error(`no Linear ${path}`);
  return found[1];
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

describe("keep-fp32 patterns", () => {
  const match = (...patterns: string[]): string[] => matchKeepFp32(PATHS, patterns);

  it("an exact path; * within one segment, never across a dot; ** for whole segments", () => {
    expect(match("bert.encoder.layer.3.output.dense")).toEqual(["bert.encoder.layer.3.output.dense"]);
    expect(match("bert.encoder.layer.*.output.dense")).toEqual(Array.from({ length: 12 }, (_, i) => `bert.encoder.layer.${i}.output.dense`));
    expect(match("bert.encoder.layer.1*.intermediate.dense")).toEqual([1, 10, 11].map((i) => `bert.encoder.layer.${i}.intermediate.dense`));
    expect(match("bert.*.dense")).toEqual(["bert.pooler.dense"]);
    expect(match("cls.*")).toEqual(["cls.predictions.transform.dense", "cls.seq_relationship"]); // cls.predictions.transform: a module
    expect(match("**.output.dense")).toHaveLength(24); // attention.output.dense and output.dense of 12 layers
    expect(match("**.output.dense").every((p) => p.endsWith(".output.dense"))).toBe(true);
  });

  it("a module keeps every Linear inside it; the bert. prefix is optional either way; duplicates are listed once, in model order", () => {
    const layer11 = PATHS.filter((p) => p.startsWith("bert.encoder.layer.11."));
    expect(layer11).toHaveLength(6);
    expect(match("bert.encoder.layer.11")).toEqual(layer11);
    expect(match("bert.encoder.layer.11.*")).toEqual(layer11);
    expect(match("encoder.layer.11")).toEqual(layer11);
    expect(match("cls.seq_relationship", "bert.pooler.dense", "cls.seq_relationship")).toEqual(["bert.pooler.dense", "cls.seq_relationship"]);
    const base = PATHS.filter((p) => p.startsWith("bert.")).map((p) => p.slice("bert.".length)); // BertModel's paths
    expect(matchKeepFp32(base, ["bert.encoder.layer.0.output.dense", "encoder.layer.1.output.dense"])).toEqual(["encoder.layer.0.output.dense", "encoder.layer.1.output.dense"]);
  });

  it("regular-expression characters are literal; a pattern that matches nothing names itself and the real paths", () => {
    expect(keepPatternRegExp("bert.pooler.dense").test("bertXpoolerXdense")).toBe(false);
    expect(() => match("bert.pooler.dens+")).toThrow(InputError);
    expect(() => match("bert.encoder.layer.12.*")).toThrow(
      /^keep-fp32 pattern "bert\.encoder\.layer\.12\.\*" matches no Linear layer of this model; its Linear layers are bert\.encoder\.layer\.0\.attention\.self\.query, .*bert\.encoder\.layer\.0\.output\.dense, … likewise in layers 1–11, bert\.pooler\.dense, cls\.predictions\.transform\.dense, cls\.seq_relationship$/,
    );
    expect(() => match("")).toThrow(/pattern is empty/);
    expect(() => match("bert.encoder.layer.1**")).toThrow(/"\*\*" stands for whole segments only/);
  });
});

describe("a model with layers kept in float32", () => {
  it("with every Linear kept, an int8 load is the fp32 model, bit for bit", () => {
    const all = bertModel({ dtype: "int8", keepFp32: ["**"] });
    expect(linearLayers(all).every(([, l]) => l.lowPrecision === null)).toBe(true);
    expect(modelDType(all)).toBe("fp32");
    expect(bytes(lastHidden(all)).equals(bytes(lastHidden(bertModel({ dtype: "fp32" }))))).toBe(true);
  });

  it("a kept layer computes exactly the fp32 layer's output; the rest stay int8; the model is closer to fp32 than all-int8", () => {
    const kept = "encoder.layer.1.intermediate.dense";
    const fp32 = bertModel({ dtype: "fp32" });
    const int8 = bertModel({ dtype: "int8", prepack: false });
    const mixed = bertModel({ dtype: "int8", prepack: false, keepFp32: [kept] });
    expect(modelDType(mixed)).toBe("int8");
    expect(fp32Layers(mixed)).toEqual([kept]);
    expect(fp32Layers(int8)).toEqual([]);
    expect(linearLayers(mixed).filter(([, l]) => l.lowPrecision?.dtype === "int8").map(([p]) => p)).toHaveLength(12); // of 13: 2 × 6 and the pooler
    expect(mixed.namedParameters().map(([n]) => n).filter((n) => n.startsWith(`${kept}.`))).toEqual([`${kept}.weight`, `${kept}.bias`]);

    // The other layers hold the all-int8 model's values and scales (compared before running drops them).
    const other = "encoder.layer.1.output.dense";
    expect(storedStateDict(mixed).get(`${other}.weight`)).toEqual(storedStateDict(int8).get(`${other}.weight`));

    const x = new Tensor(Float32Array.from({ length: 3 * 64 }, (_, i) => Math.sin(i * 0.37) * 2), [3, 64]);
    const out = (m: BertModel): Float32Array => Float32Array.from(noGrad(() => layerAt(m, kept).forward(x, "gelu")).data);
    expect(bytes(out(mixed)).equals(bytes(out(fp32)))).toBe(true);
    expect(maxAbsDiff(out(int8), out(fp32))).toBeGreaterThan(0);

    const [f, a, m] = [fp32, int8, mixed].map(lastHidden);
    expect(bytes(m).equals(bytes(a))).toBe(false);
    expect(maxAbsDiff(m, f)).toBeLessThan(maxAbsDiff(a, f));
  });

  it("a self-attention kept whole runs its fused float32 Q/K/V GEMM exactly as fp32; the other layers are packed at load", () => {
    const fp32 = bertModel({ dtype: "fp32" });
    const mixed = bertModel({ dtype: "int8", keepFp32: ["encoder.layer.0.attention.self"] });
    expect(fp32Layers(mixed)).toEqual(["query", "key", "value"].map((n) => `encoder.layer.0.attention.self.${n}`));
    for (const [path, layer] of linearLayers(mixed)) if (layer.lowPrecision !== null) expect(layer.lowPrecision.hasValues, path).toBe(false);
    const x = new Tensor(Float32Array.from({ length: 5 * 64 }, (_, i) => Math.cos(i * 0.11)), [5, 64]);
    const qkv = (m: BertModel): Float32Array => {
      const self = m.encoder.layer[0].attention.self;
      const y = noGrad(() => fusedLinearInference(x, self, [self.query, self.key, self.value]));
      return Float32Array.from(y?.data ?? [self.query, self.key, self.value].flatMap((l) => Array.from(noGrad(() => l.forward(x)).data)));
    };
    expect(bytes(qkv(mixed)).equals(bytes(qkv(fp32)))).toBe(true);
    expect(lastHidden(mixed).every(Number.isFinite)).toBe(true);
  });

  it("query, key and value split between float32 and int8 is an InputError that says to keep all three", () => {
    expect(() => bertModel({ dtype: "int8", keepFp32: ["encoder.layer.0.attention.self.query"] })).toThrow(
      /^keep-fp32: encoder\.layer\.0\.attention\.self\.query would stay float32 but not its key and value; .* keep all three \(encoder\.layer\.0\.attention\.self\.\*\) or none$/,
    );
    expect(() => bertModel({ dtype: "bf16", keepFp32: ["**.value"] })).toThrow(InputError);
  });

  it("fp32 ignores keepFp32 but still checks its patterns", () => {
    expect(() => bertModel({ dtype: "fp32", keepFp32: ["encoder.layer.0.output.dense"] })).not.toThrow();
    expect(() => bertModel({ dtype: "fp32", keepFp32: ["encoder.layer.7"] })).toThrow(/matches no Linear layer/);
  });

  it.each(["int8", "bf16"] as const)("%s built with random weights: kept layers hold exactly the float32 model's weights, the rest its converted ones", (dtype) => {
    const keepFp32 = ["bert.encoder.layer.1.output.dense", "cls.predictions.transform.dense", "bert.encoder.layer.0.attention.self"];
    manualSeed(5);
    const reference = createModel("BertForPreTraining", smallConfig());
    convertLinears(reference, dtype, { keepFp32 });
    manualSeed(5);
    const built = createLowPrecisionModel("BertForPreTraining", smallConfig(), dtype, { initialize: true, keepFp32 });
    expect(fp32Layers(built)).toEqual(fp32Layers(reference));
    expect(fp32Layers(built)).toHaveLength(5);
    const expected = storedStateDict(reference);
    const actual = storedStateDict(built);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [k, t] of expected) expect(bytes(actual.get(k)?.data ?? new Uint8Array()).equals(bytes(t.data)), k).toBe(true);
    manualSeed(5);
    const plain = createModel("BertForPreTraining", smallConfig());
    const w = plain.namedParameters().find(([n]) => n === "bert.encoder.layer.1.output.dense.weight")?.[1].data ?? [];
    expect(Array.from(actual.get("bert.encoder.layer.1.output.dense.weight")?.data ?? [])).toEqual(Array.from(w));
  });
});

/** The stored tensors and metadata of `dir`/model.safetensors. */
function readStored(dir: string): { tensors: Map<string, StoredTensorData>; metadata: Record<string, string> } {
  return withSafetensors(join(dir, "model.safetensors"), (f) => ({ tensors: new Map(f.entries.map((e) => [e.name, f.readStored(e.name)])), metadata: f.metadata }));
}

/** A copy of `dir` with its tensors, metadata or config.json changed. */
function edited(dir: string, edit: { tensors?: (t: Map<string, StoredTensorData>) => void; metadata?: (m: Record<string, string>) => void; config?: (c: Record<string, unknown>) => void }): string {
  const out = tmp();
  cpSync(dir, out, { recursive: true });
  const { tensors, metadata } = readStored(dir);
  edit.tensors?.(tensors);
  edit.metadata?.(metadata);
  writeSafetensors(join(out, "model.safetensors"), tensors, metadata);
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
  edit.config?.(config);
  writeFileSync(join(out, "config.json"), JSON.stringify(config));
  return out;
}

describe("checkpoints that keep layers in float32", () => {
  const keepFp32 = ["bert.encoder.layer.1.output.dense", "cls.seq_relationship"];
  const inBertModel = ["encoder.layer.1.output.dense"]; // keepFp32 as BertModel (no heads, no bert. prefix) has it

  it("int8: kept weights are plain F32 (no scale), listed in quantization_config and the metadata; loading restores the mix bit for bit", () => {
    const a = loadPretrained(TINY, { dtype: "int8", prepack: false, keepFp32 });
    const dir = tmp();
    savePretrained(dir, a.model, a.config, a.architecture);
    const header = readSafetensorsHeader(join(dir, "model.safetensors"));
    expect(header.get("bert.encoder.layer.1.output.dense.weight")).toEqual({ dtype: "F32", shape: [64, 256] });
    expect(header.has("bert.encoder.layer.1.output.dense.weight_scale")).toBe(false);
    expect(header.get("cls.seq_relationship.weight")?.dtype).toBe("F32");
    expect(header.get("bert.encoder.layer.1.intermediate.dense.weight")?.dtype).toBe("I8");
    expect([...header.values()].filter((e) => e.dtype === "I8")).toHaveLength(13);
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { quantization_config: Record<string, unknown> };
    expect(config.quantization_config.quant_method).toBe("bertkit");
    expect(config.quantization_config.modules_to_not_convert).toEqual(keepFp32);
    expect(JSON.parse(readStored(dir).metadata.bertkit_modules_to_not_convert)).toEqual(keepFp32);

    const b = loadPretrained(dir, { prepack: false }); // no options: the folder's own mix
    expect(b.dtype).toBe("int8");
    expect(fp32Layers(b.model)).toEqual(keepFp32);
    const before = storedStateDict(a.model);
    const after = storedStateDict(b.model);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [k, t] of before) expect(bytes(after.get(k)?.data ?? new Uint8Array()).equals(bytes(t.data)), k).toBe(true);
    // Into another class (no cls.seq_relationship, no bert. prefix), with the default packing at load.
    const base = bertModel({}, dir);
    expect(fp32Layers(base)).toEqual(inBertModel);
    expect(bytes(lastHidden(base)).equals(bytes(lastHidden(bertModel({ dtype: "int8", keepFp32: inBertModel }))))).toBe(true);
  });

  it("bf16: kept weights stay F32 in the file, listed in the metadata only; --dtype bf16 restores the mix", () => {
    const a = loadPretrained(TINY, { dtype: "bf16", prepack: false, keepFp32 });
    const dir = tmp();
    savePretrained(dir, a.model, a.config, a.architecture);
    const header = readSafetensorsHeader(join(dir, "model.safetensors"));
    expect(header.get("bert.encoder.layer.1.output.dense.weight")?.dtype).toBe("F32");
    expect(header.get("bert.encoder.layer.0.output.dense.weight")?.dtype).toBe("BF16");
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).quantization_config).toBeUndefined();
    expect(JSON.parse(readStored(dir).metadata.bertkit_modules_to_not_convert)).toEqual(keepFp32);
    const b = loadPretrained(dir, { dtype: "bf16" });
    expect(fp32Layers(b.model)).toEqual(keepFp32);
    expect(bytes(lastHidden(bertModel({ dtype: "bf16" }, dir))).equals(bytes(lastHidden(bertModel({ dtype: "bf16", keepFp32: inBertModel }))))).toBe(true);
  });

  it("quantizePretrained reports the kept layers and refuses to keep all of them", () => {
    const r = quantizePretrained(TINY, join(tmp(), "q"), "int8", { keepFp32: ["bert.encoder.layer.1"] });
    expect(r.layers).toBe(9);
    expect(r.kept).toHaveLength(6);
    expect(() => quantizePretrained(TINY, join(tmp(), "q"), "int8", { keepFp32: ["bert", "cls"] })).toThrow(/keeps all 15 Linear layers in float32, so nothing would be quantized/);
  });

  describe("inconsistent folders are one clear error", () => {
    const saved = ((): string => {
      const a = loadPretrained(TINY, { dtype: "int8", prepack: false, keepFp32 });
      const dir = tmp();
      savePretrained(dir, a.model, a.config, a.architecture);
      return dir;
    })();
    const scale: StoredTensorData = { dtype: "float32", shape: [64], data: new Float32Array(64).fill(0.01) };

    it("a weight_scale beside an F32 weight, or without its weight", () => {
      const withScale = edited(saved, { tensors: (t) => t.set("bert.encoder.layer.1.output.dense.weight_scale", scale) });
      expect(() => loadPretrained(withScale)).toThrow(FormatError);
      expect(() => loadPretrained(withScale)).toThrow(/"bert\.encoder\.layer\.1\.output\.dense\.weight_scale" holds the scales of an int8 weight, but "bert\.encoder\.layer\.1\.output\.dense\.weight" is F32, not I8/);
      const orphan = edited(saved, { tensors: (t) => t.set("bert.encoder.layer.9.output.dense.weight_scale", scale) });
      expect(() => loadPretrained(orphan)).toThrow(/"bert\.encoder\.layer\.9\.output\.dense\.weight" is missing/);
    });

    it("a recorded list that disagrees with the file's dtypes", () => {
      const unlisted = edited(saved, { config: (c) => ((c.quantization_config as Record<string, unknown>).modules_to_not_convert = ["cls.seq_relationship"]) });
      expect(() => loadPretrained(unlisted)).toThrow(/"bert\.encoder\.layer\.1\.output\.dense\.weight" is F32 among quantized weights, but .*config\.json: quantization_config\.modules_to_not_convert does not list it/);
      const listsInt8 = edited(saved, { metadata: (m) => (m.bertkit_modules_to_not_convert = JSON.stringify([...keepFp32, "bert.pooler.dense"])) });
      expect(() => loadPretrained(listsInt8)).toThrow(/metadata bertkit_modules_to_not_convert lists "bert\.pooler\.dense" as kept in float32, but its weight is I8/);
      const notAList = edited(saved, { config: (c) => ((c.quantization_config as Record<string, unknown>).modules_to_not_convert = "cls") });
      expect(() => loadPretrained(notAList)).toThrow(/modules_to_not_convert must be a list of Linear layer paths, got "cls"/);
    });

    it("keeping a layer whose weight is int8 in the file", () => {
      expect(() => loadPretrained(saved, { keepFp32: ["bert.pooler.dense"] })).toThrow(
        /^keep-fp32: bert\.pooler\.dense is int8 in .*model\.safetensors, its float32 weight is gone; quantize the float32 folder again with --keep-fp32$/,
      );
      expect(fp32Layers(loadPretrained(saved, { keepFp32: ["cls.seq_relationship"] }).model)).toEqual(keepFp32); // already F32: fine
    });
  });
});
