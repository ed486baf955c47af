/** Op codes the addon understands (native/src/activation_ops.h, native/src/broadcast.cc). */
import type { BinaryOp, UnaryOp } from "../kernels.js";

export const UNARY_CODES: { readonly [op in UnaryOp]: number } = {
  gelu: 0,
  gelu_tanh: 1,
  relu: 2,
  tanh: 3,
  exp: 4,
  neg: 5,
  identity: 6,
};

export const BINARY_CODES: { readonly [op in BinaryOp]: number } = { add: 0, sub: 1, mul: 2, div: 3 };
