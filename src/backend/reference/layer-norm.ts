/** Reference LayerNorm over the last axis: y = (x − μ)/√(σ² + ε) · γ + β, biased variance as PyTorch. */
import type { FloatArray } from "../kernels.js";

export function layerNorm(
  x: FloatArray, gamma: FloatArray, beta: FloatArray, rows: number, cols: number, eps: number,
  out: FloatArray, mean: FloatArray, rstd: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mu = 0;
    for (let j = 0; j < cols; j++) mu += x[o + j];
    mu /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) {
      const d = x[o + j] - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) out[o + j] = (x[o + j] - mu) * rs * gamma[j] + beta[j];
  }
}

export function layerNormBackward(
  x: FloatArray, gamma: FloatArray, mean: FloatArray, rstd: FloatArray, gy: FloatArray,
  rows: number, cols: number, gx: FloatArray, gGamma: FloatArray, gBeta: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const mu = mean[r];
    const rs = rstd[r];
    // With x̂ = (x − μ)·rstd and g = gy·γ: gx = rstd · (g − mean(g) − x̂ · mean(g·x̂)).
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - mu) * rs;
      const g = gy[o + j] * gamma[j];
      sumG += g;
      sumGX += g * xh;
      gGamma[j] += gy[o + j] * xh;
      gBeta[j] += gy[o + j];
    }
    const meanG = sumG / cols;
    const meanGX = sumGX / cols;
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - mu) * rs;
      gx[o + j] = rs * (gy[o + j] * gamma[j] - meanG - xh * meanGX);
    }
  }
}

export function addLayerNorm(
  x: FloatArray, residual: FloatArray, gamma: FloatArray, beta: FloatArray, rows: number, cols: number, eps: number,
  out: FloatArray, sum: FloatArray, mean: FloatArray, rstd: FloatArray,
): void {
  for (let i = 0; i < rows * cols; i++) sum[i] = x[i] + residual[i];
  layerNorm(sum, gamma, beta, rows, cols, eps, out, mean, rstd);
}
