/**
 * y = act(x·Wᵀ + b), x (..., in), W (out, in), b (out) → (..., out).
 *
 * One GEMM whose epilogue adds the bias (and, without autograd, applies the activation) to each tile while it
 * is in cache, so the output (for BERT's MLM head, B·T × 30522 floats) is written once. With autograd, an
 * activation is a separate op (its backward needs the pre-activation); without, Wᵀ of a model's weight is
 * packed once and kept (see packed-weights.ts). Both paths round alike: product first, then + bias.
 */
import type { UnaryOp } from "../../backend/kernels.js";
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { isGradEnabled, record } from "../autograd.js";
import { gemmArgs } from "../gemm-args.js";
import { type LinearParts, packedConcatenation, packedOperand } from "../packed-weights.js";
import { fmt } from "../shape.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";
import { biasActivation } from "./bias-activation.js";
import { fusedLinearLowPrecision } from "./linear-low-precision.js";
import { matmul } from "./matmul.js";

export function linear(x: Tensor, weight: Tensor, bias: Tensor, activation: UnaryOp = "identity"): Tensor {
  const dtype = x.floatDType;
  const inF = x.shape[x.rank - 1];
  if (weight.rank !== 2 || weight.shape[1] !== inF || bias.rank !== 1 || bias.size !== weight.shape[0] || weight.dtype !== dtype || bias.dtype !== dtype) {
    throw new InputError(`linear: input ${fmt(x.shape)} needs weight (out, ${inF}) and bias (out), got ${fmt(weight.shape)} and ${fmt(bias.shape)}`);
  }
  const recording = isGradEnabled() && (x.requiresGrad || weight.requiresGrad || bias.requiresGrad);
  if (!recording) return linearInference(x, weight, bias, activation);
  if (activation !== "identity") return biasActivation(matmul(x, weight, { transB: true }), bias, activation);
  const outF = weight.shape[0];
  const rows = inF === 0 ? 0 : x.size / inF;
  const kern = kernelsFor(dtype);
  const xd = x.floats("linear");
  const wd = weight.floats("linear");
  const bd = bias.floats("linear");
  const out = allocOutput(dtype, rows * outF);
  kern.gemm(gemmArgs({ m: rows, n: outF, k: inF, transB: true, a: xd, b: wd, c: out, epilogue: { bias: bd, activation: "identity" } }));
  return record(new Tensor(out, [...x.shape.slice(0, -1), outF]), "linear", [x, weight, bias], (g) => {
    let gx = null;
    if (x.requiresGrad) {
      gx = allocOutput(dtype, xd.length); // G (rows, out) · W (out, in)
      kern.gemm(gemmArgs({ m: rows, n: inF, k: outF, a: g, b: wd, c: gx }));
    }
    const gw = allocOutput(dtype, wd.length); // Gᵀ (out, rows) · X (rows, in)
    kern.gemm(gemmArgs({ m: outF, n: inF, k: rows, transA: true, a: g, b: xd, c: gw }));
    const gb = allocFloat(dtype, outF);
    kern.sumAxis(g, 1, rows, outF, gb);
    return [gx, gw, gb];
  });
}

/** No autograd: one GEMM with the bias and activation as its epilogue, Wᵀ packed once for a model's weight. */
function linearInference(x: Tensor, weight: Tensor, bias: Tensor, activation: UnaryOp): Tensor {
  const dtype = x.floatDType;
  const [outF, inF] = weight.shape;
  const rows = inF === 0 ? 0 : x.size / inF;
  const kern = kernelsFor(dtype);
  const wd = weight.floats("linear");
  // A Parameter (requiresGrad) is a model's weight, used again and again; other tensors are not worth packing.
  const packedB = weight.requiresGrad && rows > 0 && outF > 0 && inF > 0 ? packedOperand(weight, wd, kern, inF, outF, true) : null;
  const out = allocOutput(dtype, rows * outF);
  kern.gemm(gemmArgs({
    m: rows, n: outF, k: inF, transB: true, a: x.floats("linear"), b: wd, c: out,
    packedB, epilogue: { bias: bias.floats("linear"), activation },
  }));
  return new Tensor(out, [...x.shape.slice(0, -1), outF]);
}

/**
 * Linear layers that share the input x (..., in), as one GEMM without autograd: (..., Σ out_i), each layer's
 * outputs side by side in the order given (see `packedConcatenation`). Null when the backend does not pack
 * (reference backend, float64): call each layer instead. Layers in int8/bf16 always fuse (every backend packs
 * them), into one low-precision GEMM.
 */
export function fusedLinearInference(x: Tensor, key: object, parts: readonly LinearParts[]): Tensor | null {
  const lowPrecision = parts.flatMap((p) => (p.lowPrecision ? [{ lowPrecision: p.lowPrecision, bias: p.bias }] : []));
  if (lowPrecision.length > 0) {
    if (lowPrecision.length !== parts.length) throw new InputError("linear: cannot fuse float32 layers with int8/bf16 ones; convert every layer of the model");
    return fusedLinearLowPrecision(x, key, lowPrecision);
  }
  if (x.floatDType !== "float32" || parts.length === 0) return null;
  const inF = parts[0].weight.shape[1];
  if (x.shape[x.rank - 1] !== inF) throw new InputError(`linear: input ${fmt(x.shape)} needs ${inF} features`);
  const rows = inF === 0 ? 0 : x.size / inF;
  if (rows === 0) return null;
  const kern = kernelsFor("float32");
  const fused = packedConcatenation(key, parts, kern);
  if (fused === null) return null;
  const outF = fused.bias.length;
  const wd = parts[0].weight.floats("linear");
  const out = allocOutput("float32", rows * outF);
  kern.gemm(gemmArgs({
    m: rows, n: outF, k: inF, transB: true, a: x.floats("linear"), c: out,
    // b is not read when packedB is given; its length (inF × out of the first part) is not checked either.
    b: wd, packedB: fused.packed, epilogue: { bias: fused.bias, activation: "identity" },
  }));
  return new Tensor(out, [...x.shape.slice(0, -1), outF]);
}
