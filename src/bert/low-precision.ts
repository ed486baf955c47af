/**
 * BERT in int8 or bf16: which layers are converted and how a model is built that way.
 *
 * Every Linear layer of the encoder and the heads is converted — attention query/key/value/output, intermediate,
 * output, pooler, the heads' transforms and classifiers. The embeddings and every LayerNorm stay float32, and
 * so do the biases and the MLM decoder, whose weight is the word-embedding table (tied; it is not a Linear).
 */
import { buildWithLowPrecisionLinears, Linear } from "../nn/linear.js";
import type { Module } from "../nn/module.js";
import type { LowPrecisionDType, LowPrecisionWeight } from "../tensor/low-precision-weight.js";
import { lowPrecisionConcatenation } from "../tensor/packed-weights.js";
import { BertSelfAttention } from "./attention.js";
import { type AnyBertModel, type ArchitectureName, createModel } from "./architectures.js";
import type { BertConfig } from "./config.js";

/** The precision of a model's Linear weights: float32, bfloat16, or int8 (per-channel symmetric). */
export type ModelDType = "fp32" | "bf16" | "int8";
export const MODEL_DTYPES: readonly ModelDType[] = ["fp32", "bf16", "int8"];

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

/** Converts every Linear of a float32 model to `dtype` in place; their float32 weights are dropped. */
export function convertLinears(model: Module, dtype: LowPrecisionDType): void {
  for (const [, layer] of linearLayers(model)) layer.toLowPrecision(dtype);
  labelLayers(model);
}

/** fp32 when no Linear is converted, else the converted layers' dtype. */
export function modelDType(model: Module): ModelDType {
  const dtypes = new Set(linearLayers(model).map(([, l]) => l.lowPrecision?.dtype ?? "fp32"));
  if (dtypes.size > 1) throw new Error(`internal: a model with Linear layers in ${[...dtypes].join(" and ")}`);
  return dtypes.values().next().value ?? "fp32";
}

/**
 * `architecture` with its Linear layers in `dtype` from the start: the float32 weights of the encoder are never
 * all in memory at once. With `initialize`, random as a float32 model would be (then converted), drawn when first
 * needed — `prepackLowPrecision` draws and packs one layer at a time; without, zeros for a checkpoint to fill. An untied MLM decoder (tie_word_embeddings: false) takes its float32 weight from a
 * Linear, so such a model is built in float32 and converted afterwards.
 */
export function createLowPrecisionModel(architecture: ArchitectureName, config: BertConfig, dtype: LowPrecisionDType, options: { initialize: boolean }): AnyBertModel {
  if (!config.tie_word_embeddings) {
    const model = createModel(architecture, config);
    convertLinears(model, dtype);
    return model;
  }
  const model = buildWithLowPrecisionLinears(dtype, options, () => createModel(architecture, config));
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
