/**
 * Shape and layout ops: reshape (shares the buffer), permute/transpose, slice and concat along an axis.
 * Tensors are contiguous, so permute, slice and concat copy.
 */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { fmt, normAxis, sizeOf, splitAt, type Shape } from "../shape.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

/** Same data, new shape; one axis may be -1 (inferred). Works for int32 tensors too. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw new InputError(`reshape: only one axis can be -1, got ${fmt(shape)}`);
  const rest = sizeOf(known);
  const resolved = shape.map((d) => (d === -1 ? (rest === 0 ? 0 : x.size / rest) : d));
  if (sizeOf(resolved) !== x.size || !resolved.every(Number.isInteger)) {
    throw new InputError(`reshape: cannot view ${fmt(x.shape)} (${x.size} elements) as ${fmt(shape)}`);
  }
  const out = new Tensor(x.data, resolved);
  if (!x.isFloat) return out;
  return record(out, "reshape", [x], (g) => [g]);
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const dtype = x.floatDType;
  const rank = x.rank;
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || !sorted.every((p, i) => p === i)) {
    throw new InputError(`permute: ${fmt(perm)} is not a permutation of the ${rank} axes of ${fmt(x.shape)}`);
  }
  const kern = kernelsFor(dtype);
  const outShape = perm.map((p) => x.shape[p]);
  const out = allocOutput(dtype, x.size);
  kern.permute(x.floats("permute"), x.shape, perm, out);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(new Tensor(out, outShape), "permute", [x], (g) => {
    const gx = allocFloat(dtype, g.length);
    kern.permute(g, outShape, inverse, gx);
    return [gx];
  });
}

/** Swaps two axes. */
export function transpose(x: Tensor, axis0: number, axis1: number): Tensor {
  const a = normAxis("transpose", axis0, x.rank);
  const b = normAxis("transpose", axis1, x.rank);
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Elements start ≤ i < end along `axis`. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const dtype = x.floatDType;
  const ax = normAxis("slice", axis, x.rank);
  const [outer, len, inner] = splitAt(x.shape, ax);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > len || start > end) {
    throw new InputError(`slice: [${start}, ${end}) is outside axis ${axis} of ${fmt(x.shape)}`);
  }
  const kern = kernelsFor(dtype);
  const n = end - start;
  const out = allocFloat(dtype, outer * n * inner);
  kern.copyBlocks(x.floats("slice"), start * inner, len * inner, out, 0, n * inner, outer, n * inner, false);
  const outShape = x.shape.map((d, i) => (i === ax ? n : d));
  return record(new Tensor(out, outShape), "slice", [x], (g) => {
    const gx = allocFloat(dtype, x.size);
    kern.copyBlocks(g, 0, n * inner, gx, start * inner, len * inner, outer, n * inner, false);
    return [gx];
  });
}

/** Joins tensors along `axis`; all other axes must agree. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new InputError("concat: needs at least one tensor");
  const first = xs[0];
  const dtype = first.floatDType;
  const ax = normAxis("concat", axis, first.rank);
  for (const x of xs) {
    if (x.dtype !== dtype || x.rank !== first.rank || x.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new InputError(`concat: ${fmt(x.shape)} ${x.dtype} does not match ${fmt(first.shape)} ${dtype} outside axis ${axis}`);
    }
  }
  const [outer, , inner] = splitAt(first.shape, ax);
  const total = xs.reduce((s, x) => s + x.shape[ax], 0);
  const kern = kernelsFor(dtype);
  const out = allocFloat(dtype, outer * total * inner);
  let offset = 0;
  const offsets: number[] = [];
  for (const x of xs) {
    const len = x.shape[ax] * inner;
    offsets.push(offset);
    kern.copyBlocks(x.floats("concat"), 0, len, out, offset, total * inner, outer, len, false);
    offset += len;
  }
  const outShape = first.shape.map((d, i) => (i === ax ? total : d));
  return record(new Tensor(out, outShape), "concat", [...xs], (g) =>
    xs.map((x, k) => {
      const len = x.shape[ax] * inner;
      const gx = allocFloat(dtype, x.size);
      kern.copyBlocks(g, offsets[k], total * inner, gx, 0, len, outer, len, false);
      return gx;
    }),
  );
}
