/** Sums and means, over every element or along one axis (the axis is kept out of the result). */
import { kernelsFor } from "../../backend/registry.js";
import { record } from "../autograd.js";
import { normAxis, splitAt } from "../shape.js";
import { allocFloat, Tensor } from "../tensor.js";
import { affine } from "./unary.js";

export function sum(x: Tensor, axis?: number): Tensor {
  const dtype = x.floatDType;
  const kern = kernelsFor(dtype);
  const xd = x.floats("sum");
  let outer = 1;
  let len = x.size;
  let inner = 1;
  let outShape: number[] = [];
  if (axis !== undefined) {
    const a = normAxis("sum", axis, x.rank);
    [outer, len, inner] = splitAt(x.shape, a);
    outShape = [...x.shape.slice(0, a), ...x.shape.slice(a + 1)];
  }
  const out = allocFloat(dtype, outer * inner);
  kern.sumAxis(xd, outer, len, inner, out);
  return record(new Tensor(out, outShape), "sum", [x], (g) => {
    // Broadcast g (outer, inner) back along the summed axis.
    const gx = allocFloat(dtype, xd.length);
    for (let o = 0; o < outer; o++) {
      for (let l = 0; l < len; l++) gx.set(g.subarray(o * inner, (o + 1) * inner), (o * len + l) * inner);
    }
    return [gx];
  });
}

export function mean(x: Tensor, axis?: number): Tensor {
  const count = axis === undefined ? x.size : x.shape[normAxis("mean", axis, x.rank)];
  return affine(sum(x, axis), 1 / count);
}
