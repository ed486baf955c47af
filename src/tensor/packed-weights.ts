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
