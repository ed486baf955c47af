/** Reference AdamW (Loshchilov & Hutter), as torch.optim.AdamW computes it, and Σx² for clipping. */
import type { AdamWArgs, FloatArray } from "../kernels.js";

export function adamw(a: AdamWArgs): void {
  const { param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step, gradScale } = a;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  const stepSize = lr / bc1;
  const decay = 1 - lr * weightDecay;
  const sqrtBc2 = Math.sqrt(bc2);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] * gradScale;
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] = param[i] * decay - stepSize * (m[i] / (Math.sqrt(v[i]) / sqrtBc2 + eps));
  }
}

export function sumSquares(x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}
