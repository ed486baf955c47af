/** Softmax and log-softmax over the last axis. An additive mask is added before (see `bert/mask.ts`). */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

function rowsCols(op: string, x: Tensor): [number, number] {
  if (x.rank < 1) throw new InputError(`${op}: needs rank ≥ 1`);
  const cols = x.shape[x.rank - 1];
  return [cols === 0 ? 0 : x.size / cols, cols];
}

export function softmax(x: Tensor): Tensor {
  const dtype = x.floatDType;
  const kern = kernelsFor(dtype);
  const [rows, cols] = rowsCols("softmax", x);
  const out = allocOutput(dtype, x.size);
  kern.softmax(x.floats("softmax"), rows, cols, out);
  return record(new Tensor(out, x.shape), "softmax", [x], (g) => {
    const gx = allocFloat(dtype, g.length);
    kern.softmaxBackward(out, g, rows, cols, gx);
    return [gx];
  });
}

export function logSoftmax(x: Tensor): Tensor {
  const dtype = x.floatDType;
  const kern = kernelsFor(dtype);
  const [rows, cols] = rowsCols("logSoftmax", x);
  const out = allocOutput(dtype, x.size);
  kern.logSoftmax(x.floats("logSoftmax"), rows, cols, out);
  return record(new Tensor(out, x.shape), "logSoftmax", [x], (g) => {
    const gx = allocFloat(dtype, g.length);
    kern.logSoftmaxBackward(out, g, rows, cols, gx);
    return [gx];
  });
}
