/** Reference unary activations and their derivatives. */
import type { FloatArray, UnaryOp } from "../kernels.js";
import { erf } from "./erf.js";

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_2_OVER_PI = 0.7978845608028654;
const GELU_TANH_C = 0.044715;

export function unary(op: UnaryOp, x: FloatArray, out: FloatArray): void {
  const n = x.length;
  switch (op) {
    case "identity":
      out.set(x);
      return;
    case "gelu":
      for (let i = 0; i < n; i++) out[i] = 0.5 * x[i] * (1 + erf(x[i] * SQRT1_2));
      return;
    case "gelu_tanh":
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_TANH_C * v * v * v)));
      }
      return;
    case "relu":
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
      return;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case "exp":
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case "neg":
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
  }
}

export function unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray): void {
  const n = x.length;
  switch (op) {
    case "identity":
      gx.set(gy);
      return;
    case "gelu":
      // d/dx x·Φ(x) = Φ(x) + x·φ(x)
      for (let i = 0; i < n; i++) {
        const v = x[i];
        const cdf = 0.5 * (1 + erf(v * SQRT1_2));
        gx[i] = gy[i] * (cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
      }
      return;
    case "gelu_tanh":
      for (let i = 0; i < n; i++) {
        const v = x[i];
        const inner = SQRT_2_OVER_PI * (v + GELU_TANH_C * v * v * v);
        const t = Math.tanh(inner);
        const dInner = SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_C * v * v);
        gx[i] = gy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
      }
      return;
    case "relu":
      for (let i = 0; i < n; i++) gx[i] = x[i] > 0 ? gy[i] : 0;
      return;
    case "tanh":
      for (let i = 0; i < n; i++) gx[i] = gy[i] * (1 - y[i] * y[i]);
      return;
    case "exp":
      for (let i = 0; i < n; i++) gx[i] = gy[i] * y[i];
      return;
    case "neg":
      for (let i = 0; i < n; i++) gx[i] = -gy[i];
      return;
  }
}

export function biasActivation(op: UnaryOp, x: FloatArray, bias: FloatArray, rows: number, cols: number, out: FloatArray): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[r * cols + j] = x[r * cols + j] + bias[j];
  unary(op, out, out);
}

export function biasActivationBackward(
  op: UnaryOp, x: FloatArray, bias: FloatArray, out: FloatArray, gy: FloatArray, rows: number, cols: number, gx: FloatArray, gBias: FloatArray,
): void {
  const pre = x.slice();
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) pre[r * cols + j] += bias[j];
  unaryBackward(op, pre, out, gy, gx);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) gBias[j] += gx[r * cols + j];
}
