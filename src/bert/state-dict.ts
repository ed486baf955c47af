/**
 * Loading a checkpoint's tensors into a model by Hugging Face key. Real checkpoints differ in small
 * ways that `canonicalKey` undoes: TF-era `gamma`/`beta` LayerNorm names, base models saved without the
 * `bert.` prefix (or loaded into BertModel, which has none), `position_ids` buffers, and the MLM decoder
 * weight that is stored by some and omitted (tied to the word embeddings) by others.
 *
 * A model whose Linear layers are in int8/bf16 (src/bert/low-precision.ts) has a slot `<layer>.weight` per
 * layer that takes a float32 or BF16 tensor (converted as it is read) or, from an int8 checkpoint, the I8
 * values with their `<layer>.weight_scale` (docs/quantization.md).
 */
import { FormatError, InputError } from "../errors.js";
import type { StoredTensorData, TensorData } from "../io/safetensors.js";
import { Linear, lowPrecisionFromFloat } from "../nn/linear.js";
import type { Module } from "../nn/module.js";
import { Parameter } from "../nn/parameter.js";
import { cancelPendingDraw } from "../nn/init.js";
import { LowPrecisionWeight, quantizedError } from "../tensor/low-precision-weight.js";
import { fmt, sameShape } from "../tensor/shape.js";
import { linearLayers } from "./low-precision.js";

export interface LoadReport {
  /** Model parameters the checkpoint did not have, left at their fresh initialisation (a new head). */
  newlyInitialized: string[];
  /** Checkpoint tensors the model has no place for (another class's head), ignored. */
  unused: string[];
}

export interface LoadOptions {
  /** File name for error messages. */
  source: string;
  /** Whether parameters outside the encoder may be missing (loading a different class's checkpoint). */
  allowNewHead: boolean;
  /** Called when a low-precision layer's weight is in place (loaded or newly initialized), e.g. to pack it at once. */
  onLowPrecisionLoaded?: (layer: Linear) => void;
}

/** Checkpoint tensors read one at a time (a whole file in memory, or a file read tensor by tensor). */
export interface TensorSource {
  /** In the order to load them (sorted by name). */
  readonly names: readonly string[];
  shape(name: string): readonly number[];
  /** float32 / int32 */
  read(name: string): TensorData;
  /** BF16 as bits and I8 as int8; other dtypes as `read`. */
  readStored(name: string): StoredTensorData;
  /**
   * `read` returns arrays that nothing else holds (decoded from a file just now), so a parameter may keep the
   * array itself rather than a copy. Not so for tensors the caller passed in (`loadStateDict`).
   */
  readonly fresh?: boolean;
}

/** The suffix of an int8 weight's per-channel scales: `<layer>.weight_scale` (F32, (out)) beside `<layer>.weight` (I8). */
export const WEIGHT_SCALE_SUFFIX = "_scale";

const BASE_PARTS = ["embeddings.", "encoder.", "pooler."];

/** The key a checkpoint tensor has in our naming, or null for tensors that are not parameters. */
export function canonicalKey(key: string, modelHasBertPrefix: boolean, decoderTied: boolean): string | null {
  if (key.endsWith("position_ids")) return null; // a buffer of 0..T-1 in older checkpoints
  let k = key.replace(/LayerNorm\.gamma$/, "LayerNorm.weight").replace(/LayerNorm\.beta$/, "LayerNorm.bias");
  if (modelHasBertPrefix && BASE_PARTS.some((p) => k.startsWith(p))) k = `bert.${k}`;
  if (!modelHasBertPrefix && k.startsWith("bert.")) k = k.slice("bert.".length);
  if (k === "cls.predictions.decoder.bias") return "cls.predictions.bias"; // the same tensor, tied
  if (decoderTied && k === "cls.predictions.decoder.weight") return null; // equal to the word embeddings
  return k;
}

/** Parameters every BERT checkpoint must have: the embeddings and the encoder. */
function isEncoderKey(key: string): boolean {
  return /^(bert\.)?(embeddings|encoder)\./.test(key);
}

/** A place for one checkpoint tensor: a float32 parameter, or a low-precision Linear's weight. */
type Slot = { kind: "param"; param: Parameter } | { kind: "low"; layer: Linear };

/** The model's slots by key, in parameter order (a Linear's weight before its bias); tied parameters once. */
function modelSlots(model: Module): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  const seen = new Set<Parameter>();
  for (const [prefix, module] of model.namedModules()) {
    const join = (field: string): string => (prefix === "" ? field : `${prefix}.${field}`);
    for (const [field, value] of Object.entries(module)) {
      if (value instanceof Parameter && !seen.has(value)) {
        seen.add(value);
        slots.set(join(field), { kind: "param", param: value });
      } else if (field === "lowPrecision" && module instanceof Linear && module.lowPrecision !== null) {
        slots.set(join("weight"), { kind: "low", layer: module });
      }
    }
  }
  return slots;
}

export function loadStateDict(model: Module, tensors: Map<string, TensorData>, options: LoadOptions): LoadReport {
  const names = [...tensors.keys()];
  const get = (name: string): TensorData => {
    const t = tensors.get(name);
    if (t === undefined) throw new Error(`internal: no tensor ${name}`);
    return t;
  };
  return loadTensors(model, { names, shape: (n) => get(n).shape, read: get, readStored: get }, options);
}

/** `loadStateDict` from a source that reads each tensor when it is needed (and converts it for a low-precision slot). */
export function loadTensors(model: Module, source: TensorSource, options: LoadOptions): LoadReport {
  const slots = modelSlots(model);
  const hasPrefix = [...slots.keys()].some((k) => k.startsWith("bert."));
  const decoderTied = !slots.has("cls.predictions.decoder.weight");
  const hasLow = [...slots.values()].some((s) => s.kind === "low");
  const found = new Map<string, string>(); // our key → the file's name
  const scales = new Map<string, string>(); // our weight key → the file's name of its int8 scales
  const unused: string[] = [];
  for (const name of source.names) {
    const k = canonicalKey(name, hasPrefix, decoderTied);
    if (k === null) continue;
    if (k.endsWith(`.weight${WEIGHT_SCALE_SUFFIX}`)) {
      if (!hasLow) {
        throw new FormatError(`${options.source}: "${name}" is the scale of an int8-quantized weight; this model is float32 — ` +
          "load the folder with loadPretrained / --dtype int8 for inference, or use the fp32 folder it was quantized from for training");
      }
      scales.set(k.slice(0, -WEIGHT_SCALE_SUFFIX.length), name);
      continue;
    }
    if (!slots.has(k)) {
      if (isEncoderKey(k)) {
        throw new FormatError(`${options.source}: tensor "${name}" has no place in the model; does config.json (layers, sizes) match these weights?`);
      }
      unused.push(name);
      continue;
    }
    if (!found.has(k)) found.set(k, name); // the canonical name wins over an alias
  }
  const newlyInitialized: string[] = [];
  for (const [key, slot] of slots) {
    const name = found.get(key);
    const shape = slot.kind === "param" ? slot.param.shape : [slot.layer.outFeatures, slot.layer.inFeatures];
    if (name === undefined) {
      if (isEncoderKey(key) || !options.allowNewHead) {
        throw new FormatError(`${options.source}: missing tensor "${key}" of shape ${fmt(shape)}; the checkpoint is incomplete or for another model class`);
      }
      if (slot.kind === "low") {
        slot.layer.reinitializeLowPrecision();
        options.onLowPrecisionLoaded?.(slot.layer);
      }
      newlyInitialized.push(key);
      continue;
    }
    if (!sameShape(source.shape(name), shape)) {
      throw new FormatError(`${options.source}: tensor "${key}" has shape ${fmt(source.shape(name))} in the file but ${fmt(shape)} in the model; check config.json`);
    }
    if (slot.kind === "param") setParameter(slot.param, key, source.read(name), options.source, source.fresh === true);
    else {
      slot.layer.setLowPrecision(lowPrecisionWeight(slot.layer, key, source.readStored(name), scales.get(key), source, options.source));
      options.onLowPrecisionLoaded?.(slot.layer);
    }
  }
  return { newlyInitialized, unused };
}

/** Fills `param` from a checkpoint tensor: keeps a `fresh` float32 array itself (no copy), else copies. */
function setParameter(param: Parameter, key: string, value: TensorData, file: string, fresh: boolean): void {
  if (value.dtype !== "float32") throw new FormatError(`${file}: tensor "${key}" is ${value.dtype}; parameters must be floating point`);
  // The shapes were checked against the slot's; the parameter's own buffer, never written (see pool.ts), goes to the GC.
  if (fresh && param.data instanceof Float32Array && value.data.length === param.size) param.data = value.data;
  else param.data.set(value.data);
  cancelPendingDraw(param);
  param.markModified();
}

/** A checkpoint tensor for a low-precision layer, converted to the layer's dtype (int8 kept as it is, with its scales). */
function lowPrecisionWeight(layer: Linear, key: string, value: StoredTensorData, scaleName: string | undefined, source: TensorSource, file: string): LowPrecisionWeight {
  const dtype = layer.lowPrecision?.dtype ?? "int8";
  const n = layer.outFeatures;
  const k = layer.inFeatures;
  if (value.dtype === "int8") {
    if (dtype !== "int8") throw new InputError(`${file}: "${key}" is int8; it loads only into an int8 model (--dtype int8)`);
    if (scaleName === undefined) throw new FormatError(`${file}: "${key}" is I8 but "${key}${WEIGHT_SCALE_SUFFIX}" (its F32 scales, (${n})) is missing`);
    const scales = source.read(scaleName);
    if (scales.dtype !== "float32" || !sameShape(scales.shape, [n])) {
      throw new FormatError(`${file}: "${scaleName}" must be float (${n}), got ${scales.dtype} ${fmt(scales.shape)}`);
    }
    return new LowPrecisionWeight({ dtype: "int8", weight: { n, k, values: value.data, scales: scales.data } });
  }
  if (value.dtype === "bfloat16" && dtype === "bf16") return new LowPrecisionWeight({ dtype: "bf16", weight: { n, k, bits: value.data } });
  if (value.dtype === "int32") throw new FormatError(`${file}: tensor "${key}" is int32; parameters must be floating point`);
  const floats = value.dtype === "float32" ? value.data : widenBf16(value.data);
  return lowPrecisionFromFloat(dtype, floats, n, k);
}

/** bfloat16 bits → float32 (exact). */
function widenBf16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const u = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) u[i] = bits[i] << 16;
  return out;
}

/**
 * The model's parameters under their Hugging Face keys (tied copies omitted, as `save_pretrained` does), as
 * float32 — what training and checkpoints of training runs use. A low-precision model has none to give.
 */
export function stateDict(model: Module): Map<string, TensorData> {
  for (const [, layer] of linearLayers(model)) if (layer.lowPrecision !== null) throw quantizedError(layer.lowPrecision.label, layer.lowPrecision.dtype);
  const out = new Map<string, TensorData>();
  for (const [name, p] of model.namedParameters()) {
    out.set(name, { dtype: "float32", shape: [...p.shape], data: Float32Array.from(p.data) });
  }
  return out;
}

/**
 * What `savePretrained` writes: `stateDict`, with each low-precision Linear weight as it is held — bf16 as
 * BF16, int8 as I8 values plus their `weight_scale` (F32).
 */
export function storedStateDict(model: Module): Map<string, StoredTensorData> {
  const out = new Map<string, StoredTensorData>();
  for (const [key, slot] of modelSlots(model)) {
    if (slot.kind === "param") {
      out.set(key, { dtype: "float32", shape: [...slot.param.shape], data: Float32Array.from(slot.param.data) });
      continue;
    }
    const lp = slot.layer.lowPrecision;
    if (lp === null) continue;
    const v = lp.unpacked("save it");
    if (v.dtype === "bf16") {
      out.set(key, { dtype: "bfloat16", shape: [v.weight.n, v.weight.k], data: v.weight.bits });
    } else {
      out.set(key, { dtype: "int8", shape: [v.weight.n, v.weight.k], data: v.weight.values });
      out.set(`${key}${WEIGHT_SCALE_SUFFIX}`, { dtype: "float32", shape: [v.weight.n], data: v.weight.scales });
    }
  }
  return out;
}
