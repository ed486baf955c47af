/** Reference data-movement kernels: axis permutation and strided block copies. */
import type { FloatArray } from "../kernels.js";

export function permute(x: FloatArray, shape: readonly number[], perm: readonly number[], out: FloatArray): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  const outShape = perm.map((p) => shape[p]);
  const stepIn = perm.map((p) => inStrides[p]); // moving one step on output axis d moves stepIn[d] in x
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += stepIn[d];
      if (idx[d] < outShape[d]) break;
      src -= stepIn[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export function copyBlocks(
  src: FloatArray, srcOff: number, srcStride: number,
  dst: FloatArray, dstOff: number, dstStride: number,
  rows: number, len: number, accumulate: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const s = srcOff + r * srcStride;
    const d = dstOff + r * dstStride;
    if (accumulate) {
      for (let j = 0; j < len; j++) dst[d + j] += src[s + j];
    } else {
      dst.set(src.subarray(s, s + len), d);
    }
  }
}
