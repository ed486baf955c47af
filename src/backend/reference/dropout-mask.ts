/** Reference dropout mask (see `Kernels.dropoutMask`): a counter-based hash, identical on every backend. */
import type { FloatArray } from "../kernels.js";

/** MurmurHash3's 32-bit finaliser. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function dropoutMask(out: FloatArray, p: number, seed: number): void {
  const keep = 1 / (1 - p);
  const s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    const u = mix32((Math.imul(i, 0x9e3779b9) ^ s) >>> 0) / 4294967296;
    out[i] = u < p ? 0 : keep;
  }
}
