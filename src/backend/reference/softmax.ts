/** Reference softmax and log-softmax over the last axis of a (rows, cols) matrix, max-subtracted. */
import type { FloatArray } from "../kernels.js";

export function softmax(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j] > max) max = x[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j] - max);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) out[o + j] *= inv;
  }
}

export function softmaxBackward(y: FloatArray, gy: FloatArray, rows: number, cols: number, gx: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += gy[o + j] * y[o + j];
    for (let j = 0; j < cols; j++) gx[o + j] = y[o + j] * (gy[o + j] - dot);
  }
}

/** log Σ exp over one row, max-subtracted. */
export function rowLogSumExp(x: FloatArray, offset: number, cols: number): number {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) if (x[offset + j] > max) max = x[offset + j];
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(x[offset + j] - max);
  return max + Math.log(sum);
}

export function logSoftmax(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const lse = rowLogSumExp(x, o, cols);
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j] - lse;
  }
}

export function logSoftmaxBackward(y: FloatArray, gy: FloatArray, rows: number, cols: number, gx: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += gy[o + j];
    for (let j = 0; j < cols; j++) gx[o + j] = gy[o + j] - Math.exp(y[o + j]) * sum;
  }
}
