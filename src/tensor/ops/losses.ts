/**
 * Losses, each reduced to a scalar mean as PyTorch's defaults do:
 * cross-entropy with an ignore index, binary cross-entropy with logits, mean squared error.
 */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { fmt, sameShape } from "../shape.js";
import { allocFloat, Tensor } from "../tensor.js";
import { mul, sub } from "./binary.js";
import { mean } from "./reduce.js";

/**
 * Mean cross-entropy of logits (N, C) against int32 targets (N); rows whose target is `ignoreIndex`
 * do not count. When every row is ignored the result is NaN, as in PyTorch.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, ignoreIndex = -100): Tensor {
  const dtype = logits.floatDType;
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new InputError(`crossEntropy: expected logits (N, C) and targets (N), got ${fmt(logits.shape)} and ${fmt(targets.shape)}`);
  }
  const [rows, cols] = logits.shape;
  const t = targets.ints("crossEntropy");
  for (let i = 0; i < rows; i++) {
    if (t[i] !== ignoreIndex && (t[i] < 0 || t[i] >= cols)) {
      throw new InputError(`crossEntropy: target ${t[i]} at row ${i} is outside [0, ${cols}) (and is not the ignore index ${ignoreIndex})`);
    }
  }
  const kern = kernelsFor(dtype);
  const xd = logits.floats("crossEntropy");
  const loss = allocFloat(dtype, rows);
  const lse = allocFloat(dtype, rows);
  const counted = kern.crossEntropy(xd, t, rows, cols, ignoreIndex, loss, lse);
  let total = 0;
  for (let i = 0; i < rows; i++) total += loss[i];
  const out = allocFloat(dtype, 1);
  out[0] = total / counted;
  return record(new Tensor(out, []), "crossEntropy", [logits], (g) => {
    const gx = allocFloat(dtype, xd.length);
    kern.crossEntropyBackward(xd, t, lse, rows, cols, ignoreIndex, g[0] / counted, gx);
    return [gx];
  });
}

/** Mean binary cross-entropy between logits and float targets of the same shape. */
export function bceWithLogits(logits: Tensor, targets: Tensor): Tensor {
  const dtype = logits.floatDType;
  if (!sameShape(logits.shape, targets.shape) || targets.dtype !== dtype) {
    throw new InputError(`bceWithLogits: logits ${fmt(logits.shape)} ${logits.dtype} and targets ${fmt(targets.shape)} ${targets.dtype} must match`);
  }
  const kern = kernelsFor(dtype);
  const xd = logits.floats("bceWithLogits");
  const yd = targets.floats("bceWithLogits");
  const each = allocFloat(dtype, xd.length);
  kern.bceWithLogits(xd, yd, each);
  let total = 0;
  for (let i = 0; i < each.length; i++) total += each[i];
  const out = allocFloat(dtype, 1);
  out[0] = total / each.length;
  return record(new Tensor(out, []), "bceWithLogits", [logits], (g) => {
    const scaled = allocFloat(dtype, xd.length).fill(g[0] / xd.length);
    const gx = allocFloat(dtype, xd.length);
    kern.bceWithLogitsBackward(xd, yd, scaled, gx);
    return [gx];
  });
}

/** Mean squared error. */
export function mseLoss(input: Tensor, target: Tensor): Tensor {
  if (!sameShape(input.shape, target.shape)) throw new InputError(`mseLoss: input ${fmt(input.shape)} and target ${fmt(target.shape)} differ`);
  const d = sub(input, target);
  return mean(mul(d, d));
}
