/** act(x + bias) over the last axis in one pass: the epilogue of a Linear layer (identity, GELU, …). */
import type { UnaryOp } from "../../backend/kernels.js";
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { fmt } from "../shape.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

export function biasActivation(x: Tensor, bias: Tensor, op: UnaryOp = "identity"): Tensor {
  const dtype = x.floatDType;
  const cols = x.shape[x.rank - 1];
  if (bias.rank !== 1 || bias.size !== cols) throw new InputError(`biasActivation: bias ${fmt(bias.shape)} must be (${cols}) for input ${fmt(x.shape)}`);
  const rows = cols === 0 ? 0 : x.size / cols;
  const kern = kernelsFor(dtype);
  const xd = x.floats("biasActivation");
  const bd = bias.floats("biasActivation");
  const out = allocOutput(dtype, x.size);
  kern.biasActivation(op, xd, bd, rows, cols, out);
  return record(new Tensor(out, x.shape), op === "identity" ? "addBias" : `bias+${op}`, [x, bias], (g) => {
    const gx = allocOutput(dtype, x.size);
    const gBias = allocFloat(dtype, cols);
    kern.biasActivationBackward(op, xd, bd, out, g, rows, cols, gx, gBias);
    return [gx, gBias];
  });
}
