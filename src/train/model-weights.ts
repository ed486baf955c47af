/**
 * The trainer's default way to keep a model in a checkpoint: every parameter under its name
 * (`Module.namedParameters()`, the Hugging Face key) in `model.safetensors`, float32, bit for bit.
 * A task with a richer layout (config.json, tokenizer files) passes its own `saveModel`; loading by
 * name works on any folder whose model.safetensors holds the parameters under those names as F32.
 */
import { join } from "node:path";
import { FormatError, InputError } from "../errors.js";
import type { Module } from "../nn/module.js";
import { fmt } from "../tensor/shape.js";
import { readTensorFile, writeTensorFile, type NamedTensor } from "./tensor-file.js";

export const MODEL_FILE = "model.safetensors";

export function saveParameters(model: Module, dir: string): void {
  const tensors: NamedTensor[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (!(p.data instanceof Float32Array)) throw new InputError(`checkpoints hold float32 parameters; "${name}" is ${p.dtype}`);
    tensors.push({ name, shape: p.shape, data: p.data });
  }
  writeTensorFile(join(dir, MODEL_FILE), tensors, { format: "pt" });
}

/** Copies every parameter in from `dir/model.safetensors` (all must be there, with their shapes). */
export function loadParameters(model: Module, dir: string): void {
  const path = join(dir, MODEL_FILE);
  const { tensors } = readTensorFile(path);
  for (const [name, p] of model.namedParameters()) {
    const t = tensors.get(name);
    if (t === undefined) throw new FormatError(`${path}: parameter "${name}" is missing`);
    if (t.shape.join() !== p.shape.join()) throw new FormatError(`${path}: "${name}" is ${fmt(t.shape)}, the model's is ${fmt(p.shape)}`);
    p.data.set(t.data);
    p.markModified();
  }
}
