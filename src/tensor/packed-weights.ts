/**
 * Packed copies of weight matrices for the backend's GEMM. A GEMM rearranges (packs) op(B) into the
 * micro-kernel's layout on every call; for a model's weights during inference that work is the same every
 * time, so the packed copy is made once and kept here, next to the weight, until the weight changes.
 *
 * A copy is valid while the weight has the same `data` array, the same backend is active, and nobody has
 * called `weight.markModified()` (the optimizer, checkpoint loading and the initialisers do; code that writes
 * into `data` by hand must too). It costs as much memory as the weight itself.
 */
import type { FloatArray, Kernels, PackedB } from "../backend/kernels.js";
import { concatLowPrecision, type LowPrecisionWeight } from "./low-precision-weight.js";
import type { Tensor } from "./tensor.js";

interface Entry {
  data: object;
  kernels: Kernels;
  packed: PackedB;
}

const cache = new WeakMap<object, Entry>();

/** op(B) of `weight` (k × n, stored (n, k) with transB) packed for `kernels`, or null if it does not pack. */
export function packedOperand(weight: object, data: FloatArray, kernels: Kernels, k: number, n: number, transB: boolean): PackedB | null {
  const hit = cache.get(weight);
  if (hit !== undefined && hit.data === data && hit.kernels === kernels && hit.packed.k === k && hit.packed.n === n && hit.packed.transB === transB) {
    return hit.packed;
  }
  const packed = kernels.packB(data, k, n, transB);
  if (packed === null) cache.delete(weight);
  else cache.set(weight, { data, kernels, packed });
  return packed;
}

/** Drops the packed copy of `weight` (its values changed). */
export function forgetPacked(weight: object): void {
  cache.delete(weight);
}

/** True while a packed copy of `weight` is kept (for tests). */
export function hasPacked(weight: object): boolean {
  return cache.has(weight);
}

/**
 * Linear layers that read the same input: a weight (n_i, k) and a bias (n_i) each. A layer in int8/bf16 (an
 * `nn.Linear` after conversion) carries `lowPrecision` instead, and reading its float32 `weight` throws.
 */
export interface LinearParts {
  weight: Tensor;
  bias: Tensor;
  lowPrecision?: LowPrecisionWeight | null;
}

interface ConcatEntry {
  sources: { data: object; version: number }[];
  kernels: Kernels;
  fused: { packed: PackedB; bias: Float32Array };
}

const concatCache = new WeakMap<object, ConcatEntry>();

/**
 * Several Linear layers on one input as one: Wᵀ of their weights stacked row-wise ((Σ n_i, k), so the
 * outputs come side by side), packed for `kernels`, and their biases end to end. BERT's query, key and value
 * projections become one GEMM with three times the columns, which keeps both cores busy at one sequence.
 * Kept under `key` while every weight and bias has the same data and version (see `Tensor.markModified`);
 * null when the kernels do not pack (reference backend) or the parts are not float32.
 */
export function packedConcatenation(key: object, parts: readonly LinearParts[], kernels: Kernels): { packed: PackedB; bias: Float32Array } | null {
  const tensors = parts.flatMap((p) => [p.weight, p.bias]);
  const hit = concatCache.get(key);
  if (hit !== undefined && hit.kernels === kernels && hit.sources.length === tensors.length &&
      hit.sources.every((s, i) => s.data === tensors[i].data && s.version === tensors[i].version)) {
    return hit.fused;
  }
  concatCache.delete(key);
  const k = parts[0].weight.shape[1];
  if (!tensors.every((t) => t.data instanceof Float32Array) || !parts.every((p) => p.weight.shape[1] === k)) return null;
  const n = parts.reduce((sum, p) => sum + p.weight.shape[0], 0);
  const weights = new Float32Array(n * k);
  const bias = new Float32Array(n);
  let row = 0;
  for (const p of parts) {
    weights.set(p.weight.data, row * k);
    bias.set(p.bias.data, row);
    row += p.weight.shape[0];
  }
  const packed = kernels.packB(weights, k, n, true);
  if (packed === null) return null;
  const fused = { packed, bias };
  concatCache.set(key, { sources: tensors.map((t) => ({ data: t.data, version: t.version })), kernels, fused });
  return fused;
}

interface LowPrecisionConcatEntry {
  weights: LowPrecisionWeight[];
  biases: { data: object; version: number }[];
  fused: { weight: LowPrecisionWeight; bias: Float32Array };
}

const lowPrecisionCache = new WeakMap<object, LowPrecisionConcatEntry>();

/**
 * `packedConcatenation` for layers in int8/bf16: their weights stacked row-wise (int8 scales stay per row) and
 * their biases end to end, kept under `key` while the parts are the same. The fused weight packs itself on first
 * use; the parts' own unpacked values are dropped at once, as only the fused copy runs (see low-precision-weight.ts).
 * A bias that changes later (a checkpoint loader fills it after the fused weight was packed) is copied again; the
 * weights need not be, which is as well, since their unpacked values are gone.
 */
export function lowPrecisionConcatenation(key: object, weights: readonly LowPrecisionWeight[], biases: readonly Tensor[]): { weight: LowPrecisionWeight; bias: Float32Array } {
  const hit = lowPrecisionCache.get(key);
  if (hit !== undefined && hit.weights.length === weights.length && hit.weights.every((w, i) => w === weights[i])) {
    if (hit.biases.every((b, i) => b.data === biases[i].data && b.version === biases[i].version)) return hit.fused;
    const fused = { weight: hit.fused.weight, bias: concatBiases(biases, hit.fused.weight.n) };
    lowPrecisionCache.set(key, { weights: hit.weights, biases: biasVersions(biases), fused });
    return fused;
  }
  concatCache.delete(key); // a float32 copy made before the layers were converted
  const weight = concatLowPrecision(weights);
  weight.label = weights.map((w) => w.label).join(" + ");
  for (const w of weights) w.dropValues();
  const fused = { weight, bias: concatBiases(biases, weight.n) };
  lowPrecisionCache.set(key, { weights: [...weights], biases: biasVersions(biases), fused });
  return fused;
}

/** The biases end to end: (n) = (Σ n_i). */
function concatBiases(biases: readonly Tensor[], n: number): Float32Array {
  const bias = new Float32Array(n);
  let row = 0;
  for (const b of biases) {
    bias.set(b.data, row);
    row += b.size;
  }
  return bias;
}

function biasVersions(biases: readonly Tensor[]): { data: object; version: number }[] {
  return biases.map((b) => ({ data: b.data, version: b.version }));
}
