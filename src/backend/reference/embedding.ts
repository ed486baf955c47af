/** Reference embedding gather and its backward, a scatter-add into the table's gradient. */
import type { FloatArray } from "../kernels.js";

export function gather(table: FloatArray, dim: number, ids: Int32Array, out: FloatArray): void {
  for (let i = 0; i < ids.length; i++) {
    const src = ids[i] * dim;
    out.set(table.subarray(src, src + dim), i * dim);
  }
}

export function scatterAdd(gOut: FloatArray, dim: number, ids: Int32Array, gTable: FloatArray): void {
  for (let i = 0; i < ids.length; i++) {
    const dst = ids[i] * dim;
    const src = i * dim;
    for (let j = 0; j < dim; j++) gTable[dst + j] += gOut[src + j];
  }
}
