/** Broadcasting elementwise arithmetic: add, sub, mul, div (tensor ⊙ tensor or tensor ⊙ number). */
import type { BinaryOp, FloatArray } from "../../backend/kernels.js";
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { broadcastShapes, broadcastStrides, sameShape, sizeOf, type Shape } from "../shape.js";
import { allocFloat, type FloatDType, Tensor } from "../tensor.js";

/** Sums a gradient of shape `from` down to the shape `to` it was broadcast from. */
export function reduceToShape(dtype: FloatDType, g: FloatArray, from: Shape, to: Shape): FloatArray {
  if (sameShape(from, to)) return g;
  const kern = kernelsFor(dtype);
  let cur = g;
  let curShape = [...from];
  const padded = [...new Array<number>(from.length - to.length).fill(1), ...to];
  for (let axis = 0; axis < from.length; axis++) {
    if (padded[axis] !== 1 || curShape[axis] === 1) continue;
    const outer = sizeOf(curShape.slice(0, axis));
    const inner = sizeOf(curShape.slice(axis + 1));
    const next = allocFloat(dtype, outer * inner);
    kern.sumAxis(cur, outer, curShape[axis], inner, next);
    cur = next;
    curShape = [...curShape.slice(0, axis), 1, ...curShape.slice(axis + 1)];
  }
  return cur;
}

function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const dtype = a.floatDType;
  if (b.dtype !== dtype) throw new InputError(`${op}: dtypes differ (${a.dtype} and ${b.dtype})`);
  const outShape = broadcastShapes(op, a.shape, b.shape);
  const kern = kernelsFor(dtype);
  const ad = a.floats(op);
  const bd = b.floats(op);
  const out = allocFloat(dtype, sizeOf(outShape));
  kern.broadcastBinary({ op, a: ad, aStrides: broadcastStrides(a.shape, outShape), b: bd, bStrides: broadcastStrides(b.shape, outShape), out, outShape });
  const result = new Tensor(out, outShape);

  return record(result, op, [a, b], (g) => {
    const outStrides = broadcastStrides(outShape, outShape);
    // x (of the output's shape) op y (broadcast from yShape), into a fresh array.
    const elementwise = (x: FloatArray, y: FloatArray, yShape: Shape, fop: BinaryOp): FloatArray => {
      const r = allocFloat(dtype, g.length);
      kern.broadcastBinary({ op: fop, a: x, aStrides: outStrides, b: y, bStrides: broadcastStrides(yShape, outShape), out: r, outShape });
      return r;
    };
    let ga: FloatArray | null = null;
    let gb: FloatArray | null = null;
    switch (op) {
      case "add":
        if (a.requiresGrad) ga = reduceToShape(dtype, g, outShape, a.shape);
        if (b.requiresGrad) gb = reduceToShape(dtype, g, outShape, b.shape);
        break;
      case "sub":
        if (a.requiresGrad) ga = reduceToShape(dtype, g, outShape, a.shape);
        if (b.requiresGrad) {
          const neg = allocFloat(dtype, g.length);
          kern.affineScalar(g, -1, 0, neg);
          gb = reduceToShape(dtype, neg, outShape, b.shape);
        }
        break;
      case "mul":
        if (a.requiresGrad) ga = reduceToShape(dtype, elementwise(g, bd, b.shape, "mul"), outShape, a.shape);
        if (b.requiresGrad) gb = reduceToShape(dtype, elementwise(g, ad, a.shape, "mul"), outShape, b.shape);
        break;
      case "div":
        if (a.requiresGrad) ga = reduceToShape(dtype, elementwise(g, bd, b.shape, "div"), outShape, a.shape);
        if (b.requiresGrad) {
          // d(a/b)/db = −a/b² = −out/b
          const r = elementwise(elementwise(g, out, outShape, "mul"), bd, b.shape, "div");
          kern.affineScalar(r, -1, 0, r);
          gb = reduceToShape(dtype, r, outShape, b.shape);
        }
        break;
    }
    return [ga, gb];
  });
}

function asTensor(x: Tensor | number, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const t = new Tensor(allocFloat(like.floatDType, 1), []);
  t.data[0] = x;
  return t;
}

export const add = (a: Tensor, b: Tensor | number): Tensor => binary("add", a, asTensor(b, a));
export const sub = (a: Tensor, b: Tensor | number): Tensor => binary("sub", a, asTensor(b, a));
export const mul = (a: Tensor, b: Tensor | number): Tensor => binary("mul", a, asTensor(b, a));
export const div = (a: Tensor, b: Tensor | number): Tensor => binary("div", a, asTensor(b, a));
