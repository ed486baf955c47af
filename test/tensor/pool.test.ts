/** The buffer pool's size classes: varying lengths reuse a bounded set of buffers; views go back whole, once. */
import { describe, expect, it } from "vitest";
import { bufferPool, sizeClass } from "../../src/tensor/pool.js";

describe("buffer pool", () => {
  it("rounds lengths up to a quarter of their power of two", () => {
    expect([4096, 4097, 5120, 5121, 7000, 8192, 100_000].map(sizeClass)).toEqual([4096, 5120, 5120, 6144, 7168, 8192, 114_688]);
    for (let n = 4096; n < 300_000; n += 997) {
      expect(sizeClass(n)).toBeGreaterThanOrEqual(n);
      expect(sizeClass(n)).toBeLessThanOrEqual(n * 1.25);
    }
  });

  it("serves lengths that vary step to step from the same buffers (a training run over real batches)", () => {
    bufferPool.clear();
    const lengths = [90_000, 91_234, 95_000, 89_999, 93_333, 96_000];
    const held = new Set<ArrayBufferLike>();
    const before = bufferPool.snapshot();
    for (let step = 0; step < 30; step++) {
      const b = bufferPool.take("float32", lengths[step % lengths.length]);
      expect(b.length).toBe(lengths[step % lengths.length]);
      expect(b.every((v) => v === 0)).toBe(true);
      b.fill(1);
      held.add(b.buffer);
      bufferPool.give(b);
    }
    const after = bufferPool.snapshot();
    expect(after.misses - before.misses).toBe(1);
    expect(held.size).toBe(1);
  });

  it("takes the same memory back only once", () => {
    bufferPool.clear();
    const b = bufferPool.take("float32", 5000);
    bufferPool.give(b);
    bufferPool.give(b);
    const x = bufferPool.take("float32", 5000);
    const y = bufferPool.take("float32", 5000);
    expect(x.buffer).not.toBe(y.buffer);
  });
});
