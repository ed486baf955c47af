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
 * all in memory at once. With `initialize`, random as a float32 model would be (then converted); without, zeros
 * for a checkpoint to fill. An untied MLM decoder (tie_word_embeddings: false) takes its float32 weight from a
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

/**
 * Packs every low-precision weight of `model` for the active backend now, as its first forward pass would: the fused
 * query/key/value weight of each self-attention (keyed as `selfAttention` keys it) and every other Linear. Done
 * at load, one layer after another, so that the unpacked values become garbage a layer at a time instead of all
 * together in the first forward pass (whose peak memory would hold both copies). Afterwards the model cannot be
 * saved (the unpacked values are gone); `loadPretrained(..., { prepack: false })` keeps them.
 */
export function prepackLowPrecision(model: Module): void {
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BertSelfAttention)) continue;
    const parts = [m.query, m.key, m.value];
    const weights = parts.map((l) => l.lowPrecision).filter((w): w is LowPrecisionWeight => w !== null && w.hasValues);
    if (weights.length !== parts.length) continue;
    lowPrecisionConcatenation(m, weights, parts.map((l) => l.bias)).weight.pack();
  }
  for (const [, layer] of linearLayers(model)) if (layer.lowPrecision?.hasValues === true) layer.lowPrecision.pack();
}
