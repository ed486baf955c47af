/** LayerNorm over the last axis with learned scale γ and shift β (both of the last axis' size). */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { fmt } from "../shape.js";
import { allocFloat, Tensor } from "../tensor.js";

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
  const out = allocFloat(dtype, x.size);
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
