/**
 * `optimizer.safetensors`: AdamW's moments under PyTorch's names, `<parameter>.exp_avg` and
 * `<parameter>.exp_avg_sq`, float32, with the update count in the metadata (`step`).
 */
import { FormatError, InputError } from "../errors.js";
import type { Parameter } from "../nn/parameter.js";
import type { AdamW, AdamWState } from "./adamw.js";
import { readTensorFile, writeTensorFile, type NamedTensor } from "./tensor-file.js";

export const OPTIMIZER_FILE = "optimizer.safetensors";
const M = ".exp_avg";
const V = ".exp_avg_sq";

export function saveOptimizer(path: string, opt: AdamW, named: readonly [string, Parameter][]): void {
  const state = opt.stateDict(named);
  const tensors: NamedTensor[] = [];
  for (const [name, { m, v }] of state.moments) {
    if (!(m instanceof Float32Array) || !(v instanceof Float32Array)) throw new InputError(`checkpoints hold float32 optimizer state; "${name}" is float64`);
    tensors.push({ name: name + M, shape: [m.length], data: m }, { name: name + V, shape: [v.length], data: v });
  }
  writeTensorFile(path, tensors, { format: "bertkit-adamw", step: String(state.step) });
}

export function loadOptimizer(path: string, opt: AdamW, named: readonly [string, Parameter][]): void {
  const { tensors, metadata } = readTensorFile(path);
  const step = Number(metadata.step);
  if (metadata.format !== "bertkit-adamw" || !Number.isInteger(step)) throw new FormatError(`${path}: not a bertkit AdamW state (metadata format/step missing)`);
  const moments: AdamWState["moments"] = new Map();
  for (const [key, t] of tensors) {
    if (!key.endsWith(V)) continue;
    const name = key.slice(0, -V.length);
    const m = tensors.get(name + M);
    if (m === undefined) throw new FormatError(`${path}: "${name}${M}" is missing`);
    moments.set(name, { m: m.data, v: t.data });
  }
  if (moments.size * 2 !== tensors.size) throw new FormatError(`${path}: every tensor must be a pair <name>${M}, <name>${V}`);
  try {
    opt.loadStateDict(named, { step, moments });
  } catch (error) {
    if (error instanceof InputError) throw new FormatError(`${path}: ${error.message}`);
    throw error;
  }
}
