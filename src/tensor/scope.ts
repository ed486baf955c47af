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
