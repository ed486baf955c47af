/** Elementwise activations (GELU exact and tanh-approximate, ReLU, tanh, exp, neg) and affine scaling. */
import type { UnaryOp } from "../../backend/kernels.js";
import { kernelsFor } from "../../backend/registry.js";
import { record } from "../autograd.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

/** The elementwise functions (activations among them) that ops, modules and configs name. */
export type { UnaryOp };

function unary(op: UnaryOp, x: Tensor): Tensor {
  const dtype = x.floatDType;
  const kern = kernelsFor(dtype);
  const xd = x.floats(op);
  const out = allocOutput(dtype, xd.length);
  kern.unary(op, xd, out);
  return record(new Tensor(out, x.shape), op, [x], (g) => {
    const gx = allocOutput(dtype, g.length);
    kern.unaryBackward(op, xd, out, g, gx);
    return [gx];
  });
}

/** GELU with the exact erf form, as BERT's `hidden_act: "gelu"`. */
export const gelu = (x: Tensor): Tensor => unary("gelu", x);
/** GELU's tanh approximation (`gelu_new`, `gelu_pytorch_tanh`). */
export const geluTanh = (x: Tensor): Tensor => unary("gelu_tanh", x);
export const relu = (x: Tensor): Tensor => unary("relu", x);
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
export const exp = (x: Tensor): Tensor => unary("exp", x);
export const neg = (x: Tensor): Tensor => unary("neg", x);

/** x · alpha + beta. */
export function affine(x: Tensor, alpha: number, beta = 0): Tensor {
  const dtype = x.floatDType;
  const kern = kernelsFor(dtype);
  const out = allocFloat(dtype, x.size);
  kern.affineScalar(x.floats("affine"), alpha, beta, out);
  return record(new Tensor(out, x.shape), "affine", [x], (g) => {
    const gx = allocFloat(dtype, g.length);
    kern.affineScalar(g, alpha, 0, gx);
    return [gx];
  });
}
