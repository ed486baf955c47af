/**
 * Moving rows between a padded (B·T, C) layout and a packed (N, C) one holding only real tokens.
 * Packing lets row-wise layers (Linear, LayerNorm, GELU) skip padding entirely: their cost then follows
 * the real token count. Both reuse the embedding kernels: packing is a gather, unpacking a scatter.
 */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { fmt } from "../shape.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

/** x (R, C) → (N, C) with rows `indices` (distinct, in [0, R)). */
export function gatherRows(x: Tensor, indices: Int32Array): Tensor {
  const dtype = x.floatDType;
  if (x.rank !== 2) throw new InputError(`gatherRows: expected (rows, C), got ${fmt(x.shape)}`);
  const [rows, c] = x.shape;
  const kern = kernelsFor(dtype);
  const out = allocOutput(dtype, indices.length * c);
  kern.gather(x.floats("gatherRows"), c, indices, out);
  return record(new Tensor(out, [indices.length, c]), "gatherRows", [x], (g) => {
    const gx = allocFloat(dtype, rows * c);
    kern.scatterAdd(g, c, indices, gx);
    return [gx];
  });
}

/** x (N, C) → (R, C) with row i at `indices[i]` and zeros elsewhere. */
export function scatterRows(x: Tensor, indices: Int32Array, rows: number): Tensor {
  const dtype = x.floatDType;
  if (x.rank !== 2 || x.shape[0] !== indices.length) throw new InputError(`scatterRows: expected (${indices.length}, C), got ${fmt(x.shape)}`);
  const c = x.shape[1];
  const kern = kernelsFor(dtype);
  const out = allocFloat(dtype, rows * c);
  kern.scatterAdd(x.floats("scatterRows"), c, indices, out);
  return record(new Tensor(out, [rows, c]), "scatterRows", [x], (g) => {
    const gx = allocFloat(dtype, x.size);
    kern.gather(g, c, indices, gx);
    return [gx];
  });
}
