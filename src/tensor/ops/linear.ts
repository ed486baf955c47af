/**
 * y = x·Wᵀ + b in one buffer: the bias rows are written first and the GEMM accumulates onto them,
 * so the output (for BERT's MLM head, B·T × 30522 floats) exists once, not twice.
 * x (..., in), W (out, in), b (out) → (..., out).
 */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { fmt } from "../shape.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

export function linear(x: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const dtype = x.floatDType;
  const inF = x.shape[x.rank - 1];
  if (weight.rank !== 2 || weight.shape[1] !== inF || bias.rank !== 1 || bias.size !== weight.shape[0] || weight.dtype !== dtype || bias.dtype !== dtype) {
    throw new InputError(`linear: input ${fmt(x.shape)} needs weight (out, ${inF}) and bias (out), got ${fmt(weight.shape)} and ${fmt(bias.shape)}`);
  }
  const outF = weight.shape[0];
  const rows = inF === 0 ? 0 : x.size / inF;
  const kern = kernelsFor(dtype);
  const xd = x.floats("linear");
  const wd = weight.floats("linear");
  const bd = bias.floats("linear");
  const out = allocOutput(dtype, rows * outF);
  kern.copyBlocks(bd, 0, 0, out, 0, outF, rows, outF, false); // every row starts as the bias
  kern.gemm({
    batch: 1, m: rows, n: outF, k: inF, transA: false, transB: true,
    a: xd, aOffset: 0, strideA: 0, b: wd, bOffset: 0, strideB: 0, c: out, cOffset: 0, strideC: 0, accumulate: true,
  });
  return record(new Tensor(out, [...x.shape.slice(0, -1), outF]), "linear", [x, weight, bias], (g) => {
    let gx = null;
    if (x.requiresGrad) {
      gx = allocOutput(dtype, xd.length); // G (rows, out) · W (out, in)
      kern.gemm({
        batch: 1, m: rows, n: inF, k: outF, transA: false, transB: false,
        a: g, aOffset: 0, strideA: 0, b: wd, bOffset: 0, strideB: 0, c: gx, cOffset: 0, strideC: 0, accumulate: false,
      });
    }
    const gw = allocOutput(dtype, wd.length); // Gᵀ (out, rows) · X (rows, in)
    kern.gemm({
      batch: 1, m: outF, n: inF, k: rows, transA: true, transB: false,
      a: g, aOffset: 0, strideA: 0, b: xd, bOffset: 0, strideB: 0, c: gw, cOffset: 0, strideC: 0, accumulate: false,
    });
    const gb = allocFloat(dtype, outF);
    kern.sumAxis(g, 1, rows, outF, gb);
    return [gx, gw, gb];
  });
}
