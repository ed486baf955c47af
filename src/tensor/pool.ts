/**
 * A pool of float buffers, keyed by dtype and length. BERT allocates the same activation and gradient
 * shapes every step; reusing their buffers keeps memory flat instead of leaving hundreds of megabytes
 * per step for the garbage collector to find. Buffers enter the pool only through the engine
 * (`scope.ts`, `autograd.ts`), never from model code. Small buffers are left to the GC.
 *
 * Shapes are not always the same: real data has batches of varying real-token counts (the packed layers' N),
 * so buffers are kept in size classes — four per power of two — and a request gets a view of the first n
 * elements of a class-sized buffer. At most 25% is wasted, and a run over varying lengths reuses a bounded
 * set of buffers instead of allocating (and holding on to) a new size almost every step.
 */
import type { FloatArray } from "../backend/kernels.js";

/** Below this many elements a buffer is cheaper to allocate than to track. */
export const POOL_MIN_ELEMENTS = 4096;

export interface PoolStats {
  hits: number;
  misses: number;
  bytesHeld: number;
}

/** The size class that holds n elements: n rounded up to a quarter of its power of two. */
export function sizeClass(n: number): number {
  const quarter = 2 ** Math.floor(Math.log2(n)) / 4;
  return Math.ceil(n / quarter) * quarter;
}

function allocate(dtype: "float32" | "float64", n: number): FloatArray {
  return dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
}

class BufferPool {
  /** Free buffers by dtype, then by class size (numeric keys: no key string to build on every take). */
  private readonly free = { float32: new Map<number, FloatArray[]>(), float64: new Map<number, FloatArray[]>() };
  /** The whole class-sized buffer behind each buffer the pool made (what a view of it hands back). */
  private readonly whole = new WeakMap<ArrayBufferLike, FloatArray>();
  /** Memory now in the free lists: a second hand-back of the same memory is ignored. */
  private readonly pooled = new WeakSet<ArrayBufferLike>();
  private readonly stats: PoolStats = { hits: 0, misses: 0, bytesHeld: 0 };

  /** A zero-filled buffer of `n` elements (`zero: false` leaves a reused buffer's old values). */
  take(dtype: "float32" | "float64", n: number, zero = true): FloatArray {
    if (n < POOL_MIN_ELEMENTS) return allocate(dtype, n);
    const capacity = sizeClass(n);
    const reused = this.free[dtype].get(capacity)?.pop();
    if (reused === undefined) {
      // A new buffer is zero already. Filling it would touch every page of it now: a model's parameters, which a
      // loader then replaces with the checkpoint's arrays (state-dict.ts), would cost their size in memory twice.
      this.stats.misses++;
      const buffer = allocate(dtype, capacity);
      this.whole.set(buffer.buffer, buffer);
      return capacity === n ? buffer : buffer.subarray(0, n);
    }
    this.stats.hits++;
    this.stats.bytesHeld -= reused.byteLength;
    this.pooled.delete(reused.buffer);
    const view = capacity === n ? reused : reused.subarray(0, n);
    return zero ? view.fill(0) : view;
  }

  /** Hands a buffer back; the caller guarantees nothing references it any more. */
  give(buffer: FloatArray): void {
    if (buffer.length < POOL_MIN_ELEMENTS || buffer.byteOffset !== 0 || this.pooled.has(buffer.buffer)) return;
    // A view of a buffer the pool made goes back whole; another buffer only when it is whole and class-sized.
    const whole = this.whole.get(buffer.buffer) ?? (buffer.byteLength === buffer.buffer.byteLength ? buffer : null);
    if (whole === null || sizeClass(whole.length) !== whole.length) return;
    const lists = this.free[whole instanceof Float64Array ? "float64" : "float32"];
    let list = lists.get(whole.length);
    if (list === undefined) {
      list = [];
      lists.set(whole.length, list);
    }
    list.push(whole);
    this.pooled.add(whole.buffer);
    this.stats.bytesHeld += whole.byteLength;
  }

  /** Overwrites every pooled buffer with `value`: tests poison the pool with NaN to prove no kernel reads stale data. */
  fillFree(value: number): void {
    for (const lists of Object.values(this.free)) for (const list of lists.values()) for (const b of list) b.fill(value);
  }

  /** Drops every pooled buffer (to the GC). */
  clear(): void {
    for (const lists of Object.values(this.free)) {
      for (const list of lists.values()) for (const b of list) this.pooled.delete(b.buffer);
      lists.clear();
    }
    this.stats.bytesHeld = 0;
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }
}

export const bufferPool = new BufferPool();
