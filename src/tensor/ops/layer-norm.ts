/** LayerNorm over the last axis with learned scale γ and shift β (both of the last axis' size). */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { needsGrad, record } from "../autograd.js";
import { fmt, sameShape } from "../shape.js";
import { trackScratch } from "../scope.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const dtype = x.floatDType;
  const cols = x.shape[x.rank - 1];
  if (gamma.size !== cols || beta.size !== cols) {
    throw new InputError(`layerNorm: input ${fmt(x.shape)} needs γ and β of size ${cols}, got ${fmt(gamma.shape)} and ${fmt(beta.shape)}`);
  }
  const rows = cols === 0 ? 0 : x.size / cols;
  const kern = kernelsFor(dtype);
  const xd = x.floats("layerNorm");
  const gd = gamma.floats("layerNorm");
  const out = allocOutput(dtype, x.size);
  const mean = allocFloat(dtype, rows);
  const rstd = allocFloat(dtype, rows);
  kern.layerNorm(xd, gd, beta.floats("layerNorm"), rows, cols, eps, out, mean, rstd);
  return record(new Tensor(out, x.shape), "layerNorm", [x, gamma, beta], (g) => {
    const gx = allocFloat(dtype, x.size);
    const gGamma = allocFloat(dtype, cols);
    const gBeta = allocFloat(dtype, cols);
    kern.layerNormBackward(xd, gd, mean, rstd, g, rows, cols, gx, gGamma, gBeta);
    return [x.requiresGrad ? gx : null, gGamma, gBeta];
  });
}

/** LayerNorm(x + residual): the residual block of a post-LN Transformer, fused. */
export function addLayerNorm(x: Tensor, residual: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const dtype = x.floatDType;
  const cols = x.shape[x.rank - 1];
  if (!sameShape(x.shape, residual.shape)) throw new InputError(`addLayerNorm: input ${fmt(x.shape)} and residual ${fmt(residual.shape)} differ`);
  if (gamma.size !== cols || beta.size !== cols) {
    throw new InputError(`addLayerNorm: input ${fmt(x.shape)} needs γ and β of size ${cols}, got ${fmt(gamma.shape)} and ${fmt(beta.shape)}`);
  }
  const rows = cols === 0 ? 0 : x.size / cols;
  const kern = kernelsFor(dtype);
  const gd = gamma.floats("addLayerNorm");
  const out = allocOutput(dtype, x.size);
  // x + residual, kept for the backward; without one the kernel writes it into `out` and normalizes it there.
  const sum = needsGrad([x, residual, gamma, beta]) ? allocOutput(dtype, x.size) : out;
  if (sum !== out) trackScratch(sum);
  const mean = allocFloat(dtype, rows);
  const rstd = allocFloat(dtype, rows);
  kern.addLayerNorm(x.floats("addLayerNorm"), residual.floats("addLayerNorm"), gd, beta.floats("addLayerNorm"), rows, cols, eps, out, sum, mean, rstd);
  return record(new Tensor(out, x.shape), "addLayerNorm", [x, residual, gamma, beta], (g) => {
    const gx = allocFloat(dtype, x.size);
    const gGamma = allocFloat(dtype, cols);
    const gBeta = allocFloat(dtype, cols);
    kern.layerNormBackward(sum, gd, mean, rstd, g, rows, cols, gx, gGamma, gBeta);
    return [gx, gx, gGamma, gBeta]; // d(x + r)/dx = d(x + r)/dr = 1; the engine copies the shared array
  });
}
