/**
 * A pool of float buffers, keyed by dtype and length. BERT allocates the same activation and gradient
 * shapes every step; reusing their buffers keeps memory flat instead of leaving hundreds of megabytes
 * per step for the garbage collector to find. Buffers enter the pool only through the engine
 * (`scope.ts`, `autograd.ts`), never from model code. Small buffers are left to the GC.
 */
import type { FloatArray } from "../backend/kernels.js";

/** Below this many elements a buffer is cheaper to allocate than to track. */
export const POOL_MIN_ELEMENTS = 4096;

export interface PoolStats {
  hits: number;
  misses: number;
  bytesHeld: number;
}

class BufferPool {
  private readonly free = new Map<string, FloatArray[]>();
  private readonly stats: PoolStats = { hits: 0, misses: 0, bytesHeld: 0 };

  /** A zero-filled buffer of `n` elements (`zero: false` leaves a reused buffer's old values). */
  take(dtype: "float32" | "float64", n: number, zero = true): FloatArray {
    if (n >= POOL_MIN_ELEMENTS) {
      const list = this.free.get(`${dtype}:${n}`);
      const reused = list?.pop();
      if (reused !== undefined) {
        this.stats.hits++;
        this.stats.bytesHeld -= reused.byteLength;
        return zero ? reused.fill(0) : reused;
      }
      this.stats.misses++;
    }
    return dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  }

  /** Hands a buffer back; the caller guarantees nothing references it any more. */
  give(buffer: FloatArray): void {
    if (buffer.length < POOL_MIN_ELEMENTS || buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength) return;
    const key = `${buffer instanceof Float64Array ? "float64" : "float32"}:${buffer.length}`;
    let list = this.free.get(key);
    if (list === undefined) {
      list = [];
      this.free.set(key, list);
    }
    list.push(buffer);
    this.stats.bytesHeld += buffer.byteLength;
  }

  /** Overwrites every pooled buffer with `value`: tests poison the pool with NaN to prove no kernel reads stale data. */
  fillFree(value: number): void {
    for (const list of this.free.values()) for (const b of list) b.fill(value);
  }

  /** Drops every pooled buffer (to the GC). */
  clear(): void {
    this.free.clear();
    this.stats.bytesHeld = 0;
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }
}

export const bufferPool = new BufferPool();
