/**
 * BERT in int8 or bf16: which layers are converted and how a model is built that way.
 *
 * Every Linear layer of the encoder and the heads is converted — attention query/key/value/output, intermediate,
 * output, pooler, the heads' transforms and classifiers — except those `keepFp32` names (src/bert/keep-fp32.ts).
 * The embeddings and every LayerNorm stay float32, and so do the biases and the MLM decoder, whose weight is the
 * word-embedding table (tied; it is not a Linear).
 */
import { InputError } from "../errors.js";
import { buildWithLowPrecisionLinears, Linear } from "../nn/linear.js";
import type { Module } from "../nn/module.js";
import { type LowPrecisionDType, type LowPrecisionWeight, releasePackingScratch } from "../tensor/low-precision-weight.js";
import { lowPrecisionConcatenation } from "../tensor/packed-weights.js";
import { BertSelfAttention } from "./attention.js";
import { type AnyBertModel, type ArchitectureName, createModel } from "./architectures.js";
import type { BertConfig } from "./config.js";
import { matchKeepFp32 } from "./keep-fp32.js";
import { MODEL_DTYPES, type ModelDType } from "./model-dtypes.js";

export { MODEL_DTYPES, type ModelDType } from "./model-dtypes.js";

export function isModelDType(value: string): value is ModelDType {
  return (MODEL_DTYPES as readonly string[]).includes(value);
}

/** Every Linear layer with its path ("bert.encoder.layer.0.attention.self.query"), in declaration order. */
export function linearLayers(model: Module): [string, Linear][] {
  return model.namedModules().flatMap(([path, m]): [string, Linear][] => (m instanceof Linear ? [[path, m]] : []));
}

/** Names each low-precision weight by its layer's path, for error messages. */
function labelLayers(model: Module): void {
  for (const [path, layer] of linearLayers(model)) if (layer.lowPrecision !== null) layer.lowPrecision.label = path;
}

/** Options of a conversion: the Linear layers that stay float32, as paths or patterns (src/bert/keep-fp32.ts). */
export interface KeepFp32Option {
  keepFp32?: readonly string[];
}

/**
 * The paths of `model`'s Linear layers that `patterns` name, checked: a pattern that matches nothing is an
 * InputError, and so is a self-attention's query, key and value split between float32 and low precision — they
 * run as one GEMM (`selfAttention`), which takes one precision.
 */
export function keptLinearPaths(model: Module, patterns: readonly string[]): string[] {
  const kept = matchKeepFp32(linearLayers(model).map(([path]) => path), patterns);
  checkAttentionKeptWhole(model, new Set(kept));
  return kept;
}

/** The InputError for a self-attention whose query, key and value are not all kept or all converted. */
export function checkAttentionKeptWhole(model: Module, kept: ReadonlySet<string>): void {
  for (const [path, m] of model.namedModules()) {
    if (!(m instanceof BertSelfAttention)) continue;
    const names = ["query", "key", "value"];
    const inKept = names.filter((n) => kept.has(`${path}.${n}`));
    if (inKept.length === 0 || inKept.length === names.length) continue;
    const out = names.filter((n) => !inKept.includes(n));
    throw new InputError(`keep-fp32: ${path}.${inKept.join(" and ")} would stay float32 but not its ${out.join(" and ")}; ` +
      `a self-attention's query, key and value run as one GEMM in one precision — keep all three (${path}.*) or none`);
  }
}

/**
 * Converts every Linear of a float32 model to `dtype` in place, but those `keepFp32` names; the converted layers'
 * float32 weights are dropped.
 */
export function convertLinears(model: Module, dtype: LowPrecisionDType, options: KeepFp32Option = {}): void {
  const kept = new Set(keptLinearPaths(model, options.keepFp32 ?? []));
  for (const [path, layer] of linearLayers(model)) if (!kept.has(path)) layer.toLowPrecision(dtype);
  labelLayers(model);
}

/**
 * Keeps the layers at `paths` of a model that `createLowPrecisionModel` just built (before any weight is loaded,
 * drawn or packed) in float32; see `Linear.keepFloat32`.
 */
export function keepLinearsFloat32(model: Module, paths: Iterable<string>): void {
  const kept = new Set(paths);
  checkAttentionKeptWhole(model, kept);
  for (const [path, layer] of linearLayers(model)) if (kept.has(path) && layer.lowPrecision !== null) layer.keepFloat32();
}

/**
 * fp32 when no Linear is converted, else the converted layers' dtype — also for a model that keeps some layers in
 * float32 (`fp32Layers` lists them).
 */
export function modelDType(model: Module): ModelDType {
  const dtypes = new Set(linearLayers(model).flatMap(([, l]) => (l.lowPrecision === null ? [] : [l.lowPrecision.dtype])));
  if (dtypes.size > 1) throw new Error(`internal: a model with Linear layers in ${[...dtypes].join(" and ")}`);
  return dtypes.values().next().value ?? "fp32";
}

/** The Linear layers that a bf16/int8 model keeps in float32, in model order; none for a float32 model. */
export function fp32Layers(model: Module): string[] {
  if (modelDType(model) === "fp32") return [];
  return linearLayers(model).flatMap(([path, l]) => (l.lowPrecision === null ? [path] : []));
}

/**
 * `architecture` with its Linear layers in `dtype` from the start (but those `keepFp32` names, which are float32
 * as in `createModel`): the float32 weights of the encoder are never all in memory at once. With `initialize`,
 * random as a float32 model would be (then converted), drawn when first needed — `prepackLowPrecision` draws and
 * packs one layer at a time; without, zeros for a checkpoint to fill. An untied MLM decoder (tie_word_embeddings:
 * false) takes its float32 weight from a Linear, so such a model is built in float32 and converted afterwards.
 */
export function createLowPrecisionModel(
  architecture: ArchitectureName, config: BertConfig, dtype: LowPrecisionDType, options: { initialize: boolean } & KeepFp32Option,
): AnyBertModel {
  if (!config.tie_word_embeddings) {
    const model = createModel(architecture, config);
    convertLinears(model, dtype, options);
    return model;
  }
  const model = buildWithLowPrecisionLinears(dtype, options, () => createModel(architecture, config));
  keepLinearsFloat32(model, keptLinearPaths(model, options.keepFp32 ?? []));
  labelLayers(model);
  return model;
}

/** Linear layers packed as one weight: a self-attention's query, key and value (fused), or one layer alone. */
interface PackGroup {
  layers: Linear[];
  /** The fused weight's key (as `selfAttention` keys it), or null for a layer packed alone. */
  fusedKey: object | null;
}

function packGroups(model: Module): Map<Linear, PackGroup> {
  const groups = new Map<Linear, PackGroup>();
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BertSelfAttention)) continue;
    const group = { layers: [m.query, m.key, m.value], fusedKey: m };
    if (group.layers.every((l) => l.lowPrecision !== null)) for (const l of group.layers) groups.set(l, group);
  }
  for (const [, layer] of linearLayers(model)) if (!groups.has(layer)) groups.set(layer, { layers: [layer], fusedKey: null });
  return groups;
}

function packGroup(group: PackGroup): void {
  const weights = group.layers.map((l) => l.lowPrecision).filter((w): w is LowPrecisionWeight => w !== null && w.hasValues);
  if (weights.length !== group.layers.length) return; // float32, or packed already
  if (group.fusedKey === null) weights[0].pack();
  else lowPrecisionConcatenation(group.fusedKey, weights, group.layers.map((l) => l.bias)).weight.pack();
}

/**
 * Packs the low-precision weights of `model` for the active backend while it is loaded, each as soon as it is
 * complete: `loaded(layer)` after a layer's weight is in place packs it — or, for a self-attention's query, key
 * and value, their fused weight once all three are in. Its unpacked values are then dropped, so a loading model
 * holds the unpacked values of about one layer at a time, not of all of them beside their packed copies.
 * `finish()` packs whatever was not reported.
 */
export function lowPrecisionPacker(model: Module): { loaded(layer: Linear): void; finish(): void } {
  const groups = packGroups(model);
  const done = new Set<Linear>();
  return {
    loaded(layer) {
      const group = groups.get(layer);
      if (group === undefined) return;
      done.add(layer);
      if (group.layers.every((l) => done.has(l))) packGroup(group);
    },
    finish() {
      for (const group of new Set(groups.values())) packGroup(group);
      releasePackingScratch();
    },
  };
}

/**
 * Packs every low-precision weight of `model` for the active backend now, as its first forward pass would: the fused
 * query/key/value weight of each self-attention (keyed as `selfAttention` keys it) and every other Linear, one after
 * another, each dropping its unpacked values (or drawing them first, for a model built with random weights by
 * `createLowPrecisionModel`, which holds none until then). Afterwards the model cannot be saved (the unpacked values
 * are gone); `loadPretrained(..., { prepack: false })` keeps them.
 */
export function prepackLowPrecision(model: Module): void {
  lowPrecisionPacker(model).finish();
}
