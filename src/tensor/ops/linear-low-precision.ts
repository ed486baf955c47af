/**
 * y = act(x·Wᵀ + b) with W in int8 or bf16 (a `LowPrecisionWeight`), x (..., in) float32 → (..., out) float32.
 * One call of the backend's low-precision GEMM: int8 quantizes each row of x at run time and dequantizes in the
 * epilogue together with the bias and the activation; bf16 rounds x to bfloat16 and accumulates in float32
 * (see `LowPrecisionGemmArgs`, src/backend/kernels.ts). Inference only: there is no backward rule, so a call
 * that autograd would record is an error that says how to get a trainable model.
 */
import type { UnaryOp } from "../../backend/kernels.js";
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { isGradEnabled } from "../autograd.js";
import { type LowPrecisionWeight, quantizedError } from "../low-precision-weight.js";
import { lowPrecisionConcatenation } from "../packed-weights.js";
import { fmt } from "../shape.js";
import { allocOutput, Tensor } from "../tensor.js";

function float32Input(x: Tensor, w: LowPrecisionWeight): Float32Array {
  const a = x.floats("linear");
  if (!(a instanceof Float32Array)) throw new InputError(`${w.label} is ${w.dtype}: it computes on float32 inputs, got ${x.dtype} ${fmt(x.shape)}`);
  return a;
}

function run(x: Tensor, weight: LowPrecisionWeight, bias: Float32Array, activation: UnaryOp): Tensor {
  if (x.rank === 0 || x.shape[x.rank - 1] !== weight.k) {
    throw new InputError(`${weight.label}: input ${fmt(x.shape)} needs ${weight.k} features in its last axis`);
  }
  const rows = weight.k === 0 ? 0 : x.size / weight.k;
  const out = allocOutput("float32", rows * weight.n);
  if (!(out instanceof Float32Array)) throw new Error("internal: a float32 buffer expected");
  if (rows > 0 && weight.n > 0) weight.gemm(kernelsFor("float32"), rows, float32Input(x, weight), out, bias, activation);
  return new Tensor(out, [...x.shape.slice(0, -1), weight.n]);
}

function float32Bias(bias: Tensor, weight: LowPrecisionWeight): Float32Array {
  const b = bias.floats("linear");
  if (!(b instanceof Float32Array) || bias.rank !== 1 || bias.size !== weight.n) {
    throw new InputError(`${weight.label}: bias must be float32 (${weight.n}), got ${bias.dtype} ${fmt(bias.shape)}`);
  }
  return b;
}

/** A Linear layer whose weight is in int8/bf16; the bias (out) stays float32. */
export function linearLowPrecision(x: Tensor, weight: LowPrecisionWeight, bias: Tensor, activation: UnaryOp = "identity"): Tensor {
  if (isGradEnabled() && (x.requiresGrad || bias.requiresGrad)) throw quantizedError(weight.label, weight.dtype);
  return run(x, weight, float32Bias(bias, weight), activation);
}

/**
 * Low-precision Linear layers that share the input x (..., in), as one GEMM: (..., Σ out_i), the layers'
 * outputs side by side (BERT's query, key and value). The stacked weight is kept under `key`.
 */
export function fusedLinearLowPrecision(x: Tensor, key: object, parts: ReadonlyArray<{ lowPrecision: LowPrecisionWeight; bias: Tensor }>): Tensor {
  if (isGradEnabled() && (x.requiresGrad || parts.some((p) => p.bias.requiresGrad))) throw quantizedError(parts[0].lowPrecision.label, parts[0].lowPrecision.dtype);
  parts.forEach((p) => float32Bias(p.bias, p.lowPrecision));
  const fused = lowPrecisionConcatenation(key, parts.map((p) => p.lowPrecision), parts.map((p) => p.bias));
  return run(x, fused.weight, fused.bias, "identity");
}
