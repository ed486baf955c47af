/**
 * Loading a checkpoint's tensors into a model by Hugging Face key. Real checkpoints differ in small
 * ways that `canonicalKey` undoes: TF-era `gamma`/`beta` LayerNorm names, base models saved without the
 * `bert.` prefix (or loaded into BertModel, which has none), `position_ids` buffers, and the MLM decoder
 * weight that is stored by some and omitted (tied to the word embeddings) by others.
 */
import { FormatError } from "../errors.js";
import type { TensorData } from "../io/safetensors.js";
import type { Module } from "../nn/module.js";
import { fmt, sameShape } from "../tensor/shape.js";

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
}

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

export function loadStateDict(model: Module, tensors: Map<string, TensorData>, options: LoadOptions): LoadReport {
  const params = new Map(model.namedParameters());
  const hasPrefix = [...params.keys()].some((k) => k.startsWith("bert."));
  const decoderTied = !params.has("cls.predictions.decoder.weight");
  const found = new Map<string, TensorData>();
  const unused: string[] = [];
  for (const [key, value] of tensors) {
    const k = canonicalKey(key, hasPrefix, decoderTied);
    if (k === null) continue;
    if (!params.has(k)) {
      if (isEncoderKey(k)) {
        throw new FormatError(`${options.source}: tensor "${key}" has no place in the model; does config.json (layers, sizes) match these weights?`);
      }
      unused.push(key);
      continue;
    }
    if (!found.has(k)) found.set(k, value); // the canonical name wins over an alias
  }
  const newlyInitialized: string[] = [];
  for (const [name, param] of params) {
    const value = found.get(name);
    if (value === undefined) {
      if (isEncoderKey(name) || !options.allowNewHead) {
        throw new FormatError(`${options.source}: missing tensor "${name}" of shape ${fmt(param.shape)}; the checkpoint is incomplete or for another model class`);
      }
      newlyInitialized.push(name);
      continue;
    }
    if (!sameShape(value.shape, param.shape)) {
      throw new FormatError(`${options.source}: tensor "${name}" has shape ${fmt(value.shape)} in the file but ${fmt(param.shape)} in the model; check config.json`);
    }
    if (value.dtype !== "float32") throw new FormatError(`${options.source}: tensor "${name}" is ${value.dtype}; parameters must be floating point`);
    param.data.set(value.data);
    param.markModified();
  }
  return { newlyInitialized, unused };
}

/** The model's parameters under their Hugging Face keys (tied copies omitted, as `save_pretrained` does). */
export function stateDict(model: Module): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const [name, p] of model.namedParameters()) {
    out.set(name, { dtype: "float32", shape: [...p.shape], data: Float32Array.from(p.data) });
  }
  return out;
}
