/** Reference loss kernels: cross-entropy with an ignore index, and binary cross-entropy with logits. */
import type { FloatArray } from "../kernels.js";
import { rowLogSumExp } from "./softmax.js";

export function crossEntropy(
  logits: FloatArray, targets: Int32Array, rows: number, cols: number, ignoreIndex: number,
  loss: FloatArray, logSumExp: FloatArray,
): number {
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    const t = targets[r];
    if (t === ignoreIndex) {
      loss[r] = 0;
      logSumExp[r] = 0;
      continue;
    }
    const lse = rowLogSumExp(logits, r * cols, cols);
    logSumExp[r] = lse;
    loss[r] = lse - logits[r * cols + t];
    counted++;
  }
  return counted;
}

export function crossEntropyBackward(
  logits: FloatArray, targets: Int32Array, logSumExp: FloatArray, rows: number, cols: number,
  ignoreIndex: number, scale: number, gLogits: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const t = targets[r];
    if (t === ignoreIndex) {
      gLogits.fill(0, o, o + cols);
      continue;
    }
    const lse = logSumExp[r];
    for (let j = 0; j < cols; j++) gLogits[o + j] = scale * Math.exp(logits[o + j] - lse);
    gLogits[o + t] -= scale;
  }
}

export function bceWithLogits(x: FloatArray, y: FloatArray, out: FloatArray): void {
  // max(x, 0) − x·y + log(1 + e^(−|x|)): never overflows.
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v)));
  }
}

export function bceWithLogitsBackward(x: FloatArray, y: FloatArray, g: FloatArray, gx: FloatArray): void {
  for (let i = 0; i < x.length; i++) gx[i] = g[i] * (1 / (1 + Math.exp(-x[i])) - y[i]);
}
