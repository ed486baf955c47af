/**
 * Deterministic release of a step's tensors. `scope(fn)` runs fn (a training or inference step) and,
 * when it returns, hands the buffers of every tensor created inside it back to the pool — except the
 * tensors fn returns (and any that share their buffers). Parameters, their gradients and optimizer
 * state are made outside a scope or untracked, so they survive. A released tensor throws on use.
 *
 * The trainer and the benchmark wrap each step in a scope; model code never sees it.
 */
import type { FloatArray } from "../backend/kernels.js";
import { bufferPool } from "./pool.js";
import type { Tensor } from "./tensor.js";

let tracked: Set<Tensor> | null = null;
let trackedScratch: FloatArray[] | null = null;
let paused = 0;

/** Called by the Tensor constructor. */
export function trackTensor(t: Tensor): void {
  if (tracked !== null && paused === 0) tracked.add(t);
}

/**
 * A pool buffer that an op keeps without wrapping it in a tensor (saved for its backward pass, such as the
 * pre-LayerNorm sum): handed back to the pool when the enclosing scope ends, like the step's tensors.
 * Outside a scope it is left to the garbage collector.
 */
export function trackScratch(buffer: FloatArray): void {
  if (trackedScratch !== null && paused === 0) trackedScratch.push(buffer);
}

/** Runs fn without tracking the tensors it makes (for leaf gradients, which outlive the step). */
export function untracked<T>(fn: () => T): T {
  paused++;
  try {
    return fn();
  } finally {
    paused--;
  }
}

/**
 * Hands the buffers of `dead` back to the pool now rather than when the enclosing scope ends — for values the
 * caller knows nothing will read again (a layer's input once the next layer has run). Only tensors the current
 * scope made are released, with every tensor of that scope that shares their buffers (views), and none whose
 * buffer `live` uses. Outside a scope it does nothing: the garbage collector owns those buffers.
 */
export function releaseNow(dead: readonly Tensor[], live: readonly Tensor[]): void {
  if (tracked === null || paused > 0) return;
  // Memory is compared by ArrayBuffer: a subarray view is another typed array over the same memory.
  const liveMemory = new Set<ArrayBufferLike>(live.map((t) => t.data.buffer));
  const memory = new Set<ArrayBufferLike>();
  for (const t of dead) if (tracked.has(t) && !(t.data instanceof Int32Array) && !liveMemory.has(t.data.buffer)) memory.add(t.data.buffer);
  if (memory.size === 0) return;
  const buffers: FloatArray[] = [];
  for (const t of tracked) {
    if (!memory.has(t.data.buffer)) continue;
    tracked.delete(t);
    if (!(t.data instanceof Int32Array)) buffers.push(t.data);
    t.release();
  }
  for (const buffer of buffers) bufferPool.give(buffer);
}

export function scope<T>(fn: () => T, keep: (result: T) => Tensor[] = () => []): T {
  const outer = tracked;
  const outerScratch = trackedScratch;
  const mine = new Set<Tensor>();
  const scratch: FloatArray[] = [];
  tracked = mine;
  trackedScratch = scratch;
  let result: T;
  try {
    result = fn();
  } finally {
    tracked = outer;
    trackedScratch = outerScratch;
  }
  const kept = keep(result);
  const keptBuffers = new Set<unknown>(kept.map((t) => t.data));
  const released = new Set<unknown>();
  for (const t of mine) {
    if (keptBuffers.has(t.data)) {
      outer?.add(t); // still owned by the enclosing scope, if any
      continue;
    }
    const data = t.data;
    if (!(data instanceof Int32Array) && !released.has(data)) {
      released.add(data);
      bufferPool.give(data as FloatArray);
    }
    t.release();
  }
  for (const buffer of scratch) {
    if (!released.has(buffer)) {
      released.add(buffer);
      bufferPool.give(buffer);
    }
  }
  return result;
}
